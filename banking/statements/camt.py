"""ISO 20022 camt.053 statements, camt.054 notifications and camt.052 reports.

Any version (.001.02 to .001.10 are in the test corpus): elements are matched
on their local names, so the namespace does not matter.

The file is streamed with `lxml.etree.iterparse`: every <Ntry> is turned into
transactions as soon as it is complete and then removed from the tree, so a
statement with 100,000 entries never sits in memory as XML.

Safety: the parser neither loads DTDs nor resolves entities nor touches the
network, and a document with any DOCTYPE is refused outright; camt files never
need one, and refusing is clearer than silently leaving entities unexpanded
(billion laughs, external entities).

Choices worth knowing:

- Opening balance: OPBD, else PRCD. Closing balance: CLBD. A camt.052 report
  falls back to its interim booked balances (ITBD). A balance without
  CdtDbtInd counts as credit. A balance in a different currency from the
  statement is not comparable with its entries and is left out (None).
- Batch bookings: an entry with several TxDtls becomes one transaction per
  detail when every detail carries an amount in the entry's currency and the
  signed details add up to the entry; otherwise the entry stays one
  transaction (genkgo's camt.054 fixtures have details without amounts, or
  with amounts that do not add up).
- Booking date: BookgDt, else ValDt, else the statement's closing balance
  date, period end or creation date (an anonymised Lithuanian file has entries
  with no dates at all). A date-time written in UTC is converted to Oslo time
  first: banks write local midnight as "23:00:00Z" (OCA's BookgDt-DtTm file).
  A date-time with another offset is taken as written, in the bank's own zone.
- Entries with status PDNG (pending) are not booked and are skipped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import BinaryIO
from zoneinfo import ZoneInfo

from lxml import etree

from ._common import (
    clean,
    find_creditor_reference,
    iban_or_empty,
    join_clean,
    normalise_reference,
    statement_scope,
    with_unique_ids,
)
from ._xpath_records import ElementsReader, RecordReader, TextsReader
from .errors import StatementParseError, parse_errors
from .model import ParsedFile, Statement, Transaction

MAX_CAMT_BYTES = 512 * 1024 * 1024
# Where this business books; see the module docstring on UTC date-times.
BANK_TIME_ZONE = ZoneInfo("Europe/Oslo")

TOO_LARGE = "the file is {size} bytes; camt files over {limit} bytes are refused"
NOT_WELL_FORMED = "the XML is not well-formed: {detail}"
DOCTYPE_REFUSED = "the XML declares a DOCTYPE; camt files never need one, so it is refused"
NOT_CAMT = "this XML is not a camt.052, camt.053 or camt.054 message"
NO_STATEMENTS = "the camt message holds no statement, report or notification"
MISSING_ELEMENT = "{element} is missing"
AMOUNT_NOT_A_NUMBER = "amount {value!r} is not a number"
NOT_CREDIT_OR_DEBIT = "credit/debit indicator {value!r} is neither CRDT nor DBIT"
DATE_NOT_VALID = "date {value!r} is not a valid ISO date"
NO_BOOKING_DATE = "the entry has no booking or value date and the statement gives none"

_KINDS = {
    "BkToCstmrStmt": ("camt053", "Stmt"),
    "BkToCstmrDbtCdtNtfctn": ("camt054", "Ntfctn"),
    "BkToCstmrAcctRpt": ("camt052", "Rpt"),
}
_STATEMENT_TAGS = frozenset(tag for _, tag in _KINDS.values())
_WATCHED = tuple(f"{{*}}{name}" for name in (*_KINDS, *_STATEMENT_TAGS, "GrpHdr", "Ntry"))
_AMOUNT = re.compile(r"\d{1,18}(\.\d{1,10})?")
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?"
)
_UTC_DESIGNATORS = frozenset({"Z", "+00:00", "-00:00", "+0000", "-0000"})


@dataclass(frozen=True, slots=True)
class _Header:
    """What a statement says before its entries."""

    account_iban: str
    account_number: str
    currency: str
    statement_id: str
    sequence: str
    opening_balance: Decimal | None
    opening_date: date | None
    closing_balance: Decimal | None
    closing_date: date | None
    fallback_date: date | None


@dataclass(frozen=True, slots=True)
class _Balance:
    code: str
    amount: Decimal
    currency: str
    when: date | None


@dataclass(slots=True)  # not frozen: built once per TxDtls, and frozen init is slower
class _Details:
    """One TxDtls, read once and used whether or not the entry is split."""

    amount: Decimal | None  # signed; None when absent or in another currency
    account_servicer_reference: str
    end_to_end_id: str
    uetr: str
    party_name: str
    party_iban: str
    party_account: str
    party_address: str
    text: str
    creditor_reference: str


def parse_camt(source: bytes | BinaryIO, *, filename: str = "") -> ParsedFile:
    with parse_errors(filename):
        if isinstance(source, bytes | bytearray):
            if len(source) > MAX_CAMT_BYTES:
                raise StatementParseError(
                    "", "", TOO_LARGE.format(size=len(source), limit=MAX_CAMT_BYTES)
                )
            source = io.BytesIO(source)
        return _read(source)


def _read(stream: BinaryIO) -> ParsedFile:
    context = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=_WATCHED,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    kind = ""
    group_date: date | None = None
    header: _Header | None = None
    transactions: list[Transaction] = []
    statements: list[Statement] = []
    try:
        for event, element in _checked(context):
            name = _local(element)
            if event == "start":
                if name in _KINDS and not kind:
                    kind = _KINDS[name][0]
                elif name in _STATEMENT_TAGS:
                    header, transactions = None, []
                continue
            if name == "GrpHdr":
                group_date = _optional_date(_path(_tree(element), "CreDtTm"))
                _discard(element)
            elif name == "Ntry":
                if header is None:
                    statement = _tree(element.getparent())
                    header = _header(statement, kind, group_date, first_entry=_tree(element))
                transactions.extend(_entry_transactions(element, header))
                _discard(element)
            elif name in _STATEMENT_TAGS and kind:
                if header is None:
                    statement = _tree(element)
                    header = _header(statement, kind, group_date, first_entry=None)
                statements.append(_statement(header, transactions))
                header, transactions = None, []
                _discard(element)
    except etree.XMLSyntaxError as exc:
        raise StatementParseError(
            "", f"line {exc.lineno}" if exc.lineno else "", NOT_WELL_FORMED.format(detail=exc.msg)
        ) from None
    if not kind:
        raise StatementParseError("", "", NOT_CAMT)
    if not statements:
        raise StatementParseError("", "", NO_STATEMENTS)
    return ParsedFile(format=kind, statements=statements)


def _checked(context: etree.iterparse) -> Iterator[tuple[str, etree._Element]]:
    """The parse events, after making sure the document has no DOCTYPE.

    libxml2 has read the prolog (and any DTD) before the first element event,
    so the check runs before a single entity reference is looked at.
    """
    checked = False
    for event, element in context:
        if not checked:
            _refuse_doctype(element)
            checked = True
        yield event, element
    if not checked and context.root is not None:
        _refuse_doctype(context.root)


def _refuse_doctype(element: etree._Element) -> None:
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url:
        raise StatementParseError("", "line 1", DOCTYPE_REFUSED)


def _discard(element: etree._Element) -> None:
    """Free a processed element and whatever came before it in its parent."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]


