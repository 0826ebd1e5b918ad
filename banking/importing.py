"""Importing a bank statement file: parse, check it belongs here, refuse what was imported before,
then stage its transactions as lines of a payment reconciliation journal. All or nothing.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import batched

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    CsvStatementFormat,
    ImportedStatement,
    MatchConfidence,
    StatementImport,
    StatementType,
)
from banking.statements import (
    CsvMapping,
    NotStreamable,
    ParsedFile,
    Statement,
    StatementParseError,
    StatementStream,
    Transaction,
    parse_statement,
    stream_statement,
)
from banking.statements.csv_presets import CSV_PRESETS
from receivables.lib.bulk import insert_rows
from receivables.lib.collector import paused_garbage_collection
from receivables.lib.validators import normalize_account_no, normalize_iban
from receivables.models import BankAccount, CompanySetup

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
    parser_format, mapping = _parser_arguments(data, filename=filename, format=format)
    try:
        parsed = parse_statement(data, format=parser_format, csv_mapping=mapping, filename=filename)
    except StatementParseError as error:
        raise StatementImportError(str(error)) from None
    if not parsed.statements:
        raise StatementImportError(NO_STATEMENTS % {"file": filename})
    return parsed


def _parser_arguments(data: bytes, *, filename: str, format: str) -> tuple[str, CsvMapping | None]:
    """The parsers' format and CSV mapping for the import's `format`; refuses empty and oversized files."""
    if not data:
        raise StatementImportError(EMPTY_FILE % {"file": filename})
    if len(data) > settings.STATEMENT_MAX_BYTES:
        raise StatementImportError(TOO_LARGE % {"file": filename, "size": len(data),
                                                "limit": settings.STATEMENT_MAX_BYTES})
    if format.startswith("csv:"):
        code = format[4:]
        saved = CsvStatementFormat.objects.filter(code=code).first()
        if saved is not None:
            return "csv", saved.to_mapping()
        if code in CSV_PRESETS:
            return "csv", CSV_PRESETS[code]
        raise StatementImportError(UNKNOWN_CSV_FORMAT % {"code": code})
    if format == "camt":
        return "auto", None
    if format not in ("auto", "ofx", "mt940"):
        raise StatementImportError(UNKNOWN_FORMAT % {"format": format})
    return format, None


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

    The file is read as a stream (banking.statements.stream_statement) and its lines are written as its
    entries are parsed, in one database transaction: a file of 100,000 transactions never sits in memory
    as transactions, and a file found broken half-way imports nothing. Refusals (another account or
    currency, imported before) wait until the whole file has been read, so a broken file is reported as
    broken first, as when files were parsed whole before anything else. On SQLite that transaction holds
    the database's write lock while the file is read (about 9 s for 100,000 transactions).
    """
    parser_format, mapping = _parser_arguments(data, filename=filename, format=format)
    digest = hashlib.sha256(data).hexdigest()
    run = dict(bank_account=bank_account, data=data, filename=filename, parser_format=parser_format,
               mapping=mapping, digest=digest, user=user, dry_run=dry_run, statement_type=statement_type,
               reconciliation=reconciliation)
    with paused_garbage_collection():
        try:
            return _import(**run, whole=False)
        except NotStreamable:
            # A transaction id that came once came again further on, so the parser derives ids for both; the
            # first line was written with the bank's id. What was written is rolled back; read the file whole.
            return _import(**run, whole=True)


