"""Lookup tables built once per run from the open entries, parties, mappings and learned hints.

Every question the engine asks about a statement line is a dictionary lookup or a binary search
here: which entry carries this KID, which entries have this document number, whose account is
this IBAN, which parties have a name token like this one, which entries have an amount in this
range. Nothing scans all open entries per line.
"""
from __future__ import annotations

import bisect
import heapq
import math
import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from banking.matching.model import LearnedHint, OpenEntry, Party, TextMapping
from banking.matching.normalize import (
    STOPWORDS,
    bank_keys,
    digits_key,
    doc_key,
    learned_text_key,
    name_tokens,
)
from receivables.lib.collector import paused_garbage_collection

PartyKey = tuple[str, str]  # (kind, no)
_DUE_KEY = operator.attrgetter("due_key")

# A name token shared by more parties than this does not bring in candidates on its own
# ('handel', 'bygg', 'transport'), only together with another word of the name.
RARE_TOKEN_MAX_PARTIES = 50
PAIR_MAX_PARTIES = 60  # two common words shared by more names than this say too little
PARTY_LINEAR_MAX = 8  # a party with more open entries gets a sorted amount list of its own
TYPO_MIN_LENGTH = 4  # tokens this long are also looked up with one character deleted


def cents(amount) -> int:
    """Decimal amount -> integer cents (amounts are already rounded to 0.01)."""
    return int(amount * 100)


_REFERENCE_NOISE = re.compile(r"[\s.]")


def reference_key(value: str) -> str:
    """KID / RF as compared: without spaces and dots, upper case."""
    if value.isdigit():
        return value
    return _REFERENCE_NOISE.sub("", value).upper()


class IndexedEntry:
    """An open entry with the figures the engine needs precomputed (cents, dates, party key)."""

    __slots__ = (
        "entry", "seq", "kind", "party", "cents", "disc_cents", "disc_date", "tol_date",
        "posting_date", "due_key", "currency", "plain",
    )

    def __init__(
        self, entry: OpenEntry, seq: int, lcy_code: str, shared_keys: dict[PartyKey, PartyKey]
    ) -> None:
        self.entry = entry
        self.seq = seq
        self.kind = entry.kind
        party = (entry.kind, entry.party_no)
        self.party: PartyKey = shared_keys.setdefault(party, party)
        self.cents = cents(entry.remaining_amount)
        disc = cents(entry.remaining_pmt_disc_possible) if entry.pmt_discount_date else 0
        # A discount larger than the remaining amount or of the other sign is not usable.
        if disc and (disc * self.cents <= 0 or abs(disc) >= abs(self.cents)):
            disc = 0
        self.disc_cents = disc
        self.disc_date = entry.pmt_discount_date
        tolerance = entry.pmt_disc_tolerance_date
        self.tol_date = max(tolerance, self.disc_date) if (tolerance and disc) else self.disc_date
        self.posting_date = entry.posting_date
        self.due_key = (entry.due_date or entry.posting_date, entry.entry_no)
        currency = entry.currency.upper()
        self.currency = "" if currency == lcy_code else currency
        self.plain = ((self.cents, 0),)  # amount_forms without a discount, built once

    def amount_forms(self, on: date) -> tuple[tuple[int, int], ...]:
        """(applicable cents, discount cents) pairs a payment on `on` may settle this entry with.

        The first pair is NAV's applicable amount: up to the discount date remaining - discount
        (Remaining Amt. Incl. Discount), afterwards the remaining amount. Beyond NAV, the other
        form is accepted too while it makes sense: the full amount paid inside the discount
        period (the payer did not take the discount), and the discounted amount paid between the
        discount date and the payment discount tolerance date (late discount, spec 2.6).
        """
        if self.disc_cents and on <= self.tol_date:
            discounted = (self.cents - self.disc_cents, self.disc_cents)
            if on <= self.disc_date:
                return (discounted, (self.cents, 0))
            return ((self.cents, 0), discounted)
        return self.plain


@dataclass(slots=True)
class _AmountIndex:
    keys: list[int] = field(default_factory=list)  # sorted signed cents
    items: list[tuple[IndexedEntry, bool]] = field(default_factory=list)  # (entry, discounted form)


def _best(scores: dict[PartyKey, float], limit: int) -> list[PartyKey]:
    if len(scores) <= limit:
        return list(scores)
    return heapq.nlargest(limit, scores, key=scores.__getitem__)