# --- small element helpers -------------------------------------------------


class _Node:
    """An element whose children are indexed by local name on first use.

    Used where speed does not matter: the statement header (once per
    statement) and saying where an error is. Entries use _xpath_records.
    """

    __slots__ = ("element", "name", "parent", "_index")

    def __init__(self, element: etree._Element, name: str, parent: _Node | None) -> None:
        self.element = element
        self.name = name
        self.parent = parent
        self._index: dict[str, list[_Node]] | None = None

    @property
    def text(self) -> str:
        return (self.element.text or "").strip()

    @property
    def currency(self) -> str:
        """The Ccy attribute, the only attribute camt parsing needs."""
        return (self.element.get("Ccy") or "").strip().upper()

    @property
    def line(self) -> int:
        return self.element.sourceline or 0

    def children(self, name: str) -> list[_Node]:
        index = self._index
        if index is None:
            index = {}
            for child in self.element:
                tag = child.tag
                if type(tag) is str:
                    local = tag[tag.rfind("}") + 1 :]
                    index.setdefault(local, []).append(_Node(child, local, self))
            self._index = index
        return index.get(name, [])


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


def _tree(element: etree._Element) -> _Node:
    return _Node(element, _local(element), None)


def _children(node: _Node | None, name: str) -> list[_Node]:
    return node.children(name) if node is not None else []


