"""Pure bank statement parsers: a file's bytes in, a format-neutral `ParsedFile` out.

    from banking.statements import parse_statement
    parsed = parse_statement(data, filename=upload.name)

or, for large files, as a stream (one statement and one transaction at a
time, see `stream_statement`).

Supported: OFX/QFX, camt.052/053/054, MT940 and CSV (through a `CsvMapping`,
see `csv_presets`). Every problem with a file raises `StatementParseError`.
No Django, no database: staging the result is the next step of the import.
"""

from __future__ import annotations

from .camt import parse_camt
from .csv import CsvMapping, parse_csv
from .csv_presets import CSV_PRESETS, csv_preset
from .detect import StatementStream, detect_format, parse_statement, stream_statement
from .errors import NotStreamable, StatementParseError
from .model import FORMATS, ParsedFile, Statement, Transaction
from .mt940 import parse_mt940
from .ofx import parse_ofx

__all__ = [
    "CSV_PRESETS",
    "FORMATS",
    "CsvMapping",
    "NotStreamable",
    "ParsedFile",
    "Statement",
    "StatementParseError",
    "StatementStream",
    "Transaction",
    "csv_preset",
    "detect_format",
    "parse_camt",
    "parse_csv",
    "parse_mt940",
    "parse_ofx",
    "parse_statement",
    "stream_statement",
]
