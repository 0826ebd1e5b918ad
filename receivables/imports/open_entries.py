"""Importing open customer and vendor ledger entries from a previous system (NAV's opening entries).

Every row becomes one open ledger entry posted by the engine against the opening-balance account
(source code OPENING, the row's document no., one transaction per row), with its due date,
payment discount and payment reference as in the file.

A partly paid document (remaining amount smaller than the amount) is posted the NAV way rather
than for its remaining amount only: the entry keeps its original amount, and the part already paid
is posted as a second line in the same transaction (a payment, or a refund for a credit memo or
payment) applied to it by Applies-to Doc. No., also against the opening-balance account. The
entry's Remaining Amount then equals the file's, its detailed entries say why, and the opening
balance account carries the remaining amount only. The paid-part line gets no payment tolerance
and, because the payment discount must be smaller than the remaining amount, no discount either.

The engine makes one transaction of consecutive lines with the same posting date and document
no., so rows are reordered (as little as possible) to keep such rows apart; only when a file has
more rows with one document no. and date than other rows to put between them (several vendors'
invoice "1001" on the cut-over date) do some of them share a transaction. It still balances, and
`transactions` in the result says how many there were.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import uuid4

from django.utils.translation import gettext_lazy as _

from receivables.lib.bulk import new_row
from receivables.lib.collector import paused_garbage_collection
from receivables.lib.money import round_amount
from receivables.models import (
    AccountType,
    ApplicationMethod,
    Blocked,
    CompanySetup,
    Currency,
    CurrencyExchangeRate,
    CustLedgerEntry,
    Customer,
    DocumentType,
    GenJournalLine,
    GLAccount,
    Vendor,
    VendorLedgerEntry,
)
from receivables.posting import PostingError, post, validate_lines
from receivables.posting import errors as E

from . import ImportResult
from .csvfile import CsvFile, ImportRejected, RowChecker, RowError, read_csv

SOURCE_CODE = "OPENING"
COLUMNS = [
    "account_type", "account_no", "document_type", "document_no", "external_document_no", "posting_date",
    "document_date", "due_date", "pmt_discount_date", "pmt_discount_amount", "currency_code", "amount",
    "remaining_amount", "payment_reference", "description",
]
REQUIRED_COLUMNS = ["account_type", "account_no", "document_type", "document_no", "posting_date", "amount"]
ACCOUNT_TYPES = [AccountType.CUSTOMER.value, AccountType.VENDOR.value]
DOCUMENT_TYPES = [
    DocumentType.INVOICE.value, DocumentType.CREDIT_MEMO.value, DocumentType.PAYMENT.value,
    DocumentType.REFUND.value, DocumentType.FINANCE_CHARGE_MEMO.value, DocumentType.REMINDER.value,
]
# NAV's signs: what the customer owes us, or what we owe the vendor back, is positive.
POSITIVE = {
    AccountType.CUSTOMER: {DocumentType.INVOICE, DocumentType.FINANCE_CHARGE_MEMO, DocumentType.REMINDER,
                           DocumentType.REFUND},
    AccountType.VENDOR: {DocumentType.CREDIT_MEMO, DocumentType.PAYMENT},
}
DISCOUNT_DOCUMENTS = {DocumentType.INVOICE, DocumentType.CREDIT_MEMO}
# Engine field names on the journal line -> the file's columns, for errors the engine finds.
ENGINE_FIELDS = {"applies_to_doc_no": "remaining_amount", "bal_account_no": "balance account"}

AMOUNT_MUST_BE_POSITIVE = _("A %(party)s %(document)s is positive (NAV's signs): the amount must be above zero.")
AMOUNT_MUST_BE_NEGATIVE = _("A %(party)s %(document)s is negative (NAV's signs): the amount must be below zero.")
REMAINING_ZERO = _("The remaining amount must not be zero: only open entries are imported.")
REMAINING_SIGN = _("The remaining amount must have the same sign as the amount.")
REMAINING_TOO_LARGE = _("The remaining amount must not be larger than the amount.")
DISCOUNT_SIGN = _("The payment discount must have the same sign as the amount.")
DISCOUNT_TOO_LARGE = _("The payment discount must be smaller than the remaining amount.")
DISCOUNT_NEEDS_DATE = _("A payment discount needs a pmt. discount date.")
DISCOUNT_ONLY_DOCUMENTS = _("Only invoices and credit memos have a payment discount.")
DUPLICATE_DOCUMENT = _(
    "%(document)s %(no)s of %(party)s %(account)s appears more than once in the file (first on line %(line)s)."
)
ALREADY_IN_LEDGER = _(
    "%(party)s %(account)s already has %(document)s %(no)s in the ledger (entry %(entry)s): "
    "the file may have been imported before."
)
NO_BALANCE_ACCOUNT = _(
    "There is no opening balance account: set one in the company setup or name one for this import."
)
PAID_BEFORE_MIGRATION = _("Paid before the migration")


class BalanceAccountError(Exception):
    """The opening-balance account is missing or cannot be posted to."""

    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class OpenEntryRow:
    line: int
    account_type: str
    account_no: str
    document_type: str
    document_no: str
    external_document_no: str
    posting_date: date
    document_date: date | None
    due_date: date | None
    pmt_discount_date: date | None
    pmt_discount_amount: Decimal
    currency_code: str
    amount: Decimal
    remaining_amount: Decimal
    payment_reference: str
    description: str


def opening_balance_account(no: str | None = None) -> GLAccount:
    """The G/L account the opening entries balance against: `no`, else the company's."""
    if no:
        account = GLAccount.objects.filter(no=no).first()
        if account is None:
            raise BalanceAccountError(E.ACCOUNT_MISSING % {"type": AccountType.GL_ACCOUNT.label, "no": no})
    else:
        account = CompanySetup.get().opening_balance_account
        if account is None:
            raise BalanceAccountError(NO_BALANCE_ACCOUNT)
    if account.blocked:
        raise BalanceAccountError(E.ACCOUNT_BLOCKED % {"type": AccountType.GL_ACCOUNT.label, "no": account.no})
    if account.account_type != GLAccount.Kind.POSTING:
        raise BalanceAccountError(E.GL_ACCOUNT_NOT_POSTING % {"no": account.no})
    if not account.direct_posting:
        raise BalanceAccountError(E.GL_NO_DIRECT_POSTING % {"no": account.no})
    return account


