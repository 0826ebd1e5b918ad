"""Apply Automatically (spec 6.4), decided for the statement as a whole.

Per line: gather evidence through the index (evidence.py), build candidates (one entry, several
entries named in the text, or a small subset of one party's entries adding up to the amount, or a
text-to-account mapping), observe NAV's three values for each (related party, doc. no., amount
incl. tolerance) and let the rule matrix give confidence and score. Then, for the statement: walk
all candidates by score and let each line take its best candidate whose entries still have
remaining amount (NAV's "Choosing applications"), so two lines never claim the same open amount.

How the extra signals enter the matrix (the matrix alone decides confidence):
* KID / RF issued for an entry and found in the line: Doc. No. = Yes and Related Party = Fully
  (the checksummed reference names the invoice, hence the customer). KID + amount = High 4/5.
* Document / external document numbers in the text, glued or listed: Doc. No. = Yes (one) or
  Yes - Multiple (several entries of one party, one candidate for all of them).
* Payer IBAN / account on exactly one party's card: Fully (NAV); on several: Partially.
* Payer name / text: NAV nearness (>= 95 Partially, Fully when unique; text >= 65 Partially) or
  rapidfuzz on normalized names (exact: Fully when it points at one party only; >= threshold:
  Partially). When the name fits several parties of one kind, none of them is Fully.
* Learned: a payer account applied to one party before = Fully, a learned text = Partially.
* Sum of 2-4 open entries of an identified party equal to the amount: a multi-entry candidate
  with Doc. No. = No and its amount counted like NAV's one-to-many sums.
Boosts (evidence.BOOST_*, amount boosts below) only order candidates with equal rule scores.

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

import gc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from banking.matching.evidence import (
    FULLY,
    NO,
    PARTIALLY,
    EntryEvidence,
    PartyEvidence,
    describe,
    doc_label,
    entry_evidence,
    entry_is_eligible,
    party_evidence,
    search_text,
)
from banking.matching.index import IndexedEntry, MatchIndex, PartyKey, build_index, cents
from banking.matching.model import (
    BANK_ACCOUNT,
    CONFIDENCE_RANK,
    CUSTOMER,
    GL_ACCOUNT,
    HIGH,
    HIGH_TEXT_MAPPING,
    LOW,
    MEDIUM,
    NONE,
    PARTY_KINDS,
    TEXT_MAPPING_SCORE,
    VENDOR,
    Application,
    Candidate,
    Decision,
    LearnedHint,
    MatchSettings,
    OpenEntry,
    Party,
    Reason,
    Rule,
    StatementLine,
    TextMapping,
)
from banking.matching.subset import subset_sums

BOOST_AMOUNT_EXACT = 10
BOOST_AMOUNT_DISCOUNT = 8
BOOST_AMOUNT_TOLERANCE = 5
BOOST_AMOUNT_SUM = 5
AMBIGUITY_MARGIN = 10  # boosts closer than this are "equal evidence"
PARTY_SCAN_LIMIT = 200  # entries of one identified party looked at for a combined payment
FALLBACK_KEPT = 8  # candidates per line kept for the statement-level walk


@dataclass(slots=True)
class MatchInputs:
    entries: Sequence[OpenEntry]
    parties: Sequence[Party]
    mappings: Sequence[TextMapping] = ()
    hints: Sequence[LearnedHint] = ()


@dataclass(slots=True)
class _Cand:
    kind: str
    party: PartyKey | None
    items: tuple[IndexedEntry, ...] = ()
    forms: tuple[tuple[int, int], ...] = ()  # (applicable cents, discount cents) per item
    multi: str = ""  # "" | "doc" (numbers in text) | "sum" (subset of the party's entries)
    total: int = 0
    in_range: bool = False
    score: int = 0
    confidence: str = NONE
    boost: int = 0
    diff: int = 0
    rule: Rule | None = None
    reasons: list[Reason] = field(default_factory=list)
    account_type: str = ""
    account_no: str = ""


# ---------------------------------------------------------------------------------------------


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
    rule_table = _rule_table(settings.rules)
    currency = settings.bank_currency.upper()
    if currency == settings.lcy_code.upper():
        currency = ""
    lines = list(lines)
    with _without_cyclic_gc():
        per_line = [
            _line_candidates(line, ix, settings, rule_table, currency, today) for line in lines
        ]
        return _assign(lines, per_line, ix, settings)


@contextmanager
def _without_cyclic_gc():
    """Matching allocates many small objects next to an index of millions; Python's cyclic
    collector would rescan that index again and again (about a third of the run time) while
    nothing here builds reference cycles. Restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- rules -----------------------------------------------------------------------------------