def _path(node: _Node | None, *names: str) -> _Node | None:
    for name in names:
        if node is None:
            return None
        found = node.children(name)
        node = found[0] if found else None
    return node


def _text(node: _Node | None, *names: str) -> str:
    found = _path(node, *names)
    return found.text if found is not None else ""


def _location(node: _Node) -> str:
    names = []
    current: _Node | None = node
    while current is not None and current.name not in _STATEMENT_TAGS:
        names.append(current.name)
        current = current.parent
    return f"line {node.line} ({'/'.join(reversed(names))})"


def _required(node: _Node, *names: str) -> _Node:
    found = _path(node, *names)
    if found is None:
        raise StatementParseError(
            "", _location(node), MISSING_ELEMENT.format(element="/".join(names))
        )
    return found


# --- values ----------------------------------------------------------------


def _amount(node: _Node) -> Decimal:
    if not _AMOUNT.fullmatch(node.text):
        raise StatementParseError("", _location(node), AMOUNT_NOT_A_NUMBER.format(value=node.text))
    return Decimal(node.text)


def _credit_debit_sign(node: _Node | None, *, default: int) -> int:
    """+1 for CRDT, -1 for DBIT, `default` when the indicator is absent."""
    if node is None:
        return default
    if node.text == "CRDT":
        return 1
    if node.text == "DBIT":
        return -1
    raise StatementParseError("", _location(node), NOT_CREDIT_OR_DEBIT.format(value=node.text))


def _date_from_text(raw: str) -> date:
    """An ISO date or date-time; ValueError when it is neither."""
    match = _DATE_TIME.fullmatch(raw)
    if not match:
        raise ValueError(raw)
    year, month, day, hour, minute, second, zone = match.groups()
    if hour is not None and zone in _UTC_DESIGNATORS:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
        )
        return moment.astimezone(BANK_TIME_ZONE).date()
    return date(int(year), int(month), int(day))


def _date(node: _Node) -> date:
    try:
        return _date_from_text(node.text)
    except ValueError:
        raise StatementParseError("", _location(node), DATE_NOT_VALID.format(value=node.text)) from None


def _optional_date(node: _Node | None) -> date | None:
    """A date from an element that holds the value itself or a Dt / DtTm child."""
    if node is None:
        return None
    target = _path(node, "Dt") or _path(node, "DtTm") or node
    return _date(target) if target.text else None


# --- statement header -------------------------------------------------------