def import_open_entries(
    *, data: bytes, name: str, balance_account: str | None = None, user=None, dry_run: bool = False
) -> ImportResult:
    """Validate the whole file, then post every row in one engine call (all or nothing).

    Raises BalanceAccountError, or ImportRejected with every bad row. With `dry_run` the lines are
    also checked by the engine's validation but nothing is posted.
    """
    account = opening_balance_account(balance_account)
    csv_file = read_csv(data, name=name, columns=COLUMNS, required=REQUIRED_COLUMNS)
    with paused_garbage_collection():
        setup = CompanySetup.get()
        rows, parties = _validated_rows(csv_file, setup=setup, user=user)
        count = len(rows)
        # The file's text rows are not needed any more; a big import needs the memory for its entries.
        csv_file.rows.clear()
        lines = journal_lines(rows, balance_account_no=account.no, parties=parties, setup=setup)
        del rows, parties
        if dry_run:
            problems = validate_lines(lines, setup=setup, user=user)
            if problems:
                raise ImportRejected([_row_error(name, problem) for problem in problems])
            return ImportResult(imported=count, created=count, updated=0, transactions=count, dry_run=True)
        try:
            # No payment tolerance on the paid-part lines: the remaining amount must stay as the file says.
            result = post(
                lines, user=user, source_code=SOURCE_CODE, accept_payment_tolerance=False, accept_late_discount=False
            )
        except PostingError as error:
            raise ImportRejected([_row_error(name, error)]) from None
    return ImportResult(imported=count, created=count, updated=0, transactions=len(result.transaction_nos))


def _row_error(name: str, error: PostingError) -> RowError:
    return RowError(name, error.line_no or 0, ENGINE_FIELDS.get(error.field, error.field), error.message)