def _import(*, bank_account: BankAccount, data: bytes, filename: str, parser_format: str,
            mapping: CsvMapping | None, digest: str, user, dry_run: bool, statement_type: str,
            reconciliation: BankAccReconciliation | None, whole: bool) -> ImportResult:
    try:
        stream = stream_statement(data, format=parser_format, csv_mapping=mapping, filename=filename, whole=whole)
    except StatementParseError as error:
        raise StatementImportError(str(error)) from None
    if reconciliation is not None:
        statement_type = reconciliation.statement_type
    earlier = StatementImport.objects.filter(
        bank_account=bank_account, statement_type=statement_type, sha256=digest).select_related("imported_by").first()
    reading = _Reading(bank_account=bank_account, filename=filename, earlier=earlier, statement_type=statement_type)
    if dry_run or earlier is not None:
        reading.check(stream)
        reading.result.imported = sum(s.transactions for s in reading.result.statements)
        return reading.result
    try:
        with transaction.atomic():
            # Serialize imports per bank account, so two runs cannot both take in the same transactions.
            BankAccount.objects.select_for_update().filter(pk=bank_account.pk).first()
            store = _Store(bank_account=bank_account, data=data, digest=digest, filename=filename, user=user,
                           statement_type=statement_type, reconciliation=reconciliation)
            reading.store(stream, store)
    except IntegrityError:
        # Another import of the same file committed first; any other integrity error is a bug to surface.
        if not StatementImport.objects.filter(
                bank_account=bank_account, statement_type=statement_type, sha256=digest).exists():
            raise
        raise StatementAlreadyImported(FILE_ALREADY_IMPORTED % {
            "file": filename, "bank": bank_account.no, "when": "—", "who": "—", "id": "—"}) from None
    return reading.result


class _Reading:
    """One pass over a statement file: the summary, the checks, and (given a _Store) the lines written."""

    def __init__(self, *, bank_account: BankAccount, filename: str, earlier: StatementImport | None,
                 statement_type: str) -> None:
        self.bank_account = bank_account
        # Statements imported before, and the last closing balance, count per kind of worksheet.
        self.imported = ImportedStatement.objects.filter(
            bank_account=bank_account, statement_import__statement_type=statement_type)
        self.filename = filename
        self.earlier = earlier
        lcy = CompanySetup.get().lcy_code
        self.expected_currency = bank_account.currency.code if bank_account.currency_id else lcy
        self.result = ImportResult(format="", statements=[])
        # The first refusal of each kind; raised in this order once the whole file has been read.
        self.refused: StatementImportError | None = None
        self.imported_before: StatementAlreadyImported | None = None
        last = self.imported.filter(closing_balance__isnull=False).order_by(
            "-closing_date", "-pk").first()
        self.previous_closing = last.closing_balance if last else None
        self.last_date: date | None = None
        self.last_statement: Statement | None = None

    def check(self, stream: StatementStream) -> None:
        """Read and check the whole file; write nothing."""
        for _ in self._lines(stream, None):
            pass
        self._finish()

    def store(self, stream: StatementStream, store: _Store) -> None:
        """Read and check the whole file, writing its lines while nothing is refused; inside a transaction."""
        written = insert_rows(BankAccReconciliationLine, [_attname(c) for c in _COLUMNS], self._lines(stream, store))
        self._finish()
        store.finish(self.result, written=written, last=self.last_statement, last_date=self.last_date)

    def _lines(self, stream: StatementStream, store: _Store | None) -> Iterator[tuple]:
        """Every transaction of the file, counted into its statement's summary; the rows of the lines to write."""
        try:
            for statement, transactions in stream:
                self.result.format = stream.format
                self._begin(statement, store)
                writing = store is not None and self.refused is None and self.imported_before is None
                imported = store.statement(statement, stream.format) if writing else None
                count, credits, debits, last_date = 0, Decimal(0), Decimal(0), self.last_date
                for batch in batched(transactions, _KNOWN_BATCH):
                    count += len(batch)
                    known = store.known(batch) if writing else ()
                    for t in batch:
                        amount = t.amount
                        if amount > 0:
                            credits += amount
                        elif amount < 0:
                            debits -= amount
                        if last_date is None or t.booking_date > last_date:
                            last_date = t.booking_date
                        if not writing:
                            continue
                        # A transaction imported from an earlier, overlapping file has the same id, date and amount.
                        if t.transaction_id and (t.transaction_id[:140], t.booking_date, amount) in known:
                            self.result.skipped += 1
                        else:
                            yield store.row(imported, t)
                summary = self.result.statements[-1]
                summary.transactions, summary.credits, summary.debits = count, credits, debits
                self.last_date = last_date
                if imported is not None and count:
                    store.count(imported, count)
        except StatementParseError as error:
            raise StatementImportError(str(error)) from None

    def _begin(self, statement: Statement, store: _Store | None) -> None:
        bank = self.bank_account
        self.result.statements.append(StatementSummary(
            statement_id=statement.statement_id, account=statement.account_iban or statement.account_number,
            currency=statement.currency, transactions=0, credits=Decimal(0), debits=Decimal(0),
            opening_balance=statement.opening_balance, closing_balance=statement.closing_balance,
        ))
        self.last_statement = statement
        if self.refused is None and not _belongs_to(bank, statement):
            self.refused = StatementImportError(WRONG_ACCOUNT % {
                "file": self.filename, "account": statement.account_iban or statement.account_number,
                "bank": bank.no, "expected": bank.iban or bank.bank_account_no,
            })
        if self.refused is None and statement.currency and statement.currency != self.expected_currency:
            self.refused = StatementImportError(WRONG_CURRENCY % {
                "file": self.filename, "currency": statement.currency, "bank": bank.no,
                "expected": self.expected_currency,
            })
        if self.earlier is None and self.imported_before is None and statement.statement_id:
            earlier = self.imported.filter(statement_id=statement.statement_id, sequence=statement.sequence)
            if store is not None and store.imported_statements:
                # Some banks repeat one statement id for every statement of a file.
                earlier = earlier.exclude(pk__in=store.imported_statements)
            seen = earlier.select_related("statement_import").first()
            if seen is not None:
                self.imported_before = StatementAlreadyImported(STATEMENT_ALREADY_IMPORTED % {
                    "statement": statement.statement_id, "sequence": statement.sequence or "—",
                    "bank": bank.no, "file": seen.statement_import.filename,
                    "when": f"{seen.statement_import.imported_at:%Y-%m-%d %H:%M}",
                })
        previous = self.previous_closing
        if previous is not None and statement.opening_balance is not None and statement.opening_balance != previous:
            self.result.warnings.append(str(OPENING_MISMATCH % {
                "statement": statement.statement_id or "—", "opening": statement.opening_balance,
                "bank": bank.no, "previous": previous,
            }))
        if statement.closing_balance is not None:
            self.previous_closing = statement.closing_balance

    def _finish(self) -> None:
        """The refusals, now that the whole file has been read (raising inside the transaction undoes it)."""
        if not self.result.statements:
            raise StatementImportError(NO_STATEMENTS % {"file": self.filename})
        if self.refused is not None:
            raise self.refused
        earlier = self.earlier
        if earlier is not None:
            raise StatementAlreadyImported(FILE_ALREADY_IMPORTED % {
                "file": self.filename, "bank": self.bank_account.no, "when": f"{earlier.imported_at:%Y-%m-%d %H:%M}",
                "who": earlier.imported_by or "—", "id": earlier.pk,
            })
        if self.imported_before is not None:
            raise self.imported_before