def _amount_index(items: Iterable[IndexedEntry]) -> _AmountIndex:
    """Sorted amounts of `items`: each entry under its remaining amount and, with a discount
    possible, under its remaining amount less the discount."""
    rows: list[tuple[int, int, IndexedEntry, bool]] = []
    for item in items:
        rows.append((item.cents, item.seq, item, False))
        if item.disc_cents:
            rows.append((item.cents - item.disc_cents, item.seq, item, True))
    rows.sort()  # by cents, then seq (unique, so entries are never compared)
    return _AmountIndex([row[0] for row in rows], [(row[2], row[3]) for row in rows])


@dataclass(slots=True)
class MatchIndex:
    """The open entries, parties, mappings and hints of one company, ready for matching.

    Build it with `build_index`; it can serve several statements as long as the rows it was
    built from do not change (it keeps small caches filled on first use).
    """

    entries: list[IndexedEntry]
    by_entry_no: dict[int, IndexedEntry]
    parties: dict[PartyKey, Party]
    party_entries: dict[PartyKey, list[IndexedEntry]]  # by due date
    by_reference: dict[str, list[IndexedEntry]]
    by_doc: dict[str, list[IndexedEntry]]
    by_doc_digits: dict[str, list[IndexedEntry]]
    by_ext: dict[str, list[IndexedEntry]]
    by_ext_digits: dict[str, list[IndexedEntry]]
    by_bank: dict[str, list[PartyKey]]
    amounts: dict[str, _AmountIndex]  # per kind
    party_norm: dict[PartyKey, str]
    token_parties: dict[str, frozenset[PartyKey]]
    name_pairs: dict[tuple[str, str], list[PartyKey]]  # neighbouring name words (sorted) -> parties
    deletions: dict[str, list[str]]  # token with one character deleted -> tokens
    by_norm_name: dict[str, list[PartyKey]]
    mappings: list[tuple[str, TextMapping]]  # upper-case text, longest first
    learned_bank: dict[str, set[PartyKey]]
    learned_text: dict[str, set[PartyKey]]
    lcy_code: str
    _unique: dict[PartyKey, bool] = field(default_factory=dict)
    _party_amounts: dict[PartyKey, _AmountIndex] = field(default_factory=dict)

    # --- amounts ---------------------------------------------------------------------------

    def entries_in_range(
        self, kind: str, low: int, high: int, on: date, currency: str, limit: int
    ) -> tuple[list[tuple[IndexedEntry, int, int]], bool]:
        """Entries of `kind` whose applicable amount on `on` lies in [low, high] cents.

        Returns up to `limit` (entry, applicable cents, discount cents) and whether there were
        more. Only entries posted on or before `on`, in `currency`.
        """
        index = self.amounts.get(kind)
        found: list[tuple[IndexedEntry, int, int]] = []
        if index is None:
            return found, False
        seen: set[int] = set()
        start = bisect.bisect_left(index.keys, low)
        stop = bisect.bisect_right(index.keys, high)
        for position in range(start, stop):
            item, discounted = index.items[position]
            if item.seq in seen or item.posting_date > on or item.currency != currency:
                continue
            for applicable, discount in item.amount_forms(on):
                if bool(discount) == discounted and low <= applicable <= high:
                    if len(found) >= limit:
                        return found, True
                    found.append((item, applicable, discount))
                    seen.add(item.seq)
                    break
        return found, False

    def party_entries_in_range(
        self, key: PartyKey, low: int, high: int, on: date, currency: str
    ) -> list[IndexedEntry]:
        """The party's entries whose applicable amount on `on` lies in [low, high] cents.

        A party with many open entries gets its own sorted amount list (built on first use).
        """
        items = self.party_entries.get(key, ())
        if len(items) > PARTY_LINEAR_MAX:
            index = self._party_amounts.get(key)
            if index is None:
                index = self._party_amounts[key] = _amount_index(items)
            start = bisect.bisect_left(index.keys, low)
            stop = bisect.bisect_right(index.keys, high)
            items = list(dict.fromkeys(index.items[position][0] for position in range(start, stop)))
        return [
            item for item in items
            if item.posting_date <= on and item.currency == currency
            and item.cents * low >= 0 and item.cents * high >= 0
            and any(low <= form[0] <= high for form in item.amount_forms(on))
        ]

    # --- names -----------------------------------------------------------------------------

    def similar_tokens(self, token: str) -> list[str]:
        """Index tokens at most one deletion/insertion/substitution/transposition away."""
        if len(token) < TYPO_MIN_LENGTH:
            return []
        found: set[str] = set(self.deletions.get(token, ()))
        for position in range(len(token)):
            variant = token[:position] + token[position + 1 :]
            if variant in self.token_parties:
                found.add(variant)
            found.update(self.deletions.get(variant, ()))
        found.discard(token)
        return list(found)

    def parties_for_tokens(self, tokens: Sequence[str], limit: int = 15) -> list[PartyKey]:
        """Parties whose name shares a rare word, or two neighbouring words, with `tokens`.

        A word on at most RARE_TOKEN_MAX_PARTIES names brings in its parties; two neighbouring
        words (either order) are one lookup in the word-pair table. Only when neither finds
        anyone, parties having any two of the words are looked for (set intersections), which
        also covers misspelt words (looked up through their one-deletion variants). No scan.
        """
        postings: list[tuple[float, frozenset[PartyKey]]] = []
        for token in dict.fromkeys(tokens):
            if token in STOPWORDS or len(token) < 2:
                continue
            if token in self.token_parties:
                parties = self.token_parties[token]
            else:
                similar = self.similar_tokens(token)
                if not similar:
                    continue
                parties = frozenset().union(*(self.token_parties[other] for other in similar))
            postings.append((1.0 / math.log(2 + len(parties)), parties))
        scores: dict[PartyKey, float] = {}
        for weight, parties in postings:
            if len(parties) <= RARE_TOKEN_MAX_PARTIES:
                for party in parties:
                    scores[party] = scores.get(party, 0.0) + weight
        # Two neighbouring words, in either order: one lookup in the word-pair table.
        for first, second in zip(tokens, tokens[1:]):
            parties = self.name_pairs.get((first, second) if first < second else (second, first))
            if parties and len(parties) <= PAIR_MAX_PARTIES:
                for party in parties:
                    scores[party] = scores.get(party, 0.0) + 1.0
        if scores:
            return _best(scores, limit)
        # Misspelt or scattered words: parties having two of the (common) words.
        for first in range(len(postings)):
            for second in range(first + 1, len(postings)):
                (weight_a, a), (weight_b, b) = postings[first], postings[second]
                both = a & b
                if len(both) <= PAIR_MAX_PARTIES:
                    for party in both:
                        scores[party] = scores.get(party, 0.0) + weight_a + weight_b
        if not scores and len(postings) == 1 and len(postings[0][1]) <= PAIR_MAX_PARTIES:
            return list(postings[0][1])[:limit]
        return _best(scores, limit)

    def is_nav_unique(self, key: PartyKey) -> bool:
        """NAV's "name is unique": no other party of the same kind has a name containing this one.

        Parties containing the name contain its words, so they are looked for among those
        sharing all its words (an edge word may be cut: 'ORD HANDEL' inside 'FJORD HANDEL' is
        missed; NAV's rule is approximated there). Cached per party.
        """
        cached = self._unique.get(key)
        if cached is not None:
            return cached
        party = self.parties[key]
        upper = party.name.upper().strip()
        tokens = [token for token in name_tokens(party.name) if token in self.token_parties]
        others: frozenset[PartyKey] | set[PartyKey] = set()
        if tokens:
            tokens.sort(key=lambda token: len(self.token_parties[token]))
            others = self.token_parties[tokens[0]]
            for token in tokens[1:]:
                others = others & self.token_parties[token]
        unique = not any(
            other != key and other[0] == key[0] and upper in self.parties[other].name.upper()
            for other in others
        )
        self._unique[key] = unique
        return unique