def _validated_rows(
    csv_file: CsvFile, *, setup: CompanySetup, user
) -> tuple[list[OpenEntryRow], dict[str, dict]]:
    """The rows, converted and checked, and the customers and vendors they name (by type and no.)."""
    checker = RowChecker(csv_file)
    field = GenJournalLine._meta.get_field
    length_checked = {
        column: field(column) for column in ("document_no", "external_document_no", "payment_reference", "description")
    }
    lcy = setup.lcy_code.upper()
    rows: list[OpenEntryRow] = []
    for row in csv_file.rows:
        account_type = checker.choice(row, "account_type", ACCOUNT_TYPES)
        account_no = checker.required(row, "account_no")
        document_type = checker.choice(row, "document_type", DOCUMENT_TYPES)
        texts = {column: checker.field(row, column, model_field) for column, model_field in length_checked.items()}
        posting_date = checker.date(row, "posting_date", required=True)
        dates = {column: checker.date(row, column) for column in ("document_date", "due_date", "pmt_discount_date")}
        amount = checker.amount(row, "amount", required=True)
        remaining = checker.amount(row, "remaining_amount")
        discount = checker.amount(row, "pmt_discount_amount") or Decimal("0")
        if None in (account_type, account_no, document_type, posting_date, amount) or None in texts.values():
            continue
        if not texts["document_no"]:
            continue  # field() reported it: a document no. is required
        if remaining is None:
            if row["remaining_amount"]:
                continue
            remaining = amount
        positive = document_type in POSITIVE[account_type]
        if amount == 0:
            checker.fail(row, "amount", E.AMOUNT_ZERO)
            continue
        if (amount > 0) != positive:
            labels = {"party": AccountType(account_type).label.lower(), "document": DocumentType(document_type).label}
            checker.fail(row, "amount", (AMOUNT_MUST_BE_POSITIVE if positive else AMOUNT_MUST_BE_NEGATIVE) % labels)
            continue
        if remaining == 0:
            checker.fail(row, "remaining_amount", REMAINING_ZERO)
        elif (remaining > 0) != (amount > 0):
            checker.fail(row, "remaining_amount", REMAINING_SIGN)
        elif abs(remaining) > abs(amount):
            checker.fail(row, "remaining_amount", REMAINING_TOO_LARGE)
        if discount:
            if document_type not in DISCOUNT_DOCUMENTS:
                checker.fail(row, "pmt_discount_amount", DISCOUNT_ONLY_DOCUMENTS)
            elif (discount > 0) != (amount > 0):
                checker.fail(row, "pmt_discount_amount", DISCOUNT_SIGN)
            elif abs(discount) >= abs(remaining):
                checker.fail(row, "pmt_discount_amount", DISCOUNT_TOO_LARGE)
            elif dates["pmt_discount_date"] is None and not row["pmt_discount_date"]:
                checker.fail(row, "pmt_discount_date", DISCOUNT_NEEDS_DATE)
        if not setup.is_posting_date_allowed(posting_date, user):
            checker.fail(row, "posting_date", E.POSTING_DATE_NOT_ALLOWED)
        currency = row["currency_code"].upper()
        rows.append(
            OpenEntryRow(
                line=row.line, account_type=account_type, account_no=account_no, document_type=document_type,
                document_no=texts["document_no"], external_document_no=texts["external_document_no"],
                posting_date=posting_date, document_date=dates["document_date"], due_date=dates["due_date"],
                pmt_discount_date=dates["pmt_discount_date"], pmt_discount_amount=discount,
                currency_code="" if currency == lcy else currency, amount=amount, remaining_amount=remaining,
                payment_reference=texts["payment_reference"], description=texts["description"],
            )
        )
    parties = _parties(rows)
    _check_parties(checker, rows, parties)
    _check_currencies(checker, rows)
    _check_duplicates(checker, rows)
    checker.raise_if_any()
    return rows, parties


PARTY_MODELS = {AccountType.CUSTOMER: Customer, AccountType.VENDOR: Vendor}
ENTRY_MODELS = {AccountType.CUSTOMER: (CustLedgerEntry, "customer"), AccountType.VENDOR: (VendorLedgerEntry, "vendor")}
BLOCKED_MESSAGES = {AccountType.CUSTOMER: E.CUSTOMER_BLOCKED, AccountType.VENDOR: E.VENDOR_BLOCKED}


def _parties(rows: Sequence[OpenEntryRow]) -> dict[str, dict]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        wanted[row.account_type].add(row.account_no)
    return {
        account_type: PARTY_MODELS[AccountType(account_type)].objects.only(
            "no", "blocked", "application_method"
        ).in_bulk(list(nos), field_name="no")
        for account_type, nos in wanted.items()
    }


