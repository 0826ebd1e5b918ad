"""OFX / QFX statements (OFX 1.x SGML and 2.x XML), bank and credit card.

ofxparse does the hard part of OFX 1.x: SGML leaves without closing tags. We
use its pre-processor (which closes those leaves) and its BeautifulSoup set-up,
then read the fields ourselves instead of through `OfxParser.parse`, because:

- ofxparse converts DTPOSTED to UTC, which moves a transaction posted at
  00:00 in Sydney to the previous day; a booking date must be the bank's date,
  so we take the date as written;
- with `fail_fast=False` it silently drops a transaction it cannot read (a
  bank import must refuse the file instead), and with `fail_fast=True` it also
  refuses harmless things such as an empty <NAME> or an empty balance;
- we want the line number of the faulty element in the error message.

OFX has no opening balance, so `opening_balance` is always None: a value
derived as LEDGERBAL minus the transactions would reconcile by construction
and hide exactly the gaps a reconciliation should reveal. The closing balance
is LEDGERBAL. The file carries no statement number either.

Not handled: investment statements (INVSTMTRS) and OFX corrections
(CORRECTACTION=DELETE is imported as an ordinary line).
"""

from __future__ import annotations

import codecs
import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from bs4 import CData, NavigableString, Tag
from ofxparse.ofxparse import OfxPreprocessedFile, soup_maker

from ._common import (
    clean,
    find_creditor_reference,
    iban_or_empty,
    statement_scope,
    with_unique_ids,
)
from .errors import StatementParseError, parse_errors
from .model import ParsedFile, Statement, Transaction

MAX_OFX_BYTES = 20 * 1024 * 1024

TOO_LARGE = "the file is {size} bytes; OFX files over {limit} bytes are refused"
NO_OFX_ELEMENT = "no <OFX> element found; this is not an OFX file"
NO_STATEMENT = "the OFX file holds no bank or credit card statement"
BAD_ENCODING = "the file is not valid {encoding} text (byte {position})"
UNKNOWN_ENCODING = "the OFX header names an unknown character set {charset!r}"
MISSING_FIELD = "transaction {number} has no {field}"
AMOUNT_NOT_A_NUMBER = "amount {value!r} is not a number"
DATE_NOT_VALID = "date {value!r} is not a valid OFX date"
BROKEN_TAG = "a '<' here starts no valid OFX tag; the file may be cut off"

# The SGML header ends at the first "<"; its lines look like "CHARSET:1252".
_SGML_HEADER_LINE = re.compile(rb"^\s*([A-Z]+)\s*:\s*(\S*)\s*$", re.MULTILINE)
_XML_DECLARATION = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_OFX_START = re.compile(r"<OFX>", re.IGNORECASE)
_STRAY_ANGLE = re.compile(r"<(?!/?[A-Za-z0-9_.]+>|[!?])")
_OFX_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_OFX_AMOUNT = re.compile(r"[+-]?[\d.,]{1,24}")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+[.,]?\d*|[.,]\d+)")
_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?")
# The synthetic header we put in front of the body so ofxparse decodes UTF-8.
_SYNTHETIC_HEADER = b"ENCODING:UTF-8\n\n"
_SYNTHETIC_HEADER_LINES = 2


def parse_ofx(data: bytes, *, filename: str = "") -> ParsedFile:
    with parse_errors(filename):
        if len(data) > MAX_OFX_BYTES:
            raise StatementParseError(
                "", "", TOO_LARGE.format(size=len(data), limit=MAX_OFX_BYTES)
            )
        text = _decode(data)
        soup, line_offset = _soup(text)
        statements = [
            _statement(element, line_offset)
            for element in soup.find_all(["stmtrs", "ccstmtrs"])
        ]
        if not statements:
            raise StatementParseError("", "", NO_STATEMENT)
        return ParsedFile(format="ofx", statements=statements)


