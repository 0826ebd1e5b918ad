"""Apply Automatically (spec 6.4), decided for the statement as a whole.

Per line: gather evidence through the index (evidence.py), build candidates (one entry, several
entries named in the text, a small subset of one party's entries adding up to the amount, or a
text-to-account mapping), observe NAV's three values for each (related party, doc. no., amount
incl. tolerance) and let the rule matrix give confidence and score (scoring.py). Then, for the
statement: walk all candidates by score and let each line take its best candidate whose entries
still have remaining amount (NAV's "Choosing applications", assign.py), so two lines never claim
the same open amount.

How the extra signals enter the matrix (the matrix alone decides confidence):
* KID / RF issued for an entry and found in the line (structured reference or free text):
  Doc. No. = Yes and Related Party = Fully (the checksummed reference names the invoice, hence
  the customer). KID + amount = High 4 (or High 5 when the amount is not unique).
* Document / external document numbers in the text, glued to words, listed, with or without
  prefix: Doc. No. = Yes (one entry) or Yes - Multiple (several entries of one party: one
  candidate for all of them, paid in due-date order).
* Payer IBAN / account on exactly one party's card: Fully (NAV); on several: Partially.
* Payer name (structured) or text: NAV nearness (>= 95 Partially; text >= 65 Partially) and
  rapidfuzz on normalized names (>= settings.name_similarity_threshold: Partially). Fully when
  the name points at one party only: the same words after normalization (structured name), or
  nearness >= 95 with a unique name (NAV) and similar as a whole (ours). A name fitting several
  parties of one kind makes none of them Fully ("multiple_parties").
* Learned: a payer account applied to one party before = Fully, a learned text = Partially.
* Sum of 2-4 open entries of an identified party equal to the amount: a multi-entry candidate,
  Doc. No. = No, counted like NAV's one-to-many sums (Multiple when only part of a large
  party's entries could be searched).
Boosts (evidence.BOOST_*, scoring.BOOST_AMOUNT_*) only order candidates with equal rule scores.

Amounts: an entry's applicable amount is NAV's (remaining less the possible discount up to the
discount date, else the remaining amount); beyond NAV the full amount is also accepted inside
the discount period and the discounted amount up to the payment discount tolerance date. Open
customer payments and vendor refunds are candidates too (NAV 2017 leaves them out), so that an
outgoing refund finds the credit it pays back. So are the open entries of the statement's own bank
(kind "bank_account", spec 6.4): a payment posted before that the statement shows. They have no party,
so the document number and the amount decide, and an amount alone stays Low.

Restraint, beyond the matrix: a candidate without identity evidence (only the amount) is never
above Low; when the best candidates of two different parties have the same score and similar
boosts the line is capped at Low ("multiple_parties"); a line that lost an entry to a line with
better evidence is capped at Medium ("conflict_lost" / "conflict_partial").

Partial payments: a line smaller than the invoice it names (KID or number) applies its whole
amount to that invoice; the matrix makes that Medium at most (amount No Matches), also with a
KID: the invoice stays open, so a person should see it. Overpayments apply the invoice's
remaining amount and leave the difference on the line (NAV).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from banking.matching.assign import assign_statement
from banking.matching.candidate import LineCandidate, rank
from banking.matching.evidence import (
    NO,
    entry_evidence,
    entry_is_eligible,
    party_evidence,
    search_text,
)
from banking.matching.index import (
    IndexedEntry,
    MatchIndex,
    PartyKey,
    build_index,
    cents,
)
from banking.matching.model import (
    ENTRY_KINDS,
    Decision,
    LearnedHint,
    MatchSettings,
    OpenEntry,
    Party,
    StatementLine,
    TextMapping,
)
from banking.matching.scoring import (
    RuleTable,
    build_rule_table,
    evaluate,
    restrain_ambiguity,
    text_mapping,
)
from banking.matching.subset import subset_sums
from receivables.lib.collector import paused_garbage_collection

DUPLICATE_LINE_ID = "statement line %(line_id)s is given twice: line ids must be unique"
PARTY_SCAN_LIMIT = 200  # entries of one identified party looked at for a combined payment
FALLBACK_KEPT = 8  # candidates per line kept for the statement-level walk


@dataclass(slots=True)
class MatchInputs:
    """The rows to match against, when the caller does not keep a `MatchIndex` between runs."""

    entries: Sequence[OpenEntry]
    parties: Sequence[Party]
    mappings: Sequence[TextMapping] = ()
    hints: Sequence[LearnedHint] = ()


def match_statement(
    lines: Iterable[StatementLine],
    index_or_inputs: MatchIndex | MatchInputs,
    settings: MatchSettings | None = None,
    *,
    today: date,
) -> list[Decision]:
    """One `Decision` per line, in line order; no entry is claimed beyond its remaining amount.

    `today` stands in for a line without a transaction date.
    """
    settings = settings or MatchSettings()
    ix = index_or_inputs
    if isinstance(ix, MatchInputs):
        ix = build_index(ix.entries, ix.parties, ix.mappings, ix.hints, lcy_code=settings.lcy_code)
    rule_table = build_rule_table(settings.rules)
    currency = settings.bank_currency.upper()
    if currency == settings.lcy_code.upper():
        currency = ""
    lines = list(lines)
    seen: set[int] = set()
    for line in lines:
        if line.line_id in seen:
            raise ValueError(DUPLICATE_LINE_ID % {"line_id": line.line_id})
        seen.add(line.line_id)
    with paused_garbage_collection():
        per_line = [
            _line_candidates(line, ix, settings, rule_table, currency, today) for line in lines
        ]
        return assign_statement(lines, per_line, settings)


def tolerance_range(amount: int, settings: MatchSettings) -> tuple[int, int]:
    """[low, high] in cents around a statement amount (spec 6.4), never crossing zero."""
    value = settings.tolerance_value
    if not value:
        return amount, amount
    if settings.tolerance_type == "percentage":
        statement = Decimal(amount)
        low = statement / (1 + value / 100)
        high = statement / (1 - value / 100) if value < 100 else statement * 10**6
        low, high = (int(x.quantize(Decimal(1), ROUND_HALF_UP)) for x in (low, high))
        return (low, high) if amount > 0 else (high, low)
    width = cents(value)
    if amount > 0:
        return max(amount - width, 0), amount + width
    return amount - width, min(amount + width, 0)


# --- one line --------------------------------------------------------------------------------


def _line_candidates(
    line: StatementLine, ix: MatchIndex, settings: MatchSettings, rule_table: RuleTable,
    currency: str, today: date,
) -> list[LineCandidate]:
    """The line's candidates, best first (at most FALLBACK_KEPT)."""
    amount = cents(line.amount)
    if amount == 0:
        return []
    on = line.date or today
    low, high = tolerance_range(amount, settings)
    text = search_text(line)

    def eligible(item: IndexedEntry) -> bool:
        return entry_is_eligible(item, amount, on, currency)

    entry_ev = entry_evidence(line, ix, text, eligible)

    # NAV's amount count: entries of each ledger type, any party, in range.
    in_range: dict[str, tuple[list[tuple[IndexedEntry, int, int]], bool]] = {}
    limit = max(settings.amount_only_max, 2)  # NAV needs to tell one match from several
    for kind in ENTRY_KINDS:
        in_range[kind] = ix.entries_in_range(kind, low, high, on, currency, limit)
    amount_only = [
        found
        for kind in ENTRY_KINDS
        if not in_range[kind][1] and len(in_range[kind][0]) <= settings.amount_only_max
        for found in in_range[kind][0]
    ]
    extra_parties = {ev.item.party for ev in entry_ev.values()} | {
        item.party for item, _, _ in amount_only
    }
    settled_by_reference = any(
        ev.doc in ("kid", "rf") and any(low <= form[0] <= high for form in ev.item.amount_forms(on))
        for ev in entry_ev.values()
    )
    party_ev = party_evidence(
        line, ix, text, settings, extra_parties, search_names=not settled_by_reference
    )

    cands: dict[tuple[int, ...], LineCandidate] = {}
    multi_in_range: dict[PartyKey, int] = {}  # multi-entry candidates in range, per party

    def add_single(item: IndexedEntry) -> None:
        key = (item.seq,)
        if key in cands or not eligible(item):
            return
        forms = item.amount_forms(on)
        chosen = next((form for form in forms if low <= form[0] <= high), forms[0])
        cands[key] = LineCandidate(
            item.kind, item.party, (item,), (chosen,), total=chosen[0],
            in_range=low <= chosen[0] <= high,
        )

    for ev in entry_ev.values():
        add_single(ev.item)
    for item, _, _ in amount_only:
        add_single(item)

    # Several entries of one party named in the text: one candidate for all of them.
    by_party: dict[PartyKey, list[IndexedEntry]] = {}
    for ev in entry_ev.values():
        by_party.setdefault(ev.item.party, []).append(ev.item)
    for party, items in by_party.items():
        if len(items) >= 2:
            items.sort(key=lambda item: item.due_key)
            _add_multi(cands, multi_in_range, party, items, "doc", on, low, high)

    # Identified parties: their entries in range, else a subset adding up, else the oldest entry.
    identified = [key for key, pev in party_ev.items() if pev.level != NO]
    named_only = [key for key in by_party if key not in party_ev or party_ev[key].level == NO]
    for key in identified + named_only:
        hits = ix.party_entries_in_range(key, low, high, on, currency)
        for item in hits:
            add_single(item)
        if hits or key in multi_in_range:
            continue
        pool: list[IndexedEntry] = []
        truncated = False
        party_items = ix.party_entries.get(key, ())
        for item in party_items[:PARTY_SCAN_LIMIT]:
            if eligible(item):
                if len(pool) == settings.subset_max_pool:
                    truncated = True
                    break
                pool.append(item)
        if not pool:
            continue
        truncated = truncated or len(party_items) > PARTY_SCAN_LIMIT
        # subset_sums works on magnitudes; all entries here have the line's sign.
        values = [abs(item.amount_forms(on)[0][0]) for item in pool]
        bounds = sorted((abs(low), abs(high)))
        for indexes in subset_sums(values, *bounds, max_entries=settings.subset_max_entries):
            chosen = [pool[i] for i in indexes]
            cand = _add_multi(cands, multi_in_range, key, chosen, "sum", on, low, high)
            # Only part of the party's entries was searched: the sum may not be the only one.
            if cand is not None and truncated:
                cand.unsure = True
        if key in party_ev and party_ev[key].level != NO:
            add_single(pool[0])  # NAV would offer every entry at Low; the oldest is the one to pay

    multis_in_range = {kind: 0 for kind in ENTRY_KINDS}
    for party, count in multi_in_range.items():
        multis_in_range[party[0]] += count
    result: list[LineCandidate] = []
    for cand in cands.values():
        found, more = in_range[cand.kind]
        count = (2 if more else len(found)) + multis_in_range[cand.kind]
        if evaluate(cand, line, amount, count, party_ev, entry_ev, rule_table):
            result.append(cand)

    mapping = text_mapping(line, ix, amount)
    if mapping is not None:
        result.append(mapping)
    result.sort(key=rank)
    result = result[:FALLBACK_KEPT]
    restrain_ambiguity(result, ix)
    return result


def _add_multi(
    cands, multi_in_range: dict[PartyKey, int], party: PartyKey, items: list[IndexedEntry],
    multi: str, on, low, high,
) -> LineCandidate | None:
    """A candidate for several entries of one party, paid in due-date order."""
    key = tuple(sorted(item.seq for item in items))
    if key in cands:
        return None
    items = sorted(items, key=lambda item: item.due_key)
    forms = tuple(item.amount_forms(on)[0] for item in items)
    total = sum(form[0] for form in forms)
    cand = cands[key] = LineCandidate(
        party[0], party, tuple(items), forms, multi=multi, total=total, in_range=low <= total <= high
    )
    if cand.in_range:  # NAV counts one-to-many sums in range like entries
        multi_in_range[party] = multi_in_range.get(party, 0) + 1
    return cand
