"""The Role Center: the accountant's start page."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from receivables.role_center import figures


@require_GET
def role_center(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "receivables/role_center.html",
        {
            "title": _("Role Center"),
            "today": today,
            "cues": figures.cues(today),
            "overdue_customers": figures.most_overdue_customers(today),
            "registers": figures.recent_registers(),
        },
    )
