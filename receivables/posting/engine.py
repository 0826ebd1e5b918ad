"""The posting engine: the only code that writes ledger entries (NAV "Gen. Jnl.-Post Line").

`post(lines)` validates every line first, then writes everything in one atomic block: one
transaction no. per balanced document (posting date + document no.), one G/L register per run.
Any error raises PostingError naming the line and the field, and nothing is written.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db import transaction
from django.db.models import Q

from receivables.lib.bulk import new_row
from receivables.lib.collector import paused_garbage_collection
from receivables.lib.dateformula import calc_date
from receivables.lib.money import ZERO, round_amount
from receivables.models import (
    AccountType,
    ApplicationMethod,
    BankAccount,
    BankAccountLedgerEntry,
    Blocked,
    CompanySetup,
    Customer,
    CustomerPostingGroup,
    DetailedEntryType,
    DocumentType,
    GenJournalLine,
    GLAccount,
    GLEntry,
    GLRegister,
    Vendor,
    VendorPostingGroup,
)

from . import errors as E
from .application import (
    ApplicationOptions,
    add_detail,
    apply_entries,
    post_application_control_gl,
)
from .context import Rates, TransactionContext
from .errors import PostingError
from .parties import CUSTOMER, KINDS, VENDOR, PartyKind
from .writer import LedgerWriter, gl_entry

GROUP_ACCOUNTS = [
    "payment_disc_debit_acc", "payment_disc_credit_acc", "payment_tolerance_debit_acc",
    "payment_tolerance_credit_acc", "debit_curr_appln_rndg_acc", "credit_curr_appln_rndg_acc",
]
TOLERANCE_DOCUMENTS = {DocumentType.INVOICE, DocumentType.CREDIT_MEMO}


@dataclass
class PostingResult:
    register: GLRegister | None
    transaction_nos: list[int]
    gl_entries: list
    cust_entries: list
    vendor_entries: list
    bank_entries: list
    detailed_cust_entries: list
    detailed_vendor_entries: list


class _PreviewRollback(Exception):
    def __init__(self, result: PostingResult) -> None:
        self.result = result


@dataclass
class Accounts:
    """Every account the lines name, read in one query per type."""

    gl: dict[str, GLAccount] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    vendors: dict[str, Vendor] = field(default_factory=dict)
    banks: dict[str, BankAccount] = field(default_factory=dict)
    customer_groups: dict[int, CustomerPostingGroup] = field(default_factory=dict)
    vendor_groups: dict[int, VendorPostingGroup] = field(default_factory=dict)

    @classmethod
    def load(cls, lines: Sequence[GenJournalLine]) -> Accounts:
        wanted: dict[str, set[str]] = defaultdict(set)
        for line in lines:
            if line.account_no:
                wanted[line.account_type].add(line.account_no)
            if line.bal_account_no:
                wanted[line.bal_account_type or AccountType.GL_ACCOUNT].add(line.bal_account_no)
        accounts = cls()
        accounts.customer_groups = {
            g.pk: g for g in CustomerPostingGroup.objects.select_related("receivables_account", *GROUP_ACCOUNTS)
        }
        accounts.vendor_groups = {
            g.pk: g for g in VendorPostingGroup.objects.select_related("payables_account", *GROUP_ACCOUNTS)
        }
        if wanted[AccountType.GL_ACCOUNT]:
            accounts.gl = {a.no: a for a in GLAccount.objects.filter(no__in=wanted[AccountType.GL_ACCOUNT])}
        if wanted[AccountType.CUSTOMER]:
            accounts.customers = {c.no: c for c in Customer.objects.filter(no__in=wanted[AccountType.CUSTOMER])}
            for c in accounts.customers.values():
                c.posting_group = accounts.customer_groups[c.posting_group_id]
        if wanted[AccountType.VENDOR]:
            accounts.vendors = {v.no: v for v in Vendor.objects.filter(no__in=wanted[AccountType.VENDOR])}
            for v in accounts.vendors.values():
                v.posting_group = accounts.vendor_groups[v.posting_group_id]
        if wanted[AccountType.BANK_ACCOUNT]:
            accounts.banks = {
                b.no: b
                for b in BankAccount.objects.filter(no__in=wanted[AccountType.BANK_ACCOUNT]).select_related(
                    "posting_group__gl_account", "currency"
                )
            }
        return accounts

    def party(self, kind: PartyKind, no: str):
        return (self.customers if kind is CUSTOMER else self.vendors).get(no)

    def group(self, kind: PartyKind, group_id: int):
        return (self.customer_groups if kind is CUSTOMER else self.vendor_groups)[group_id]


def _legs(line: GenJournalLine) -> list[tuple[str, str, int, bool]]:
    """(account type, account no., sign, is the main account) for the account and the balancing account."""
    legs = [(line.account_type, line.account_no, 1, True)]
    if line.bal_account_no:
        legs.append((line.bal_account_type or AccountType.GL_ACCOUNT, line.bal_account_no, -1, False))
    return legs


def _line_label(line: GenJournalLine, index: int) -> int:
    return line.line_no or index + 1


def validate_lines(
    lines: Sequence[GenJournalLine], *, setup: CompanySetup | None = None, user=None, accounts: Accounts | None = None
) -> list[PostingError]:
    """Every error in the lines at once (the Test Report); `post` refuses on the first."""
    setup = setup or CompanySetup.get()
    accounts = accounts or Accounts.load(lines)
    rates = Rates(setup.lcy_code)
    problems: list[PostingError] = []
    for index, line in enumerate(lines):
        no = _line_label(line, index)
        problems += _validate_line(line, no, setup=setup, accounts=accounts, rates=rates, user=user)
    if not problems:
        problems += _validate_balance(lines, rates)
    return problems


def _validate_line(line, no, *, setup, accounts: Accounts, rates: Rates, user) -> list[PostingError]:
    found: list[PostingError] = []

    def fail(message, field_name: str) -> None:
        found.append(PostingError(message, line_no=no, field=field_name, document_no=line.document_no))

    if not line.document_no:
        fail(E.DOCUMENT_NO_MISSING, "document_no")
    if not line.posting_date:
        fail(E.POSTING_DATE_NOT_ALLOWED, "posting_date")
    elif not setup.is_posting_date_allowed(line.posting_date, user):
        fail(E.POSTING_DATE_NOT_ALLOWED, "posting_date")
    if not line.account_no:
        fail(E.ACCOUNT_NO_MISSING, "account_no")
    if line.amount == 0:
        fail(E.AMOUNT_ZERO, "amount")
    if line.applies_to_doc_no and line.applies_to_id:
        fail(E.BOTH_APPLIES_TO, "applies_to_id")
    try:
        rates.currency(line.currency_code)
        if line.posting_date:
            rates.lcy_per_unit(line.currency_code, line.posting_date)
    except PostingError as error:
        fail(error.message, "currency_code")
    for account_type, account_no, _sign, main in _legs(line):
        field_name = "account_no" if main else "bal_account_no"
        if not account_no:
            continue
        label = AccountType(account_type).label
        if account_type == AccountType.GL_ACCOUNT:
            account = accounts.gl.get(account_no)
            if account is None:
                fail(E.ACCOUNT_MISSING % {"type": label, "no": account_no}, field_name)
            elif account.blocked:
                fail(E.ACCOUNT_BLOCKED % {"type": label, "no": account_no}, field_name)
            elif account.account_type != GLAccount.Kind.POSTING:
                fail(E.GL_ACCOUNT_NOT_POSTING % {"no": account_no}, field_name)
            elif not account.direct_posting:
                fail(E.GL_NO_DIRECT_POSTING % {"no": account_no}, field_name)
        elif account_type in KINDS:
            kind = KINDS[account_type]
            party = accounts.party(kind, account_no)
            if party is None:
                fail(E.ACCOUNT_MISSING % {"type": label, "no": account_no}, field_name)
            elif party.blocked == Blocked.ALL:
                message = E.CUSTOMER_BLOCKED if kind is CUSTOMER else E.VENDOR_BLOCKED
                fail(message % {"no": account_no}, field_name)
        elif account_type == AccountType.BANK_ACCOUNT:
            bank = accounts.banks.get(account_no)
            if bank is None:
                fail(E.ACCOUNT_MISSING % {"type": label, "no": account_no}, field_name)
            elif bank.blocked:
                fail(E.ACCOUNT_BLOCKED % {"type": label, "no": account_no}, field_name)
            elif bank.currency_id and bank.currency.code != (line.currency_code or setup.lcy_code):
                fail(
                    E.BANK_CURRENCY_MISMATCH
                    % {"line": line.currency_code or setup.lcy_code, "bank": bank.currency.code, "no": bank.no},
                    "currency_code",
                )
    return found


def _amount_lcy(line: GenJournalLine, rates: Rates) -> Decimal:
    if line.amount_lcy is not None and line.currency_code:
        return line.amount_lcy
    return rates.to_lcy(line.currency_code, line.posting_date, line.amount)


def _transactions(lines: Sequence[GenJournalLine]) -> list[list[tuple[int, GenJournalLine]]]:
    """Consecutive lines with the same posting date and document no. form one transaction."""
    indexed = list(enumerate(lines))
    return [list(group) for _key, group in groupby(indexed, key=lambda p: (p[1].posting_date, p[1].document_no))]


def _validate_balance(lines: Sequence[GenJournalLine], rates: Rates) -> list[PostingError]:
    found = []
    for group in _transactions(lines):
        total = sum((_amount_lcy(line, rates) for _i, line in group if not line.bal_account_no), ZERO)
        if total != 0:
            index, line = group[-1]
            found.append(
                PostingError(
                    E.OUT_OF_BALANCE % {"doc": line.document_no, "date": line.posting_date, "amount": total},
                    line_no=_line_label(line, index),
                    field="amount",
                    document_no=line.document_no,
                )
            )
    return found


def post(
    lines: Iterable[GenJournalLine],
    *,
    user=None,
    source_code: str = "",
    preview: bool = False,
    accept_payment_tolerance: bool | None = None,
    accept_late_discount: bool | None = None,
    delete_journal_lines: bool = True,
) -> PostingResult:
    """Post general journal lines. All or nothing; returns what was written (or would be, with preview).

    accept_payment_tolerance / accept_late_discount answer NAV's two warning dialogs; None takes the
    company setup (warning off: accept silently; warning on: the dialog's default, which is to decline).
    """
    lines = list(lines)
    setup = CompanySetup.get()
    accounts = Accounts.load(lines)
    problems = validate_lines(lines, setup=setup, user=user, accounts=accounts)
    if problems:
        raise problems[0]
    if accept_payment_tolerance is None:
        accept_payment_tolerance = not setup.payment_tolerance_warning
    if accept_late_discount is None:
        accept_late_discount = not setup.pmt_disc_tolerance_warning
    try:
        with transaction.atomic(), paused_garbage_collection():
            result = _write(
                lines, setup=setup, accounts=accounts, user=user, source_code=source_code,
                accept_payment_tolerance=accept_payment_tolerance, accept_late_discount=accept_late_discount,
                delete_journal_lines=delete_journal_lines,
            )
            if preview:
                raise _PreviewRollback(result)
    except _PreviewRollback as rollback:
        return rollback.result
    return result


def next_transaction_nos(count: int) -> tuple[CompanySetup, int]:
    """Reserve `count` transaction numbers. Locking the setup row serializes postings, like NAV's table lock."""
    setup = CompanySetup.objects.select_for_update().get(pk=CompanySetup.get().pk)
    first = setup.last_transaction_no + 1
    setup.last_transaction_no += count
    setup.save(update_fields=["last_transaction_no"])
    return setup, first


def start_run(*, user, source_code: str, transactions: int = 1, batch_name: str = "") -> tuple[CompanySetup, LedgerWriter, int]:
    """Begin a posting run inside the caller's atomic block: reserve numbers and open the G/L register."""
    setup, first_no = next_transaction_nos(transactions)
    register = GLRegister.objects.create(
        user=user if getattr(user, "pk", None) else None,
        source_code=source_code,
        journal_batch_name=batch_name,
        from_transaction_no=first_no,
        to_transaction_no=first_no + transactions - 1,
    )
    return setup, LedgerWriter(register), first_no


def result_of(writer: LedgerWriter, first_no: int, count: int) -> PostingResult:
    from receivables.models import (
        CustLedgerEntry,
        DetailedCustLedgEntry,
        DetailedVendorLedgEntry,
        VendorLedgerEntry,
    )

    return PostingResult(
        register=writer.register,
        transaction_nos=list(range(first_no, first_no + count)),
        gl_entries=writer.new[GLEntry],
        cust_entries=writer.new[CustLedgerEntry],
        vendor_entries=writer.new[VendorLedgerEntry],
        bank_entries=writer.new[BankAccountLedgerEntry],
        detailed_cust_entries=writer.new[DetailedCustLedgEntry],
        detailed_vendor_entries=writer.new[DetailedVendorLedgEntry],
    )


def _write(lines, *, setup, accounts: Accounts, user, source_code, accept_payment_tolerance, accept_late_discount,
           delete_journal_lines) -> PostingResult:
    groups = _transactions(lines)
    batch = next((line.batch for line in lines if line.batch_id), None)
    setup, writer, first_no = start_run(
        user=user, source_code=source_code, transactions=len(groups), batch_name=batch.name if batch else ""
    )
    rates = Rates(setup.lcy_code)
    open_entries = OpenEntries(lines, accounts)
    for offset, group in enumerate(groups):
        for index, line in group:
            ctx = TransactionContext(
                setup=setup, writer=writer, rates=rates, user=user, source_code=source_code,
                transaction_no=first_no + offset, posting_date=line.posting_date, document_no=line.document_no,
                document_type=line.document_type,
                journal_template_name=line.batch.template.name if line.batch_id else "",
                journal_batch_name=line.batch.name if line.batch_id else "",
                journal_line_no=line.line_no or None, reason_code=line.reason_code,
            )
            try:
                _post_line(ctx, line, accounts, open_entries, accept_payment_tolerance, accept_late_discount)
            except PostingError as error:
                if error.line_no is None:
                    error.line_no = _line_label(line, index)
                raise
    writer.flush()
    assert_balanced(writer)
    if delete_journal_lines:
        saved = [line.pk for line in lines if line.pk]
        if saved:
            GenJournalLine.objects.filter(pk__in=saved).delete()
    return result_of(writer, first_no, len(groups))


def assert_balanced(writer: LedgerWriter) -> None:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for entry in writer.new[GLEntry]:
        totals[entry.transaction_no] += entry.amount
    for transaction_no, total in totals.items():
        if total != 0:
            # Lines were checked to balance; an unbalanced transaction here is a bug in the engine itself.
            raise PostingError(E.TRANSACTION_UNBALANCED % {"transaction": transaction_no, "amount": total})


class OpenEntries:
    """Open entries the lines may apply to, read and locked once for the whole run.

    One instance per entry, shared by all lines, so two lines applying to the same invoice see
    each other's effect instead of both taking its full remaining amount.
    """

    def __init__(self, lines: Sequence[GenJournalLine], accounts: Accounts) -> None:
        self.accounts = accounts
        # Per kind, per party id: that party's open entries in entry order (new ones appended as posted).
        self.by_party: dict[str, dict[int, list]] = {CUSTOMER.account_type: defaultdict(list),
                                                     VENDOR.account_type: defaultdict(list)}
        for kind in (CUSTOMER, VENDOR):
            relevant = [line for line in lines if line.account_type == kind.account_type]
            doc_nos = {line.applies_to_doc_no for line in relevant if line.applies_to_doc_no}
            ids = {line.applies_to_id for line in relevant if line.applies_to_id}
            oldest = {
                line.account_no
                for line in relevant
                if not line.applies_to_doc_no and not line.applies_to_id
                and (party := accounts.party(kind, line.account_no)) is not None
                and party.application_method == ApplicationMethod.APPLY_TO_OLDEST
            }
            party_ids = [p.pk for no in {line.account_no for line in relevant} if (p := accounts.party(kind, no))]
            if not party_ids or not (doc_nos or ids or oldest):
                continue
            condition = Q(document_no__in=doc_nos) | Q(applies_to_id__in=ids)
            if oldest:
                condition |= Q(**{f"{kind.party_field}__no__in": oldest})
            query = kind.entry_model.objects.filter(
                condition, open=True, **{f"{kind.party_field}_id__in": party_ids}
            ).select_for_update()
            parties = {p.pk: p for p in (accounts.customers if kind is CUSTOMER else accounts.vendors).values()}
            for entry in query.order_by("entry_no"):
                setattr(entry, kind.party_field, parties[kind.party_id_of(entry)])
                entry.posting_group = accounts.group(kind, entry.posting_group_id)
                self.by_party[kind.account_type][kind.party_id_of(entry)].append(entry)

    def entries(self, kind: PartyKind, party) -> list:
        return [e for e in self.by_party[kind.account_type].get(party.pk, ()) if e.open]

    def add(self, kind: PartyKind, entry) -> None:
        """A new entry posted earlier in the run can be applied to by a later line (NAV does the same)."""
        self.by_party[kind.account_type][kind.party_id_of(entry)].append(entry)


def _post_line(ctx: TransactionContext, line: GenJournalLine, accounts: Accounts, open_entries: OpenEntries,
               accept_payment_tolerance: bool, accept_late_discount: bool) -> None:
    amount_lcy = _amount_lcy(line, ctx.rates)
    for account_type, account_no, leg_sign, main in _legs(line):
        amount = leg_sign * line.amount
        leg_lcy = leg_sign * amount_lcy
        if account_type == AccountType.GL_ACCOUNT:
            ctx.writer.add(
                gl_entry(
                    gl_account=accounts.gl[account_no], amount=leg_lcy, document_type=line.document_type,
                    external_document_no=line.external_document_no, description=line.description,
                    bal_account_type=line.bal_account_type if main else line.account_type,
                    bal_account_no=line.bal_account_no if main else line.account_no, **ctx.entry_fields(),
                )
            )
        elif account_type == AccountType.BANK_ACCOUNT:
            _post_bank(ctx, line, accounts.banks[account_no], amount, leg_lcy, main)
        else:
            kind = KINDS[account_type]
            party = accounts.party(kind, account_no)
            entry = _post_party(ctx, kind, line, party, amount, leg_lcy, main)
            if main:
                targets, oldest = _targets(ctx, kind, line, party, entry, open_entries)
                if targets:
                    options = ApplicationOptions(
                        allow_tolerance=accept_payment_tolerance and not party.block_payment_tolerance and not oldest,
                        accept_late_discount=accept_late_discount,
                    )
                    applied = apply_entries(ctx, kind, entry, targets, options)
                    post_application_control_gl(ctx, kind, applied)
                    for target in targets:
                        if target.applies_to_id and target.applies_to_id == line.applies_to_id:
                            target.applies_to_id = ""
                            target.amount_to_apply = ZERO
                            ctx.writer.touch(target, "applies_to_id", "amount_to_apply")
                open_entries.add(kind, entry)


def _post_bank(ctx, line, bank: BankAccount, amount: Decimal, amount_lcy: Decimal, main: bool) -> None:
    bank_amount = amount if bank.currency_id else amount_lcy
    ctx.writer.add(
        new_row(
            BankAccountLedgerEntry,
            bank_account=bank, document_type=line.document_type, external_document_no=line.external_document_no,
            description=line.description, currency_code=bank.currency.code if bank.currency_id else "",
            amount=bank_amount, amount_lcy=amount_lcy, remaining_amount=bank_amount, open=True,
            bal_account_type=line.bal_account_type if main else line.account_type,
            bal_account_no=line.bal_account_no if main else line.account_no, **ctx.entry_fields(),
        )
    )
    ctx.writer.add(
        gl_entry(
            gl_account=bank.posting_group.gl_account, amount=amount_lcy, document_type=line.document_type,
            external_document_no=line.external_document_no, description=line.description,
            source_type=AccountType.BANK_ACCOUNT, source_no=bank.no,
            bal_account_type=line.bal_account_type if main else line.account_type,
            bal_account_no=line.bal_account_no if main else line.account_no, **ctx.entry_fields(),
        )
    )


def max_payment_tolerance(setup: CompanySetup, currency, amount: Decimal, party) -> Decimal:
    """Spec 2.5: Round(|amount| x %), capped by the max amount; the max alone when % is 0; never over the amount."""
    if party.block_payment_tolerance:
        return ZERO
    pct = currency.payment_tolerance_pct if currency else setup.payment_tolerance_pct
    cap = currency.max_payment_tolerance if currency else setup.max_payment_tolerance
    if pct:
        tolerance = round_amount(abs(amount) * pct / 100)
        if cap and tolerance > cap:
            tolerance = cap
    else:
        tolerance = cap
    return min(tolerance, abs(amount))


def _post_party(ctx: TransactionContext, kind: PartyKind, line, party, amount: Decimal, amount_lcy: Decimal,
                main: bool):
    setup = ctx.setup
    document_date = line.document_date or line.posting_date
    is_document = line.document_type in TOLERANCE_DOCUMENTS or line.document_type in (
        DocumentType.FINANCE_CHARGE_MEMO, DocumentType.REMINDER
    )
    discount_possible = ZERO
    pmt_discount_date = None
    tolerance_date = None
    tolerance = ZERO
    if main and line.document_type in TOLERANCE_DOCUMENTS:
        pmt_discount_date = line.pmt_discount_date
        if pmt_discount_date:
            if line.pmt_discount_amount:
                discount_possible = line.pmt_discount_amount
            elif line.payment_discount_pct:
                discount_possible = round_amount(amount * line.payment_discount_pct / 100)
            tolerance_date = calc_date(setup.payment_discount_grace_period or "", pmt_discount_date)
        currency = ctx.rates.currency(line.currency_code)
        tolerance = max_payment_tolerance(setup, currency, amount, party)
        if amount < 0:
            tolerance = -tolerance
    entry = new_row(
        kind.entry_model,
        document_date=document_date, document_type=line.document_type,
        external_document_no=line.external_document_no, description=line.description or party.name,
        currency_code=line.currency_code if line.currency_code != setup.lcy_code else "",
        due_date=(line.due_date or document_date) if (is_document or line.due_date) else line.posting_date,
        pmt_discount_date=pmt_discount_date, pmt_disc_tolerance_date=tolerance_date,
        original_pmt_disc_possible=discount_possible, remaining_pmt_disc_possible=discount_possible,
        max_payment_tolerance=tolerance, amount=amount, amount_lcy=amount_lcy,
        remaining_amount=ZERO, remaining_amount_lcy=ZERO, positive=amount > 0,
        payment_method_code=line.payment_method_code, payment_reference=line.payment_reference,
        on_hold=line.on_hold,
        bal_account_type=line.bal_account_type if main else line.account_type,
        bal_account_no=line.bal_account_no if main else line.account_no,
        **ctx.entry_fields(),
    )
    setattr(entry, kind.party_field, party)
    entry.posting_group = party.posting_group
    if kind is CUSTOMER:
        entry.sales_lcy = line.sales_lcy
    else:
        entry.purchase_lcy = line.sales_lcy
    ctx.writer.add(entry)
    add_detail(ctx, kind, entry, DetailedEntryType.INITIAL_ENTRY, amount, amount_lcy)
    ctx.writer.add(
        gl_entry(
            gl_account=party.posting_group.control_account, amount=amount_lcy, document_type=line.document_type,
            external_document_no=line.external_document_no, description=entry.description,
            source_type=kind.account_type, source_no=party.no,
            bal_account_type=entry.bal_account_type, bal_account_no=entry.bal_account_no, **ctx.entry_fields(),
        )
    )
    return entry


def _targets(ctx, kind: PartyKind, line, party, entry, open_entries: OpenEntries) -> tuple[list, bool]:
    candidates = open_entries.entries(kind, party)
    if line.applies_to_doc_no:
        matches = [
            e for e in candidates
            if e.document_no == line.applies_to_doc_no
            and (not line.applies_to_doc_type or e.document_type == line.applies_to_doc_type)
            and e is not entry
        ]
        if not matches:
            raise PostingError(
                E.APPLIES_TO_DOC_NOT_FOUND % {"party": kind.label, "doc": line.applies_to_doc_no, "no": party.no},
                field="applies_to_doc_no",
            )
        target = matches[0]
        # Applies-to Doc. No. takes the document's whole remaining amount; Amount to Apply is for Applies-to ID.
        target.amount_to_apply = ZERO
        _check_currency(ctx, kind, entry, [target])
        return [target], False
    if line.applies_to_id:
        targets = [e for e in candidates if e.applies_to_id == line.applies_to_id and e is not entry]
        _check_targets(targets)
        _check_currency(ctx, kind, entry, targets)
        return sorted(targets, key=lambda e: (e.due_date or e.posting_date, e.entry_no or 0)), False
    if party.application_method == ApplicationMethod.APPLY_TO_OLDEST:
        targets = [
            e for e in candidates
            if e is not entry and (e.remaining_amount > 0) != (entry.remaining_amount > 0)
            and e.posting_date <= line.posting_date and e.currency_code == entry.currency_code
        ]
        return sorted(targets, key=lambda e: (e.due_date or e.posting_date, e.entry_no or 0)), True
    return [], False


def check_amount_to_apply(amount: Decimal, remaining: Decimal) -> None:
    """Spec 1.7: Amount to Apply has the sign of Remaining Amount and is not larger (0 means all)."""
    if amount and (amount > 0) != (remaining > 0):
        raise PostingError(E.AMOUNT_TO_APPLY_SIGN, field="amount_to_apply")
    if abs(amount) > abs(remaining):
        raise PostingError(E.AMOUNT_TO_APPLY_TOO_LARGE, field="amount_to_apply")


def _check_targets(targets: list) -> None:
    for target in targets:
        check_amount_to_apply(target.amount_to_apply, target.remaining_amount)


def _check_currency(ctx, kind: PartyKind, entry, targets: list) -> None:
    for target in targets:
        if target.currency_code != entry.currency_code:
            raise PostingError(
                E.DIFFERENT_CURRENCY
                % {
                    "entry": target.document_no,
                    "entry_currency": target.currency_code or ctx.setup.lcy_code,
                    "currency": entry.currency_code or ctx.setup.lcy_code,
                },
                field="currency_code",
            )
