"""Recognise a statement file by its content and parse it, whole or as a stream.

The file name is never used to decide the format: users rename files, and
banks give .txt, .dat or .sta to anything.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Iterator
from typing import Protocol

from .camt import parse_camt, stream_camt
from .csv import CsvMapping, parse_csv
from .errors import StatementParseError, parse_errors
from .model import FORMATS, ParsedFile, Statement, Transaction
from .mt940 import parse_mt940
from .ofx import parse_ofx

EMPTY_FILE = "the file is empty"
ZIP_REFUSED = (
    "this is a ZIP archive; unpack it and import the statement files in it one by one"
)
UNKNOWN_XML = "this XML file is neither a camt.052/053/054 message nor an OFX statement"
BINARY_FILE = "this is not a text file, so it is not a bank statement we can read"
CSV_NEEDS_MAPPING = (
    "the file is not OFX, camt or MT940; if it is a CSV export, choose the bank's CSV layout"
)
UNKNOWN_FORMAT_ARGUMENT = "unknown statement format {format!r}; expected 'auto' or one of {formats}"

# Enough to see past an XML prologue, an OFX header or an MT940 envelope.
_SNIFF_BYTES = 64 * 1024
_CAMT_MESSAGE = re.compile(r"<(?:[\w.-]+:)?(BkToCstmrStmt|BkToCstmrDbtCdtNtfctn|BkToCstmrAcctRpt)[\s>/]")
_CAMT_NAMESPACE = re.compile(r"camt\.05([234])\.")
_CAMT_FORMATS = {
    "BkToCstmrStmt": "camt053",
    "BkToCstmrDbtCdtNtfctn": "camt054",
    "BkToCstmrAcctRpt": "camt052",
    "2": "camt052",
    "3": "camt053",
    "4": "camt054",
}
_OFX_MARKERS = re.compile(r"^\s*OFXHEADER\s*:|<\?OFX\b|<OFX>", re.IGNORECASE | re.MULTILINE)
_MT940_MARKERS = re.compile(r"^(?:\{1:|:(?:20|25|28C?|60[FM]|61|86):)", re.MULTILINE)
_CONTROL_CHARACTERS = frozenset(range(0, 32)) - {9, 10, 13}


def detect_format(data: bytes) -> str:
    """The format of a statement file, from its content: "ofx", "camt05x", "mt940" or "csv".

    Raises StatementParseError for content that is certainly not a statement
    we read (empty, ZIP, other XML, binary). Anything else that is text is
    taken to be CSV; only a CSV mapping can tell whether it really is.
    """
    if not data or data.isspace():  # not data.strip(), which would copy the whole file
        raise StatementParseError("", "", EMPTY_FILE)
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        raise StatementParseError("", "", ZIP_REFUSED)
    head = _sniff(data[:_SNIFF_BYTES])
    camt = _CAMT_MESSAGE.search(head)
    if camt:
        return _CAMT_FORMATS[camt.group(1)]
    if _OFX_MARKERS.search(head):
        return "ofx"
    if head.lstrip().startswith("<"):
        namespace = _CAMT_NAMESPACE.search(head)
        if namespace:
            return _CAMT_FORMATS[namespace.group(1)]
        raise StatementParseError("", "", UNKNOWN_XML)
    if _MT940_MARKERS.search(head):
        return "mt940"
    if _looks_binary(head):
        raise StatementParseError("", "", BINARY_FILE)
    return "csv"


def parse_statement(
    data: bytes,
    *,
    format: str = "auto",  # noqa: A002 - the caller's word for it
    csv_mapping: CsvMapping | None = None,
    filename: str = "",
) -> ParsedFile:
    """Parse a statement file of any supported format into one ParsedFile.

    With format="auto" the content decides; a CSV mapping is then only used
    when the content is not OFX, camt or MT940. Every problem with the file
    raises StatementParseError; an unknown `format` argument is a programming
    error and raises ValueError.
    """
    _check_format_argument(format)
    with parse_errors(filename):
        data = bytes(data)
        detected = detect_format(data) if format == "auto" else format
        if detected == "ofx":
            return parse_ofx(data, filename=filename)
        if detected.startswith("camt"):
            return parse_camt(data, filename=filename)
        if detected == "mt940":
            return parse_mt940(data, filename=filename)
        if csv_mapping is None:
            raise StatementParseError("", "", CSV_NEEDS_MAPPING)
        return parse_csv(data, csv_mapping, filename=filename)


class StatementStream(Protocol):
    """A statement file read as it is iterated, one (statement, transactions) pair at a time.

    The statement carries its header (account, currency, balances) with an
    empty transactions list; its transactions come from the iterator beside
    it, with the same ids parse_statement gives, and are gone once the next
    statement is asked for. `format` is known once the first statement has
    come. A problem with the file raises StatementParseError where it is met,
    so whoever writes as it reads must be able to undo it; NotStreamable means
    the file must be read whole after all (parse_statement).
    """

    format: str

    def __iter__(self) -> Iterator[tuple[Statement, Iterator[Transaction]]]: ...


def stream_statement(
    data: bytes,
    *,
    format: str = "auto",  # noqa: A002 - the caller's word for it
    csv_mapping: CsvMapping | None = None,
    filename: str = "",
    whole: bool = False,
) -> StatementStream:
    """parse_statement as a StatementStream.

    camt files are streamed: a statement of 100,000 entries never sits in
    memory as transactions. The other formats are small in practice and their
    readers take the whole file, so they are parsed here, at once, and then
    handed out the same way; so is any file with `whole=True`, which is what
    to do after NotStreamable. Detection errors are raised here, at once.
    """
    _check_format_argument(format)
    with parse_errors(filename):
        if not isinstance(data, bytes | bytearray):
            data = bytes(data)
        detected = detect_format(data) if format == "auto" else format
        if detected.startswith("camt") and not whole:
            return stream_camt(data, filename=filename)
    return _WholeFile(parse_statement(data, format=detected, csv_mapping=csv_mapping, filename=filename))


class _WholeFile:
    """A file parsed whole, handed out as a StatementStream."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.format = parsed.format
        self._statements = parsed.statements

    def __iter__(self) -> Iterator[tuple[Statement, Iterator[Transaction]]]:
        for statement in self._statements:
            yield dataclasses.replace(statement, transactions=[]), iter(statement.transactions)


def _check_format_argument(format: str) -> None:  # noqa: A002
    if format != "auto" and format not in (*FORMATS, "camt"):
        raise ValueError(UNKNOWN_FORMAT_ARGUMENT.format(format=format, formats=", ".join(FORMATS)))


def _sniff(head: bytes) -> str:
    """The start of the file as text, good enough to look for markers."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return head.decode(encoding, errors="replace")
    if len(head) > 1 and head[1] == 0 and head[0] != 0:
        return head.decode("utf-16-le", errors="replace")  # UTF-16 without BOM
    return head.decode("latin-1")


def _looks_binary(head: str) -> bool:
    """NUL characters, or many control characters, do not occur in a CSV export."""
    if "\x00" in head:
        return True
    controls = sum(1 for ch in head if ord(ch) in _CONTROL_CHARACTERS)
    return controls > len(head) // 100 + 2
