"""Importing master data from a previous system: customers, vendors, bank accounts, text-to-account mappings.

An existing number (or mapping text) is updated, a new one created. Columns the header leaves out
are left alone on existing records; a column that is present but empty takes the default (no
payment terms, LCY, no e-mail...), except the posting group, which an existing record keeps and a
new one takes from the company when there is only one group. IBAN / bank account no. of customers
and vendors become their bank account with code MAIN (created, or updated when it exists; empty
values leave an existing MAIN account alone).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from receivables.models import (
    BankAccount,
    BankAccountLedgerEntry,
    BankAccountPostingGroup,
    CompanySetup,
    Currency,
    Customer,
    CustomerBankAccount,
    CustomerPostingGroup,
    GLAccount,
    PaymentTerms,
    Vendor,
    VendorBankAccount,
    VendorPostingGroup,
)

from . import ImportResult
from .csvfile import REQUIRED, CsvFile, Row, RowChecker, read_csv

CUSTOMERS = "customers"
VENDORS = "vendors"
BANK_ACCOUNTS = "bank_accounts"
TEXT_TO_ACCOUNT_MAPPINGS = "text_to_account_mappings"
KINDS = (CUSTOMERS, VENDORS, BANK_ACCOUNTS, TEXT_TO_ACCOUNT_MAPPINGS)
BANK_ACCOUNT_CODE = "MAIN"
BATCH = 1000

DUPLICATE_KEY = _("%(value)s appears more than once in the file (first on line %(line)s).")
UNKNOWN_CODE = _("There is no %(what)s %(code)s.")
GROUP_REQUIRED = _("There is more than one %(what)s: name one (%(codes)s).")
NO_GROUP = _("There is no %(what)s yet: set one up first.")
COUNTRY_CODE_INVALID = _("'%(value)s' is not a country code: use two letters, such as NO or SE.")
BANK_CURRENCY_HAS_ENTRIES = _(
    "Bank account %(no)s has ledger entries in %(old)s; its currency cannot change to %(new)s."
)
GL_ACCOUNT_MISSING = _("G/L account %(no)s does not exist.")
GL_ACCOUNT_HEADING = _("G/L account %(no)s is a heading and cannot be posted to.")
ACCOUNT_MISSING = _("%(type)s %(no)s does not exist.")
MAPPING_NEEDS_GL_ACCOUNT = _("A mapping to a G/L account needs a debit acc. no. or a credit acc. no.")
MAPPING_SOURCE_NO_UNUSED = _(
    "Bal. source no. is used with a customer, vendor or bank account; leave it empty for a G/L account."
)

PARTY_COLUMNS = [
    "no", "name", "org_no", "iban", "bank_account_no", "email", "country_code", "currency_code", "payment_terms_code",
]
BANK_ACCOUNT_COLUMNS = ["no", "name", "iban", "bank_account_no", "currency_code", "bank_account_posting_group"]
MAPPING_COLUMNS = ["mapping_text", "debit_acc_no", "credit_acc_no", "bal_source_type", "bal_source_no"]
_COUNTRY = re.compile(r"[A-Z]{2}")


def columns_of(kind: str) -> list[str]:
    """The columns a file of this kind may have, in the documented order."""
    if kind == CUSTOMERS:
        return PARTY_COLUMNS + ["customer_posting_group"]
    if kind == VENDORS:
        return PARTY_COLUMNS + ["vendor_posting_group"]
    if kind == BANK_ACCOUNTS:
        return BANK_ACCOUNT_COLUMNS
    if kind == TEXT_TO_ACCOUNT_MAPPINGS:
        return MAPPING_COLUMNS
    raise ValueError(kind)


def import_master_data(*, kind: str, data: bytes, name: str, dry_run: bool = False) -> ImportResult:
    """Validate the whole file, then create and update the records in one transaction.

    Raises ImportRejected (every bad row) and writes nothing when any row is bad; with `dry_run`
    it stops after validating and returns what it would have done.
    """
    key = "mapping_text" if kind == TEXT_TO_ACCOUNT_MAPPINGS else "no"
    csv_file = read_csv(data, name=name, columns=columns_of(kind), required=[key])
    if kind in (CUSTOMERS, VENDORS):
        plan = _plan_parties(PARTIES[kind], csv_file)
    elif kind == BANK_ACCOUNTS:
        plan = _plan_bank_accounts(csv_file)
    else:
        plan = _plan_mappings(csv_file)
    if not dry_run:
        with transaction.atomic():
            plan.write()
    return ImportResult(
        imported=len(csv_file.rows), created=len(plan.new), updated=len(plan.changed), dry_run=dry_run
    )


@dataclass
class Plan:
    """Validated, unsaved records and how to save them."""

    model: type[models.Model]
    new: list[models.Model]
    changed: list[models.Model]
    fields: list[str]
    after: Callable[[], None] | None = None

    def write(self) -> None:
        self.model.objects.bulk_create(self.new, batch_size=BATCH)
        if self.changed and self.fields:
            self.model.objects.bulk_update(self.changed, self.fields, batch_size=BATCH)
        if self.after is not None:
            self.after()


def _unique_keys(checker: RowChecker, rows: list[Row], column: str) -> None:
    first: dict[str, int] = {}
    for row in rows:
        value = row[column]
        if value and value in first:
            checker.fail(row, column, DUPLICATE_KEY % {"value": value, "line": first[value]})
        first.setdefault(value, row.line)


def _existing(model: type[models.Model], rows: list[Row], column: str, field_name: str) -> dict:
    values = {row[column] for row in rows if row[column]}
    # in_bulk splits the IN list into batches the database accepts.
    return model.objects.in_bulk(list(values), field_name=field_name) if values else {}


def _currency(checker: RowChecker, row: Row, lcy: str, currencies: dict[str, Currency]) -> Currency | None:
    code = row["currency_code"].upper()
    if not code or code == lcy:
        return None
    currency = currencies.get(code)
    if currency is None:
        checker.fail(row, "currency_code", UNKNOWN_CODE % {"what": Currency._meta.verbose_name, "code": code})
    return currency


def _posting_group(checker: RowChecker, row: Row, column: str, groups: dict, current):
    """The named group; else the record's own; else the only group there is."""
    code = row[column]
    what = next(iter(groups.values()))._meta.verbose_name if groups else column.replace("_", " ")
    if code:
        group = groups.get(code)
        if group is None:
            checker.fail(row, column, UNKNOWN_CODE % {"what": what, "code": code})
        return group
    if current is not None:
        return current
    if len(groups) == 1:
        return next(iter(groups.values()))
    if not groups:
        checker.fail(row, column, NO_GROUP % {"what": column.replace("_", " ")})
    else:
        checker.fail(row, column, GROUP_REQUIRED % {"what": what, "codes": ", ".join(sorted(groups))})
    return None


