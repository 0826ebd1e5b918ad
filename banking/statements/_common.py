"""Small helpers shared by the format parsers: IBAN, KID and RF checks,
whitespace clean-up and stable transaction ids."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from .errors import NotStreamable
from .model import Transaction

_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
# In free text an IBAN or RF is written either compact or in groups of four.
_IBAN_IN_TEXT = re.compile(r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{1,4}){3,8})\b")
_RF_IN_TEXT = re.compile(r"\bRF\d{2}(?:[A-Z0-9]{1,21}|(?: [A-Z0-9]{1,4}){1,6})\b")
_RF_SHAPE = re.compile(r"RF\d{2}[A-Z0-9]{1,21}")
_KID_IN_TEXT = re.compile(r"\bKID\b[\s.:#-]*(\d{2,25})\b", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_NEEDS_CLEANING = re.compile(r"^\s|\s$|\s\s|[^\S ]")
# MT940 and camt texts often use a placeholder where a reference is absent.
PLACEHOLDER_REFERENCES = frozenset({"NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "N/A"})


def clean(text: str | None) -> str:
    """Collapse runs of whitespace (padding, line breaks) into one space."""
    if not text:
        return ""
    # The common case, checked without a regular expression: the only whitespace a printable
    # string can hold is the plain space.
    if text.isprintable() and text[0] != " " and text[-1] != " " and "  " not in text:
        return text
    if _NEEDS_CLEANING.search(text) is None:
        return text
    return _WHITESPACE.sub(" ", text).strip()


def join_clean(parts: Iterable[str | None], separator: str = " ") -> str:
    cleaned = [clean(part) for part in parts]
    return separator.join(part for part in cleaned if part)


# Letters count as 10..35, as ISO 13616 (IBAN) and ISO 11649 (RF) both say.
_LETTER_VALUES = str.maketrans({chr(ord("A") + n): str(10 + n) for n in range(26)})


def _mod97(alphanumeric: str) -> int:
    return int(alphanumeric.translate(_LETTER_VALUES)) % 97


@functools.lru_cache(maxsize=4096)
def is_iban(value: str) -> bool:
    # Cached: a statement names the same few counterparty accounts over and over.
    candidate = value.replace(" ", "").upper()
    if not _IBAN_SHAPE.fullmatch(candidate):
        return False
    return _mod97(candidate[4:] + candidate[:4]) == 1


def iban_or_empty(value: str | None) -> str:
    candidate = (value or "").replace(" ", "").upper()
    return candidate if is_iban(candidate) else ""


def _first_valid(pattern: re.Pattern[str], text: str, valid: Callable[[str], bool]) -> str:
    """The first match that passes `valid`, dropping trailing word groups.

    A grouped match may swallow the next word ("RF18 5390 0754 7034 INV"), so
    trailing groups are dropped one by one until the check digits agree.
    """
    for match in pattern.finditer(text.upper()):
        groups = match.group(0).split(" ")
        while groups:
            candidate = "".join(groups)
            if valid(candidate):
                return candidate
            groups.pop()
    return ""


def find_iban(text: str) -> str:
    """The first valid IBAN written anywhere in a free text, or ""."""
    return _first_valid(_IBAN_IN_TEXT, text, is_iban)


def is_rf_reference(value: str) -> bool:
    """ISO 11649 creditor reference: RF, two check digits, up to 21 characters."""
    candidate = value.replace(" ", "").upper()
    if not _RF_SHAPE.fullmatch(candidate):
        return False
    return _mod97(candidate[4:] + candidate[:4]) == 1


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mod11_ok(digits: str) -> bool:
    # Norwegian MOD11: weights 2..7 from the right, excluding the check digit.
    body, check = digits[:-1], digits[-1]
    total = sum(int(ch) * (2 + position % 6) for position, ch in enumerate(reversed(body)))
    remainder = 11 - total % 11
    if remainder == 11:
        expected = "0"
    elif remainder == 10:
        expected = "-"
    else:
        expected = str(remainder)
    return check == expected


def is_kid(value: str) -> bool:
    """A Norwegian KID: 2 to 25 digits with a valid MOD10 or MOD11 check digit."""
    digits = value.replace(" ", "")
    if not digits.isdigit() or not 2 <= len(digits) <= 25 or not digits.isascii():
        return False
    return _luhn_ok(digits) or _mod11_ok(digits)


def find_creditor_reference(text: str) -> str:
    """A structured reference written in free text: RF first, then a labelled KID.

    Only an RF that passes its check digits is taken. A KID is only taken when
    the text says "KID", because any run of digits could pass MOD10 by chance.
    """
    shouted = text.upper()
    if "RF" not in shouted and "KID" not in shouted:
        return ""  # most texts; saves two regular expression scans
    rf = _first_valid(_RF_IN_TEXT, text, is_rf_reference)
    if rf:
        return rf
    for match in _KID_IN_TEXT.finditer(text):
        candidate = match.group(1).replace(" ", "")
        if is_kid(candidate):
            return candidate
    return ""


def normalise_reference(value: str | None) -> str:
    """A reference without blanks, or "" for the usual placeholders."""
    if not value:
        return ""
    candidate = clean(value)
    if " " not in candidate and not candidate[:2].upper() == "RF" and len(candidate) > 4:
        # No blanks to remove and no RF to upper-case; only the placeholders to drop.
        return "" if candidate.upper() in PLACEHOLDER_REFERENCES else candidate
    if candidate.upper() in PLACEHOLDER_REFERENCES:
        return ""
    if is_rf_reference(candidate) or candidate.replace(" ", "").isdigit():
        # RF and KID references are printed in groups of four for humans.
        return candidate.replace(" ", "").upper()
    return candidate


def derived_transaction_id(transaction: Transaction, scope: str, occurrence: int) -> str:
    """A stable id for a line whose format gives none (or a repeated one).

    Built from what the line says, the statement it is in (`scope`) and how
    many identical lines came before it in that statement, so two identical
    coffees on one day stay apart, a second import of the same file yields the
    same ids (and is recognised as a duplicate), and a line added to a re-sent
    statement does not shift the ids of the others.
    """
    parts = (
        scope,
        transaction.booking_date.isoformat(),
        str(transaction.amount),
        transaction.currency,
        transaction.text,
        transaction.party_name,
        transaction.party_account,
        transaction.transaction_id,
        str(occurrence),
    )
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"sha1-{digest[:32]}"


def statement_scope(*parts: object) -> str:
    """What tells one statement from another in a derived id (account, number, balances)."""
    return "\x1f".join("" if part is None else str(part) for part in parts)


def with_unique_ids(transactions: list[Transaction], scope: str) -> list[Transaction]:
    """Replace missing or repeated ids with derived ones.

    A bank reference that repeats within one statement (PostFinance, camt
    batches that share the entry's reference) would make the importer drop
    real payments as duplicates.
    """
    counts = Counter(t.transaction_id for t in transactions)
    seen: Counter[tuple[object, ...]] = Counter()
    result = []
    for transaction in transactions:
        if not transaction.transaction_id or counts[transaction.transaction_id] > 1:
            transaction = _with_derived_id(transaction, scope, seen)
        result.append(transaction)
    return result


def unique_ids_streamed(batches: Iterable[list[Transaction]], scope: str) -> Iterator[Transaction]:
    """with_unique_ids for a statement read a batch (one booked entry) at a time.

    Gives the very same ids, as long as an id that came alone in its batch
    does not come again in a later one: the first one has been given out by
    then, and NotStreamable is raised. An id repeated within one batch (the
    details of a batch booking sharing the entry's reference) is derived at
    once, and so is every later occurrence of it. Only the ids are kept, not
    the transactions.
    """
    alone: set[str] = set()
    repeated: set[str] = set()
    seen: Counter[tuple[object, ...]] = Counter()
    for batch in batches:
        counts = Counter(t.transaction_id for t in batch) if len(batch) > 1 else None
        for transaction in batch:
            key = transaction.transaction_id
            if key and key not in repeated and (counts is None or counts[key] == 1):
                if key in alone:
                    raise NotStreamable(f"transaction id {key!r} comes again further on")
                alone.add(key)
                yield transaction
                continue
            if key:
                if key in alone:
                    raise NotStreamable(f"transaction id {key!r} comes again further on")
                repeated.add(key)
            yield _with_derived_id(transaction, scope, seen)


def _with_derived_id(transaction: Transaction, scope: str, seen: Counter[tuple[object, ...]]) -> Transaction:
    """The transaction with a derived id; `seen` counts identical lines so far."""
    content = (
        transaction.booking_date,
        transaction.amount,
        transaction.text,
        transaction.party_name,
        transaction.transaction_id,
    )
    seen[content] += 1
    return dataclasses.replace(
        transaction, transaction_id=derived_transaction_id(transaction, scope, seen[content])
    )
