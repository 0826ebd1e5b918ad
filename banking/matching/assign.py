"""Choosing applications for the statement as a whole (spec 6.4, last step).

All candidates of all lines, best score first: each line takes its best candidate whose entries
still have remaining amount. An entry is never claimed beyond its remaining amount; a line that
finds its entry taken by a better line falls back to its next candidate (capped at Medium) or
stays unapplied, and both lines learn of the conflict.
"""
from __future__ import annotations

from banking.matching.candidate import LineCandidate, cap, docs_label, rank, to_decimal
from banking.matching.index import IndexedEntry, cents
from banking.matching.model import (
    CONFIDENCE_RANK,
    MEDIUM,
    NONE,
    Application,
    Candidate,
    Decision,
    MatchSettings,
    Reason,
    StatementLine,
)


def assign_statement(
    lines: list[StatementLine], per_line: list[list[LineCandidate]], settings: MatchSettings
) -> list[Decision]:
    """One decision per line from the candidates of every line (each list best first)."""
    order = sorted(
        (
            (position, place, cand)
            for position, cands in enumerate(per_line)
            for place, cand in enumerate(cands)
        ),
        key=lambda row: (*rank(row[2])[:3], lines[row[0]].line_id, row[1]),
    )
    capacity: dict[int, int] = {}  # entry seq -> remaining cents (absolute) not yet claimed
    claimed_by: dict[int, list[int]] = {}  # entry seq -> line ids
    chosen: dict[int, tuple[LineCandidate, list[tuple[IndexedEntry, int, int]], list[Reason]]] = {}
    conflicts: dict[int, list[int]] = {}
    lost: dict[int, list[Reason]] = {}

    for position, _place, cand in order:
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
                    f"{docs_label(cand)} was already applied by line(s) {_ids(rivals)} "
                    f"with better evidence",
                    {"lines": _ids(rivals), "documents": docs_label(cand)},
                ))
            continue
        extra: list[Reason] = []
        if sum(a + d for _, a, d in granted) < sum(a + d for _, a, d in intended) and rivals:
            conflicts.setdefault(position, []).extend(rivals)
            extra.append(Reason(
                "conflict_partial",
                f"Line(s) {_ids(rivals)} already took part of {docs_label(cand)}; "
                f"only the rest was applied",
                {"lines": _ids(rivals), "documents": docs_label(cand)},
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
                cap(cand, MEDIUM)

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
            decisions.append(
                Decision(line.line_id, NONE, 0, "", "", [], reasons, candidates, conflict_with)
            )
            continue
        cand, granted, extra = chosen[position]
        sign = 1 if cents(line.amount) > 0 else -1
        applications = [
            Application(item.entry.entry_no, to_decimal(sign * applied), to_decimal(sign * discount),
                        item.entry.document_no)
            for item, applied, discount in granted
        ]
        reasons = list(cand.reasons) + lost.get(position, []) + extra
        if cand.items and any(not other.items for other in per_line[position]):
            reasons.append(Reason(
                "text_mapping_overridden",
                "A text-to-account mapping was overridden by a better match",
                {},
            ))
        decisions.append(Decision(
            line.line_id, cand.confidence, cand.score, cand.account_type, cand.account_no,
            applications, reasons, candidates, conflict_with,
        ))
    return decisions


def _allocate(cand: LineCandidate, amount: int, capacity: dict[int, int] | None):
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


def _public(cand: LineCandidate) -> Candidate:
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


def _ids(ids: list[int]) -> str:
    return ", ".join(str(line_id) for line_id in ids)