@dataclass(frozen=True)
class PartySpec:
    model: type[models.Model]
    group_model: type[models.Model]
    group_column: str
    bank_model: type[models.Model]
    bank_fk: str


PARTIES = {
    CUSTOMERS: PartySpec(Customer, CustomerPostingGroup, "customer_posting_group", CustomerBankAccount, "customer"),
    VENDORS: PartySpec(Vendor, VendorPostingGroup, "vendor_posting_group", VendorBankAccount, "vendor"),
}


def _plan_parties(spec: PartySpec, csv_file: CsvFile) -> Plan:
    checker = RowChecker(csv_file)
    rows, present = csv_file.rows, set(csv_file.columns)
    _unique_keys(checker, rows, "no")
    existing = _existing(spec.model, rows, "no", "no")
    groups = {g.code: g for g in spec.group_model.objects.all()}
    groups_by_id = {g.pk: g for g in groups.values()}
    terms = {t.code: t for t in PaymentTerms.objects.all()}
    currencies = {c.code: c for c in Currency.objects.all()}
    lcy = CompanySetup.get().lcy_code.upper()
    field = spec.model._meta.get_field
    bank_field = spec.bank_model._meta.get_field
    new, changed, banks = [], [], []
    for row in rows:
        no = checker.field(row, "no", field("no"))
        party = existing.get(no) if no else None
        if party is None:
            party = spec.model(no=no or "")
            if "name" not in present:
                checker.fail(row, "name", REQUIRED)
        for column in ("name", "org_no", "email"):
            if column in present:
                setattr(party, column, checker.field(row, column, field(column)))
        if "country_code" in present:
            country = row["country_code"].upper()
            if country and not _COUNTRY.fullmatch(country):
                checker.fail(row, "country_code", COUNTRY_CODE_INVALID % {"value": row["country_code"]})
            party.country_code = country
        if "currency_code" in present:
            party.currency = _currency(checker, row, lcy, currencies)
        if "payment_terms_code" in present:
            code = row["payment_terms_code"]
            party.payment_terms = terms.get(code) if code else None
            if code and party.payment_terms is None:
                checker.fail(row, "payment_terms_code", UNKNOWN_CODE % {"what": PaymentTerms._meta.verbose_name,
                                                                         "code": code})
        current = groups_by_id.get(party.posting_group_id) if party.pk else None
        party.posting_group = _posting_group(checker, row, spec.group_column, groups, current)
        bank = {}
        for column in ("iban", "bank_account_no"):
            if column in present:
                bank[column] = checker.field(row, column, bank_field(column))
        if any(bank.values()):
            banks.append((party, bank))
        (changed if party.pk else new).append(party)
    checker.raise_if_any()
    fields = [f for f in ("name", "org_no", "email", "country_code") if f in present]
    fields += [f for f, column in (("currency", "currency_code"), ("payment_terms", "payment_terms_code"))
               if column in present]
    fields.append("posting_group")

    def write_bank_accounts() -> None:
        _upsert_bank_accounts(spec, banks)

    return Plan(spec.model, new, changed, fields, after=write_bank_accounts)


