"""Bank CSV exports, read through a `CsvMapping` that says where each field is.

A CSV file says nothing about its own layout, so the bank (or a user) chooses
a mapping; `csv_presets` ships the ones we know. Columns are given by 0-based
index or by header name.

Rows are data rows when their booking-date cell holds a date. With
`skip_rows_without_date` (the default) rows with an empty date cell are
skipped: summary rows, balance rows, a username row, a multi-line disclaimer.
A non-empty date cell that is not a date is an error, never silently skipped.
Rows after a section title listed in `skip_sections` (Schwab's "Pending
Transactions") are skipped up to the next section title.

One statement per currency (PayPal mixes EUR and USD rows in one file).
Balances come from a running-balance column (the opening balance is the
oldest row's balance minus that row's net amount; newest-first files are
recognised by their dates), or from separate opening/closing balance columns
(Venmo). A fee column (PayPal) turns each non-zero fee into a line of its own,
so the statement still adds up to the running balance.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ._common import (
    clean,
    find_creditor_reference,
    iban_or_empty,
    join_clean,
    normalise_reference,
    statement_scope,
    with_unique_ids,
)
from .errors import StatementParseError, parse_errors
from .model import ParsedFile, Statement, Transaction

Column = str | int

MAX_CSV_BYTES = 20 * 1024 * 1024

TOO_LARGE = "the file is {size} bytes; CSV files over {limit} bytes are refused"
BAD_ENCODING = "the file is not valid {encoding} text (byte {position})"
NOT_CSV = "the file could not be read as CSV: {detail}"
NO_HEADER = "the file has no header line, so column {column!r} cannot be found"
COLUMN_NOT_FOUND = "column {column!r} is not in the header"
DATE_NOT_VALID = "date {value!r} does not match the format {format!r}"
MISSING_DATE = "the row has no booking date"
AMOUNT_NOT_A_NUMBER = "amount {value!r} is not a number"
MISSING_AMOUNT = "the row has no amount"
NO_ROWS = "the file holds no transactions"
FEE_TEXT = "Fee"

_CURRENCY_MARKS = re.compile(r"[$€£¥]|\b(?:NOK|SEK|DKK|EUR|USD|GBP|kr)\b|\s", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(\.\d+)?|\.\d+")


@dataclass(frozen=True, slots=True, kw_only=True)
class CsvMapping:
    """Where a bank's CSV export keeps each field.

    `header_lines` is the number of records before the data; the last of them
    holds the column names. `decimal_separator` may be "auto": then the last
    "." or "," followed by one or two digits is the decimal mark.
    Either `amount_column` (signed) or `debit_column` / `credit_column` (money
    out / in; the sign written in them is ignored) must be given.
    """

    code: str
    name: str
    delimiter: str = ";"
    encoding: str = "utf-8-sig"
    # Tried when the file is not valid in `encoding` (older exports in cp1252).
    fallback_encoding: str = ""
    header_lines: int = 1
    date_format: str = "%d.%m.%Y"
    decimal_separator: str = ","
    thousands_separator: str = ""
    amount_column: Column | None = None
    debit_column: Column | None = None
    credit_column: Column | None = None
    booking_date_column: Column = 0
    value_date_column: Column | None = None
    text_columns: Sequence[Column] = ()
    party_name_column: Column | None = None
    party_account_column: Column | None = None
    reference_column: Column | None = None
    transaction_id_column: Column | None = None
    currency: str = ""
    currency_column: Column | None = None
    balance_column: Column | None = None
    fee_column: Column | None = None
    opening_balance_column: Column | None = None
    closing_balance_column: Column | None = None
    skip_rows_without_date: bool = True
    skip_sections: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # A wrong mapping is a programming error, so it fails when it is defined.
        if self.amount_column is None and self.debit_column is None and self.credit_column is None:
            raise ValueError(f"CSV mapping {self.code!r} needs an amount or debit/credit column")
        for encoding in (self.encoding, self.fallback_encoding):
            if encoding:
                codecs.lookup(encoding)  # LookupError names the unknown encoding
        if len(self.delimiter) != 1:
            raise ValueError(f"CSV mapping {self.code!r}: the delimiter must be one character")


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    transaction: Transaction
    fee: Decimal
    balance: Decimal | None


def parse_csv(data: bytes, mapping: CsvMapping, *, filename: str = "") -> ParsedFile:
    with parse_errors(filename):
        if len(data) > MAX_CSV_BYTES:
            raise StatementParseError(
                "", "", TOO_LARGE.format(size=len(data), limit=MAX_CSV_BYTES)
            )
        records = _records(_decode(data, mapping), mapping)
        header_line = records[mapping.header_lines - 1][0] if 0 < mapping.header_lines <= len(records) else 0
        columns = _Columns(_header(records, mapping.header_lines), header_line)
        rows, balances = _rows(records[mapping.header_lines :], columns, mapping)
        if not rows:
            raise StatementParseError("", "", NO_ROWS)
        return ParsedFile(format="csv", statements=_statements(rows, balances))


def _decode(data: bytes, mapping: CsvMapping) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # some banks export "Unicode text" from Excel
    else:
        encoding = mapping.encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if mapping.fallback_encoding:
            try:
                return data.decode(mapping.fallback_encoding)
            except UnicodeDecodeError:
                pass
        line = data.count(b"\n", 0, error.start) + 1
        raise StatementParseError(
            "", f"line {line}", BAD_ENCODING.format(encoding=encoding, position=error.start)
        ) from None


def _header(records: list[tuple[int, list[str]]], header_lines: int) -> list[str] | None:
    if header_lines <= 0 or len(records) < header_lines:
        return None
    return records[header_lines - 1][1]


def _records(text: str, mapping: CsvMapping) -> list[tuple[int, list[str]]]:
    """The CSV records with the file line each one starts on."""
    # A cell over the stdlib's 128 kB field limit raises csv.Error, reported below.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise StatementParseError("", f"line {start}", NOT_CSV.format(detail=exc)) from None
    return records


class _Columns:
    """Resolves the mapping's columns (names or indexes) against the header."""

    def __init__(self, header: list[str] | None, header_line: int) -> None:
        self.names = [clean(name).casefold() for name in header] if header is not None else None
        self.header_line = header_line

    def index(self, column: Column | None) -> int | None:
        if column is None or isinstance(column, int):
            return column
        if self.names is None:
            raise StatementParseError("", "", NO_HEADER.format(column=column))
        wanted = clean(column).casefold()
        if wanted not in self.names:
            raise StatementParseError(
                "", f"line {self.header_line}", COLUMN_NOT_FOUND.format(column=column)
            )
        return self.names.index(wanted)