def _header(
    statement: _Node,
    kind: str,
    group_date: date | None,
    first_entry: _Node | None,
) -> _Header:
    account = _path(statement, "Acct")
    iban = _text(account, "Id", "IBAN")
    other_id = _text(account, "Id", "Othr", "Id")
    balances = [_balance(b) for b in _children(statement, "Bal")]
    opening = _pick(balances, ("OPBD", "PRCD", "ITBD") if kind == "camt052" else ("OPBD", "PRCD"))
    closing = _pick(balances, ("CLBD",), last_resort="ITBD" if kind == "camt052" else "")
    entry_amount = _path(first_entry, "Amt")
    entry_currency = entry_amount.currency if entry_amount is not None else ""
    currency = (
        _text(account, "Ccy")
        or (opening.currency if opening else "")
        or entry_currency
        or (closing.currency if closing else "")
    ).upper()
    opening = opening if opening and opening.currency in ("", currency) else None
    closing = closing if closing and closing.currency in ("", currency) else None
    period = _path(statement, "FrToDt")
    period_end = _optional_date(_path(period, "ToDtTm")) or _optional_date(_path(period, "ToDt"))
    return _Header(
        account_iban=iban_or_empty(iban or other_id),
        account_number=iban or other_id,
        currency=currency,
        statement_id=_text(statement, "Id"),
        sequence=_text(statement, "ElctrncSeqNb") or _text(statement, "LglSeqNb"),
        opening_balance=opening.amount if opening else None,
        opening_date=opening.when if opening else None,
        closing_balance=closing.amount if closing else None,
        closing_date=closing.when if closing else None,
        fallback_date=(
            (closing.when if closing else None)
            or period_end
            or _optional_date(_path(statement, "CreDtTm"))
            or group_date
        ),
    )


def _balance(node: _Node) -> _Balance:
    amount = _required(node, "Amt")
    # The Lithuanian settlement account file omits CdtDbtInd; its balances
    # only reconcile when read as credit.
    sign = _credit_debit_sign(_path(node, "CdtDbtInd"), default=1)
    return _Balance(
        code=_text(node, "Tp", "CdOrPrtry", "Cd").upper(),
        amount=sign * _amount(amount),
        currency=amount.currency,
        when=_optional_date(_path(node, "Dt")),
    )


def _pick(balances: list[_Balance], codes: tuple[str, ...], last_resort: str = "") -> _Balance | None:
    for code in codes:
        for balance in balances:
            if balance.code == code:
                return balance
    matches = [b for b in balances if last_resort and b.code == last_resort]
    return matches[-1] if matches else None


def _statement(header: _Header, transactions: list[Transaction]) -> Statement:
    return Statement(
        account_iban=header.account_iban,
        account_number=header.account_number,
        currency=header.currency,
        statement_id=header.statement_id,
        sequence=header.sequence,
        opening_balance=header.opening_balance,
        opening_date=header.opening_date,
        closing_balance=header.closing_balance,
        closing_date=header.closing_date,
        transactions=with_unique_ids(
            transactions,
            statement_scope(
                header.account_number,
                header.statement_id,
                header.sequence,
                header.opening_balance,
                header.closing_balance,
            ),
        ),
    )


# --- entries ----------------------------------------------------------------
#
# Entries are many, so they are read with one compiled XPath per <Ntry> and
# one per <TxDtls> (see _xpath_records); an element is only walked by name to
# say where an error is.

_ENTRY_FIELDS = dict(
    amount="Amt",
    currency="Amt/@Ccy",
    indicator="CdtDbtInd",
    status="Sts",
    booking_date="BookgDt",
    value_date="ValDt",
    servicer_reference="AcctSvcrRef",
    entry_reference="NtryRef",
    domain="BkTxCd/Domn/Cd",
    family="BkTxCd/Domn/Fmly/Cd",
    sub_family="BkTxCd/Domn/Fmly/SubFmlyCd",
    proprietary="BkTxCd/Prtry/Cd",
    information="AddtlNtryInf",
    details="count(NtryDtls/TxDtls)",
)
_ENTRY_DETAILS = ElementsReader("NtryDtls/TxDtls")


def _address_fields(role: str) -> RecordReader:
    alternatives = (f"RltdPties/{role}/PstlAdr", f"RltdPties/{role}/Pty/PstlAdr")

    def field(name: str) -> str:
        return "|".join(f"{alternative}/{name}" for alternative in alternatives)

    return RecordReader(
        street=field("StrtNm"),
        building=field("BldgNb"),
        post_code=field("PstCd"),
        town=field("TwnNm"),
        country=field("Ctry"),
        **{f"line{n}": field(f"AdrLine[{n}]") for n in (1, 2, 3)},
    )