def _rule_table(rules: list[Rule]) -> dict[tuple[str, str, str], Rule]:
    """Best rule (highest score) for every observed (related party, doc. no., amount).

    Direct debit collections are not part of the inputs, so the observed value is always "no"
    and the direct-debit rule (High 1) never fires.
    """
    table: dict[tuple[str, str, str], Rule] = {}
    for related in (FULLY, PARTIALLY, NO):
        for doc in ("yes", "yes_multiple", "no"):
            for amount in ("one_match", "multiple_matches", "no_matches"):
                fitting = [rule for rule in rules if rule.matches(related, doc, amount, "no")]
                if fitting:
                    table[(related, doc, amount)] = max(fitting, key=lambda rule: rule.score)
    return table


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


def _line_candidates(line, ix: MatchIndex, settings, rule_table, currency, today) -> list[_Cand]:
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
    for kind in PARTY_KINDS:
        in_range[kind] = ix.entries_in_range(kind, low, high, on, currency, limit)
    amount_only = [
        found
        for kind in PARTY_KINDS
        if not in_range[kind][1] and len(in_range[kind][0]) <= settings.amount_only_max
        for found in in_range[kind][0]
    ]
    extra_parties = {ev.item.party for ev in entry_ev.values()} | {
        item.party for item, _, _ in amount_only
    }
    party_ev = party_evidence(line, ix, text, settings, extra_parties)

    cands: dict[tuple[int, ...], _Cand] = {}

    def add_single(item: IndexedEntry) -> None:
        key = (item.seq,)
        if key in cands or not eligible(item):
            return
        forms = item.amount_forms(on)
        chosen = next((form for form in forms if low <= form[0] <= high), forms[0])
        cands[key] = _Cand(
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
            _add_multi(cands, party, items, "doc", on, low, high)

    # Identified parties: their entries in range, else a subset adding up, else the oldest entry.
    identified = [key for key, pev in party_ev.items() if pev.level != NO]
    named_only = [key for key in by_party if key not in party_ev or party_ev[key].level == NO]
    for key in identified + named_only:
        hits = ix.party_entries_in_range(key, low, high, on, currency)
        for item in hits:
            add_single(item)
        if hits or any(c.party == key and c.multi and c.in_range for c in cands.values()):
            continue
        pool: list[IndexedEntry] = []
        for item in ix.party_entries.get(key, ())[:PARTY_SCAN_LIMIT]:
            if eligible(item):
                pool.append(item)
                if len(pool) >= settings.subset_max_pool:
                    break
        if not pool:
            continue
        # subset_sums works on magnitudes; all entries here have the line's sign.
        values = [abs(item.amount_forms(on)[0][0]) for item in pool]
        bounds = sorted((abs(low), abs(high)))
        for indexes in subset_sums(values, *bounds, max_entries=settings.subset_max_entries):
            _add_multi(cands, key, [pool[i] for i in indexes], "sum", on, low, high)
        if key in party_ev and party_ev[key].level != NO:
            add_single(pool[0])  # NAV would offer every entry at Low; the oldest is the one to pay

    multis_in_range = {
        kind: sum(1 for c in cands.values() if c.multi and c.in_range and c.kind == kind)
        for kind in PARTY_KINDS
    }
    result: list[_Cand] = []
    for cand in cands.values():
        found, more = in_range[cand.kind]
        count = (2 if more else len(found)) + multis_in_range[cand.kind]
        if _evaluate(cand, line, amount, count, party_ev, entry_ev, rule_table, ix):
            result.append(cand)

    mapping = _text_mapping(line, ix, amount)
    if mapping is not None:
        result.append(mapping)
    result.sort(key=_rank)
    result = result[:FALLBACK_KEPT]
    _restrain_ambiguity(result, ix)
    return result


def _add_multi(cands, party: PartyKey, items: list[IndexedEntry], multi: str, on, low, high) -> None:
    key = tuple(sorted(item.seq for item in items))
    if key in cands:
        return
    items = sorted(items, key=lambda item: item.due_key)
    forms = tuple(item.amount_forms(on)[0] for item in items)
    total = sum(form[0] for form in forms)
    cands[key] = _Cand(
        party[0], party, tuple(items), forms, multi=multi, total=total, in_range=low <= total <= high
    )


def _evaluate(
    cand: _Cand,
    line: StatementLine,
    amount: int,
    count: int,
    party_ev: dict[PartyKey, PartyEvidence],
    entry_ev: dict[int, EntryEvidence],
    rule_table,
    ix: MatchIndex,
) -> bool:
    pev = party_ev.get(cand.party)
    related = pev.level if pev else NO
    evs = [entry_ev[item.seq] for item in cand.items if item.seq in entry_ev]
    if any(ev.doc in ("kid", "rf") for ev in evs):
        related = FULLY
    if cand.multi == "doc":
        doc = "yes_multiple"
    elif len(cand.items) == 1 and evs:
        doc = "yes"
    else:
        doc = "no"
    if not cand.in_range:
        observed_amount = "no_matches"
    else:
        observed_amount = "one_match" if count <= 1 else "multiple_matches"
    rule = rule_table.get((related, doc, observed_amount))
    if rule is None:
        return False  # NAV: no rule, score 0, not a candidate
    cand.rule = rule
    cand.score = rule.score
    cand.confidence = rule.confidence
    identity = bool(evs) or bool(pev and pev.identity)

    reasons = [Reason(
        "rule",
        f"Rule {rule.confidence} {rule.priority}: related party {related}, doc. no. {doc}, "
        f"amount {observed_amount.replace('_', ' ')}",
        {"confidence": rule.confidence, "priority": str(rule.priority), "related_party": related,
         "doc_no": doc, "amount": observed_amount},
    )]
    boost = max((ev.boost for ev in evs), default=0)
    seen: set[tuple[str, str]] = set()
    for ev in evs:
        for reason in ev.evidence:
            if (reason.code, reason.text) not in seen:
                seen.add((reason.code, reason.text))
                reasons.append(reason)
    if pev:
        boost += pev.boost
        reasons.extend(pev.evidence)
    amount_boost, amount_reasons = _amount_reasons(cand, amount, count, line)
    boost += amount_boost
    reasons.extend(amount_reasons)
    if not identity:
        reasons.append(Reason(
            "amount_only", "Only the amount points to this entry (no reference, number, account or name)", {}
        ))
        if CONFIDENCE_RANK[cand.confidence] > CONFIDENCE_RANK[LOW]:
            _cap(cand, LOW)
    cand.boost = boost
    cand.diff = abs(amount - cand.total)
    cand.reasons = reasons
    cand.account_type = cand.kind
    cand.account_no = cand.party[1]
    return True


def _amount_reasons(cand: _Cand, amount: int, count: int, line) -> tuple[int, list[Reason]]:
    shown = _money(amount)
    reasons: list[Reason] = []
    boost = 0
    discount = sum(form[1] for form in cand.forms)
    if cand.multi == "sum" and cand.in_range:
        docs = ", ".join(doc_label(item) for item in cand.items)
        reasons.append(Reason(
            "amount_sum_of_entries",
            f"Amount {shown} equals the sum of {len(cand.items)} open entries: {docs}",
            {"amount": shown, "count": str(len(cand.items)), "documents": docs},
        ))
        boost += BOOST_AMOUNT_SUM
    if cand.in_range:
        remaining = _money(cand.total)
        if discount:
            reasons.append(Reason(
                "amount_with_discount",
                f"Amount {shown} pays {remaining} after payment discount {_money(discount)} "
                f"(paid {line.date.isoformat() if line.date else ''})",
                {"amount": shown, "remaining": remaining, "discount": _money(discount)},
            ))
            boost += BOOST_AMOUNT_DISCOUNT
        if cand.total == amount and not discount:
            reasons.append(Reason(
                "amount_exact", f"Amount {shown} equals the remaining amount {remaining}",
                {"amount": shown, "remaining": remaining},
            ))
            boost += BOOST_AMOUNT_EXACT
        elif cand.total != amount:
            reasons.append(Reason(
                "amount_within_tolerance",
                f"Amount {shown} is within the match tolerance of {remaining}",
                {"amount": shown, "remaining": remaining},
            ))
            boost += BOOST_AMOUNT_TOLERANCE
        if count > 1:
            reasons.append(Reason(
                "amount_not_unique",
                "Other open entries have an amount in the same range",
                {"amount": shown},
            ))
    elif abs(amount) < abs(cand.total):
        reasons.append(Reason(
            "partial_payment",
            f"Amount {shown} is less than the remaining amount {_money(cand.total)}: partial payment",
            {"amount": shown, "remaining": _money(cand.total)},
        ))
    else:
        reasons.append(Reason(
            "amount_exceeds",
            f"Amount {shown} is more than the remaining amount {_money(cand.total)}",
            {"amount": shown, "remaining": _money(cand.total)},
        ))
    return boost, reasons


def _text_mapping(line: StatementLine, ix: MatchIndex, amount: int) -> _Cand | None:
    if not ix.mappings or not line.text:
        return None
    upper = line.text.upper()
    for mapping_text, mapping in ix.mappings:
        if mapping_text not in upper:
            continue
        if mapping.account_type == GL_ACCOUNT:
            account_no = mapping.debit_account_no if amount >= 0 else mapping.credit_account_no
        else:
            account_no = mapping.bal_source_no
        if not account_no:
            continue
        account_type = mapping.account_type
        label = {GL_ACCOUNT: "G/L account", BANK_ACCOUNT: "bank account"}.get(account_type, account_type)
        return _Cand(
            account_type, None, score=TEXT_MAPPING_SCORE, confidence=HIGH_TEXT_MAPPING,
            account_type=account_type, account_no=account_no,
            reasons=[Reason(
                "text_mapping",
                f"Text '{mapping.mapping_text}' is mapped to {label} {account_no}",
                {"mapping_text": mapping.mapping_text, "account_type": account_type,
                 "account_no": account_no},
            )],
        )
    return None


def _rank(cand: _Cand):
    first_due = cand.items[0].due_key if cand.items else (date.min, 0)
    return (-cand.score, -cand.boost, cand.diff, -len(cand.items), first_due)


def _cap(cand: _Cand, confidence: str) -> None:
    cand.confidence = confidence
    cand.score = min(cand.score, (CONFIDENCE_RANK[confidence] + 1) * 1000 - 1)


def _restrain_ambiguity(cands: list[_Cand], ix: MatchIndex) -> None:
    """Equal evidence for two parties: the line must not be decided with more than Low."""
    if len(cands) < 2 or cands[0].party is None:
        return
    best = cands[0]
    rivals = [
        cand for cand in cands[1:]
        if cand.party is not None and cand.party != best.party and cand.score == best.score
        and best.boost - cand.boost < AMBIGUITY_MARGIN
    ]
    if not rivals or best.confidence == HIGH_TEXT_MAPPING:
        return
    parties = [best.party] + [cand.party for cand in rivals if cand.party]
    names = ", ".join(dict.fromkeys(describe(ix, party) for party in parties))
    reason = Reason(
        "multiple_parties",
        f"The evidence fits {names} equally",
        {"parties": ",".join(dict.fromkeys(party[1] for party in parties))},
    )
    for cand in [best, *rivals]:
        if CONFIDENCE_RANK.get(cand.confidence, 0) > CONFIDENCE_RANK[LOW]:
            _cap(cand, LOW)
        cand.reasons.append(reason)
    cands.sort(key=_rank)


# --- the statement ---------------------------------------------------------------------------


def _assign(lines: list[StatementLine], per_line: list[list[_Cand]], ix: MatchIndex, settings) -> list[Decision]:
    """NAV "Choosing applications": all candidates by score; each line takes its best candidate
    whose entries still have remaining amount; an entry is never claimed beyond it."""
    order = sorted(
        ((position, rank, cand) for position, cands in enumerate(per_line) for rank, cand in enumerate(cands)),
        key=lambda row: (*_rank(row[2])[:3], lines[row[0]].line_id, row[1]),
    )
    capacity: dict[int, int] = {}  # entry seq -> remaining cents (absolute) not yet claimed
    claimed_by: dict[int, list[int]] = {}  # entry seq -> line ids
    chosen: dict[int, tuple[_Cand, list[tuple[IndexedEntry, int, int]], list[Reason]]] = {}
    conflicts: dict[int, list[int]] = {}
    lost: dict[int, list[Reason]] = {}

    for position, _rank_in_line, cand in order:
        if position in chosen:
            continue
        line = lines[position]
        amount = cents(line.amount)
        if not cand.items:  # text mapping: no entry to share
            chosen[position] = (cand, [], [])
            continue
        intended = _allocate(cand, amount, None)
        granted = _allocate(cand, amount, capacity)
        rivals = sorted({other for item in cand.items for other in claimed_by.get(item.seq, ())})
        if not any(applied for _, applied, _ in granted):
            if rivals:
                conflicts.setdefault(position, []).extend(rivals)
                lost.setdefault(position, []).append(Reason(
                    "conflict_lost",
                    f"{_docs(cand)} was already applied by line(s) {_ids(rivals)} with better evidence",
                    {"lines": _ids(rivals), "documents": _docs(cand)},
                ))
            continue
        extra: list[Reason] = []
        if sum(a + d for _, a, d in granted) < sum(a + d for _, a, d in intended) and rivals:
            conflicts.setdefault(position, []).extend(rivals)
            extra.append(Reason(
                "conflict_partial",
                f"Line(s) {_ids(rivals)} already took part of {_docs(cand)}; only the rest was applied",
                {"lines": _ids(rivals), "documents": _docs(cand)},
            ))
        for item, applied, discount in granted:
            if applied or discount:
                capacity[item.seq] = capacity.get(item.seq, abs(item.cents)) - applied - discount
                claimed_by.setdefault(item.seq, []).append(line.line_id)
        for item, applied, discount in granted:
            if not applied and not discount and item.seq not in claimed_by:
                extra.append(Reason(
                    "insufficient_amount",
                    f"Document No. {item.entry.document_no} was not applied because the "
                    f"transaction amount was insufficient.",
                    {"document_no": item.entry.document_no},
                ))
        chosen[position] = (cand, [row for row in granted if row[1] or row[2]], extra)

    # Lines that lost an entry to a better line are reviewed by a person.
    for position in conflicts:
        if position in chosen:
            cand = chosen[position][0]
            if CONFIDENCE_RANK.get(cand.confidence, 3) > CONFIDENCE_RANK[MEDIUM]:
                _cap(cand, MEDIUM)

    # Winners learn who competed with them.
    position_of = {line.line_id: position for position, line in enumerate(lines)}
    for position, rivals in list(conflicts.items()):
        line_id = lines[position].line_id
        for rival_id in rivals:
            other = position_of[rival_id]
            if line_id not in conflicts.get(other, []):
                conflicts.setdefault(other, []).append(line_id)

    decisions: list[Decision] = []
    for position, line in enumerate(lines):
        candidates = [_public(cand) for cand in per_line[position][: settings.candidates_kept]]
        conflict_with = sorted(set(conflicts.get(position, [])) - {line.line_id})
        if position not in chosen:
            reasons = lost.get(position, []) or [Reason("no_match", "No candidate found", {})]
            decisions.append(Decision(line.line_id, NONE, 0, "", "", [], reasons, candidates, conflict_with))
            continue
        cand, granted, extra = chosen[position]
        sign = 1 if cents(line.amount) > 0 else -1
        applications = [
            Application(item.entry.entry_no, _decimal(sign * applied), _decimal(sign * discount))
            for item, applied, discount in granted
        ]
        reasons = list(cand.reasons) + lost.get(position, []) + extra
        if cand.items and any(not other.items for other in per_line[position]):
            reasons.append(Reason(
                "text_mapping_overridden", "A text-to-account mapping was overridden by a better match", {}
            ))
        decisions.append(Decision(
            line.line_id, cand.confidence, cand.score, cand.account_type, cand.account_no,
            applications, reasons, candidates, conflict_with,
        ))
    return decisions


def _allocate(cand: _Cand, amount: int, capacity: dict[int, int] | None):
    """(entry, applied cents, discount cents) per entry, in the candidate's (due date) order.

    NAV: each entry gets min(statement remainder, its applicable remaining amount); the discount
    only when the entry is settled in full by this line (an entry partly claimed before has
    lost it: partial payments never get a discount).
    """
    remainder = abs(amount)
    rows = []
    for item, (applicable, discount) in zip(cand.items, cand.forms):
        full = abs(item.cents)
        left = full if capacity is None else capacity.get(item.seq, full)
        if remainder <= 0 or left <= 0:
            rows.append((item, 0, 0))
            continue
        if discount and left == full and remainder >= abs(applicable):
            applied, taken = abs(applicable), abs(discount)
        else:
            applied, taken = min(remainder, left), 0
        remainder -= applied
        rows.append((item, applied, taken))
    return rows


def _public(cand: _Cand) -> Candidate:
    rule = cand.rule
    return Candidate(
        kind=cand.account_type,
        party_no=cand.account_no,
        entry_nos=tuple(item.entry.entry_no for item in cand.items),
        score=cand.score,
        reasons=list(cand.reasons),
        confidence=cand.confidence,
        boost=cand.boost,
        rule=f"{rule.confidence} {rule.priority}" if rule else "text mapping",
    )


def _docs(cand: _Cand) -> str:
    return ", ".join(doc_label(item) for item in cand.items)


def _ids(ids: list[int]) -> str:
    return ", ".join(str(line_id) for line_id in ids)


def _decimal(amount_cents: int) -> Decimal:
    return Decimal(amount_cents).scaleb(-2)


def _money(amount_cents: int) -> str:
    return f"{_decimal(abs(amount_cents)) * (1 if amount_cents >= 0 else -1):,.2f}"