def _upsert_bank_accounts(spec: PartySpec, banks: list[tuple[models.Model, dict[str, str]]]) -> None:
    """Create or update each party's MAIN bank account. Runs after the parties are saved (they have pks now)."""
    party_ids = [party.pk for party, _values in banks]
    existing = {}
    for start in range(0, len(party_ids), BATCH):
        chunk = party_ids[start:start + BATCH]
        for account in spec.bank_model.objects.filter(code=BANK_ACCOUNT_CODE, **{f"{spec.bank_fk}_id__in": chunk}):
            existing[getattr(account, f"{spec.bank_fk}_id")] = account
    new, changed = [], []
    for party, values in banks:
        account = existing.get(party.pk)
        if account is None:
            account = spec.bank_model(code=BANK_ACCOUNT_CODE, **{spec.bank_fk: party})
            new.append(account)
        else:
            changed.append(account)
        for column, value in values.items():
            setattr(account, column, value)
        # bulk_create / bulk_update bypass save(), which keeps the normalized lookup copies.
        account.normalize()
    spec.bank_model.objects.bulk_create(new, batch_size=BATCH)
    spec.bank_model.objects.bulk_update(
        changed, ["iban", "bank_account_no", "iban_normalized", "bank_account_digits"], batch_size=BATCH
    )


def _plan_bank_accounts(csv_file: CsvFile) -> Plan:
    checker = RowChecker(csv_file)
    rows, present = csv_file.rows, set(csv_file.columns)
    _unique_keys(checker, rows, "no")
    existing = _existing(BankAccount, rows, "no", "no")
    groups = {g.code: g for g in BankAccountPostingGroup.objects.all()}
    groups_by_id = {g.pk: g for g in groups.values()}
    currencies = {c.code: c for c in Currency.objects.all()}
    currencies_by_id = {c.pk: c for c in currencies.values()}
    lcy = CompanySetup.get().lcy_code.upper()
    with_entries = set(
        BankAccountLedgerEntry.objects.filter(bank_account__in=list(existing.values()))
        .values_list("bank_account_id", flat=True).distinct()
    ) if existing else set()
    field = BankAccount._meta.get_field
    new, changed = [], []
    for row in rows:
        no = checker.field(row, "no", field("no"))
        bank = existing.get(no) if no else None
        if bank is None:
            bank = BankAccount(no=no or "")
            if "name" not in present:
                checker.fail(row, "name", REQUIRED)
        for column in ("name", "iban", "bank_account_no"):
            if column in present:
                setattr(bank, column, checker.field(row, column, field(column)))
        if "currency_code" in present:
            old = currencies_by_id.get(bank.currency_id) if bank.pk else None
            currency = _currency(checker, row, lcy, currencies)
            if bank.pk in with_entries and old != currency:
                checker.fail(row, "currency_code", BANK_CURRENCY_HAS_ENTRIES % {
                    "no": bank.no, "old": old.code if old else lcy, "new": currency.code if currency else lcy,
                })
            bank.currency = currency
        current = groups_by_id.get(bank.posting_group_id) if bank.pk else None
        bank.posting_group = _posting_group(checker, row, "bank_account_posting_group", groups, current)
        (changed if bank.pk else new).append(bank)
    checker.raise_if_any()
    fields = [f for f in ("name", "iban", "bank_account_no") if f in present]
    if "currency_code" in present:
        fields.append("currency")
    fields.append("posting_group")
    return Plan(BankAccount, new, changed, fields)