_DETAIL_FIELDS = dict(
    indicator="CdtDbtInd",
    amount="Amt",
    amount_currency="Amt/@Ccy",
    transaction_amount="AmtDtls/TxAmt/Amt",
    transaction_currency="AmtDtls/TxAmt/Amt/@Ccy",
    servicer_reference="Refs/AcctSvcrRef",
    end_to_end_id="Refs/EndToEndId",
    uetr="Refs/UETR",
    information="AddtlTxInf",
    Dbtr_name="RltdPties/Dbtr/Nm|RltdPties/Dbtr/Pty/Nm",
    Dbtr_iban="RltdPties/DbtrAcct/Id/IBAN",
    Dbtr_other_id="RltdPties/DbtrAcct/Id/Othr/Id",
    Dbtr_addresses="count(RltdPties/Dbtr/PstlAdr|RltdPties/Dbtr/Pty/PstlAdr)",
    Cdtr_name="RltdPties/Cdtr/Nm|RltdPties/Cdtr/Pty/Nm",
    Cdtr_iban="RltdPties/CdtrAcct/Id/IBAN",
    Cdtr_other_id="RltdPties/CdtrAcct/Id/Othr/Id",
    Cdtr_addresses="count(RltdPties/Cdtr/PstlAdr|RltdPties/Cdtr/Pty/PstlAdr)",
    # Most payments carry one Ustrd and at most one Strd; those come with the
    # record, more take one more XPath call (see _repeated).
    ustrd="RmtInf/Ustrd",
    ustrd_count="count(RmtInf/Ustrd)",
    reference="RmtInf/Strd/CdtrRefInf/Ref",
    additional="RmtInf/Strd/AddtlRmtInf",
    strd_count="count(RmtInf/Strd)",
)
_ADDRESSES = {role: _address_fields(role) for role in ("Dbtr", "Cdtr")}
_DETAIL = RecordReader(**_DETAIL_FIELDS)
_DETAIL_PREFIX = "detail_"


def _below(parent: str, template: str) -> str:
    """A field template moved down to a child path ("Amt" -> "NtryDtls/TxDtls/Amt")."""
    if template.startswith("count(") and template.endswith(")"):
        return f"count({_below(parent, template[6:-1])})"
    return "|".join(f"{parent}/{alternative}" for alternative in template.split("|"))


# A lone TxDtls is never split off its entry, so its own amount is not read.
_SPLIT_ONLY_FIELDS = frozenset(
    {"amount", "amount_currency", "transaction_amount", "transaction_currency"}
)
_INLINED_DETAIL = tuple(
    (_DETAIL_PREFIX + name, name) for name in _DETAIL_FIELDS if name not in _SPLIT_ONLY_FIELDS
)
# Nearly every entry has one TxDtls, so the entry's record carries that
# detail's fields too: one XPath call per entry instead of three.
_ENTRY = RecordReader(
    **_ENTRY_FIELDS,
    **{
        _DETAIL_PREFIX + name: _below("NtryDtls/TxDtls", t)
        for name, t in _DETAIL_FIELDS.items()
        if name not in _SPLIT_ONLY_FIELDS
    },
)
_USTRD = TextsReader("RmtInf/Ustrd")
_REFERENCES = TextsReader("RmtInf/Strd/CdtrRefInf/Ref")
_ADDITIONAL_REMITTANCE = TextsReader("RmtInf/Strd/AddtlRmtInf")


def _locate(element: etree._Element, *names: str) -> str:
    """Where an element's child is, for an error message: "line 12 (Ntry/Amt)"."""
    node = _path(_tree(element), *names)
    target = node or _tree(element)
    return _location(target)


def _parse_amount(value: str, where: Callable[[], str]) -> Decimal:
    """A camt amount; `where` says where it is, and is only called for an error."""
    if not _AMOUNT.fullmatch(value):
        raise StatementParseError("", where(), AMOUNT_NOT_A_NUMBER.format(value=value))
    return Decimal(value)


