"""SWIFT MT940 customer statements, read with the mt-940 package.

mt-940 (`mt940.models.Transactions`) splits a statement into its tags and
parses the balances and :61: statement lines. Around it we:

- decode the bytes (UTF-8, else cp1252 or cp852, whichever gives more letters),
  drop control bytes (mBank wraps its file in SOH/ETX), SWIFT envelopes
  ({1:...}{2:...}{4: ... -}) and the bank header/trailer lines ABN AMRO and
  ING put between messages, keeping the original line numbers for errors;
- split the file into statements at each :20:, because mt-940 merges
  everything it is given into one statement;
- use more lenient variants of three tags: a :28C: wrapped over two lines
  (ING), a :61: whose customer reference is longer than SWIFT's 16 characters
  (ASN and SNS put the counterparty IBAN there), and balances written without
  a currency code (a German "STARTUMS" export);
- read the :86: details ourselves: German ?00..?63 sub-fields with SEPA
  keywords (EREF+, SVWZ+, ...), Dutch /EREF/ /CNTP/ /NAME/ /REMI/ fields, and
  free text, which banks wrap at 65 characters: a full 65-character line
  continues the same word on the next line, a shorter (or blank-padded) one
  ends with a word break.

Signs: C and RD (reversal of a debit) are money in, D and RC money out.
A :86: after the closing balance is information about the statement (ING's
/SUM/ line) and is not added to the last transaction. A statement that ends
without :62F:/:62M: gets closing_balance None; a cut-off file that happens to
end at a tag boundary cannot be told apart from that, so the importer should
treat a missing closing balance as a warning.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import mt940
from mt940 import tags as mt940_tags

from ._common import (
    PLACEHOLDER_REFERENCES,
    clean,
    find_creditor_reference,
    find_iban,
    iban_or_empty,
    join_clean,
    normalise_reference,
    statement_scope,
    with_unique_ids,
)
from .errors import StatementParseError, parse_errors
from .model import ParsedFile, Statement, Transaction

MAX_MT940_BYTES = 20 * 1024 * 1024

TOO_LARGE = "the file is {size} bytes; MT940 files over {limit} bytes are refused"
NO_STATEMENT = "no statement found: an MT940 statement starts with :20:"
TAG_BEFORE_STATEMENT = "tag :{tag}: comes before the first :20: statement reference"
MT942_REFUSED = "this is an MT942 interim transaction report, not an MT940 statement"
NO_ACCOUNT = "the statement has no :25: account identification"
TAG_NOT_UNDERSTOOD = "tag :{tag}: could not be read: {value!r}"

# SWIFT free-text lines are at most 65 characters.
_LINE_WIDTH = 65
# German ?2x / ?3x sub-fields are at most 27 characters.
_SUBFIELD_WIDTH = 27
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_ENVELOPE_START = re.compile(r"^(?:\{[1-3]:(?:[^{}]|\{[^{}]*\})*\})*\{4:")
_TAG_LINE = re.compile(r"^:(\d{2}|NS)([A-Z]?):")
_KNOWN_TAGS = frozenset({"13", "20", "21", "25", "28", "34", "60", "61", "62", "64", "65", "86", "90", "NS"})
_DETAIL_TAGS = frozenset({"86", "NS"})
_BIC_HEADER = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
_TRAILER = re.compile(r"-[A-Z]{0,3}")
_MT942_TAGS = frozenset({"13", "34", "90"})
_CURRENCY_SUFFIX = re.compile(r"[ /]?([A-Z]{3})$")

_GERMAN_DETAILS = re.compile(r"(\d{3})([?>])\d{2}")
_SEPA_KEYWORD = re.compile(
    r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|PURP|COAM|OAMT|MDAT|SQTP|ORCR|ORMR|DDAT)\+"
)
_DUTCH_KEY = re.compile(
    r"/(EREF|PREF|MARF|CSID|CNTP|REMI|RTRN|BENM|ORDP|NAME|ADDR|ISDT|TRCD|SUM|BUSP|PURP"
    r"|ULTC|ULTD|ULTB|IBAN|BIC|ACCW|CDTRREF|CDTRREFTP)/"
)
_DUTCH_CORE_KEYS = frozenset({"EREF", "PREF", "CNTP", "REMI", "NAME", "ORDP", "BENM", "RTRN", "SUM"})
_KNAB_NAME = re.compile(r"NAAM:\s*(.+?)\s*$")
_TRCD = re.compile(r"/TRCD/([^/]*)/?")
_ACCOUNT_NUMBER = re.compile(r"[A-Z]?\d{5,12}")
_IBAN_LIKE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_NON_SWIFT_LINE = re.compile(r"(\d{2})(.*)")
# :61: customer references that mean "see elsewhere" rather than a reference.
_REFERENCE_PLACEHOLDERS = PLACEHOLDER_REFERENCES | {"EREF", "PREF", "MARF", "KREF"}


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based line number in the file
    text: str


@dataclass(frozen=True, slots=True)
class _Details:
    text: str = ""
    party_name: str = ""
    party_iban: str = ""
    party_account: str = ""
    party_address: str = ""
    end_to_end_id: str = ""
    creditor_reference: str = ""
    code: str = ""


def parse_mt940(data: bytes, *, filename: str = "") -> ParsedFile:
    with parse_errors(filename):
        if len(data) > MAX_MT940_BYTES:
            raise StatementParseError(
                "", "", TOO_LARGE.format(size=len(data), limit=MAX_MT940_BYTES)
            )
        lines = _message_lines(_decode(data))
        statements = [_statement(block) for block in _statement_blocks(lines)]
        return ParsedFile(format="mt940", statements=statements)


# --- text ------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 if the bytes are UTF-8; otherwise the 8-bit code page that reads best.

    Western banks send cp1252 / ISO-8859-1, Central European ones (Raiffeisen
    Hungary) the DOS code page 852. Each turns the other's accented letters
    into symbols, so the one producing more letters wins; cp1252 on a tie.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best_text, best_score = "", -1
    for encoding in ("cp1252", "cp852"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = sum(1 for ch in text if ord(ch) > 127 and ch.isalpha())
        if score > best_score:
            best_text, best_score = text, score
    return best_text


def _message_lines(text: str) -> list[_Line]:
    """The lines that belong to SWIFT messages, blank and envelope lines removed."""
    raw = [_CONTROL_CHARACTERS.sub("", line).rstrip() for line in _NEWLINE.split(text)]
    lines: list[_Line] = []
    in_details = False  # inside :86: or :NS:, where a lone "-" can be content
    skipping = False  # after a message trailer, until the next tag
    index = 0
    while index < len(raw):
        number, line = index + 1, raw[index]
        index += 1
        envelope = _ENVELOPE_START.match(line)
        if envelope:
            line, skipping, in_details = line[envelope.end() :], False, False
        if line.startswith(("-}", "{5:")):
            skipping, in_details = True, False
            continue
        if line == ":" and index < len(raw) and _TAG_LINE.match(":" + raw[index]):
            # A tag split over two lines (":" then "86:..."), as in a Sparkasse export.
            line, index = ":" + raw[index], index + 1
        tag = _TAG_LINE.match(line)
        if tag and tag.group(1) in _KNOWN_TAGS:
            skipping, in_details = False, tag.group(1) in _DETAIL_TAGS
            lines.append(_Line(number, line))
            continue
        if skipping or not line.strip():
            continue
        if _TRAILER.fullmatch(line) and _ends_message(in_details, _next_significant(raw, index)):
            skipping, in_details = True, False
            continue
        lines.append(_Line(number, line))
    return lines


def _next_significant(raw: list[str], index: int) -> str | None:
    for position in range(index, len(raw)):
        if raw[position].strip():
            return raw[position]
    return None


def _ends_message(in_details: bool, following: str | None) -> bool:
    """Whether a "-" line closes the message (ABN AMRO, old ING) or is :86: text.

    ING wraps its :86: anywhere, so "-" alone can be part of a mandate id.
    Inside :86: it only ends the message when the file ends or a new message,
    tag or bank header follows.
    """
    if not in_details or following is None:
        return True
    return (
        following.startswith(("{", ":"))
        or bool(_BIC_HEADER.fullmatch(following.strip()))
    )


def _statement_blocks(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    for line in lines:
        tag = _TAG_LINE.match(line.text)
        if tag and tag.group(1) == "20":
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
        elif tag:
            raise StatementParseError(
                "", f"line {line.number}", TAG_BEFORE_STATEMENT.format(tag=tag.group(1) + tag.group(2))
            )
    if not blocks:
        raise StatementParseError("", "", NO_STATEMENT)
    return blocks


# --- mt-940 with lenient tags -------------------------------------------------


class _QuietParse:
    """Match the tag's pattern without mt-940's error logging; we report the error."""

    re: re.Pattern[str]

    def parse(self, transactions: mt940.models.Transactions, value: str) -> dict[str, str | None]:
        match = self.re.match(value)
        if not match:
            raise ValueError(value)
        return match.groupdict()


# mt-940 derives each tag's data key from its class name ("_FinalOpeningBalance"
# gives "final_opening_balance"), so these keep the names of the tags they replace.
class _StatementNumber(mt940_tags.StatementNumber):
    """:28C:, kept as written; ING wraps "0000" + "0" over two lines."""

    def parse(self, transactions: mt940.models.Transactions, value: str) -> dict[str, str | None]:
        compact = re.sub(r"\s+", "", value)
        if not compact or len(compact) > 32:
            raise ValueError(value)
        return {"statement_number": compact, "sequence_number": None}


class _Statement(mt940_tags.Statement):
    """:61:, also accepting a customer reference of up to 34 characters."""

    lenient: ClassVar[re.Pattern[str]] = re.compile(
        r"""^
        (?P<year>\d{2})(?P<month>\d{2})(?P<day>\d{2})
        (?P<entry_month>\d{2}|\s{2})?
        (?P<entry_day>\d{2}|\s{2})?
        (?P<status>R?[DC])
        (?P<funds_code>[A-Z])?
        [\n ]?
        (?P<amount>[\d,]{1,15})
        (?P<id>[A-Z][A-Z0-9 ]{3})?
        (?P<customer_reference>((?!//)[^\n]){0,34})
        (//(?P<bank_reference>[^\n]{0,23}))?
        (\n(?P<extra_details>[\s\S]*))?
        $""",
        re.IGNORECASE | re.VERBOSE,
    )

    def parse(self, transactions: mt940.models.Transactions, value: str) -> dict[str, str | None]:
        for pattern in (self.re, self.lenient):
            match = pattern.match(value)
            if match:
                return match.groupdict()
        raise ValueError(value)


_BALANCE_PATTERN = r"""^
    (?P<status>[DC])
    (?P<year>\d{2})(?P<month>\d{2})(?P<day>\d{2})
    (?P<currency>[A-Z]{3})?
    (?P<amount>\d[\d,]{0,24})
    \s*$"""


class _OpeningBalance(_QuietParse, mt940_tags.OpeningBalance):
    pattern = _BALANCE_PATTERN


class _FinalOpeningBalance(_QuietParse, mt940_tags.FinalOpeningBalance):
    pattern = _BALANCE_PATTERN


class _IntermediateOpeningBalance(_QuietParse, mt940_tags.IntermediateOpeningBalance):
    pattern = _BALANCE_PATTERN


class _ClosingBalance(_QuietParse, mt940_tags.ClosingBalance):
    pattern = _BALANCE_PATTERN


class _FinalClosingBalance(_QuietParse, mt940_tags.FinalClosingBalance):
    pattern = _BALANCE_PATTERN


class _IntermediateClosingBalance(_QuietParse, mt940_tags.IntermediateClosingBalance):
    pattern = _BALANCE_PATTERN


class _AvailableBalance(_QuietParse, mt940_tags.AvailableBalance):
    pattern = _BALANCE_PATTERN


class _ForwardAvailableBalance(_QuietParse, mt940_tags.ForwardAvailableBalance):
    pattern = _BALANCE_PATTERN


_LENIENT_TAGS: dict[int | str, mt940_tags.Tag] = {
    tag.id: tag
    for tag in (
        _StatementNumber(),
        _Statement(),
        _OpeningBalance(),
        _FinalOpeningBalance(),
        _IntermediateOpeningBalance(),
        _ClosingBalance(),
        _FinalClosingBalance(),
        _IntermediateClosingBalance(),
        _AvailableBalance(),
        _ForwardAvailableBalance(),
    )
}
_OPTIONS = mt940.Options(
    reversal_sign=True,
    case_insensitive_marks=True,
    unbounded_details=True,
    non_swift_free_text=True,
    floor_limit_blank_mark=True,
    merge_keeps_values=True,
)
_OPENING_SLUGS = ("final_opening_balance", "intermediate_opening_balance", "opening_balance")
_CLOSING_SLUGS = ("final_closing_balance", "intermediate_closing_balance", "closing_balance")
_AFTER_CLOSING_SLUGS = (*_CLOSING_SLUGS, "available_balance", "forward_available_balance")


class _Transactions(mt940.models.Transactions):
    """One statement, remembering what mt-940 itself would overwrite or misplace."""

    def __init__(self, lines: list[_Line]) -> None:
        # Our own :86: reading replaces mt-940's, so its raw text stays available.
        super().__init__(
            processors={"post_transaction_details": []}, tags=_LENIENT_TAGS, options=_OPTIONS
        )
        self.lines = lines
        self.account = ""
        self.opening: Any = None
        self.closing: Any = None
        self.closed = False

    @staticmethod
    def strip(lines: list[str]) -> list[str]:
        # _message_lines already removed blank and trailer lines; mt-940's own
        # strip would also drop the "-" lines that are part of ING's :86: text.
        return lines

    def _process_match(
        self, match: re.Match[str], i: int, valid_matches: list[re.Match[str]], data: str
    ) -> None:
        tag = self.tags.get(match.group("full_tag")) or self.tags[
            self.normalize_tag_id(match.group("tag"))
        ]
        if isinstance(tag, mt940_tags.TransactionDetails) and self.closed:
            return  # statement information (ING /SUM/), not part of the last line
        if tag.slug == "account_identification" and self.account:
            return  # a second :25: is a mislabelled tag, not a new account
        try:
            super()._process_match(match, i, valid_matches, data)
        except StatementParseError:
            raise
        except Exception as exc:  # noqa: BLE001 - mt-940 raises RuntimeError, ValueError, InvalidOperation...
            end = valid_matches[i + 1].start() if i + 1 < len(valid_matches) else len(data)
            value = data[match.end() : end].strip()[:80]
            raise StatementParseError(
                "",
                f"line {self.lines[data.count(chr(10), 0, match.start())].number}",
                TAG_NOT_UNDERSTOOD.format(tag=match.group("full_tag"), value=value),
            ) from exc
        self._remember(tag.slug)

    def _remember(self, slug: str) -> None:
        if slug == "account_identification":
            self.account = clean(self.data.get("account_identification"))
        elif slug in _OPENING_SLUGS and self.opening is None:
            self.opening = self.data[slug]
        if slug in _CLOSING_SLUGS:
            self.closing = self.data[slug]
        if slug in _AFTER_CLOSING_SLUGS:
            self.closed = True


# --- statements and lines ----------------------------------------------------------


def _statement(block: list[_Line]) -> Statement:
    _refuse_mt942(block)
    parsed = _Transactions(block)
    parsed.parse("\n".join(line.text for line in block))
    if not parsed.account:
        raise StatementParseError("", f"line {block[0].number}", NO_ACCOUNT)
    opening_currency = parsed.opening.amount.currency if parsed.opening else None
    closing_currency = parsed.closing.amount.currency if parsed.closing else None
    currency = (opening_currency or closing_currency or "").upper()
    account = _without_currency(parsed.account, currency)
    transactions = [_transaction(t.data, currency) for t in parsed.transactions]
    opening = parsed.opening.amount.amount if parsed.opening else None
    closing = parsed.closing.amount.amount if parsed.closing else None
    statement_id = clean(parsed.data.get("transaction_reference"))
    sequence = clean(parsed.data.get("statement_number"))
    scope = statement_scope(account, statement_id, sequence, opening, closing)
    return Statement(
        account_iban=iban_or_empty(account),
        account_number=account,
        currency=currency,
        statement_id=statement_id,
        sequence=sequence,
        opening_balance=opening,
        opening_date=_plain_date(parsed.opening.date) if parsed.opening else None,
        closing_balance=closing,
        closing_date=_plain_date(parsed.closing.date) if parsed.closing else None,
        transactions=with_unique_ids(transactions, scope),
    )


def _refuse_mt942(block: list[_Line]) -> None:
    tags = {m.group(1) for line in block if (m := _TAG_LINE.match(line.text))}
    if tags & _MT942_TAGS and "60" not in tags:
        raise StatementParseError("", f"line {block[0].number}", MT942_REFUSED)


def _without_currency(account: str, currency: str) -> str:
    """"NL77INGB0574908765EUR" and "1291.99.348EUR" carry the currency as a suffix."""
    match = _CURRENCY_SUFFIX.search(account)
    if match and currency and match.group(1) == currency and len(account) > 4:
        return account[: match.start()].rstrip(" /")
    return account


def _plain_date(value: date) -> date:
    return date(value.year, value.month, value.day)


def _transaction(data: dict[str, Any], currency: str) -> Transaction:
    customer_reference = _reference(data.get("customer_reference"))
    bank_reference = _reference(data.get("bank_reference"))
    details = _details(data.get("transaction_details") or "")
    if not details.text and data.get("non_swift"):
        details = _non_swift_details(data["non_swift"])
    supplementary = _supplementary(data.get("extra_details") or "", customer_reference)
    party_iban = details.party_iban or supplementary.party_iban
    text = join_clean([details.text, supplementary.text])
    entry_date = data.get("entry_date")
    value_date = data["date"]
    return Transaction(
        booking_date=_plain_date(entry_date or value_date),
        value_date=_plain_date(value_date),
        amount=data["amount"].amount,
        currency=currency,
        transaction_id=bank_reference or customer_reference,
        end_to_end_id=details.end_to_end_id,
        party_name=details.party_name or supplementary.party_name,
        party_iban=party_iban,
        party_account=details.party_account or supplementary.party_account or party_iban,
        party_address=details.party_address,
        text=text,
        creditor_reference=details.creditor_reference or find_creditor_reference(text),
        bank_transaction_code="/".join(
            p for p in (clean(data.get("id")), details.code or supplementary.code) if p
        ),
        entry_reference=bank_reference or customer_reference,
    )


def _reference(value: str | None) -> str:
    reference = clean(value)
    return "" if reference.upper() in _REFERENCE_PLACEHOLDERS else reference


def _supplementary(extra: str, customer_reference: str) -> _Details:
    """What the second part of the :61: line says.

    ASN and SNS put the counterparty IBAN in the customer reference and the
    name after it; old Rabobank files put the counter account there and the
    name after it. Other banks (mBank, Raiffeisen) describe the transaction
    type there, which belongs in the text, not in the party name.
    """
    # ING wraps the :61: anywhere, even inside its /TRCD/ code.
    compact = extra.replace("\n", "")
    code_match = _TRCD.search(compact)
    extra = clean(_TRCD.sub(" ", compact) if code_match else extra)
    reference_is_account = bool(
        _IBAN_LIKE.fullmatch(customer_reference) or _ACCOUNT_NUMBER.fullmatch(customer_reference)
    )
    party_account = customer_reference if reference_is_account else ""
    party_name = ""
    text = ""
    if _IBAN_LIKE.fullmatch(extra.replace(" ", "")) or _ACCOUNT_NUMBER.fullmatch(extra):
        party_account = extra.replace(" ", "")
    elif any(ch.isalpha() for ch in extra):
        if reference_is_account:
            party_name = extra
        else:
            text = extra
    return _Details(
        text=text,
        party_name=party_name,
        party_iban=iban_or_empty(party_account),
        party_account=party_account,
        code=re.sub(r"\s", "", code_match.group(1)) if code_match else "",
    )


def _non_swift_details(raw: str) -> _Details:
    """German/Hungarian "STARTUMS" :NS: lines: 01-14 text, 15-16 name, 34 account."""
    fields: dict[str, list[str]] = {}
    for line in raw.split("\n"):
        match = _NON_SWIFT_LINE.match(line)
        if match:
            fields.setdefault(match.group(1), []).append(match.group(2))
    text = join_clean(
        value for code in sorted(fields) if "01" <= code <= "14" for value in fields[code]
    )
    account = clean("".join(fields.get("34", [])))
    return _Details(
        text=text or join_clean(fields.get("17", [])),
        party_name=clean("".join(fields.get("15", []) + fields.get("16", []))),
        party_iban=iban_or_empty(account),
        party_account=account,
    )


# --- :86: details -----------------------------------------------------------


def _details(raw: str) -> _Details:
    if not raw.strip():
        return _Details()
    compact = raw.replace("\n", "")
    german = _GERMAN_DETAILS.match(compact)
    if german:
        return _german_details(compact, separator=german.group(2))
    keys = {m.group(1) for m in _DUTCH_KEY.finditer(compact)}
    if compact.startswith("/") and keys & _DUTCH_CORE_KEYS:
        return _dutch_details(compact)
    return _free_text_details(raw)


def _join_fixed_width(parts: list[str], width: int) -> str:
    """Join field pieces: a full-width piece was cut mid-word, a shorter one at a break."""
    text = ""
    for index, part in enumerate(parts):
        if index and len(parts[index - 1]) < width:
            text += " "
        text += part
    return text


def _german_details(compact: str, *, separator: str) -> _Details:
    """German ?00..?63 sub-fields (Triodos uses > instead of ?)."""
    pieces = re.split(re.escape(separator) + r"(\d{2})", compact[3:])
    fields: dict[str, list[str]] = {}
    for code, value in zip(pieces[1::2], pieces[2::2], strict=True):
        fields.setdefault(code, []).append(value)
    purpose_parts = [
        value
        for code in sorted(fields)
        if code.startswith("2") or code in {"60", "61", "62", "63"}
        for value in fields[code]
    ]
    text, keywords = _sepa_purpose(_logical_lines(purpose_parts, _SUBFIELD_WIDTH))
    name = clean(_join_fixed_width(fields.get("32", []) + fields.get("33", []), _SUBFIELD_WIDTH))
    account = clean("".join(fields.get("38", []) or fields.get("31", [])))
    iban = iban_or_empty(account) or iban_or_empty(keywords.get("IBAN"))
    return _Details(
        text=text or clean("".join(fields.get("00", []))),
        party_name=name,
        party_iban=iban,
        party_account=account or iban,
        end_to_end_id=normalise_reference(keywords.get("EREF")),
        code=compact[:3],
    )


def _logical_lines(parts: list[str], width: int) -> list[str]:
    """Glue full-width pieces to the next one; a shorter piece ends a line."""
    lines: list[str] = []
    continued = False
    for part in parts:
        if continued:
            lines[-1] += part
        else:
            lines.append(part)
        continued = len(part) >= width
    return lines


def _sepa_purpose(lines: list[str]) -> tuple[str, dict[str, str]]:
    """Split a SEPA purpose into its free text and its keyword values (EREF+, ...).

    A keyword value ends where the bank broke the line, except SVWZ (the
    remittance text itself), which continues over the following lines.
    Free text outside any keyword is kept in the text.
    """
    text_parts: list[str] = []
    values: dict[str, str] = {}
    current = ""
    for line in lines:
        matches = list(_SEPA_KEYWORD.finditer(line))
        head = line[: matches[0].start()] if matches else line
        if current == "SVWZ" and head.strip():
            values["SVWZ"] = join_clean([values["SVWZ"], head])
        if head.strip():
            text_parts.append(head)
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
            keyword, value = match.group(1), line[match.end() : end]
            current = keyword
            if keyword == "SVWZ":
                text_parts.append(value)
            values[keyword] = join_clean([values.get(keyword, ""), value])
    return join_clean(text_parts), values


def _dutch_details(compact: str) -> _Details:
    """Dutch structured details: /EREF/.../CNTP/iban/bic/name/city/REMI/USTD//text/."""
    matches = list(_DUTCH_KEY.finditer(compact))
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(compact)
        fields.setdefault(match.group(1), compact[match.end() : end])
    counterparty = fields.get("CNTP", "").split("/")
    counterparty += [""] * (4 - len(counterparty))
    remittance = fields.get("REMI", "")
    text, creditor_reference = _dutch_remittance(remittance)
    iban = iban_or_empty(counterparty[0]) or iban_or_empty(fields.get("IBAN"))
    account = clean(counterparty[0]) or clean(fields.get("IBAN", "").strip("/"))
    return _Details(
        # An empty /REMI/ means the payer wrote nothing; without REMI keep the lot.
        text=text if "REMI" in fields else clean(compact),
        party_name=clean(counterparty[2]) or clean(fields.get("NAME", "").strip("/")),
        party_iban=iban,
        party_account=account,
        party_address=clean(counterparty[3]) or clean(fields.get("ADDR", "").strip("/")),
        end_to_end_id=normalise_reference(fields.get("EREF", "").strip("/")),
        creditor_reference=creditor_reference,
        code=clean(fields.get("TRCD", "").strip("/")),
    )


def _dutch_remittance(value: str) -> tuple[str, str]:
    """REMI is "USTD//free text/", "STRD/CUR/payment reference/" or plain text."""
    if value.startswith("USTD"):
        return clean(value[4:].strip("/")), ""
    if value.startswith("STRD"):
        parts = value.split("/")
        reference = normalise_reference(parts[2]) if len(parts) > 2 else ""
        return reference, reference
    return clean(value.strip("/")), ""


def _free_text_details(raw: str) -> _Details:
    lines = [line for line in raw.split("\n") if line.strip()]
    text = clean(_join_fixed_width(lines, _LINE_WIDTH))
    name = _KNAB_NAME.search(text)
    iban = find_iban(text)
    return _Details(
        text=text,
        party_name=name.group(1) if name else "",
        party_iban=iban,
        party_account=iban,
    )