def mapping_model() -> type[models.Model]:
    # The mapping table belongs to banking; receivables does not import banking (DESIGN.md section 3).
    return apps.get_model("banking", "TextToAccountMapping")


def _plan_mappings(csv_file: CsvFile) -> Plan:
    model = mapping_model()
    checker = RowChecker(csv_file)
    rows, present = csv_file.rows, set(csv_file.columns)
    _unique_keys(checker, rows, "mapping_text")
    existing = _existing(model, rows, "mapping_text", "mapping_text")
    field = model._meta.get_field
    source_types = [value for value, _label in field("bal_source_type").choices]
    wanted: dict[str, set[str]] = {value: set() for value in source_types}
    for row in rows:
        wanted["gl_account"].update(v for v in (row["debit_acc_no"], row["credit_acc_no"]) if v)
        source_type = (row["bal_source_type"] or "gl_account").lower()
        if source_type in wanted and row["bal_source_no"]:
            wanted[source_type].add(row["bal_source_no"])
    gl_accounts = {a.no: a for a in GLAccount.objects.filter(no__in=wanted["gl_account"])}
    known = {
        "customer": set(Customer.objects.filter(no__in=wanted["customer"]).values_list("no", flat=True)),
        "vendor": set(Vendor.objects.filter(no__in=wanted["vendor"]).values_list("no", flat=True)),
        "bank_account": set(BankAccount.objects.filter(no__in=wanted["bank_account"]).values_list("no", flat=True)),
    }
    labels = dict(field("bal_source_type").choices)
    new, changed = [], []
    for row in rows:
        text = checker.field(row, "mapping_text", field("mapping_text"))
        mapping = existing.get(text) if text else None
        if mapping is None:
            mapping = model(mapping_text=text or "")
        for column in ("debit_acc_no", "credit_acc_no", "bal_source_no"):
            if column in present:
                setattr(mapping, column, checker.field(row, column, field(column)) or "")
        if "bal_source_type" in present:
            mapping.bal_source_type = checker.choice(row, "bal_source_type", source_types, default="gl_account")
        for column in ("debit_acc_no", "credit_acc_no"):
            no = getattr(mapping, column)
            if no and column in present:
                account = gl_accounts.get(no)
                if account is None:
                    checker.fail(row, column, GL_ACCOUNT_MISSING % {"no": no})
                elif account.account_type != GLAccount.Kind.POSTING:
                    checker.fail(row, column, GL_ACCOUNT_HEADING % {"no": no})
        source_type = mapping.bal_source_type
        if source_type == "gl_account":
            if not mapping.debit_acc_no and not mapping.credit_acc_no:
                checker.fail(row, "debit_acc_no", MAPPING_NEEDS_GL_ACCOUNT)
            if mapping.bal_source_no:
                checker.fail(row, "bal_source_no", MAPPING_SOURCE_NO_UNUSED)
        elif source_type in known:
            if not mapping.bal_source_no:
                checker.fail(row, "bal_source_no", REQUIRED)
            elif mapping.bal_source_no not in known[source_type]:
                checker.fail(row, "bal_source_no", ACCOUNT_MISSING % {"type": labels[source_type],
                                                                      "no": mapping.bal_source_no})
        (changed if mapping.pk else new).append(mapping)
    checker.raise_if_any()
    fields = [f for f in ("debit_acc_no", "credit_acc_no", "bal_source_type", "bal_source_no") if f in present]
    return Plan(model, new, changed, fields)
