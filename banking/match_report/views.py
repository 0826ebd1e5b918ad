"""Reports on the payment reconciliation journals: the auto-application rate per bank account and month."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from banking.match_report.report import MonthFigures, auto_application_by_month, total
from banking.models import MatchConfidence
from receivables.lib.listing import Column, wants_xlsx, xlsx_response
from receivables.master.views import render_list
from receivables.models import BankAccount

VIEW = "banking.view_bankaccreconciliation"


class MatchReportFilterForm(forms.Form):
    bank_account = forms.ModelChoiceField(
        label=gettext_lazy("Bank Account"), queryset=BankAccount.objects.order_by("no"), to_field_name="no",
        required=False, empty_label=gettext_lazy("All bank accounts"),
    )
    date_from = forms.DateField(label=gettext_lazy("Transaction date from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Transaction date to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))


COLUMNS = [
    Column("bank_account_no", gettext_lazy("Bank Account No.")),
    Column("bank_account_name", gettext_lazy("Bank Account Name")),
    Column("month", gettext_lazy("Month")),
    Column("lines", gettext_lazy("Lines"), num=True),
    Column("applied", gettext_lazy("Applied Automatically"), num=True),
    Column("high", MatchConfidence.HIGH.label, num=True),
    Column("high_text_mapping", MatchConfidence.HIGH_TEXT_MAPPING.label, num=True),
    Column("medium", MatchConfidence.MEDIUM.label, num=True),
    Column("low", MatchConfidence.LOW.label, num=True),
    Column("none", MatchConfidence.NONE.label, num=True),
    Column("accepted", gettext_lazy("Accepted Unchanged"), num=True),
    Column("changed", gettext_lazy("Changed"), num=True),
    Column("removed", gettext_lazy("Removed"), num=True),
    Column("pending", gettext_lazy("Pending"), num=True),
    Column("posted", gettext_lazy("Posted"), num=True),
    Column("auto_application_rate", gettext_lazy("Auto-Application Rate (%)"), num=True),
    Column("high_precision", gettext_lazy("Precision of High (%)"), num=True),
]


@require_GET
@permission_required(VIEW, raise_exception=True)
def match_report(request: HttpRequest) -> HttpResponse:
    form = MatchReportFilterForm(request.GET)
    form.is_valid()  # a field with an error shows it and filters nothing
    filters = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    rows = auto_application_by_month(bank_account=filters.get("bank_account"), date_from=filters.get("date_from"),
                                     date_to=filters.get("date_to"))
    totals = total(rows)
    title = _("Auto-Application Rate")
    if wants_xlsx(request):
        return xlsx_response("auto-application-rate", COLUMNS, _sheet_rows(rows, totals), title=title)
    return render_list(request, "banking/match_report.html", "match-report", {
        "title": title, "form": form, "rows": rows, "totals": totals, "sort": "",
    })


def _sheet_rows(rows: list[MonthFigures], totals: MonthFigures):
    """The months, then the totals; a month as text ("2026-01"), since Excel would show a date as a day."""
    for row in [*rows, totals]:
        values = {column.key: column.value(row) for column in COLUMNS}
        if row.month is None:
            values["bank_account_no"] = _("Total")
        else:
            values["month"] = f"{row.month:%Y-%m}"
        yield values
