"""The Cash Receipt Journal (and any general journal batch): a keyboard-first worksheet of lines."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from receivables.cash_receipts import journal as journals
from receivables.cash_receipts.forms import JournalLineForm, JournalLineFormSet
from receivables.lib.money import parse_typed_amount
from receivables.lib.responses import go_to
from receivables.models import (
    AccountType,
    BankAccount,
    Customer,
    GenJournalBatch,
    GenJournalLine,
    GLAccount,
    TemplateType,
    Vendor,
)
from receivables.posting import PostingError
from receivables.posting.parties import KINDS

JOURNAL_TYPES = [TemplateType.CASH_RECEIPTS, TemplateType.PAYMENTS, TemplateType.GENERAL]


@require_GET
@permission_required("receivables.view_genjournalline", raise_exception=True)
def journal_batches(request: HttpRequest) -> HttpResponse:
    batches = (
        GenJournalBatch.objects.filter(template__type__in=JOURNAL_TYPES)
        .select_related("template")
        .annotate(line_count=Count("lines"))
        .order_by("template__type", "template__name", "name")
    )
    return render(request, "receivables/journal/batches.html", {"title": _("Cash Receipt Journals"), "batches": batches})


def _batch(batch_id: int) -> GenJournalBatch:
    return get_object_or_404(GenJournalBatch.objects.select_related("template", "no_series"), pk=batch_id)


def _render_journal(request, batch, formset, new_form, *, status: int = 200, extra: dict | None = None):
    lines = [form.instance for form in formset.forms]
    total = sum((line.amount for line in lines), Decimal(0))
    context = {
        "title": _("Cash Receipt Journal") if batch.template.type == TemplateType.CASH_RECEIPTS else batch.template.description,
        "batch": batch, "formset": formset, "new_form": new_form, "total": total,
        "can_post": request.user.has_perm("receivables.post_journal"),
        "can_edit": request.user.has_perm("receivables.change_genjournalline"),
        **(extra or {}),
    }
    template = "receivables/journal/journal.html"
    if request.htmx and not extra:
        template += "#journal-lines"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("receivables.view_genjournalline", raise_exception=True)
def journal(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(batch_id)
    queryset = journals.batch_lines(batch)
    today = timezone.localdate()
    if request.method == "GET":
        formset = JournalLineFormSet(queryset=queryset)
        new_form = JournalLineForm(prefix="new", instance=journals.new_line(batch, posting_date=today, user=request.user))
        return _render_journal(request, batch, formset, new_form)

    if not request.user.has_perm("receivables.change_genjournalline"):
        raise PermissionDenied
    action = request.POST.get("action", "save")
    formset = JournalLineFormSet(request.POST, queryset=queryset)
    new_form = JournalLineForm(request.POST, prefix="new",
                               instance=journals.new_line(batch, posting_date=today, user=request.user))
    adding = new_form.has_content()
    if not formset.is_valid() or (adding and not new_form.is_valid()):
        messages.error(request, _("Please correct the errors in the lines."))
        return _render_journal(request, batch, formset, new_form, status=422)
    if action in ("post", "preview") and not request.user.has_perm("receivables.post_journal"):
        raise PermissionDenied
    _save_lines(formset, new_form if adding else None)
    if action == "save" and request.htmx:
        formset = JournalLineFormSet(queryset=journals.batch_lines(batch))
        new_form = JournalLineForm(prefix="new", instance=journals.new_line(batch, posting_date=today))
        return _render_journal(request, batch, formset, new_form)
    target = request.path
    if action == "test":
        target = reverse("receivables:journal-test-report", args=[batch.pk])
    elif action == "preview":
        target = reverse("receivables:journal-preview", args=[batch.pk])
    elif action == "post":
        try:
            result = journals.post_batch(batch, user=request.user)
        except PostingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The journal lines were posted (G/L register %(no)s).")
                             % {"no": result.register.pk})
    # Reports and the posted journal are whole pages: htmx is told to load them as such.
    return go_to(request, target)


def _save_lines(formset, new_form) -> None:
    for form in formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        line = form.save(commit=False)
        journals.complete_line(line)
        line.save()
    if new_form is not None:
        line = new_form.save(commit=False)
        journals.complete_line(line)
        line.save()


@require_GET
@permission_required("receivables.view_genjournalline", raise_exception=True)
def journal_test_report(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(batch_id)
    return render(request, "receivables/journal/report.html", {
        "title": _("Test Report"), "batch": batch, "problems": journals.test_report(batch, user=request.user),
        "preview": None,
    })


@require_GET
@permission_required("receivables.post_journal", raise_exception=True)
def journal_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Preview Posting: the engine runs and rolls back, so this GET changes nothing."""
    batch = _batch(batch_id)
    try:
        result = journals.post_batch(batch, user=request.user, preview=True)
    except PostingError as error:
        messages.error(request, str(error))
        return redirect("receivables:journal", batch_id=batch.pk)
    return render(request, "receivables/journal/report.html", {
        "title": _("Preview Posting"), "batch": batch, "problems": None, "preview": result,
    })


