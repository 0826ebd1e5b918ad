"""Reading the import files: UTF-8 CSV with a header row, rows numbered as the user sees them.

Line numbers count the header as line 1, so "line 7" is the seventh line in a text editor (a
quoted value that spans lines counts from the line the record starts on). Every problem becomes a
RowError naming file, line and column; an importer collects them all and refuses the whole file.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NOT_UTF8 = gettext_lazy(
    "The file is not UTF-8 text (the byte at position %(position)s cannot be read). Save it as "
    "\"CSV UTF-8\" and import it again."
)
EMPTY_FILE = gettext_lazy("The file is empty: it needs a header row.")
NOT_CSV = gettext_lazy("The file cannot be read as CSV: %(reason)s.")
UNKNOWN_COLUMN = gettext_lazy("Unknown column. The columns are: %(columns)s.")
MISSING_COLUMN = gettext_lazy("The header has no column %(column)s.")
DUPLICATE_COLUMN = gettext_lazy("The column appears twice in the header.")
WRONG_VALUE_COUNT = gettext_lazy("The row has %(found)s values; the header has %(expected)s.")
REQUIRED = gettext_lazy("This value is required.")
NOT_A_DATE = gettext_lazy("'%(value)s' is not a date: write it as YYYY-MM-DD, such as 2024-01-31.")
NOT_AN_AMOUNT = gettext_lazy(
    "'%(value)s' is not an amount: write it with a dot and at most two decimals, such as -1250.50."
)
_AMOUNT = re.compile(r"[-+]?[0-9]{1,18}(\.[0-9]{0,2})?")
CENT = Decimal("0.01")
NOT_A_CHOICE = gettext_lazy("'%(value)s' is not one of: %(choices)s.")


@dataclass(frozen=True)
class RowError:
    """One bad value (or a bad file): where it is and what is wrong, in words a clerk can act on."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return _("%(file)s, line %(line)s, field %(field)s: %(reason)s") % {
                "file": self.file, "line": self.line, "field": self.field, "reason": self.message,
            }
        return _("%(file)s, line %(line)s: %(reason)s") % {"file": self.file, "line": self.line, "reason": self.message}

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class ImportRejected(Exception):
    """The file has errors; nothing was imported. `errors` lists every one of them."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class CsvFile:
    """A decoded file: its name (for messages), its header and its rows."""

    name: str
    columns: list[str]
    rows: list[Row]
    # Rows that could not be split into the header's columns; reported with the other bad rows.
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes, *, name: str) -> str:
    """UTF-8 text, with or without a byte order mark. Anything else is refused, naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportRejected([RowError(name, line, "", NOT_UTF8 % {"position": error.start + 1})]) from None


def _dialect(header_line: str) -> type[csv.Dialect]:
    # Norwegian Excel saves "CSV" with semicolons; amounts use a dot either way (the format says so).
    if header_line.count(";") > header_line.count(","):
        class Semicolon(csv.excel):
            delimiter = ";"

        return Semicolon
    return csv.excel


def read_csv(
    data: bytes, *, name: str, columns: Sequence[str], required: Sequence[str] = ()
) -> CsvFile:
    """Parse `data` into rows keyed by column name.

    `columns` are the columns the format knows; the header may list them in any order and leave out
    any but the `required` ones (a missing column reads as empty). Unknown and repeated columns are
    refused, since a misspelt column would otherwise be silently ignored.
    """
    text = decode(data, name=name)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(first_line), strict=True)
    errors: list[RowError] = []
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise ImportRejected([RowError(name, 1, "", EMPTY_FILE)])
        header_line = reader.line_num
        header = [cell.strip().lower() for cell in header]
        seen: set[str] = set()
        for column in header:
            if column not in columns:
                errors.append(RowError(name, header_line, column, UNKNOWN_COLUMN % {"columns": ", ".join(columns)}))
            elif column in seen:
                errors.append(RowError(name, header_line, column, DUPLICATE_COLUMN))
            seen.add(column)
        for column in required:
            if column not in seen:
                errors.append(RowError(name, header_line, column, MISSING_COLUMN % {"column": column}))
        if errors:
            raise ImportRejected(errors)
        rows: list[Row] = []
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue  # blank lines (often a trailing one) carry nothing
            if len(record) != len(header):
                errors.append(
                    RowError(name, line, "", WRONG_VALUE_COUNT % {"found": len(record), "expected": len(header)})
                )
                continue
            rows.append(Row(line, {column: cell.strip() for column, cell in zip(header, record, strict=True)}))
    except csv.Error as error:
        raise ImportRejected([RowError(name, reader.line_num, "", NOT_CSV % {"reason": error})]) from None
    return CsvFile(name=name, columns=header, rows=rows, errors=errors)


def read_path(path: str | Path, **kwargs) -> CsvFile:
    path = Path(path)
    return read_csv(path.read_bytes(), name=path.name, **kwargs)


class RowChecker:
    """Collects a file's errors while its rows are converted, so every bad value is reported at once."""

    def __init__(self, csv_file: CsvFile) -> None:
        self.name = csv_file.name
        self.errors: list[RowError] = list(csv_file.errors)

    def fail(self, row: Row | int, field: str, message: object) -> None:
        line = row if isinstance(row, int) else row.line
        self.errors.append(RowError(self.name, line, field, str(message)))

    def raise_if_any(self) -> None:
        if self.errors:
            # Stable: a row's errors stay in column order.
            self.errors.sort(key=lambda error: error.line)
            raise ImportRejected(self.errors)

    def required(self, row: Row, column: str) -> str | None:
        value = row[column]
        if not value:
            self.fail(row, column, REQUIRED)
            return None
        return value

    def date(self, row: Row, column: str, *, required: bool = False) -> date | None:
        value = row[column]
        if not value:
            if required:
                self.fail(row, column, REQUIRED)
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(row, column, NOT_A_DATE % {"value": value})
            return None

    def amount(self, row: Row, column: str, *, required: bool = False) -> Decimal | None:
        value = row[column]
        if not value:
            if required:
                self.fail(row, column, REQUIRED)
            return None
        # Money has at most two decimals and fits the ledger's columns; "1,5" or "1e3" is a
        # spreadsheet accident, not an amount.
        if not _AMOUNT.fullmatch(value):
            self.fail(row, column, NOT_AN_AMOUNT % {"value": value})
            return None
        return Decimal(value).quantize(CENT)

    def choice(self, row: Row, column: str, choices: Sequence[str], *, default: str | None = None) -> str | None:
        value = row[column].lower()
        if not value and default is not None:
            return default
        if value not in choices:
            if not value:
                self.fail(row, column, REQUIRED)
            else:
                self.fail(row, column, NOT_A_CHOICE % {"value": row[column], "choices": ", ".join(choices)})
            return None
        return value

    def field(self, row: Row, column: str, model_field: models.Field, value: str | None = None) -> str | None:
        """Clean a value with the model field's own validators (length, IBAN, org. no., email...)."""
        raw = row[column] if value is None else value
        try:
            return model_field.clean(raw, None)
        except ValidationError as error:
            self.fail(row, column, " ".join(error.messages))
            return None