# Transactions are checked against earlier imports this many at a time (one query).
_KNOWN_BATCH = 2000
_NO_MATCH = MatchConfidence.NONE.value  # the plain string: a choices member takes insert_rows' slow path
_COLUMNS = [
    "reconciliation", "bank_account", "imported_statement", "line_no", "transaction_date", "value_date",
    "transaction_text", "related_party_name", "related_party_iban", "related_party_bank_acc_no",
    "related_party_address", "statement_amount", "applied_amount", "currency", "account_type", "account_no",
    "match_confidence", "transaction_id", "end_to_end_id", "creditor_reference", "bank_transaction_code",
    "entry_reference",
]


class _Store:
    """The rows of one import: the kept file, the worksheet, its statements and lines."""

    def __init__(self, *, bank_account: BankAccount, data: bytes, digest: str, filename: str, user,
                 statement_type: str, reconciliation: BankAccReconciliation | None) -> None:
        self.bank_account = bank_account
        self.data = data
        self.digest = digest
        self.filename = filename
        self.user = user if getattr(user, "pk", None) else None
        self.statement_type = statement_type
        self.reconciliation = reconciliation
        self.record: StatementImport | None = None
        self.journal: BankAccReconciliation | None = None
        self.imported_statements: list[int] = []
        self.line_no = 0

    def statement(self, statement: Statement, format: str) -> ImportedStatement:  # noqa: A002
        if self.record is None:
            self._start(format)
        imported = ImportedStatement.objects.create(
            statement_import=self.record, bank_account=self.bank_account, statement_id=statement.statement_id[:140],
            sequence=statement.sequence[:35], currency=statement.currency, opening_balance=statement.opening_balance,
            opening_date=statement.opening_date, closing_balance=statement.closing_balance,
            closing_date=statement.closing_date, transactions=0,
        )
        self.imported_statements.append(imported.pk)
        return imported

    def _start(self, format: str) -> None:  # noqa: A002
        # The kept file is written last, with the counts (finish): SQLite rewrites a whole row, the file
        # included, for any change to it, making two passing copies of the file each time.
        self.record = StatementImport.objects.create(
            bank_account=self.bank_account, statement_type=self.statement_type, filename=self.filename[:255],
            sha256=self.digest, format=format,
            size=len(self.data), content=b"", imported_by=self.user,
        )
        if self.reconciliation is not None:
            self.journal = self.reconciliation
            self.line_no = self.journal.lines.order_by("-line_no").values_list("line_no", flat=True).first() or 0
        else:
            # Statement date and ending balance come from the file's last statement, at the end.
            self.journal = BankAccReconciliation.objects.create(
                bank_account=self.bank_account, statement_type=self.statement_type,
                statement_no=_next_statement_no(self.bank_account), statement_date=None,
                balance_last_statement=self.bank_account.balance_last_statement,
                statement_ending_balance=Decimal(0), statement_import=self.record, created_by=self.user,
            )

    def known(self, batch: tuple[Transaction, ...]) -> set[tuple]:
        """(id, date, amount) of earlier lines of this bank account with the ids of `batch`.

        Lines this import has written do not count: within one file nothing is skipped (the parsers make
        ids unique per statement, and two equal lines are two payments).
        """
        ids = {t.transaction_id for t in batch if t.transaction_id}
        if not ids:
            return set()
        return set(
            BankAccReconciliationLine.objects.filter(
                bank_account=self.bank_account, transaction_id__in=ids,
                reconciliation__statement_type=self.journal.statement_type,
            ).exclude(imported_statement_id__in=self.imported_statements)
            .values_list("transaction_id", "transaction_date", "statement_amount")
        )

    def row(self, imported: ImportedStatement, t: Transaction) -> tuple:
        self.line_no += 10000
        return (
            self.journal.pk, self.bank_account.pk, imported.pk, self.line_no, t.booking_date, t.value_date,
            t.text[:500], t.party_name[:140], t.party_iban[:42], t.party_account[:50], t.party_address[:250],
            t.amount, Decimal(0), t.currency[:3], "", "", _NO_MATCH, t.transaction_id[:140],
            t.end_to_end_id[:140], t.creditor_reference[:50], t.bank_transaction_code[:50], t.entry_reference[:140],
        )

    def count(self, imported: ImportedStatement, transactions: int) -> None:
        ImportedStatement.objects.filter(pk=imported.pk).update(transactions=transactions)

    def finish(self, result: ImportResult, *, written: int, last: Statement, last_date: date | None) -> None:
        record, journal = self.record, self.journal
        if self.reconciliation is None:
            journal.statement_date = last.closing_date or last_date
            journal.statement_ending_balance = last.closing_balance if last.closing_balance is not None else Decimal(0)
            journal.save(update_fields=["statement_date", "statement_ending_balance"])
        record.content, record.transactions, record.skipped = self.data, written, result.skipped
        record.save(update_fields=["content", "transactions", "skipped"])
        result.journal = journal
        result.imported = written


def _attname(name: str) -> str:
    """Foreign keys are given as ids."""
    return name + "_id" if name in {"reconciliation", "bank_account", "imported_statement"} else name


def _next_statement_no(bank: BankAccount) -> str:
    taken = set(BankAccReconciliation.objects.filter(bank_account=bank).values_list("statement_no", flat=True))
    number = int(bank.last_payment_statement_no) if bank.last_payment_statement_no.isdigit() else 0
    while True:
        number += 1
        if str(number) not in taken:
            return str(number)