def _parse_sign(value: str, where: Callable[[], str], *, default: int) -> int:
    """+1 for CRDT, -1 for DBIT, `default` when there is no indicator."""
    if value == "CRDT":
        return 1
    if value == "DBIT":
        return -1
    if not value:
        return default
    raise StatementParseError("", where(), NOT_CREDIT_OR_DEBIT.format(value=value))


def _parse_optional_date(value: str, element: etree._Element, name: str) -> date | None:
    if not value:
        return None
    try:
        return _date_from_text(value)
    except ValueError:
        node = _path(_tree(element), name)
        inner = _path(node, "Dt") or _path(node, "DtTm") or node
        location = _location(inner) if inner is not None else _locate(element, name)
        raise StatementParseError("", location, DATE_NOT_VALID.format(value=value)) from None


def _entry_transactions(entry: etree._Element, header: _Header) -> list[Transaction]:
    fields = _ENTRY.read(entry)
    if fields["status"].upper() == "PDNG":
        return []
    for field, name in (("amount", "Amt"), ("indicator", "CdtDbtInd")):
        if not fields[field]:
            raise StatementParseError("", _location(_tree(entry)), MISSING_ELEMENT.format(element=name))
    currency = fields["currency"] or header.currency
    sign = _parse_sign(fields["indicator"], lambda: _locate(entry, "CdtDbtInd"), default=1)
    amount = sign * _parse_amount(fields["amount"], lambda: _locate(entry, "Amt"))
    value_date = _parse_optional_date(fields["value_date"], entry, "ValDt")
    booked = (
        _parse_optional_date(fields["booking_date"], entry, "BookgDt")
        or value_date
        or header.fallback_date
    )
    if booked is None:
        raise StatementParseError("", _location(_tree(entry)), NO_BOOKING_DATE)
    if fields["details"] == "0":
        details = []
    elif fields["details"] == "1":
        inlined = {name: fields[prefixed] for prefixed, name in _INLINED_DETAIL}
        details = [_details(inlined, entry, entry_sign=sign, currency=currency)]
    else:
        details = [
            _details(_DETAIL.read(detail), detail, entry_sign=sign, currency=currency)
            for detail in _ENTRY_DETAILS.read(entry)
        ]
    code = "/".join(p for p in (fields["domain"], fields["family"], fields["sub_family"]) if p)
    common = {
        "booking_date": booked,
        "value_date": value_date,
        "currency": currency,
        "bank_transaction_code": code if fields["domain"] else fields["proprietary"],
        "entry_reference": fields["servicer_reference"] or fields["entry_reference"],
    }
    if len(details) > 1 and _adds_up(details, amount):
        return [
            _transaction(amount=d.amount, details=[d], entry_text=clean(fields["information"]), **common)
            for d in details
            if d.amount is not None
        ]
    return [_transaction(amount=amount, details=details, entry_text=clean(fields["information"]), **common)]


def _adds_up(details: list[_Details], amount: Decimal) -> bool:
    amounts = [d.amount for d in details]
    if any(a is None for a in amounts):
        return False
    return sum(amounts, Decimal(0)) == amount  # type: ignore[arg-type]


