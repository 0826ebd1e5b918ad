"""ISO 20022 camt.053 statements, camt.054 notifications and camt.052 reports.

Any version (.001.02 to .001.10 are in the test corpus): elements are matched
on their local names, so the namespace does not matter.

The file is read with `lxml.etree.iterparse`: every <Ntry> is turned into
transactions as soon as it is complete and then removed from the tree, so a
statement with 100,000 entries never sits in memory as XML. `parse_camt`
gathers the transactions into a ParsedFile; `stream_camt` hands them out as
they come (see CamtStream), so they need not sit in memory either.

Safety: a document with any DOCTYPE is refused before libxml2 reads it (the
prolog is read by xml_prolog), so the refusal does not depend on libxml2's
version; camt files never need one, and refusing is clearer than silently
leaving entities unexpanded (billion laughs, external entities). The parser
also neither loads DTDs nor resolves entities nor touches the network.

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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import BinaryIO, NamedTuple
from zoneinfo import ZoneInfo

from lxml import etree

from ._common import (
    clean,
    find_creditor_reference,
    iban_or_empty,
    join_clean,
    normalise_reference,
    statement_scope,
    unique_ids_streamed,
    with_unique_ids,
)
from ._xpath_records import RecordReader, TextsReader
from .errors import NotStreamable, StatementParseError, parse_errors
from .model import ParsedFile, Statement, Transaction
from .xml_prolog import PROLOG_LIMIT, DoctypeFound, PrologTooLong, without_doctype

MAX_CAMT_BYTES = 512 * 1024 * 1024
# Where this business books; see the module docstring on UTC date-times.
BANK_TIME_ZONE = ZoneInfo("Europe/Oslo")

TOO_LARGE = "the file is {size} bytes; camt files over {limit} bytes are refused"
NOT_WELL_FORMED = "the XML is not well-formed: {detail}"
DOCTYPE_REFUSED = "the XML declares a DOCTYPE; camt files never need one, so it is refused"
PROLOG_TOO_LONG = "no root element in the first {limit} bytes; this is not a camt file"
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


class _Details(NamedTuple):  # a tuple: one is built per TxDtls, and a tuple is built fastest
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
    """The whole file at once: every statement with all its transactions."""
    with parse_errors(filename):
        kind = ""
        statements: list[Statement] = []
        header: _Header | None = None
        transactions: list[Transaction] = []
        for item in _items(_stream(source)):
            if item is None:
                statements.append(_statement(header, transactions))
                transactions = []
            elif type(item) is list:
                transactions.extend(item)
            elif item is _DROP:
                transactions = []
            elif type(item) is str:
                kind = item
            else:
                header = item
        return ParsedFile(format=kind, statements=statements)


def stream_camt(source: bytes | BinaryIO, *, filename: str = "") -> CamtStream:
    """The file one statement and one entry at a time; see CamtStream."""
    return CamtStream(source, filename=filename)


class CamtStream:
    """A camt file read as it is iterated: (statement, transactions) pairs.

    The statement carries what its header says (account, currency, balances)
    and an empty transactions list; its transactions come from the iterator
    beside it, with the ids `parse_camt` would give them, and are only there
    until the next statement is asked for. `format` is known once the first
    statement has come. Every problem with the file is raised as
    StatementParseError where it is met, so a consumer that writes as it reads
    must be able to undo (a database transaction).

    One thing cannot be known early: whether a transaction id that came once
    comes again further on, which would have made the parser derive an id for
    both. Then NotStreamable is raised, and the consumer starts over with the
    whole file (`parse_camt`); ids repeated within one entry (a batch whose
    details share the entry's reference) are handled as they come. A stream
    is read once.
    """

    def __init__(self, source: bytes | BinaryIO, *, filename: str = "") -> None:
        self.filename = filename
        self.format = ""
        with parse_errors(filename):
            self._stream = _stream(source)

    def __iter__(self) -> Iterator[tuple[Statement, Iterator[Transaction]]]:
        items = self._checked_items()
        for item in items:
            if type(item) is str:
                self.format = item
                continue
            header: _Header = item  # type: ignore[assignment]
            batches = _until_statement_end(items)
            yield _statement(header, []), unique_ids_streamed(batches, _scope(header))
            for _ in batches:  # whatever the consumer left of this statement
                pass

    def _checked_items(self) -> Iterator[object]:
        with parse_errors(self.filename):
            yield from _items(self._stream)


# A statement started inside another one: what the outer one had read so far is
# dropped (only ever seen in mangled files).
_DROP = object()


def _until_statement_end(items: Iterator[object]) -> Iterator[list[Transaction]]:
    for item in items:
        if item is None:
            return
        if item is _DROP:
            raise NotStreamable("a statement starts inside another one")
        yield item  # type: ignore[misc]


def _stream(source: bytes | BinaryIO) -> BinaryIO:
    if isinstance(source, bytes | bytearray | memoryview):
        if len(source) > MAX_CAMT_BYTES:
            raise StatementParseError("", "", TOO_LARGE.format(size=len(source), limit=MAX_CAMT_BYTES))
        return io.BytesIO(source)
    return source


def _items(stream: BinaryIO) -> Iterator[object]:
    """What the file says, in order: the message kind (a str), then per
    statement its _Header, a list of transactions per entry (empty when it is
    pending), and None when the statement ends; _DROP when a statement starts
    inside another. The transaction ids are not made unique yet (_statement,
    or unique_ids_streamed, does that)."""
    try:
        stream = without_doctype(stream)
    except DoctypeFound as found:
        raise StatementParseError("", f"line {found.line}", DOCTYPE_REFUSED) from None
    except PrologTooLong:
        raise StatementParseError("", "", PROLOG_TOO_LONG.format(limit=PROLOG_LIMIT)) from None
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
    statements = 0
    try:
        for event, element in context:
            tag = element.tag
            name = tag[tag.rfind("}") + 1 :]
            if event == "start":
                if name in _KINDS and not kind:
                    kind = _KINDS[name][0]
                    yield kind
                elif name in _STATEMENT_TAGS:
                    if header is not None:
                        yield _DROP
                    header = None
                continue
            if name == "Ntry":
                if header is None:
                    statement = _tree(element.getparent())
                    header = _header(statement, kind, group_date, first_entry=_tree(element))
                    yield header
                yield _entry_transactions(element, header)
                _discard(element)
            elif name == "GrpHdr":
                group_date = _optional_date(_path(_tree(element), "CreDtTm"))
                _discard(element)
            elif name in _STATEMENT_TAGS and kind:
                if header is None:
                    header = _header(_tree(element), kind, group_date, first_entry=None)
                    yield header
                statements += 1
                yield None
                header = None
                _discard(element)
    except etree.XMLSyntaxError as exc:
        raise StatementParseError(
            "", f"line {exc.lineno}" if exc.lineno else "", NOT_WELL_FORMED.format(detail=exc.msg)
        ) from None
    if not kind:
        raise StatementParseError("", "", NOT_CAMT)
    if not statements:
        raise StatementParseError("", "", NO_STATEMENTS)


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
    """The statement with its transactions, ids made unique (see _common.with_unique_ids)."""
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
        transactions=with_unique_ids(transactions, _scope(header)) if transactions else [],
    )


def _scope(header: _Header) -> str:
    return statement_scope(
        header.account_number,
        header.statement_id,
        header.sequence,
        header.opening_balance,
        header.closing_balance,
    )


# --- entries ----------------------------------------------------------------
#
# Entries are many, and reading their elements one by one from Python is what
# costs (lxml makes a string for every tag asked for). The fields of an entry
# are found by a walk guided by the tables below: a child whose name is not in
# its table is skipped with everything inside it. A field takes the first
# element of its path in document order, with all the text inside it,
# stripped: what an XPath string() would give. Children must be in the entry's
# own namespace, like in the XPaths this replaced.
#
# Where the walk finds each field depends only on the entry's shape: its
# elements' names and how many children each has, in document order. A bank
# writes its entries in a handful of shapes, so the walk runs once per shape
# and leaves a _Plan (the positions of the fields among the entry's elements);
# every other entry of that shape is read straight from those positions.
#
# Rare shapes of a detail (a repeated Ustrd or Strd, a postal address) are
# read again with XPath from _xpath_records, where speed does not matter. An
# element is only walked by name to say where an error is.

_TEXT, _MONEY, _GROUP, _DETAILS, _COUNTED, _COUNTED_GROUP, _FLAG = range(7)

# name: (kind, field, inner table); _MONEY's inner is the field for its Ccy.
_PARTY_FIELDS = {
    role: {
        role: (_GROUP, "", {
            "Nm": (_TEXT, f"{role}_name", None),
            "PstlAdr": (_FLAG, f"{role}_address", None),
            "Pty": (_GROUP, "", {
                "Nm": (_TEXT, f"{role}_name", None),
                "PstlAdr": (_FLAG, f"{role}_address", None),
            }),
        }),
        f"{role}Acct": (_GROUP, "", {
            "Id": (_GROUP, "", {
                "IBAN": (_TEXT, f"{role}_iban", None),
                "Othr": (_GROUP, "", {"Id": (_TEXT, f"{role}_other_id", None)}),
            }),
        }),
    }
    for role in ("Dbtr", "Cdtr")
}
_DETAIL_TABLE = {
    "CdtDbtInd": (_TEXT, "indicator", None),
    "Amt": (_MONEY, "amount", "amount_currency"),
    "AmtDtls": (_GROUP, "", {
        "TxAmt": (_GROUP, "", {"Amt": (_MONEY, "transaction_amount", "transaction_currency")}),
    }),
    "Refs": (_GROUP, "", {
        "AcctSvcrRef": (_TEXT, "servicer_reference", None),
        "EndToEndId": (_TEXT, "end_to_end_id", None),
        "UETR": (_TEXT, "uetr", None),
    }),
    "AddtlTxInf": (_TEXT, "information", None),
    "RltdPties": (_GROUP, "", {**_PARTY_FIELDS["Dbtr"], **_PARTY_FIELDS["Cdtr"]}),
    # Most payments carry one Ustrd and at most one Strd; more are read again (see _details).
    "RmtInf": (_GROUP, "", {
        "Ustrd": (_COUNTED, "ustrd", None),
        "Strd": (_COUNTED_GROUP, "strd", {
            "CdtrRefInf": (_GROUP, "", {"Ref": (_TEXT, "reference", None)}),
            "AddtlRmtInf": (_TEXT, "additional", None),
        }),
    }),
}
_ENTRY_TABLE = {
    "Amt": (_MONEY, "amount", "currency"),
    "CdtDbtInd": (_TEXT, "indicator", None),
    "Sts": (_TEXT, "status", None),
    "BookgDt": (_TEXT, "booking_date", None),
    "ValDt": (_TEXT, "value_date", None),
    "AcctSvcrRef": (_TEXT, "servicer_reference", None),
    "NtryRef": (_TEXT, "entry_reference", None),
    "BkTxCd": (_GROUP, "", {
        "Domn": (_GROUP, "", {
            "Cd": (_TEXT, "domain", None),
            "Fmly": (_GROUP, "", {
                "Cd": (_TEXT, "family", None),
                "SubFmlyCd": (_TEXT, "sub_family", None),
            }),
        }),
        "Prtry": (_GROUP, "", {"Cd": (_TEXT, "proprietary", None)}),
    }),
    "AddtlNtryInf": (_TEXT, "information", None),
    "NtryDtls": (_GROUP, "", {"TxDtls": (_DETAILS, "details", _DETAIL_TABLE)}),
}
_QUALIFIED_TABLES: dict[str, dict] = {}


def _entry_table(entry_tag: str) -> dict:
    """_ENTRY_TABLE with element names as lxml gives them in the entry's namespace."""
    table = _QUALIFIED_TABLES.get(entry_tag)
    if table is None:
        prefix = entry_tag[: entry_tag.rfind("}") + 1]

        def qualify(table: dict) -> dict:
            return {
                prefix + name: (kind, field, qualify(inner) if isinstance(inner, dict) else inner)
                for name, (kind, field, inner) in table.items()
            }

        table = _QUALIFIED_TABLES[entry_tag] = qualify(_ENTRY_TABLE)
    return table


_PLANS: dict[tuple[tuple[str, ...], tuple[int, ...]], _Plan] = {}
_MAX_PLANS = 1024


def _entry_fields(entry: etree._Element) -> dict:
    """The fields of an <Ntry> (see above); "details" holds (TxDtls, fields) pairs."""
    elements = list(entry.iter())
    shape = (tuple([e.tag for e in elements]), tuple([len(e) for e in elements]))
    plan = _PLANS.get(shape)
    if plan is None:
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        positions = {element: n for n, element in enumerate(elements)}
        found = _find(entry, _entry_table(entry.tag), {})
        plan = _PLANS[shape] = _Plan(found, positions)
    return plan.read(elements)


def _find(element: etree._Element, table: dict, found: dict) -> dict:
    """The walk: which elements the fields of `table` come from, below `element`."""
    for child in element:
        entry = table.get(child.tag)
        if entry is None:
            continue
        kind, name, inner = entry
        if kind == _TEXT:
            if name not in found:
                found[name] = child
        elif kind == _GROUP:
            _find(child, inner, found)
        elif kind == _MONEY:
            if name not in found:
                found[name] = child
            # The currency is the first Ccy among the amounts: which one has it is not the shape's.
            found.setdefault(inner, []).append(child)
        elif kind == _DETAILS:
            found.setdefault(name, []).append((child, _find(child, inner, {})))
        elif kind == _COUNTED:
            if name not in found:
                found[name] = child
            found[f"{name}_count"] = found.get(f"{name}_count", 0) + 1
        elif kind == _COUNTED_GROUP:
            found[f"{name}_count"] = found.get(f"{name}_count", 0) + 1
            _find(child, inner, found)
        else:  # _FLAG
            found[name] = True
    return found


class _Plan:
    """Where the fields of entries of one shape are: positions in `list(entry.iter())`."""

    __slots__ = ("constants", "names", "positions", "strings", "currencies", "details")

    def __init__(self, found: dict, positions: dict[etree._Element, int]) -> None:
        self.constants: dict[str, object] = {}
        texts, strings, currencies, details = [], [], [], []
        for name, value in found.items():
            if isinstance(value, etree._Element):
                if len(value):
                    strings.append((name, tuple(_text_parts(value, positions))))
                else:
                    texts.append((name, positions[value]))
            elif isinstance(value, list) and name == "details":
                details.extend((positions[element], _Plan(inner, positions)) for element, inner in value)
            elif isinstance(value, list):
                currencies.append((name, tuple(positions[element] for element in value)))
            else:
                self.constants[name] = value
        self.names = tuple(name for name, _ in texts)
        self.positions = tuple(position for _, position in texts)
        self.strings = tuple(strings)
        self.currencies = tuple(currencies)
        self.details = tuple(details)

    def read(self, elements: list[etree._Element]) -> dict:
        fields = self.constants.copy()
        fields.update(zip(self.names, [(elements[n].text or "").strip() for n in self.positions]))
        for name, parts in self.strings:
            fields[name] = "".join(
                [(elements[n].tail if tail else elements[n].text) or "" for n, tail in parts]
            ).strip()
        for name, positions in self.currencies:
            for n in positions:
                currency = elements[n].get("Ccy")
                if currency is not None:
                    fields[name] = currency.strip()
                    break
        if self.details:
            fields["details"] = [(elements[n], plan.read(elements)) for n, plan in self.details]
        return fields


def _text_parts(element: etree._Element, positions: dict[etree._Element, int]) -> Iterator[tuple[int, bool]]:
    """Where the texts that make up XPath's string() of an element are: (position, is a tail)."""
    yield positions[element], False
    for child in element:
        yield from _text_parts(child, positions)
        yield positions[child], True


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


_ADDRESSES = {role: _address_fields(role) for role in ("Dbtr", "Cdtr")}
_USTRD = TextsReader("RmtInf/Ustrd")
_REFERENCES = TextsReader("RmtInf/Strd/CdtrRefInf/Ref")
_ADDITIONAL_REMITTANCE = TextsReader("RmtInf/Strd/AddtlRmtInf")


def _locate(element: etree._Element, *names: str) -> str:
    """Where an element's child is, for an error message: "line 12 (Ntry/Amt)"."""
    node = _path(_tree(element), *names)
    target = node or _tree(element)
    return _location(target)


def _parse_amount(value: str, element: etree._Element, *names: str) -> Decimal:
    """A camt amount found at `names` below `element` (looked at only for an error)."""
    if not _AMOUNT.fullmatch(value):
        raise StatementParseError("", _locate(element, *names), AMOUNT_NOT_A_NUMBER.format(value=value))
    return Decimal(value)


def _parse_sign(value: str, element: etree._Element, *, default: int) -> int:
    """+1 for CRDT, -1 for DBIT, `default` when there is no indicator."""
    if value == "CRDT":
        return 1
    if value == "DBIT":
        return -1
    if not value:
        return default
    raise StatementParseError("", _locate(element, "CdtDbtInd"), NOT_CREDIT_OR_DEBIT.format(value=value))


def _signed(amount: Decimal, sign: int) -> Decimal:
    # copy_negate is what -1 * amount gives (a zero keeps its exponent and turns -0.00),
    # without the arithmetic.
    return amount if sign > 0 else amount.copy_negate()


_DATES: dict[str, date] = {}


def _parse_optional_date(value: str | None, element: etree._Element, name: str) -> date | None:
    if not value:
        return None
    # A statement has a few dozen different dates; one date object each is enough.
    found = _DATES.get(value)
    if found is not None:
        return found
    try:
        found = _date_from_text(value)
    except ValueError:
        node = _path(_tree(element), name)
        inner = _path(node, "Dt") or _path(node, "DtTm") or node
        location = _location(inner) if inner is not None else _locate(element, name)
        raise StatementParseError("", location, DATE_NOT_VALID.format(value=value)) from None
    if len(_DATES) >= 4096:
        _DATES.clear()
    _DATES[value] = found
    return found


def _entry_transactions(entry: etree._Element, header: _Header) -> list[Transaction]:
    fields = _entry_fields(entry)
    get = fields.get
    status = get("status")
    if status and status.upper() == "PDNG":
        return []
    written_amount = get("amount")
    indicator = get("indicator")
    if not written_amount or not indicator:
        name = "CdtDbtInd" if written_amount else "Amt"
        raise StatementParseError("", _location(_tree(entry)), MISSING_ELEMENT.format(element=name))
    currency = get("currency") or header.currency
    sign = _parse_sign(indicator, entry, default=1)
    amount = _signed(_parse_amount(written_amount, entry, "Amt"), sign)
    value_date = _parse_optional_date(get("value_date"), entry, "ValDt")
    booked = (
        _parse_optional_date(get("booking_date"), entry, "BookgDt")
        or value_date
        or header.fallback_date
    )
    if booked is None:
        raise StatementParseError("", _location(_tree(entry)), NO_BOOKING_DATE)
    found = get("details", ())
    # A lone TxDtls is never split off its entry, so its own amount is not read.
    split = len(found) > 1
    details = [_details(values, element, sign, currency, split) for element, values in found]
    domain = get("domain")
    if domain:
        code = "/".join([p for p in (domain, get("family"), get("sub_family")) if p])
    else:
        code = get("proprietary", "")
    information = get("information")
    entry_text = clean(information) if information else ""
    entry_reference = get("servicer_reference") or get("entry_reference", "")
    if split and _adds_up(details, amount):
        return [
            _transaction(d.amount, [d], entry_text, booked, value_date, currency, code, entry_reference)
            for d in details
            if d.amount is not None
        ]
    return [_transaction(amount, details, entry_text, booked, value_date, currency, code, entry_reference)]


def _adds_up(details: list[_Details], amount: Decimal) -> bool:
    amounts = [d.amount for d in details]
    if any(a is None for a in amounts):
        return False
    return sum(amounts, Decimal(0)) == amount  # type: ignore[arg-type]


def _transaction(
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
    if len(details) == 1:
        single = first = details[0]
        text = single.text or entry_text
        creditor_reference = single.creditor_reference
        transaction_id = (
            single.account_servicer_reference
            or single.end_to_end_id
            or entry_reference
            # The SWIFT gpi UETR is unique worldwide, a good last resort.
            or single.uetr
        )
    else:
        single = None
        first = details[0] if details else None
        text = join_clean(d.text for d in details) or entry_text
        references = {d.creditor_reference for d in details if d.creditor_reference}
        # Several different references cannot share one field; they stay findable in the text.
        creditor_reference = references.pop() if len(references) == 1 else ""
        if len(references) > 1:
            text = join_clean([text, *sorted(d.creditor_reference for d in details)])
        transaction_id = entry_reference
    return Transaction(
        booking_date,
        value_date,
        amount,
        currency,
        transaction_id,
        single.end_to_end_id if single else "",
        first.party_name if first else "",
        first.party_iban if first else "",
        first.party_account if first else "",
        first.party_address if first else "",
        text,
        creditor_reference or find_creditor_reference(text),
        bank_transaction_code,
        entry_reference,
    )


# For money in, the other party is the debtor; for money out, the creditor.
_PARTY_KEYS = {
    sign: (f"{role}_iban", f"{role}_other_id", f"{role}_name", f"{role}_address", _ADDRESSES[role])
    for sign, role in ((1, "Dbtr"), (-1, "Cdtr"))
}


def _details(fields: dict, detail: etree._Element, entry_sign: int, currency: str, split: bool) -> _Details:
    """One TxDtls from its fields; the element is only looked at on rare paths."""
    get = fields.get
    indicator = get("indicator")
    sign = _parse_sign(indicator, detail, default=entry_sign) if indicator else entry_sign
    iban_key, other_key, name_key, address_key, address_reader = _PARTY_KEYS[sign]
    iban = get(iban_key, "")
    account = iban or get(other_key, "")
    # Most payments carry one Ustrd and at most one Strd; more are read again with XPath.
    strd_count = get("strd_count", 0)
    if get("ustrd_count", 0) > 1:
        text = join_clean(_USTRD.read_texts(detail))
    else:
        text = clean(get("ustrd"))
    if not text:
        if strd_count > 1:
            text = join_clean(_ADDITIONAL_REMITTANCE.read_texts(detail))
        else:
            text = clean(get("additional"))
        text = text or clean(get("information"))
    if strd_count > 1:
        reference = next((normalise_reference(r) for r in _REFERENCES.read_texts(detail) if r), "")
    else:
        reference = normalise_reference(get("reference"))
    return _Details(
        _detail_amount(fields, detail, sign, currency) if split else None,
        get("servicer_reference", ""),
        normalise_reference(get("end_to_end_id")),
        get("uetr", ""),
        clean(get(name_key)),
        iban_or_empty(account) if account else "",
        account,
        _address(address_reader.read(detail)) if address_key in fields else "",
        text,
        reference,
    )


def _detail_amount(fields: dict, detail: etree._Element, sign: int, currency: str) -> Decimal | None:
    get = fields.get
    for value, value_currency, names in (
        (get("amount", ""), get("amount_currency", ""), ("Amt",)),
        (get("transaction_amount", ""), get("transaction_currency", ""), ("AmtDtls", "TxAmt", "Amt")),
    ):
        if value and (value_currency.upper() or currency) == currency:
            return _signed(_parse_amount(value, detail, *names), sign)
    return None


def _address(fields: dict[str, str]) -> str:
    lines = [fields[f"line{n}"] for n in (1, 2, 3)]
    street = join_clean([fields["street"], fields["building"]])
    town = join_clean([fields["post_code"], fields["town"]])
    return join_clean([*lines, street, town, fields["country"]], separator=", ")
