"""Posting general journal lines from a CSV file (`manage.py post_journal`): scripting the General Journal.

The file's rows become journal lines, in file order, with NAV's defaults filled in (an invoice's
due date and payment discount from the customer's or vendor's payment terms), then go through the
posting engine in one run: all or nothing. Every problem names the file, the line and the column,
whether the file or the engine found it (the journal line no. is the row's line in the file).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from receivables.imports.csvfile import ImportRejected, RowChecker, RowError, read_csv
from receivables.lib.journal_defaults import fill_from_account
from receivables.models import (
    AccountType,
    DetailedEntryType,
    DocumentType,
    GenJournalLine,
)
from receivables.posting import PostingError, PostingResult, post, validate_lines

SOURCE_CODE = "GENJNL"
COLUMNS = [
    "posting_date", "document_type", "document_no", "external_document_no", "account_type", "account_no",
    "description", "currency_code", "amount", "bal_account_type", "bal_account_no", "applies_to_doc_type",
    "applies_to_doc_no", "payment_reference",
]
REQUIRED_COLUMNS = ["posting_date", "document_no", "account_type", "account_no", "amount"]
# The General Journal's document types; "blank" (or an empty value) is NAV's blank type.
JOURNAL_DOCUMENT_TYPES = ["payment", "refund", "invoice", "credit_memo", "blank"]
APPLIES_TO_DOCUMENT_TYPES = [value for value, _label in DocumentType.choices if value] + ["blank"]
ACCOUNT_TYPES = [value for value, _label in AccountType.choices]
TERMS_DOCUMENTS = {DocumentType.INVOICE, DocumentType.CREDIT_MEMO}
TEXT_COLUMNS = ["document_no", "external_document_no", "account_no", "description", "currency_code",
                "bal_account_no", "applies_to_doc_no", "payment_reference"]


@dataclass(frozen=True)
class JournalPosting:
    """What a post_journal run posted (or, with preview, would post)."""

    lines: int
    result: PostingResult
    preview: bool


def read_journal(*, data: bytes, name: str) -> list[GenJournalLine]:
    """The file's rows as unsaved journal lines; ImportRejected names every bad value."""
    csv_file = read_csv(data, name=name, columns=COLUMNS, required=REQUIRED_COLUMNS)
    checker = RowChecker(csv_file)
    field = GenJournalLine._meta.get_field
    lines: list[GenJournalLine] = []
    for row in csv_file.rows:
        has_account = checker.required(row, "account_no") is not None
        texts = {column: checker.field(row, column, field(column)) for column in TEXT_COLUMNS}
        values = {
            "posting_date": checker.date(row, "posting_date", required=True),
            "document_type": checker.choice(row, "document_type", JOURNAL_DOCUMENT_TYPES, default="blank"),
            "account_type": checker.choice(row, "account_type", ACCOUNT_TYPES),
            "amount": checker.amount(row, "amount", required=True),
            "bal_account_type": checker.choice(row, "bal_account_type", ACCOUNT_TYPES, default=""),
            "applies_to_doc_type": checker.choice(
                row, "applies_to_doc_type", APPLIES_TO_DOCUMENT_TYPES, default="blank"
            ),
        }
        if not has_account or None in values.values() or None in texts.values():
            continue
        for column in ("document_type", "applies_to_doc_type"):
            if values[column] == "blank":
                values[column] = ""
        texts["currency_code"] = texts["currency_code"].upper()
        line = GenJournalLine(line_no=row.line, **values, **texts)
        if line.document_type in TERMS_DOCUMENTS:
            # What NAV does when Account No. is entered: due date and discount from the payment terms.
            fill_from_account(line)
        lines.append(line)
    checker.raise_if_any()
    return lines


def post_journal_file(*, data: bytes, name: str, user=None, preview: bool = False) -> JournalPosting:
    """Read, check (all problems at once), and post the file's lines in one engine run."""
    lines = read_journal(data=data, name=name)
    problems = validate_lines(lines, user=user)
    if problems:
        raise ImportRejected([engine_error(name, problem) for problem in problems])
    try:
        result = post(lines, user=user, source_code=SOURCE_CODE, preview=preview)
    except PostingError as error:
        raise ImportRejected([engine_error(name, error)]) from None
    return JournalPosting(lines=len(lines), result=result, preview=preview)


def engine_error(name: str, error: PostingError) -> RowError:
    """A PostingError as a row error: the engine's line no. is the row's line in the file."""
    return RowError(name, error.line_no or 0, error.field, error.message)


def _money(value: Decimal) -> str:
    return f"{value:.2f}" if value else "0.00"


def summary(posting: JournalPosting) -> dict:
    """What was posted, for people and scripts: G/L per account, ledger entries, applications.

    No entry numbers: after a preview they do not exist.
    """
    result = posting.result
    accounts: dict[str, dict] = {}
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for entry in result.gl_entries:
        no = entry.gl_account.no
        accounts[no] = {"gl_account_no": no, "name": entry.gl_account.name}
        totals[no][0] += entry.debit_amount
        totals[no][1] += entry.credit_amount
    gl_accounts = [
        accounts[no] | {"debit": _money(debit), "credit": _money(credit), "amount": _money(debit - credit)}
        for no, (debit, credit) in sorted(totals.items())
    ]

    def party_entries(entries, party_field: str) -> list[dict]:
        return [
            {
                "account_no": getattr(entry, party_field).no, "document_type": entry.document_type,
                "document_no": entry.document_no, "posting_date": entry.posting_date.isoformat(),
                "amount": _money(entry.amount), "remaining_amount": _money(entry.remaining_amount),
                "open": entry.open, "due_date": entry.due_date.isoformat() if entry.due_date else None,
            }
            for entry in entries
        ]

    applications = []
    for party_field, entry_field, details in (
        ("customer", "cust_ledger_entry", result.detailed_cust_entries),
        ("vendor", "vendor_ledger_entry", result.detailed_vendor_entries),
    ):
        for detail in details:
            if detail.entry_type == DetailedEntryType.INITIAL_ENTRY or detail.applied_entry is None:
                continue
            entry = getattr(detail, entry_field)
            # An application is two detailed entries, one on each side; list it once.
            if detail.entry_type == DetailedEntryType.APPLICATION and not entry.positive:
                continue
            applications.append({
                "account_type": party_field, "account_no": getattr(entry, party_field).no,
                "entry_type": detail.entry_type,
                "document_type": entry.document_type, "document_no": entry.document_no,
                "applied_document_type": detail.applied_entry.document_type,
                "applied_document_no": detail.applied_entry.document_no,
                "amount": _money(abs(detail.amount)),
            })
    return {
        "preview": posting.preview,
        "lines": posting.lines,
        "transactions": len(result.transaction_nos),
        "register": None if posting.preview or result.register is None else result.register.pk,
        "gl_accounts": gl_accounts,
        "customer_entries": party_entries(result.cust_entries, "customer"),
        "vendor_entries": party_entries(result.vendor_entries, "vendor"),
        "bank_entries": [
            {"bank_account_no": e.bank_account.no, "document_no": e.document_no, "amount": _money(e.amount)}
            for e in result.bank_entries
        ],
        "applications": applications,
    }
