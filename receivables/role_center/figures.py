"""The accountant's role center figures: a handful of aggregate queries, nothing per row."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q

from receivables.lib.aggregates import MoneySum
from receivables.models import CustLedgerEntry, GenJournalLine, GLRegister

ZERO = Decimal("0")


@dataclass(frozen=True)
class Cues:
    total_receivables: Decimal
    overdue: Decimal
    overdue_entries: int
    due_this_week: Decimal
    due_this_week_entries: int
    unposted_journal_lines: int
    open_entries: int


def cues(today: date) -> Cues:
    week_end = today + timedelta(days=6 - today.weekday())
    open_entries = CustLedgerEntry.objects.filter(open=True)
    figures = open_entries.aggregate(
        total=MoneySum("remaining_amount_lcy"),
        overdue=MoneySum("remaining_amount_lcy", filter=Q(due_date__lt=today, positive=True)),
        overdue_count=Count("entry_no", filter=Q(due_date__lt=today, positive=True)),
        week=MoneySum("remaining_amount_lcy", filter=Q(due_date__gte=today, due_date__lte=week_end, positive=True)),
        week_count=Count("entry_no", filter=Q(due_date__gte=today, due_date__lte=week_end, positive=True)),
        count=Count("entry_no"),
    )
    return Cues(
        total_receivables=figures["total"] or ZERO,
        overdue=figures["overdue"] or ZERO,
        overdue_entries=figures["overdue_count"],
        due_this_week=figures["week"] or ZERO,
        due_this_week_entries=figures["week_count"],
        unposted_journal_lines=GenJournalLine.objects.filter(batch__isnull=False).count(),
        open_entries=figures["count"],
    )


def most_overdue_customers(today: date, limit: int = 10) -> list[dict]:
    return list(
        CustLedgerEntry.objects.filter(open=True, positive=True, due_date__lt=today)
        .values("customer__no", "customer__name")
        .annotate(overdue=MoneySum("remaining_amount_lcy"), entries=Count("entry_no"))
        .order_by("-overdue")[:limit]
    )


def recent_registers(limit: int = 5):
    return GLRegister.objects.select_related("user").order_by("-id")[:limit]
