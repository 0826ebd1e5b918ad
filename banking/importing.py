"""Importing a bank statement file: parse, check it belongs here, refuse what was imported before,
then stage its transactions as lines of a payment reconciliation journal. All or nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    CsvStatementFormat,
    MatchConfidence,
    ImportedStatement,
    StatementImport,
    StatementType,
)
from banking.statements import ParsedFile, StatementParseError, parse_statement
from banking.statements.csv_presets import CSV_PRESETS
from receivables.bulk import insert_rows
from receivables.models import BankAccount, CompanySetup
from receivables.validators import normalize_account_no, normalize_iban

FILE_ALREADY_IMPORTED = _(
    "%(file)s was already imported into bank account %(bank)s on %(when)s by %(who)s (import %(id)s)."
)
STATEMENT_ALREADY_IMPORTED = _(
    "Statement %(statement)s (sequence %(sequence)s) of bank account %(bank)s was already imported from %(file)s "
    "on %(when)s."
)
WRONG_ACCOUNT = _(
    "%(file)s: the statement is for account %(account)s, not for bank account %(bank)s (%(expected)s)."
)
WRONG_CURRENCY = _("%(file)s: the statement is in %(currency)s, but bank account %(bank)s is in %(expected)s.")
TOO_LARGE = _("%(file)s is %(size)s bytes; statements larger than %(limit)s bytes are refused.")
EMPTY_FILE = _("%(file)s is empty.")
UNKNOWN_CSV_FORMAT = _("There is no CSV statement format with the code %(code)s.")
UNKNOWN_FORMAT = _("Unknown format %(format)s: use auto, ofx, camt, mt940 or csv:CODE.")
NO_STATEMENTS = _("%(file)s holds no statement.")
OPENING_MISMATCH = _(
    "Statement %(statement)s opens with %(opening)s, but the previous statement of bank account %(bank)s closed "
    "with %(previous)s."
)


class StatementImportError(Exception):
    def __init__(self, message) -> None:
        self.message = str(message)
        super().__init__(self.message)


class StatementAlreadyImported(StatementImportError):
    """The same file, or a statement in it, was imported before: nothing new to take in."""


@dataclass
class StatementSummary:
    statement_id: str
    account: str
    currency: str
    transactions: int
    credits: Decimal
    debits: Decimal
    opening_balance: Decimal | None
    closing_balance: Decimal | None

    def as_json(self) -> dict:
        def money(value):
            return None if value is None else str(value)

        return {
            "statement_id": self.statement_id, "account": self.account, "currency": self.currency,
            "transactions": self.transactions, "credits": money(self.credits), "debits": money(self.debits),
            "opening_balance": money(self.opening_balance), "closing_balance": money(self.closing_balance),
        }


@dataclass
class ImportResult:
    format: str
    statements: list[StatementSummary]
    journal: BankAccReconciliation | None = None
    imported: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "journal": self.journal.pk if self.journal else None,
            "format": self.format,
            "statements": [s.as_json() for s in self.statements],
            "imported": self.imported,
            "skipped": self.skipped,
            "warnings": self.warnings,
        }


def parse_file(data: bytes, *, filename: str, format: str = "auto") -> ParsedFile:
    """Parse with the chosen format; `csv:CODE` names a saved CSV format (or a built-in preset)."""
    if not data:
        raise StatementImportError(EMPTY_FILE % {"file": filename})
    if len(data) > settings.STATEMENT_MAX_BYTES:
        raise StatementImportError(TOO_LARGE % {"file": filename, "size": len(data),
                                                "limit": settings.STATEMENT_MAX_BYTES})
    mapping = None
    parser_format = format
    if format.startswith("csv:"):
        code = format[4:]
        saved = CsvStatementFormat.objects.filter(code=code).first()
        if saved is not None:
            mapping = saved.to_mapping()
        elif code in CSV_PRESETS:
            mapping = CSV_PRESETS[code]
        else:
            raise StatementImportError(UNKNOWN_CSV_FORMAT % {"code": code})
        parser_format = "csv"
    elif format == "camt":
        parser_format = "auto"
    elif format not in ("auto", "ofx", "mt940"):
        raise StatementImportError(UNKNOWN_FORMAT % {"format": format})
    try:
        parsed = parse_statement(data, format=parser_format, csv_mapping=mapping, filename=filename)
    except StatementParseError as error:
        raise StatementImportError(str(error)) from None
    if not parsed.statements:
        raise StatementImportError(NO_STATEMENTS % {"file": filename})
    return parsed


def summarize(parsed: ParsedFile) -> list[StatementSummary]:
    return [
        StatementSummary(
            statement_id=s.statement_id, account=s.account_iban or s.account_number, currency=s.currency,
            transactions=len(s.transactions), credits=s.credits, debits=s.debits,
            opening_balance=s.opening_balance, closing_balance=s.closing_balance,
        )
        for s in parsed.statements
    ]


def _belongs_to(bank: BankAccount, statement) -> bool:
    ours = {normalize_iban(bank.iban), normalize_account_no(bank.bank_account_no)} - {""}
    if bank.iban:
        ours.add(normalize_account_no(normalize_iban(bank.iban)[4:]))  # a Norwegian IBAN ends in the account no.
    theirs = {normalize_iban(statement.account_iban), normalize_account_no(statement.account_number),
              normalize_iban(statement.account_number)} - {""}
    return not theirs or not ours or bool(ours & theirs) or any(
        t.endswith(o) or o.endswith(t) for t in theirs for o in ours if len(o) >= 8 and len(t) >= 8
    )


def import_statement(*, bank_account: BankAccount, data: bytes, filename: str, format: str = "auto", user=None,
                     dry_run: bool = False, statement_type: str = StatementType.PAYMENT_APPLICATION,
                     reconciliation: BankAccReconciliation | None = None) -> ImportResult:
    """Import a statement file into a new payment reconciliation journal of the bank account.

    `statement_type` makes the new worksheet a bank account reconciliation instead; `reconciliation`
    adds the lines to that existing worksheet (of this bank account) instead of a new one.
    """
    parsed = parse_file(data, filename=filename, format=format)
    result = ImportResult(format=parsed.format, statements=summarize(parsed))
    lcy = CompanySetup.get().lcy_code
    expected_currency = bank_account.currency.code if bank_account.currency_id else lcy
    for statement in parsed.statements:
        if not _belongs_to(bank_account, statement):
            raise StatementImportError(WRONG_ACCOUNT % {
                "file": filename, "account": statement.account_iban or statement.account_number,
                "bank": bank_account.no, "expected": bank_account.iban or bank_account.bank_account_no,
            })
        if statement.currency and statement.currency != expected_currency:
            raise StatementImportError(WRONG_CURRENCY % {
                "file": filename, "currency": statement.currency, "bank": bank_account.no, "expected": expected_currency,
            })
    digest = hashlib.sha256(data).hexdigest()
    earlier = StatementImport.objects.filter(bank_account=bank_account, sha256=digest).select_related(
        "imported_by").first()
    if earlier is not None:
        raise StatementAlreadyImported(FILE_ALREADY_IMPORTED % {
            "file": filename, "bank": bank_account.no, "when": f"{earlier.imported_at:%Y-%m-%d %H:%M}",
            "who": earlier.imported_by or "—", "id": earlier.pk,
        })
    for statement in parsed.statements:
        if statement.statement_id:
            seen = ImportedStatement.objects.filter(
                bank_account=bank_account, statement_id=statement.statement_id, sequence=statement.sequence
            ).select_related("statement_import").first()
            if seen is not None:
                raise StatementAlreadyImported(STATEMENT_ALREADY_IMPORTED % {
                    "statement": statement.statement_id, "sequence": statement.sequence or "—",
                    "bank": bank_account.no, "file": seen.statement_import.filename,
                    "when": f"{seen.statement_import.imported_at:%Y-%m-%d %H:%M}",
                })
    result.warnings += _continuity_warnings(bank_account, parsed)
    if dry_run:
        result.imported = sum(len(s.transactions) for s in parsed.statements)
        return result
    try:
        with transaction.atomic():
            _store(result, bank_account=bank_account, parsed=parsed, data=data, digest=digest, filename=filename,
                   user=user, statement_type=statement_type, reconciliation=reconciliation)
    except IntegrityError:
        # Another import of the same file committed first; any other integrity error is a bug to surface.
        if not StatementImport.objects.filter(bank_account=bank_account, sha256=digest).exists():
            raise
        raise StatementAlreadyImported(FILE_ALREADY_IMPORTED % {
            "file": filename, "bank": bank_account.no, "when": "—", "who": "—", "id": "—"}) from None
    return result


def _continuity_warnings(bank: BankAccount, parsed: ParsedFile) -> list[str]:
    last = ImportedStatement.objects.filter(bank_account=bank, closing_balance__isnull=False).order_by(
        "-closing_date", "-pk").first()
    previous = last.closing_balance if last else None
    warnings = []
    for statement in parsed.statements:
        if previous is not None and statement.opening_balance is not None and statement.opening_balance != previous:
            warnings.append(str(OPENING_MISMATCH % {
                "statement": statement.statement_id or "—", "opening": statement.opening_balance,
                "bank": bank.no, "previous": previous,
            }))
        if statement.closing_balance is not None:
            previous = statement.closing_balance
    return warnings


def _store(result: ImportResult, *, bank_account, parsed: ParsedFile, data: bytes, digest: str, filename: str,
           user, statement_type: str = StatementType.PAYMENT_APPLICATION,
           reconciliation: BankAccReconciliation | None = None) -> None:
    # Serialize imports per bank account, so two runs cannot both take in the same transactions.
    BankAccount.objects.select_for_update().filter(pk=bank_account.pk).first()
    record = StatementImport.objects.create(
        bank_account=bank_account, filename=filename[:255], sha256=digest, format=parsed.format, size=len(data),
        content=data, imported_by=user if getattr(user, "pk", None) else None,
    )
    last = parsed.statements[-1]
    journal = reconciliation or BankAccReconciliation.objects.create(
        bank_account=bank_account, statement_type=statement_type,
        statement_no=_next_statement_no(bank_account), statement_date=last.closing_date or _last_date(parsed),
        balance_last_statement=bank_account.balance_last_statement,
        statement_ending_balance=last.closing_balance if last.closing_balance is not None else Decimal(0),
        statement_import=record, created_by=record.imported_by,
    )
    # A transaction imported from an earlier, overlapping file has the same id, date and amount. Within one
    # file nothing is skipped: the parsers make ids unique per statement, and two equal lines are two payments.
    ids = {t.transaction_id for s in parsed.statements for t in s.transactions if t.transaction_id}
    known = set()
    for chunk in _chunks(sorted(ids), 500):
        known |= set(
            BankAccReconciliationLine.objects.filter(bank_account=bank_account, transaction_id__in=chunk,
                                                     reconciliation__statement_type=journal.statement_type)
            .values_list("transaction_id", "transaction_date", "statement_amount")
        )
    columns = [
        "reconciliation", "bank_account", "imported_statement", "line_no", "transaction_date", "value_date",
        "transaction_text", "related_party_name", "related_party_iban", "related_party_bank_acc_no",
        "related_party_address", "statement_amount", "applied_amount", "currency", "account_type", "account_no",
        "match_confidence", "transaction_id", "end_to_end_id", "creditor_reference", "bank_transaction_code",
        "entry_reference",
    ]
    statements = [
        (statement, ImportedStatement.objects.create(
            statement_import=record, bank_account=bank_account, statement_id=statement.statement_id[:140],
            sequence=statement.sequence[:35], currency=statement.currency, opening_balance=statement.opening_balance,
            opening_date=statement.opening_date, closing_balance=statement.closing_balance,
            closing_date=statement.closing_date, transactions=len(statement.transactions),
        ))
        for statement in parsed.statements
    ]

    first_line_no = (journal.lines.order_by("-line_no").values_list("line_no", flat=True).first() or 0
                     if reconciliation else 0)

    def rows():
        # A generator: 100,000 lines go to the database without a second copy of them in memory.
        line_no = first_line_no
        for statement, imported in statements:
            for t in statement.transactions:
                if t.transaction_id and (t.transaction_id[:140], t.booking_date, t.amount) in known:
                    result.skipped += 1
                    continue
                line_no += 10000
                yield (
                    journal.pk, bank_account.pk, imported.pk, line_no, t.booking_date, t.value_date, t.text[:500],
                    t.party_name[:140], t.party_iban[:42], t.party_account[:50], t.party_address[:250], t.amount,
                    Decimal(0), t.currency[:3], "", "", MatchConfidence.NONE, t.transaction_id[:140],
                    t.end_to_end_id[:140], t.creditor_reference[:50], t.bank_transaction_code[:50],
                    t.entry_reference[:140],
                )

    written = insert_rows(BankAccReconciliationLine, [_attname(c) for c in columns], rows())
    record.transactions = written
    record.skipped = result.skipped
    record.save(update_fields=["transactions", "skipped"])
    result.journal = journal
    result.imported = written


def _attname(name: str) -> str:
    """Foreign keys are given as ids."""
    return name + "_id" if name in {"reconciliation", "bank_account", "imported_statement"} else name


def _last_date(parsed: ParsedFile) -> date | None:
    dates = [t.booking_date for s in parsed.statements for t in s.transactions]
    return max(dates) if dates else None


def _next_statement_no(bank: BankAccount) -> str:
    taken = set(BankAccReconciliation.objects.filter(bank_account=bank).values_list("statement_no", flat=True))
    number = int(bank.last_payment_statement_no) if bank.last_payment_statement_no.isdigit() else 0
    while True:
        number += 1
        if str(number) not in taken:
            return str(number)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