@require_http_methods(["GET", "POST"])
@permission_required("receivables.change_genjournalline", raise_exception=True)
def journal_line_apply(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(GenJournalLine.objects.select_related("batch__template"), pk=line_id, batch__isnull=False)
    journal_url = reverse("receivables:journal", args=[line.batch_id])
    kind = KINDS.get(line.account_type)
    if kind is None or not line.account_no:
        messages.error(request, _("Apply Entries needs a customer or vendor on the line."))
        return redirect(journal_url)
    entries = list(
        kind.entry_model.objects.filter(**{f"{kind.party_field}__no": line.account_no}, open=True)
        .order_by("due_date", "entry_no")
    )
    errors: dict[int, str] = {}
    if request.method == "POST":
        selected = [e.pk for e in entries if request.POST.get(f"select_{e.pk}")]
        amounts: dict[int, Decimal] = {}
        for pk in selected:
            raw = request.POST.get(f"amount_{pk}", "")
            try:
                amount = parse_typed_amount(raw)
            except InvalidOperation:
                errors[pk] = _("'%(value)s' is not an amount.") % {"value": raw.strip()}
            else:
                if amount is not None:
                    amounts[pk] = amount
        if not errors:
            try:
                journals.apply_line_to_entries(line, entry_nos=selected, amounts=amounts)
            except PostingError as error:
                messages.error(request, error.message)
            else:
                return redirect(journal_url)
    for entry in entries:
        entry.marked = (line.applies_to_id and entry.applies_to_id == line.applies_to_id) or (
            line.applies_to_doc_no and entry.document_no == line.applies_to_doc_no)
    preview, preview_error = _line_preview(line)
    return render(request, "receivables/journal/apply.html", {
        "title": _("Apply Entries"), "line": line, "entries": entries, "errors": errors,
        "journal_url": journal_url, "today": timezone.localdate(), "preview": preview,
        "preview_error": preview_error,
    })


def _line_preview(line: GenJournalLine) -> tuple[dict | None, str]:
    """The line's application as posting would do it (discount, tolerance, what stays open), rolled back."""
    if not line.amount or not (line.applies_to_doc_no or line.applies_to_id):
        return None, ""
    from receivables.posting import post

    try:
        result = post([line], preview=True, delete_journal_lines=False)
    except PostingError as error:
        return None, str(error)
    details = result.detailed_cust_entries or result.detailed_vendor_entries
    new_entry = (result.cust_entries or result.vendor_entries)[0]
    return {
        "discount": sum((d.amount for d in details if d.entry_type in ("payment_discount",
                                                                      "payment_discount_tolerance")), Decimal(0)),
        "tolerance": sum((d.amount for d in details if d.entry_type == "payment_tolerance"), Decimal(0)),
        "balance": new_entry.remaining_amount,
    }, ""


LOOKUPS = {
    AccountType.CUSTOMER: (Customer, "name"),
    AccountType.VENDOR: (Vendor, "name"),
    AccountType.BANK_ACCOUNT: (BankAccount, "name"),
    AccountType.GL_ACCOUNT: (GLAccount, "name"),
}


@require_GET
def account_lookup(request: HttpRequest) -> JsonResponse:
    """Suggestions for an account field: [{"value": no, "label": "no name"}], at most 20."""
    model, name_field = LOOKUPS.get(request.GET.get("type", ""), LOOKUPS[AccountType.GL_ACCOUNT])
    if not request.user.has_perm(f"receivables.view_{model._meta.model_name}"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    qs = model.objects.all()
    if model is GLAccount:
        qs = qs.filter(account_type=GLAccount.Kind.POSTING, blocked=False)
    if query:
        qs = qs.filter(Q(no__istartswith=query) | Q(**{f"{name_field}__icontains": query}))
    rows = qs.order_by("no").values_list("no", name_field)[:20]
    return JsonResponse([{"value": no, "label": f"{no} {name}", "fill": name} for no, name in rows], safe=False)
