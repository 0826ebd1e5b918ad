"""What every list window shares: sorting from the URL, paging, and export to XLSX.

Filters are plain GET forms, so a filtered list is a URL that can be bookmarked, refreshed and
shared; `sorted_by` only accepts the columns a view names, never arbitrary fields.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

PER_PAGE = 50


@dataclass(frozen=True)
class Column:
    key: str  # value lookup on the row: attribute path with dots, or dict key
    label: object  # lazy translated header
    sort: str = ""  # ORM ordering field, blank = not sortable
    num: bool = False

    def value(self, row):
        value = row
        for part in self.key.split("."):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
            if callable(value):
                value = value()
        return value


def sorted_by(request: HttpRequest, qs: QuerySet, columns: Sequence[Column], default: str) -> tuple[QuerySet, str]:
    """Order by ?sort=key or ?sort=-key when the key is a sortable column; else the default."""
    requested = request.GET.get("sort", "")
    key = requested.lstrip("-")
    allowed = {c.key: c.sort for c in columns if c.sort}
    if key in allowed:
        field = allowed[key]
        prefix = "-" if requested.startswith("-") else ""
        return qs.order_by(f"{prefix}{field}", f"{prefix}pk"), requested
    return qs.order_by(*default.split(",")), ""


def paginate(request: HttpRequest, qs: QuerySet, per_page: int = PER_PAGE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _cell(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: show the local time the user sees on screen.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number without going through float formatting
    if isinstance(value, (date, datetime, int, float)) or value is None:
        return value
    if isinstance(value, bool):
        return value
    return str(value)


def xlsx_response(
    filename: str, columns: Sequence[Column], rows: Iterable, title: str = "Sheet", extra: Callable | None = None
) -> HttpResponse:
    """Export rows as an .xlsx file (write-only workbook, so large lists stream through)."""
    workbook = Workbook(write_only=True)
    # Excel refuses / \\ ? * [ ] : in sheet names ("G/L Entries").
    sheet = workbook.create_sheet(title=re.sub(r"[/\\?*\[\]:]", " ", str(title))[:31])
    sheet.append([str(c.label) for c in columns])
    for row in rows:
        sheet.append([_cell(c.value(row)) for c in columns])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
