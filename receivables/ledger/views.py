"""Customer / Vendor Ledger Entries and what NAV does from there: Apply, Unapply, Reverse, Navigate."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from receivables.ledger import entries as E
from receivables.lib.listing import paginate, sorted_by, wants_xlsx, xlsx_response
from receivables.lib.money import parse_typed_amount
from receivables.lib.responses import go_to
from receivables.models import DetailedEntryType
from receivables.posting import PostingError
from receivables.posting.apply_posted import (
    clear_applies_to_id,
    post_application,
    set_applies_to_id,
)
from receivables.posting.corrections import (
    latest_application,
    reverse_transaction,
    unapply,
)
from receivables.posting.parties import CUSTOMER, PartyKind

APPLY_PERMISSION = "receivables.apply_entries"


def _kind(request: HttpRequest, party: str, *, apply: bool = False) -> PartyKind:
    """The party kind from the URL, after checking the user may see (and, for apply, change) its entries."""
    kind = E.PARTIES.get(party)
    if kind is None:
        raise Http404
    if not request.user.has_perm(f"receivables.view_{kind.entry_model._meta.model_name}"):
        raise PermissionDenied
    if apply and not request.user.has_perm(APPLY_PERMISSION):
        raise PermissionDenied
    return kind


def _entry(kind: PartyKind, entry_no: int):
    return get_object_or_404(kind.entry_model.objects.select_related(kind.party_field), pk=entry_no)


def _entry_url(kind: PartyKind, entry_no: int) -> str:
    return reverse("receivables:ledger-entry", args=[kind.account_type, entry_no])


def _template_context(kind: PartyKind) -> dict:
    return {
        "party": kind.account_type,
        "party_label": kind.label,
        "list_url_name": f"receivables:{kind.account_type}-ledger-entries",
        "is_customer": kind is CUSTOMER,
    }


@require_GET
def ledger_entries(request: HttpRequest, party: str) -> HttpResponse:
    kind = _kind(request, party)
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("party", request.GET.get(kind.party_field, ""))
    form = E.EntryFilterForm(data)
    cleaned = form.cleaned_data if form.is_valid() else {}
    columns = E.entry_columns(kind)
    qs, sort = sorted_by(request, E.filter_entries(kind, cleaned, today), columns, "-posting_date,-entry_no")
    title = _("Customer Ledger Entries") if kind is CUSTOMER else _("Vendor Ledger Entries")
    if wants_xlsx(request):
        return xlsx_response(f"{kind.account_type}-ledger-entries", columns, qs.iterator(chunk_size=2000), title)
    page = paginate(request, qs)
    context = {
        "title": title, "form": form, "page_obj": page, "sort": sort, "today": today, "columns": columns,
        **_template_context(kind),
    }
    template = "receivables/ledger/entries.html"
    if request.htmx:
        template += "#entry-list"
    return render(request, template, context)


@require_GET
def ledger_entry(request: HttpRequest, party: str, entry_no: int) -> HttpResponse:
    kind = _kind(request, party)
    entry = _entry(kind, entry_no)
    details = kind.detail_model.objects.filter(**{f"{kind.entry_field}_id": entry.pk}).order_by("entry_no")
    return render(
        request,
        "receivables/ledger/entry.html",
        {
            "title": _("%(table)s %(no)s") % {"table": kind.table_label, "no": entry.pk},
            "entry": entry, "details": details, "applied": E.applied_entries(kind, entry),
            "today": timezone.localdate(), "can_apply": request.user.has_perm(APPLY_PERMISSION),
            "has_application": latest_application(kind, entry.pk) is not None,
            **_template_context(kind),
        },
    )


def _applies_to_id(request: HttpRequest) -> str:
    # NAV writes the user ID into Applies-to ID, so two users' selections never mix.
    return request.user.get_username()[:50]


def _parse_marks(request: HttpRequest, candidates) -> tuple[dict[int, Decimal | None], dict[int, str]]:
    marks: dict[int, Decimal | None] = {}
    errors: dict[int, str] = {}
    for entry in candidates:
        if not request.POST.get(f"select_{entry.pk}"):
            continue
        raw = request.POST.get(f"amount_{entry.pk}", "")
        try:
            marks[entry.pk] = parse_typed_amount(raw)
        except InvalidOperation:
            errors[entry.pk] = _("'%(value)s' is not an amount.") % {"value": raw.strip()}
    return marks, errors


@require_http_methods(["GET", "POST"])
def apply_entries(request: HttpRequest, party: str, entry_no: int) -> HttpResponse:
    kind = _kind(request, party, apply=True)
    applying = _entry(kind, entry_no)
    applies_to_id = _applies_to_id(request)
    candidates = list(
        kind.entry_model.objects.filter(**{f"{kind.party_field}_id": kind.party_id_of(applying)}, open=True)
        .exclude(pk=applying.pk).order_by("due_date", "entry_no")
    )
    row_errors: dict[int, str] = {}
    posting_date_value = request.POST.get("posting_date", "")
    document_no = request.POST.get("document_no", "") or applying.document_no
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "cancel":
            clear_applies_to_id(kind=kind, applies_to_id=applies_to_id)
            return go_to(request, _entry_url(kind, applying.pk))
        marks, row_errors = _parse_marks(request, candidates)
        if not row_errors:
            try:
                clear_applies_to_id(kind=kind, applies_to_id=applies_to_id)
                if marks:
                    set_applies_to_id(
                        kind=kind, applying_entry_no=applying.pk, entry_nos=list(marks), applies_to_id=applies_to_id,
                        amounts={pk: amount for pk, amount in marks.items() if amount is not None},
                    )
            except PostingError as error:
                messages.error(request, error.message)
            else:
                if action == "post":
                    posting_date = _parse_date(posting_date_value)
                    try:
                        result = post_application(
                            kind=kind, applying_entry_no=applying.pk, applies_to_id=applies_to_id,
                            posting_date=posting_date, document_no=document_no, user=request.user,
                        )
                    except PostingError as error:
                        messages.error(request, error.message)
                    else:
                        messages.success(
                            request,
                            _("The application was posted (transaction %(no)s).") % {"no": result.transaction_nos[0]},
                        )
                        return go_to(request, _entry_url(kind, applying.pk))
                elif not request.htmx:
                    return redirect(request.path)
        for entry in candidates:
            entry.refresh_from_db(fields=["applies_to_id", "amount_to_apply"])
        applying.refresh_from_db()
    for entry in candidates:
        entry.marked = entry.applies_to_id == applies_to_id
    preview, preview_error = _preview(kind, applying, applies_to_id)
    context = {
        "title": _("Apply %(party)s Entries") % {"party": kind.label.capitalize()},
        "applying": applying, "candidates": candidates, "applies_to_id": applies_to_id,
        "row_errors": row_errors, "preview": preview, "preview_error": preview_error,
        "posting_date": posting_date_value, "document_no": document_no, "today": timezone.localdate(),
        **_template_context(kind),
    }
    template = "receivables/ledger/apply.html"
    if request.htmx:
        template += "#apply-form"
    return render(request, template, context)


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _preview(kind: PartyKind, applying, applies_to_id: str) -> tuple[dict | None, str]:
    """What posting the marked application would do, computed by the engine and rolled back."""
    if not kind.entry_model.objects.filter(applies_to_id=applies_to_id).exclude(pk=applying.pk).exists():
        return None, ""
    try:
        result = post_application(kind=kind, applying_entry_no=applying.pk, applies_to_id=applies_to_id, preview=True)
    except PostingError as error:
        return None, error.message
    details = result.detailed_cust_entries if kind is CUSTOMER else result.detailed_vendor_entries
    applying_details = [d for d in details if getattr(d, f"{kind.entry_field}_id") == applying.pk]
    discount = sum((d.amount for d in applying_details if d.entry_type in (
        DetailedEntryType.PAYMENT_DISCOUNT, DetailedEntryType.PAYMENT_DISCOUNT_TOLERANCE)), Decimal(0))
    tolerance = sum((d.amount for d in applying_details if d.entry_type == DetailedEntryType.PAYMENT_TOLERANCE),
                    Decimal(0))
    applied = sum((d.amount for d in applying_details if d.entry_type == DetailedEntryType.APPLICATION), Decimal(0))
    balance = applying.remaining_amount + sum((d.amount for d in applying_details), Decimal(0))
    return {
        "applied": applied, "discount": discount, "tolerance": tolerance, "available": applying.remaining_amount,
        "balance": balance, "transaction_date": result.transaction_nos and details and details[0].posting_date,
    }, ""


@require_http_methods(["GET", "POST"])
def unapply_entries(request: HttpRequest, party: str, entry_no: int) -> HttpResponse:
    kind = _kind(request, party, apply=True)
    entry = _entry(kind, entry_no)
    detail_no = request.GET.get("detail") or request.POST.get("detail")
    selected = None
    if detail_no and str(detail_no).isdigit():
        selected = kind.detail_model.objects.filter(pk=int(detail_no), unapplied=False,
                                                    entry_type=DetailedEntryType.APPLICATION).first()
    selected = selected or latest_application(kind, entry.pk)
    if selected is None:
        messages.error(request, _("%(table)s No. %(no)s does not have an application entry.")
                       % {"table": kind.table_label, "no": entry.pk})
        return redirect(_entry_url(kind, entry.pk))
    details = kind.detail_model.objects.filter(transaction_no=selected.transaction_no, unapplied=False).exclude(
        entry_type=DetailedEntryType.INITIAL_ENTRY).select_related(kind.entry_field).order_by("entry_no")
    if request.method == "POST":
        try:
            result = unapply(
                kind=kind, detail_entry_no=selected.pk, posting_date=_parse_date(request.POST.get("posting_date", "")),
                document_no=request.POST.get("document_no", ""), user=request.user,
            )
        except PostingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The entries were unapplied (transaction %(no)s).")
                             % {"no": result.transaction_nos[0]})
            return redirect(_entry_url(kind, entry.pk))
    return render(request, "receivables/ledger/unapply.html", {
        "title": _("Unapply Entries"), "entry": entry, "selected": selected, "details": details,
        "entry_field": kind.entry_field, **_template_context(kind),
    })


@require_http_methods(["GET", "POST"])
def reverse_entries(request: HttpRequest, party: str, entry_no: int) -> HttpResponse:
    kind = _kind(request, party, apply=True)
    entry = _entry(kind, entry_no)
    transaction_no = entry.transaction_no
    if request.method == "POST":
        try:
            result = reverse_transaction(transaction_no=transaction_no, user=request.user)
        except PostingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Transaction %(old)s was reversed (transaction %(new)s).")
                             % {"old": transaction_no, "new": result.transaction_nos[0]})
            return redirect(_entry_url(kind, entry.pk))
    found = E.navigate(transaction_no=transaction_no)
    return render(request, "receivables/ledger/reverse.html", {
        "title": _("Reverse Transaction Entries"), "entry": entry, "transaction_no": transaction_no,
        "gl_entries": found.gl_entries.filter(from_application=False), "cust_entries": found.cust_entries,
        "vendor_entries": found.vendor_entries, "bank_entries": found.bank_entries, **_template_context(kind),
    })


@require_GET
def navigate(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("receivables.view_glentry"):
        raise PermissionDenied
    document_no = request.GET.get("document_no", "").strip()
    posting_date = _parse_date(request.GET.get("posting_date", ""))
    transaction = request.GET.get("transaction", "")
    result = None
    if transaction.isdigit():
        result = E.navigate(transaction_no=int(transaction))
    elif document_no:
        result = E.navigate(document_no=document_no, posting_date=posting_date)
    return render(request, "receivables/ledger/navigate.html", {
        "title": _("Navigate"), "result": result, "document_no": document_no, "posting_date": posting_date,
        "transaction": transaction,
    })