def _cell(record: list[str], index: int | None) -> str:
    if index is None or index >= len(record):
        return ""
    return record[index].strip()


def _rows(
    records: list[tuple[int, list[str]]], columns: _Columns, mapping: CsvMapping
) -> tuple[list[_Row], tuple[Decimal | None, Decimal | None]]:
    date_index = columns.index(mapping.booking_date_column)
    opening_index = columns.index(mapping.opening_balance_column)
    closing_index = columns.index(mapping.closing_balance_column)
    skip_sections = {clean(title).casefold() for title in mapping.skip_sections}
    opening: Decimal | None = None
    closing: Decimal | None = None
    skipping = False
    rows: list[_Row] = []
    for line, record in records:
        filled = [cell for cell in record if cell.strip()]
        if not filled:
            continue
        if len(filled) == 1 and skip_sections and not _is_date(filled[0], mapping):
            # A one-cell row is a section title: it starts or ends a skipped section.
            skipping = clean(filled[0]).casefold() in skip_sections
            continue
        if skipping:
            continue
        if opening is None and _cell(record, opening_index):
            opening = _amount(_cell(record, opening_index), mapping, line)
        if _cell(record, closing_index):
            closing = _amount(_cell(record, closing_index), mapping, line)
        raw_date = _cell(record, date_index)
        if not raw_date:
            if mapping.skip_rows_without_date:
                continue
            raise StatementParseError("", f"line {line}", MISSING_DATE)
        rows.append(_row(line, record, columns, mapping))
    return rows, (opening, closing)


def _is_date(value: str, mapping: CsvMapping) -> bool:
    try:
        datetime.strptime(value.strip(), mapping.date_format)
    except ValueError:
        return False
    return True


def _date(value: str, mapping: CsvMapping, line: int) -> date:
    try:
        return datetime.strptime(value.strip(), mapping.date_format).date()
    except ValueError:
        raise StatementParseError(
            "", f"line {line}", DATE_NOT_VALID.format(value=value, format=mapping.date_format)
        ) from None


def _amount(value: str, mapping: CsvMapping, line: int) -> Decimal:
    """A money amount as banks write it: "-$7,971.39", "+ $73.01", "4.626,81", "(12.00)"."""
    raw = value
    text = _CURRENCY_MARKS.sub("", value).replace("\u2212", "-")
    negative = text.startswith("-") or text.endswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("+-()")
    number = _normalise_number(text, mapping)
    if not _NUMBER.fullmatch(number) or len(number) > 24:
        raise StatementParseError("", f"line {line}", AMOUNT_NOT_A_NUMBER.format(value=raw))
    try:
        amount = Decimal(number)
    except InvalidOperation:
        raise StatementParseError("", f"line {line}", AMOUNT_NOT_A_NUMBER.format(value=raw)) from None
    return -amount if negative and not amount.is_zero() else amount


def _normalise_number(text: str, mapping: CsvMapping) -> str:
    if mapping.decimal_separator == "auto":
        match = re.search(r"[.,](\d{1,2})$", text)
        whole, fraction = (text[: match.start()], match.group(1)) if match else (text, "")
        whole = whole.replace(".", "").replace(",", "")
        return f"{whole}.{fraction}" if fraction else whole
    if mapping.thousands_separator:
        text = text.replace(mapping.thousands_separator, "")
    return text.replace(mapping.decimal_separator, ".")