def _check_parties(checker: RowChecker, rows: list[OpenEntryRow], parties: dict[str, dict]) -> None:
    for row in rows:
        party = parties[row.account_type].get(row.account_no)
        label = AccountType(row.account_type).label
        if party is None:
            checker.fail(row.line, "account_no", E.ACCOUNT_MISSING % {"type": label, "no": row.account_no})
        elif party.blocked == Blocked.ALL:
            checker.fail(row.line, "account_no", BLOCKED_MESSAGES[AccountType(row.account_type)] % {"no": party.no})
    _check_ledger(checker, rows, parties)


def _check_ledger(checker: RowChecker, rows: list[OpenEntryRow], parties: dict[str, dict]) -> None:
    """Refuse documents the ledger already has: importing a file twice must not double the balances."""
    for account_type, (model, party_field) in ENTRY_MODELS.items():
        by_no = parties.get(account_type.value) or {}
        if not by_no:
            continue
        ids = {party.pk: no for no, party in by_no.items()}
        mine = [row for row in rows if row.account_type == account_type and row.account_no in by_no]
        doc_nos = sorted({row.document_no for row in mine})
        found: dict[tuple[str, str, str], int] = {}
        for start in range(0, len(doc_nos), 900):
            for party_id, document_type, document_no, entry_no in model.objects.filter(
                document_no__in=doc_nos[start:start + 900]
            ).values_list(f"{party_field}_id", "document_type", "document_no", "entry_no"):
                if party_id in ids:
                    found.setdefault((ids[party_id], document_type, document_no), entry_no)
        for row in mine:
            entry_no = found.get((row.account_no, row.document_type, row.document_no))
            if entry_no is not None:
                checker.fail(row.line, "document_no", ALREADY_IN_LEDGER % {
                    "party": account_type.label, "account": row.account_no,
                    "document": DocumentType(row.document_type).label.lower(), "no": row.document_no,
                    "entry": entry_no,
                })


def _check_currencies(checker: RowChecker, rows: list[OpenEntryRow]) -> None:
    codes = {row.currency_code for row in rows if row.currency_code}
    if not codes:
        return
    known = {c.code: c.pk for c in Currency.objects.filter(code__in=codes)}
    first_rate: dict[int, date] = {}
    for currency_id, starting_date in CurrencyExchangeRate.objects.filter(
        currency_id__in=known.values()
    ).values_list("currency_id", "starting_date"):
        first_rate[currency_id] = min(starting_date, first_rate.get(currency_id, starting_date))
    for row in rows:
        if not row.currency_code:
            continue
        currency_id = known.get(row.currency_code)
        if currency_id is None:
            checker.fail(row.line, "currency_code", E.UNKNOWN_CURRENCY % {"code": row.currency_code})
        elif currency_id not in first_rate or row.posting_date < first_rate[currency_id]:
            checker.fail(row.line, "currency_code", E.NO_EXCHANGE_RATE % {"code": row.currency_code,
                                                                           "date": row.posting_date})


def _check_duplicates(checker: RowChecker, rows: list[OpenEntryRow]) -> None:
    # The same document no. may be an invoice and a payment of one customer (NAV allows that and
    # Applies-to Doc. Type tells them apart), but not two invoices.
    first: dict[tuple[str, str, str, str], int] = {}
    for row in rows:
        key = (row.account_type, row.account_no, row.document_type, row.document_no)
        if key in first:
            checker.fail(row.line, "document_no", DUPLICATE_DOCUMENT % {
                "document": DocumentType(row.document_type).label, "no": row.document_no,
                "party": AccountType(row.account_type).label.lower(), "account": row.account_no, "line": first[key],
            })
        else:
            first[key] = row.line


