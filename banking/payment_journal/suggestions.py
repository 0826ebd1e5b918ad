"""What Apply Automatically considered for a line, shown in the Payment Application window.

The latest automatic decision keeps the line's candidates, best first, with their score, confidence
and reasons. Here they are read back for the user to pick from: each candidate's entries that are
still open, the party's name, and what paying them in full on the transaction date takes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from banking.models import BankAccReconciliationLine, MatchConfidence, MatchDecision
from banking.payment_journal.applying import AUTOMATIC, ENTRY_SOURCES, applicable_amount
from banking.payment_journal.auto_apply import line_candidates


@dataclass
class Suggestion:
    rank: int  # 1 = the candidate Apply Automatically ranked first
    account_type: str  # customer | vendor | bank_account
    account_no: str
    name: str
    score: int
    confidence: str  # MatchConfidence value
    reasons: list[dict]
    entries: list = field(default_factory=list)  # the ledger entries still open, due-date order
    applicable: Decimal = Decimal(0)  # paying them in full on the transaction date
    chosen: bool = False  # what Apply Automatically applied the line to

    @property
    def confidence_label(self) -> str:
        return MatchConfidence(self.confidence).label if self.confidence in MatchConfidence.values else self.confidence

    @property
    def entry_nos(self) -> list[int]:
        return [entry.pk for entry in self.entries]


def line_suggestions(line: BankAccReconciliationLine, *, live: bool = False) -> list[Suggestion]:
    """The candidates of the line's latest automatic decision whose entries are (partly) still open.

    With `live`, a line Apply Automatically has not decided yet is matched on its own (nothing is stored),
    so the Payment Application window has suggestions for a line typed or imported since the last run.
    A few queries whatever the number of candidates: the decision, then per kind of party its open entries.
    """
    decision = (MatchDecision.objects.filter(line=line, source=AUTOMATIC).order_by("-pk")
                .only("candidates", "account_type", "account_no", "applications").first())
    if decision is not None:
        found = decision.candidates
    elif live and not line.posted:
        found = line_candidates(line=line)
    else:
        return []
    candidates = [c for c in found if c.get("kind") in ENTRY_SOURCES and c.get("entry_nos")]
    wanted: dict[str, set[int]] = {}
    for candidate in candidates:
        wanted.setdefault(candidate["kind"], set()).update(candidate["entry_nos"])
    open_entries = {}
    for kind_name, entry_nos in wanted.items():
        model, party_field = ENTRY_SOURCES[kind_name]
        for entry in model.objects.filter(pk__in=entry_nos, open=True).select_related(party_field):
            open_entries[(kind_name, entry.pk)] = entry
    chosen_entries = {application["entry_no"] for application in decision.applications} if decision else set()
    suggestions = []
    for rank, candidate in enumerate(candidates, start=1):
        kind_name = candidate["kind"]
        entries = [open_entries[(kind_name, no)] for no in candidate["entry_nos"] if (kind_name, no) in open_entries]
        if not entries:
            continue
        entries.sort(key=lambda entry: (getattr(entry, "due_date", None) or entry.posting_date, entry.pk))
        suggestions.append(Suggestion(
            rank=rank, account_type=kind_name, account_no=candidate["party_no"],
            name=getattr(entries[0], ENTRY_SOURCES[kind_name][1]).name,
            score=candidate.get("score", 0), confidence=candidate.get("confidence", ""),
            reasons=candidate.get("reasons", []), entries=entries,
            applicable=sum((applicable_amount(entry, line.transaction_date)[0] for entry in entries), Decimal(0)),
            chosen=(decision is not None and decision.account_type == kind_name
                    and decision.account_no == candidate["party_no"] and set(candidate["entry_nos"]) == chosen_entries),
        ))
    return suggestions