def _optional_amount(value: str, mapping: CsvMapping, line: int) -> Decimal | None:
    return _amount(value, mapping, line) if value else None


def _signed_amount(record: list[str], columns: _Columns, mapping: CsvMapping, line: int) -> Decimal:
    if mapping.amount_column is not None:
        raw = _cell(record, columns.index(mapping.amount_column))
        if not raw:
            raise StatementParseError("", f"line {line}", MISSING_AMOUNT)
        return _amount(raw, mapping, line)
    debit = _optional_amount(_cell(record, columns.index(mapping.debit_column)), mapping, line)
    credit = _optional_amount(_cell(record, columns.index(mapping.credit_column)), mapping, line)
    if debit is None and credit is None:
        raise StatementParseError("", f"line {line}", MISSING_AMOUNT)
    # SpareBank 1 writes its "Ut" (out) column with a minus sign, DNB without.
    return (abs(credit) if credit is not None else Decimal(0)) - (
        abs(debit) if debit is not None else Decimal(0)
    )


def _row(line: int, record: list[str], columns: _Columns, mapping: CsvMapping) -> _Row:
    def cell(column: Column | None) -> str:
        return _cell(record, columns.index(column))

    text = join_clean(cell(column) for column in mapping.text_columns)
    reference = normalise_reference(cell(mapping.reference_column))
    party_account = cell(mapping.party_account_column)
    value_date = cell(mapping.value_date_column)
    transaction = Transaction(
        booking_date=_date(cell(mapping.booking_date_column), mapping, line),
        value_date=_date(value_date, mapping, line) if value_date else None,
        amount=_signed_amount(record, columns, mapping, line),
        currency=(cell(mapping.currency_column) or mapping.currency).upper(),
        transaction_id=cell(mapping.transaction_id_column),
        party_name=clean(cell(mapping.party_name_column)),
        party_iban=iban_or_empty(party_account),
        party_account=party_account,
        text=text,
        creditor_reference=reference or find_creditor_reference(text),
    )
    fee = _optional_amount(cell(mapping.fee_column), mapping, line) or Decimal(0)
    balance = _optional_amount(cell(mapping.balance_column), mapping, line)
    return _Row(line=line, transaction=transaction, fee=fee, balance=balance)


def _statements(
    rows: list[_Row], file_balances: tuple[Decimal | None, Decimal | None]
) -> list[Statement]:
    currencies = list(dict.fromkeys(row.transaction.currency for row in rows))
    statements = []
    for currency in currencies:
        group = [row for row in rows if row.transaction.currency == currency]
        opening, closing = _running_balances(group)
        if opening is None and closing is None and len(currencies) == 1:
            opening, closing = file_balances
        transactions = [t for row in group for t in _with_fee_line(row)]
        dates = [t.booking_date for t in transactions]
        statements.append(
            Statement(
                account_iban="",
                account_number="",
                currency=currency,
                statement_id="",
                sequence="",
                opening_balance=opening,
                opening_date=min(dates) if opening is not None else None,
                closing_balance=closing,
                closing_date=max(dates) if closing is not None else None,
                transactions=with_unique_ids(transactions, statement_scope(currency, opening, closing)),
            )
        )
    return statements


def _with_fee_line(row: _Row) -> list[Transaction]:
    if row.fee.is_zero():
        return [row.transaction]
    main = row.transaction
    fee_id = f"{main.transaction_id}/fee" if main.transaction_id else ""
    fee = Transaction(
        booking_date=main.booking_date,
        value_date=main.value_date,
        amount=row.fee,
        currency=main.currency,
        transaction_id=fee_id,
        text=join_clean([FEE_TEXT, main.text]),
        entry_reference=main.transaction_id,
    )
    return [main, fee]


def _running_balances(group: list[_Row]) -> tuple[Decimal | None, Decimal | None]:
    """Opening and closing balance from a running-balance column, in either row order.

    The order is the one in which each balance follows from the one before
    (DCU and Schwab list the newest row first); if neither order adds up, the
    dates decide.
    """
    if any(row.balance is None for row in group):
        return None, None
    if _adds_up(group):
        ordered = group
    elif _adds_up(group[::-1]):
        ordered = group[::-1]
    elif group[0].transaction.booking_date <= group[-1].transaction.booking_date:
        ordered = group
    else:
        ordered = group[::-1]
    first, last = ordered[0], ordered[-1]
    opening = first.balance - _net(first)  # type: ignore[operator]
    return opening, last.balance


def _net(row: _Row) -> Decimal:
    return row.transaction.amount + row.fee


def _adds_up(rows: list[_Row]) -> bool:
    """Whether each balance is the one before it plus the row's net amount."""
    return all(
        later.balance == earlier.balance + _net(later)  # type: ignore[operator]
        for earlier, later in zip(rows, rows[1:], strict=False)
    )