def journal_lines(
    rows: Sequence[OpenEntryRow], *, balance_account_no: str, parties: dict[str, dict] | None = None,
    setup: CompanySetup | None = None,
) -> list[GenJournalLine]:
    """The journal lines for the rows, one transaction per row (line_no = the row's line in the file)."""
    parties = parties if parties is not None else _parties(rows)
    # A line without applies-to on an Apply-to-Oldest customer would apply itself to the customer's
    # other open entries; a private applies-to ID that no entry carries keeps each entry as imported.
    keep_open = f"OPENING-{uuid4().hex[:12]}"
    rates = _Rates((setup or CompanySetup.get()).lcy_code)
    groups: list[list[GenJournalLine]] = []
    for row in rows:
        party = parties[row.account_type][row.account_no]
        common = {
            "line_no": row.line, "posting_date": row.posting_date, "document_no": row.document_no,
            "external_document_no": row.external_document_no, "account_type": row.account_type,
            "account_no": row.account_no, "currency_code": row.currency_code,
            "bal_account_type": AccountType.GL_ACCOUNT, "bal_account_no": balance_account_no,
        }
        document = new_row(
            GenJournalLine,
            document_type=row.document_type, document_date=row.document_date, description=row.description,
            amount=row.amount, due_date=row.due_date, pmt_discount_date=row.pmt_discount_date,
            pmt_discount_amount=row.pmt_discount_amount, payment_reference=row.payment_reference,
            applies_to_id=keep_open if party.application_method == ApplicationMethod.APPLY_TO_OLDEST else "",
            **common,
        )
        group = [document]
        paid = row.amount - row.remaining_amount
        if paid:
            paid_type = (
                DocumentType.REFUND if row.document_type in (DocumentType.PAYMENT, DocumentType.CREDIT_MEMO)
                else DocumentType.PAYMENT
            )
            group.append(
                new_row(
                    GenJournalLine,
                    document_type=paid_type, description=str(PAID_BEFORE_MIGRATION), amount=-paid,
                    amount_lcy=rates.share_lcy(row, paid), applies_to_doc_type=row.document_type,
                    applies_to_doc_no=row.document_no, **common,
                )
            )
        groups.append(group)
    return [line for group in _one_transaction_per_row(groups) for line in group]


class _Rates:
    """The LCY value of the paid part, taken from the document's own LCY amount.

    The engine values each side of an application at its entry's rate; giving the paid part the
    document's share of its LCY amount (as the engine computes it) keeps a rounding cent from
    turning into a realized gain or loss.
    """

    def __init__(self, lcy: str) -> None:
        self.lcy = lcy
        self.cache: dict[tuple[str, date], Decimal] = {}

    def lcy_per_unit(self, code: str, on: date) -> Decimal:
        key = (code, on)
        if key not in self.cache:
            rate = (
                CurrencyExchangeRate.objects.filter(currency__code=code, starting_date__lte=on)
                .order_by("-starting_date").first()
            )
            self.cache[key] = rate.lcy_per_unit
        return self.cache[key]

    def share_lcy(self, row: OpenEntryRow, paid: Decimal) -> Decimal | None:
        if not row.currency_code:
            return None
        amount_lcy = round_amount(row.amount * self.lcy_per_unit(row.currency_code, row.posting_date))
        return -round_amount(paid * amount_lcy / row.amount)


def _one_transaction_per_row(groups: list[list[GenJournalLine]]) -> list[list[GenJournalLine]]:
    """Order the rows so that no two neighbours share posting date and document no.

    The engine makes one transaction of consecutive lines with the same posting date and document
    no.; two vendors' invoice "1001" next to each other would otherwise share a transaction. File
    order is kept where it can be.
    """
    def key(group: list[GenJournalLine]) -> tuple:
        return group[0].posting_date, group[0].document_no

    ordered: list[list[GenJournalLine]] = []
    waiting: deque[list[GenJournalLine]] = deque()
    for group in groups:
        if ordered and key(ordered[-1]) == key(group):
            waiting.append(group)
            continue
        ordered.append(group)
        while waiting and key(waiting[0]) != key(ordered[-1]):
            ordered.append(waiting.popleft())
    for group in waiting:
        # Rare: many rows with one document no. and date at the end of the file. Put each where it
        # has different neighbours; if there is no such place, it shares a transaction (still balanced).
        k = key(group)
        for index in range(len(ordered) + 1):
            before = index == 0 or key(ordered[index - 1]) != k
            after = index == len(ordered) or key(ordered[index]) != k
            if before and after:
                ordered.insert(index, group)
                break
        else:
            ordered.append(group)
    return ordered
