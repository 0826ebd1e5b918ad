"""A candidate application of one statement line, and the small helpers around it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from banking.matching.evidence import doc_label
from banking.matching.index import IndexedEntry, PartyKey
from banking.matching.model import CONFIDENCE_RANK, NONE, Reason, Rule


@dataclass(slots=True)
class LineCandidate:
    """A way to apply one statement line, while the engine works on it (Candidate is its
    public form)."""

    kind: str
    party: PartyKey | None
    items: tuple[IndexedEntry, ...] = ()
    forms: tuple[tuple[int, int], ...] = ()  # (applicable cents, discount cents) per item
    multi: str = ""  # "" | "doc" (numbers in text) | "sum" (subset of the party's entries)
    unsure: bool = False  # a sum found among part of the party's entries only
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


def rank(cand: LineCandidate):
    """Best first: score, boost, exactness; then (NAV) more entries first for numbers named
    in the text, but fewer first for sums found by us (the simpler explanation); oldest first."""
    first_due = cand.items[0].due_key if cand.items else (date.min, 0)
    size = len(cand.items) if cand.multi == "sum" else -len(cand.items)
    return (-cand.score, -cand.boost, cand.diff, size, first_due)


def cap(cand: LineCandidate, confidence: str) -> None:
    """Lower a candidate to `confidence`, its score to at most that confidence's best."""
    cand.confidence = confidence
    cand.score = min(cand.score, (CONFIDENCE_RANK[confidence] + 1) * 1000 - 1)


def docs_label(cand: LineCandidate) -> str:
    return ", ".join(doc_label(item) for item in cand.items)


def to_decimal(amount_cents: int) -> Decimal:
    return Decimal(amount_cents).scaleb(-2)


def money(amount_cents: int) -> str:
    """'1,234.50' / '-25.00': English reason texts (the UI formats params per locale)."""
    whole, fraction = divmod(abs(amount_cents), 100)
    return f"{'-' if amount_cents < 0 else ''}{whole:,}.{fraction:02d}"
