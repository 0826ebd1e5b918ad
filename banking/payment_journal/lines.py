"""The lines of a payment reconciliation journal as its page lists them: filtered, sorted, paged, exported.

A journal of a large statement has thousands of lines; the accountant reviews the doubtful ones
(no, low or medium confidence, a difference left) and lets the rest through. Filters are a plain GET
form, so a filtered, sorted view survives a refresh and comes back after an action.
"""
from __future__ import annotations

from django import forms
from django.db.models import Case, Count, F, QuerySet, Value, When
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchConfidence,
)
from receivables.lib.listing import Column

# What needs a person first: sorting by confidence puts lines without an application on top.
REVIEW_ORDER = [
    MatchConfidence.NONE, MatchConfidence.LOW, MatchConfidence.MEDIUM, MatchConfidence.HIGH,
    MatchConfidence.HIGH_TEXT_MAPPING, MatchConfidence.MANUAL, MatchConfidence.ACCEPTED,
]
TO_REVIEW = "to_review"  # none, low and medium: what Apply Automatically was not sure of
KEPT_PARAMETERS = ("confidence", "difference", "sort", "page", "line")

COLUMNS = [
    Column("line_no", _("Line No."), sort="line_no", num=True),
    Column("transaction_date", _("Transaction Date"), sort="transaction_date"),
    Column("transaction_text", _("Transaction Text"), sort="transaction_text"),
    Column("related_party_name", _("Related Party"), sort="related_party_name"),
    Column("related_party_iban", _("Related-Party IBAN")),
    Column("related_party_bank_acc_no", _("Related-Party Bank Acc. No.")),
    Column("creditor_reference", _("Payment Reference")),
    Column("transaction_id", _("Transaction ID")),
    Column("statement_amount", _("Statement Amount"), sort="statement_amount", num=True),
    Column("applied_amount", _("Applied Amount"), sort="applied_amount", num=True),
    Column("applied_entries", _("Applied Entries"), sort="applied_entries", num=True),
    Column("difference", _("Difference"), sort="line_difference", num=True),
    Column("account_type", _("Account Type"), sort="account_type"),
    Column("account_no", _("Account No."), sort="account_no"),
    Column("get_match_confidence_display", _("Match Confidence"), sort="confidence_order"),
    Column("match_quality", _("Match Quality"), num=True),
    Column("posted", _("Posted")),
]


class LineFilterForm(forms.Form):
    confidence = forms.ChoiceField(label=_("Match Confidence"), required=False)
    difference = forms.BooleanField(label=_("Only lines with a difference"), required=False)

    def __init__(self, data, *, counts: dict[str, int]) -> None:
        super().__init__(data)
        total = sum(counts.values())
        review = sum(counts.get(value, 0) for value in REVIEW_ORDER[:3])
        self.fields["confidence"].choices = [
            ("", _("All (%(count)s)") % {"count": total}),
            (TO_REVIEW, _("To review: none, low, medium (%(count)s)") % {"count": review}),
        ] + [(value, f"{value.label} ({counts.get(value, 0)})") for value in REVIEW_ORDER]


def confidence_counts(journal: BankAccReconciliation) -> dict[str, int]:
    """Lines per match confidence, in one query."""
    rows = journal.lines.values("match_confidence").annotate(count=Count("pk")).order_by()
    return {row["match_confidence"]: row["count"] for row in rows}


def journal_lines(journal: BankAccReconciliation, cleaned: dict) -> QuerySet[BankAccReconciliationLine]:
    lines = journal.lines.annotate(
        applied_entries=Count("applications"),
        line_difference=F("statement_amount") - F("applied_amount"),
        confidence_order=Case(*(When(match_confidence=value, then=Value(position))
                                for position, value in enumerate(REVIEW_ORDER)), default=Value(len(REVIEW_ORDER))),
    )
    confidence = cleaned.get("confidence")
    if confidence == TO_REVIEW:
        lines = lines.filter(match_confidence__in=REVIEW_ORDER[:3])
    elif confidence:
        lines = lines.filter(match_confidence=confidence)
    if cleaned.get("difference"):
        lines = lines.exclude(line_difference=0)
    return lines


def kept_query(data: QueryDict) -> str:
    """The filter, sort and page of the list, to come back to after an action ('' or '?...')."""
    kept = [(name, value) for name in KEPT_PARAMETERS for value in data.getlist(name) if value]
    return f"?{urlencode(kept)}" if kept else ""