def build_index(
    entries: Iterable[OpenEntry],
    parties: Iterable[Party],
    mappings: Iterable[TextMapping] = (),
    hints: Iterable[LearnedHint] = (),
    *,
    lcy_code: str = "NOK",
) -> MatchIndex:
    """Build the lookup tables once per run (see the module docstring)."""
    with paused_garbage_collection():  # hundreds of thousands of new objects, no cycles
        return _build_index(entries, parties, mappings, hints, lcy_code)


def _build_index(entries, parties, mappings, hints, lcy_code: str) -> MatchIndex:
    party_map = {(party.kind, party.no): party for party in parties}
    shared_keys: dict[PartyKey, PartyKey] = {key: key for key in party_map}  # one tuple per party
    lcy = lcy_code.upper()
    # An entry with nothing remaining cannot be applied (and would sit in every range at 0).
    indexed = [
        IndexedEntry(entry, seq, lcy, shared_keys)
        for seq, entry in enumerate(entries)
        if entry.remaining_amount
    ]

    party_entries: dict[PartyKey, list[IndexedEntry]] = defaultdict(list)
    by_reference: dict[str, list[IndexedEntry]] = defaultdict(list)
    by_doc: dict[str, list[IndexedEntry]] = defaultdict(list)
    by_doc_digits: dict[str, list[IndexedEntry]] = defaultdict(list)
    by_ext: dict[str, list[IndexedEntry]] = defaultdict(list)
    by_ext_digits: dict[str, list[IndexedEntry]] = defaultdict(list)
    by_kind: dict[str, list[IndexedEntry]] = defaultdict(list)
    for item in indexed:  # the hot loop of the build: kept flat
        entry = item.entry
        party_entries[item.party].append(item)
        by_kind[item.kind].append(item)
        reference = entry.payment_reference
        if reference:
            key = reference_key(reference)
            if len(key) >= 2:
                by_reference[key].append(item)
        number = entry.document_no
        if number:
            key = doc_key(number)
            if key:
                by_doc[key].append(item)
            if not key.isdigit():  # an all-digit number is found through `by_doc` already
                key = digits_key(number)
                if key:
                    by_doc_digits[key].append(item)
        number = entry.external_document_no
        if number:
            key = doc_key(number)
            if key:
                by_ext[key].append(item)
            if not key.isdigit():
                key = digits_key(number)
                if key:
                    by_ext_digits[key].append(item)
    for items in party_entries.values():
        if len(items) > 1:
            items.sort(key=_DUE_KEY)

    amounts = {kind: _amount_index(items) for kind, items in by_kind.items()}

    by_bank: dict[str, list[PartyKey]] = defaultdict(list)
    party_norm: dict[PartyKey, str] = {}
    token_parties: dict[str, list[PartyKey]] = defaultdict(list)
    by_norm_name: dict[str, list[PartyKey]] = defaultdict(list)
    name_pairs: dict[tuple[str, str], list[PartyKey]] = defaultdict(list)
    for key, party in party_map.items():
        for account in (*party.ibans, *party.account_nos):
            for bank_key, _how in bank_keys(account):
                if key not in by_bank[bank_key]:
                    by_bank[bank_key].append(key)
        tokens = name_tokens(party.name)
        norm = " ".join(tokens)
        party_norm[key] = norm
        if norm:
            by_norm_name[norm].append(key)
        for token in set(tokens):
            token_parties[token].append(key)
        for first, second in zip(tokens, tokens[1:]):
            pair = (first, second) if first < second else (second, first)
            if key not in name_pairs[pair]:
                name_pairs[pair].append(key)

    deletions: dict[str, list[str]] = defaultdict(list)
    for token in token_parties:
        if len(token) >= TYPO_MIN_LENGTH:
            for position in range(len(token)):
                deletions[token[:position] + token[position + 1 :]].append(token)

    learned_bank: dict[str, set[PartyKey]] = defaultdict(set)
    learned_text: dict[str, set[PartyKey]] = defaultdict(set)
    for hint in hints:
        key = (hint.kind, hint.party_no)
        if hint.payer_iban_or_account:
            for bank_key, _how in bank_keys(hint.payer_iban_or_account):
                learned_bank[bank_key].add(key)
        if hint.text_key:
            learned_text[learned_text_key(hint.text_key)].add(key)

    return MatchIndex(
        entries=indexed,
        by_entry_no={item.entry.entry_no: item for item in indexed},
        parties=party_map,
        party_entries=dict(party_entries),
        by_reference=dict(by_reference),
        by_doc=dict(by_doc),
        by_doc_digits=dict(by_doc_digits),
        by_ext=dict(by_ext),
        by_ext_digits=dict(by_ext_digits),
        by_bank=dict(by_bank),
        amounts=amounts,
        party_norm=party_norm,
        token_parties={token: frozenset(keys) for token, keys in token_parties.items()},
        name_pairs=dict(name_pairs),
        deletions=dict(deletions),
        by_norm_name=dict(by_norm_name),
        mappings=sorted(
            (
                (mapping.mapping_text.strip().upper(), mapping)
                for mapping in mappings
                if mapping.mapping_text.strip()
            ),
            key=lambda item: -len(item[0]),  # the longest (most specific) text first
        ),
        learned_bank=dict(learned_bank),
        learned_text=dict(learned_text),
        lcy_code=lcy_code,
    )