def _transaction(
    *,
    amount: Decimal,
    details: list[_Details],
    entry_text: str,
    booking_date: date,
    value_date: date | None,
    currency: str,
    bank_transaction_code: str,
    entry_reference: str,
) -> Transaction:
    """One line from an entry and the TxDtls it stands for (none, one or several)."""
    first = details[0] if details else None
    text = join_clean(d.text for d in details) or entry_text
    references = {d.creditor_reference for d in details if d.creditor_reference}
    # Several different references cannot share one field; they stay findable in the text.
    creditor_reference = references.pop() if len(references) == 1 else ""
    if len(references) > 1:
        text = join_clean([text, *sorted(d.creditor_reference for d in details)])
    single = first if len(details) == 1 else None
    transaction_id = (
        (single.account_servicer_reference or single.end_to_end_id if single else "")
        or entry_reference
        # The SWIFT gpi UETR is unique worldwide, a good last resort.
        or (single.uetr if single else "")
    )
    return Transaction(
        booking_date=booking_date,
        value_date=value_date,
        amount=amount,
        currency=currency,
        transaction_id=transaction_id,
        end_to_end_id=single.end_to_end_id if single else "",
        party_name=first.party_name if first else "",
        party_iban=first.party_iban if first else "",
        party_account=first.party_account if first else "",
        party_address=first.party_address if first else "",
        text=text,
        creditor_reference=creditor_reference or find_creditor_reference(text),
        bank_transaction_code=bank_transaction_code,
        entry_reference=entry_reference,
    )


def _details(
    fields: dict[str, str], element: etree._Element, *, entry_sign: int, currency: str
) -> _Details:
    """One TxDtls from its record; `element` is the TxDtls, or its Ntry when inlined.

    The element itself is only looked at on the rare paths (repeated
    remittance, an address, an error to locate).
    """
    sign = _parse_sign(
        fields["indicator"], lambda: _locate(_the_detail(element), "CdtDbtInd"), default=entry_sign
    )
    # For money in, the other party is the debtor; for money out, the creditor.
    role = "Dbtr" if sign > 0 else "Cdtr"
    iban = fields[f"{role}_iban"]
    account = iban or fields[f"{role}_other_id"]
    unstructured = _repeated(fields, "ustrd", "ustrd_count", _USTRD, element)
    references = _repeated(fields, "reference", "strd_count", _REFERENCES, element)
    additional = _repeated(fields, "additional", "strd_count", _ADDITIONAL_REMITTANCE, element)
    has_address = fields[f"{role}_addresses"] != "0"
    return _Details(
        amount=_detail_amount(fields, element, sign, currency),
        account_servicer_reference=fields["servicer_reference"],
        end_to_end_id=normalise_reference(fields["end_to_end_id"]),
        uetr=fields["uetr"],
        party_name=clean(fields[f"{role}_name"]),
        party_iban=iban_or_empty(account),
        party_account=account,
        party_address=_address(_ADDRESSES[role].read(_the_detail(element))) if has_address else "",
        text=join_clean(unstructured) or join_clean(additional) or clean(fields["information"]),
        creditor_reference=next((normalise_reference(r) for r in references if r), ""),
    )


def _the_detail(element: etree._Element) -> etree._Element:
    """The TxDtls itself, also when given the Ntry that holds it (only on slow paths)."""
    if _local(element) != "Ntry":
        return element
    return _ENTRY_DETAILS.read(element)[0]


def _repeated(
    fields: dict[str, str], name: str, count: str, reader: TextsReader, element: etree._Element
) -> list[str]:
    """A value that may repeat: from the record when it occurs at most once."""
    return reader.read_texts(_the_detail(element)) if int(fields[count]) > 1 else [fields[name]]


def _detail_amount(fields: dict[str, str], detail: etree._Element, sign: int, currency: str) -> Decimal | None:
    if "amount" not in fields:
        return None  # an inlined lone detail, see _SPLIT_ONLY_FIELDS
    for value, value_currency, names in (
        (fields["amount"], fields["amount_currency"], ("Amt",)),
        (fields["transaction_amount"], fields["transaction_currency"], ("AmtDtls", "TxAmt", "Amt")),
    ):
        if value and (value_currency.upper() or currency) == currency:
            return sign * _parse_amount(value, lambda: _locate(_the_detail(detail), *names))
    return None


def _address(fields: dict[str, str]) -> str:
    lines = [fields[f"line{n}"] for n in (1, 2, 3)]
    street = join_clean([fields["street"], fields["building"]])
    town = join_clean([fields["post_code"], fields["town"]])
    return join_clean([*lines, street, town, fields["country"]], separator=", ")
