"""The auto-application rate: how much of each month's statement Apply Automatically got right.

Counted per bank account and month of the statement line's transaction date (the month the money
moved, which is what an accountant closes and compares), over the lines imported into payment
reconciliation journals. Lines split off by Transfer Difference to Account are the user's and are
not counted. Only each line's latest automatic decision counts: a line applied automatically again
after the user removed its application is judged by what the last run decided.

Two aggregate queries, whatever the number of lines: one over the statement lines, one over their
latest decisions; the rows are joined here by bank account and month.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from banking.models import (
    BankAccReconciliationLine,
    MatchConfidence,
    MatchDecision,
    StatementType,
)
from banking.payment_journal.applying import AUTOMATIC

Outcome = MatchDecision.Outcome
CONFIDENCES = {
    "high": MatchConfidence.HIGH,
    "high_text_mapping": MatchConfidence.HIGH_TEXT_MAPPING,
    "medium": MatchConfidence.MEDIUM,
    "low": MatchConfidence.LOW,
    "none": MatchConfidence.NONE,
}


@dataclass(frozen=True)
class MonthFigures:
    """One bank account's month; `bank_account_no` and `month` are None on the totals row."""

    bank_account_no: str | None
    bank_account_name: str
    month: date | None
    lines: int = 0  # statement lines imported
    decided: int = 0  # lines Apply Automatically has decided on
    applied: int = 0  # ... and applied, at any confidence
    high: int = 0
    high_text_mapping: int = 0
    medium: int = 0
    low: int = 0
    none: int = 0  # decided, nothing found
    accepted: int = 0  # automatic application accepted or posted unchanged
    changed: int = 0  # the user applied the line differently
    removed: int = 0  # the user removed the automatic application
    pending: int = 0  # applied automatically, not yet accepted, changed, removed or posted
    posted: int = 0  # lines posted, however they were applied
    high_judged: int = 0  # High decisions the user accepted, changed, removed or posted
    high_accepted: int = 0

    @property
    def auto_application_rate(self) -> Decimal | None:
        """Percentage of the lines whose automatic application was accepted or posted unchanged."""
        return percentage(self.accepted, self.lines)

    @property
    def high_precision(self) -> Decimal | None:
        """Percentage of the judged High decisions that were accepted or posted unchanged.

        High decisions still pending are left out: they say nothing yet about being right.
        """
        return percentage(self.high_accepted, self.high_judged)


COUNTS = [f.name for f in fields(MonthFigures) if f.type == "int"]


def percentage(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def auto_application_by_month(*, bank_account=None, date_from: date | None = None,
                              date_to: date | None = None) -> list[MonthFigures]:
    """The figures per bank account and month of transaction date, in account and month order.

    `bank_account` (a BankAccount) and the dates (inclusive, on the transaction date) narrow the lines.
    """
    line_filter: dict = {"reconciliation__statement_type": StatementType.PAYMENT_APPLICATION,
                         "parent_line_no__isnull": True}
    if bank_account is not None:
        line_filter["bank_account"] = bank_account
    if date_from:
        line_filter["transaction_date__gte"] = date_from
    if date_to:
        line_filter["transaction_date__lte"] = date_to

    lines = (
        BankAccReconciliationLine.objects.filter(**line_filter)
        .annotate(month=TruncMonth("transaction_date"))
        .values("bank_account__no", "bank_account__name", "month")
        .annotate(lines=Count("pk"), posted=Count("pk", filter=Q(posted=True)))
        .order_by()
    )

    later = MatchDecision.objects.filter(line=OuterRef("line"), source=AUTOMATIC, pk__gt=OuterRef("pk"))
    was_applied = ~Q(match_confidence=MatchConfidence.NONE)
    # Posted untouched counts as accepted even for decisions kept before posting recorded it.
    unchanged = Q(outcome=Outcome.ACCEPTED) | Q(outcome=Outcome.PENDING, line__posted=True)
    pending = Q(outcome=Outcome.PENDING, line__posted=False)
    high = Q(match_confidence=MatchConfidence.HIGH)
    decisions = (
        MatchDecision.objects.filter(source=AUTOMATIC)
        .filter(**{f"line__{lookup}": value for lookup, value in line_filter.items()})
        .exclude(Exists(later))
        .annotate(month=TruncMonth("line__transaction_date"))
        .values("line__bank_account__no", "month")
        .annotate(
            decided=Count("pk"),
            applied=Count("pk", filter=was_applied),
            **{name: Count("pk", filter=Q(match_confidence=value)) for name, value in CONFIDENCES.items()},
            accepted=Count("pk", filter=was_applied & unchanged),
            changed=Count("pk", filter=was_applied & Q(outcome=Outcome.CHANGED)),
            removed=Count("pk", filter=was_applied & Q(outcome=Outcome.REJECTED)),
            pending=Count("pk", filter=was_applied & pending),
            high_judged=Count("pk", filter=high & ~pending),
            high_accepted=Count("pk", filter=high & unchanged),
        )
        .order_by()
    )
    by_month = {(row.pop("line__bank_account__no"), row.pop("month")): row for row in decisions}
    rows = [
        MonthFigures(bank_account_no=row["bank_account__no"], bank_account_name=row["bank_account__name"],
                     month=row["month"], lines=row["lines"], posted=row["posted"],
                     **by_month.get((row["bank_account__no"], row["month"]), {}))
        for row in lines
    ]
    return sorted(rows, key=lambda row: (row.bank_account_no, row.month))


def total(rows: list[MonthFigures]) -> MonthFigures:
    """The rows added up: rates over the sums, not an average of the months' rates."""
    return MonthFigures(bank_account_no=None, bank_account_name="", month=None,
                        **{name: sum(getattr(row, name) for row in rows) for name in COUNTS})