def _decode(data: bytes) -> str:
    """Decode with the encoding the header declares, as banks actually use it.

    OFX 1.x says ENCODING:USASCII with CHARSET:1252 and then sends raw cp1252
    bytes (accented names); CHARSET:NONE in practice means the same. A file
    without any header is tried as UTF-8, then cp1252.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    head = data[: data.find(b"<")] if b"<" in data else data
    header = {key.upper(): value.upper() for key, value in _SGML_HEADER_LINE.findall(head)}
    declaration = _XML_DECLARATION.search(data[:1024])
    if b"ENCODING" in header:
        return _strict(data, _sgml_encoding(header))
    if declaration:
        declared = declaration.group(1).decode("ascii").lower()
        # ASCII is a subset of UTF-8; banks that declare ASCII still send UTF-8 names.
        encoding = "utf-8" if declared in {"ascii", "us-ascii"} else declared
        return _strict(data, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _strict(data, "cp1252")


def _sgml_encoding(header: dict[bytes, bytes]) -> str:
    declared = header.get(b"ENCODING", b"").decode("ascii", "replace")
    if declared in {"UTF-8", "UNICODE"}:
        return "utf-8"
    charset = header.get(b"CHARSET", b"NONE").decode("ascii", "replace")
    if charset in {"NONE", "", "1252"}:
        return "cp1252"
    if charset in {"8859-1", "ISO-8859-1", "LATIN1"}:
        return "latin-1"
    for candidate in (f"cp{charset}", charset):
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    raise StatementParseError("", "line 1", UNKNOWN_ENCODING.format(charset=charset))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise StatementParseError("", "", UNKNOWN_ENCODING.format(charset=encoding)) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise StatementParseError(
            "", f"line {line}", BAD_ENCODING.format(encoding=encoding, position=exc.start)
        ) from None


def _soup(text: str) -> tuple[Tag, int]:
    """Close the SGML leaves and build the tree from <OFX> on.

    The header (SGML or the XML prologue) is dropped; the returned offset turns
    the soup's line numbers back into the file's.
    """
    match = _OFX_START.search(text)
    if not match:
        raise StatementParseError("", "", NO_OFX_ELEMENT)
    body_line = text.count("\n", 0, match.start()) + 1
    body = text[match.start() :].encode("utf-8")
    try:
        preprocessed = OfxPreprocessedFile(io.BytesIO(_SYNTHETIC_HEADER + body))
    except IndexError:
        # ofxparse's pre-processor trips over a "<" that opens no tag (a file
        # cut off in the middle of a tag, for one).
        stray = _STRAY_ANGLE.search(text, match.start())
        line = text.count("\n", 0, stray.start()) + 1 if stray else body_line
        raise StatementParseError("", f"line {line}", BROKEN_TAG) from None
    soup = soup_maker(preprocessed.fh)
    return soup, body_line - 1 - _SYNTHETIC_HEADER_LINES


def _own_text(element: Tag | None) -> str:
    """The text directly inside an element, without its children's text.

    Some exporters (American Express) close every SGML leaf only at the end of
    its parent, so <TRNAMT> ends up containing <FITID>, <NAME> and so on.
    """
    if element is None:
        return ""
    parts = [str(c) for c in element.contents if type(c) in (NavigableString, CData)]
    return "".join(parts).strip()


def _leaf(parent: Tag, name: str) -> Tag | None:
    found = parent.find(name)
    return found if isinstance(found, Tag) else None


def _location(element: Tag, line_offset: int) -> str:
    line = element.sourceline
    return f"line {line + line_offset}" if line is not None else ""


def _amount(element: Tag, line_offset: int) -> Decimal:
    raw = _own_text(element).replace(" ", "")
    number = _normalise_number(raw) if _OFX_AMOUNT.fullmatch(raw) else ""
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise StatementParseError(
            "", _location(element, line_offset), AMOUNT_NOT_A_NUMBER.format(value=raw)
        ) from None
    # A "-0" zero-amount line (ledger-autosync's comments.ofx) is plain zero.
    return value.copy_abs() if value.is_zero() else value


def _normalise_number(raw: str) -> str:
    """OFX allows "." or "," as the decimal mark; some exporters add thousands marks.

    A single mark is the decimal mark (ofxtools' stmtrs_euro.ofx writes
    -200,00). Thousands marks are only accepted in proper groups of three.
    Anything else gives "" so the caller reports the amount.
    """
    match = _PLAIN_NUMBER.fullmatch(raw)
    if match:
        return raw.replace(",", ".")
    for pattern, thousands in ((_COMMA_THOUSANDS, ","), (_DOT_THOUSANDS, ".")):
        if pattern.fullmatch(raw):
            decimal_mark = "." if thousands == "," else ","
            return raw.replace(thousands, "").replace(decimal_mark, ".")
    return ""


def _date(element: Tag, line_offset: int) -> date:
    """The date as the bank wrote it; the time and its zone are ignored on purpose."""
    raw = _own_text(element)
    match = _OFX_DATE.match(raw)
    try:
        if not match:
            raise ValueError(raw)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise StatementParseError(
            "", _location(element, line_offset), DATE_NOT_VALID.format(value=raw)
        ) from None


def _optional_date(element: Tag | None, line_offset: int) -> date | None:
    if element is None or not _own_text(element):
        return None
    return _date(element, line_offset)


def _statement(element: Tag, line_offset: int) -> Statement:
    account = _leaf(element, "bankacctfrom") or _leaf(element, "ccacctfrom") or element
    account_id = _own_text(_leaf(account, "acctid"))
    currency = _own_text(_leaf(element, "curdef")).upper()
    closing_balance, closing_date = _ledger_balance(element, line_offset)
    transactions = [
        _transaction(trn, number, currency, line_offset)
        for number, trn in enumerate(element.find_all("stmttrn"), start=1)
    ]
    return Statement(
        account_iban=iban_or_empty(account_id),
        account_number=account_id,
        currency=currency,
        statement_id="",
        sequence="",
        opening_balance=None,
        opening_date=None,
        closing_balance=closing_balance,
        closing_date=closing_date,
        transactions=with_unique_ids(
            transactions, statement_scope(account_id, currency, closing_balance, closing_date)
        ),
    )


def _ledger_balance(element: Tag, line_offset: int) -> tuple[Decimal | None, date | None]:
    ledger = _leaf(element, "ledgerbal")
    if ledger is None:
        return None, None
    amount = _leaf(ledger, "balamt")
    if amount is None or not _own_text(amount):
        # Some banks send <BALAMT> empty; that is "no balance", not an error.
        return None, None
    return _amount(amount, line_offset), _optional_date(_leaf(ledger, "dtasof"), line_offset)


def _required(trn: Tag, name: str, number: int, line_offset: int) -> Tag:
    found = _leaf(trn, name)
    if found is None or not _own_text(found):
        raise StatementParseError(
            "",
            _location(trn, line_offset),
            MISSING_FIELD.format(number=number, field=name.upper()),
        )
    return found


def _transaction(trn: Tag, number: int, currency: str, line_offset: int) -> Transaction:
    amount = _amount(_required(trn, "trnamt", number, line_offset), line_offset)
    booking_date = _date(_required(trn, "dtposted", number, line_offset), line_offset)
    text = clean(_own_text(_leaf(trn, "memo")))
    payee = _leaf(trn, "payee")
    payee_name = _own_text(_leaf(payee, "name")) if payee is not None else ""
    party_name = clean(_own_text(_leaf(trn, "name")) or payee_name)
    to_account = _leaf(trn, "bankacctto") or _leaf(trn, "ccacctto")
    party_account = _own_text(_leaf(to_account, "acctid")) if to_account is not None else ""
    foreign = _leaf(trn, "currency")
    return Transaction(
        booking_date=booking_date,
        value_date=_optional_date(_leaf(trn, "dtavail"), line_offset),
        amount=amount,
        # <CURRENCY><CURSYM> means the amount is in that currency, not CURDEF.
        currency=(_own_text(_leaf(foreign, "cursym")).upper() if foreign is not None else "")
        or currency,
        transaction_id=_own_text(_leaf(trn, "fitid")),
        party_name=party_name,
        party_iban=iban_or_empty(party_account),
        party_account=party_account,
        text=text,
        creditor_reference=find_creditor_reference(text),
        bank_transaction_code=_own_text(_leaf(trn, "trntype")).upper(),
        entry_reference=_own_text(_leaf(trn, "checknum")) or _own_text(_leaf(trn, "refnum")),
    )
