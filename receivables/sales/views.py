"""Sales Invoices / Sales Credit Memos windows, their posted copies and the printed invoice.

Thin function views: parse with a form, call one function of `receivables.sales.documents`, pick
the response. An htmx request gets the named partial, a plain one the page; a plain POST ends in a
redirect.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from receivables.lib.listing import (
    Column,
    paginate,
    sorted_by,
    wants_xlsx,
    xlsx_response,
)
from receivables.lib.responses import go_to
from receivables.models import PostedSalesDocument, SalesDocumentType, SalesHeader
from receivables.posting import PostingError
from receivables.sales import documents
from receivables.sales.forms import DocumentFilterForm, SalesHeaderForm, line_formset

VIEW_DOCUMENTS = "receivables.view_salesheader"
CHANGE_DOCUMENTS = "receivables.change_salesheader"
DELETE_DOCUMENTS = "receivables.delete_salesheader"
POST_DOCUMENTS = "receivables.post_journal"
VIEW_POSTED = "receivables.view_postedsalesdocument"

LIST_URL = {
    SalesDocumentType.INVOICE: "receivables:sales-invoice-list",
    SalesDocumentType.CREDIT_MEMO: "receivables:sales-credit-memo-list",
}
POSTED_LIST_URL = {
    SalesDocumentType.INVOICE: "receivables:posted-sales-invoice-list",
    SalesDocumentType.CREDIT_MEMO: "receivables:posted-sales-credit-memo-list",
}
LIST_TITLE = {
    SalesDocumentType.INVOICE: gettext_lazy("Sales Invoices"),
    SalesDocumentType.CREDIT_MEMO: gettext_lazy("Sales Credit Memos"),
}
POSTED_LIST_TITLE = {
    SalesDocumentType.INVOICE: gettext_lazy("Posted Sales Invoices"),
    SalesDocumentType.CREDIT_MEMO: gettext_lazy("Posted Sales Credit Memos"),
}
DOCUMENT_TITLE = {
    SalesDocumentType.INVOICE: gettext_lazy("Sales Invoice"),
    SalesDocumentType.CREDIT_MEMO: gettext_lazy("Sales Credit Memo"),
}
POSTED_TITLE = {
    SalesDocumentType.INVOICE: gettext_lazy("Posted Sales Invoice"),
    SalesDocumentType.CREDIT_MEMO: gettext_lazy("Posted Sales Credit Memo"),
}

DOCUMENT_COLUMNS = [
    Column("no", gettext_lazy("No."), sort="no"),
    Column("customer.no", gettext_lazy("Sell-to Customer No."), sort="customer__no"),
    Column("customer.name", gettext_lazy("Sell-to Customer Name"), sort="customer__name"),
    Column("external_document_no", gettext_lazy("External Document No."), sort="external_document_no"),
    Column("posting_date", gettext_lazy("Posting Date"), sort="posting_date"),
    Column("due_date", gettext_lazy("Due Date"), sort="due_date"),
    Column("totals.amount", gettext_lazy("Amount"), num=True),
    Column("totals.amount_including_vat", gettext_lazy("Amount Including VAT"), num=True),
]
POSTED_COLUMNS = [
    Column("no", gettext_lazy("No."), sort="no"),
    Column("customer.no", gettext_lazy("Sell-to Customer No."), sort="customer__no"),
    Column("customer_name", gettext_lazy("Sell-to Customer Name"), sort="customer_name"),
    Column("external_document_no", gettext_lazy("External Document No."), sort="external_document_no"),
    Column("posting_date", gettext_lazy("Posting Date"), sort="posting_date"),
    Column("due_date", gettext_lazy("Due Date"), sort="due_date"),
    Column("payment_reference", gettext_lazy("Payment Reference (KID)")),
    Column("amount", gettext_lazy("Amount"), sort="amount", num=True),
    Column("amount_including_vat", gettext_lazy("Amount Including VAT"), sort="amount_including_vat", num=True),
    Column("cust_ledger_entry.remaining_amount", gettext_lazy("Remaining Amount"),
           sort="cust_ledger_entry__remaining_amount", num=True),
]


def _document_type(value: str | None) -> str:
    if value not in SalesDocumentType.values:
        raise Http404(_("Unknown document type."))
    return value


def _error_text(error: ValidationError | PostingError) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# ---------------------------------------------------------------------------- unposted lists


@require_GET
@permission_required(VIEW_DOCUMENTS, raise_exception=True)
def sales_invoice_list(request: HttpRequest) -> HttpResponse:
    return _document_list(request, SalesDocumentType.INVOICE)


@require_GET
@permission_required(VIEW_DOCUMENTS, raise_exception=True)
def sales_credit_memo_list(request: HttpRequest) -> HttpResponse:
    return _document_list(request, SalesDocumentType.CREDIT_MEMO)


def _document_list(request: HttpRequest, document_type: str) -> HttpResponse:
    filter_form = DocumentFilterForm(request.GET or None)
    headers = documents.filter_documents(
        SalesHeader.objects.filter(document_type=document_type).select_related("customer"),
        **filter_form.filters(),
    )
    headers, sort = sorted_by(request, headers, DOCUMENT_COLUMNS, default="no")
    headers = headers.prefetch_related("lines")
    title = LIST_TITLE[document_type]
    if wants_xlsx(request):
        filename = "sales-invoices" if document_type == SalesDocumentType.INVOICE else "sales-credit-memos"
        return xlsx_response(filename, DOCUMENT_COLUMNS, documents.with_totals(headers), title=title)
    page = paginate(request, headers)
    context = {
        "title": title,
        "document_type": document_type,
        "columns": DOCUMENT_COLUMNS,
        "filter_form": filter_form,
        "page_obj": page,
        "rows": documents.with_totals(page.object_list),
        "sort": sort,
        "new_url": reverse("receivables:sales-document-new") + f"?type={document_type}",
    }
    template = "receivables/sales/document_list.html"
    return render(request, f"{template}#sales-document-list" if request.htmx else template, context)


# ---------------------------------------------------------------------------- the document card


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE_DOCUMENTS, raise_exception=True)
def sales_document_new(request: HttpRequest) -> HttpResponse:
    document_type = _document_type(request.GET.get("type", SalesDocumentType.INVOICE))
    form = SalesHeaderForm(
        request.POST or None, instance=SalesHeader(document_type=document_type), document_type=document_type
    )
    if request.method == "POST" and form.is_valid():
        try:
            header = documents.create_document(document_type=document_type, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(type)s %(no)s was created. Add its lines.") % {
                "type": DOCUMENT_TITLE[document_type], "no": header.no})
            return go_to(request, reverse("receivables:sales-document", args=[header.pk]) + "#sales-lines")
    context = {
        "title": _("New %(type)s") % {"type": DOCUMENT_TITLE[document_type]},
        "header": None,
        "document_type": document_type,
        "form": form,
        "list_url": reverse(LIST_URL[document_type]),
    }
    return render(request, "receivables/sales/document.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(VIEW_DOCUMENTS, raise_exception=True)
def sales_document(request: HttpRequest, pk: int) -> HttpResponse:
    header = get_object_or_404(SalesHeader.objects.select_related("customer", "payment_terms"), pk=pk)
    form = SalesHeaderForm(request.POST or None, instance=header, document_type=header.document_type)
    if request.method == "POST":
        if not request.user.has_perm(CHANGE_DOCUMENTS):
            raise PermissionDenied
        if form.is_valid():
            try:
                documents.update_document(header=form.save(commit=False), changed=form.changed_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The changes were saved."))
                return go_to(request, reverse("receivables:sales-document", args=[header.pk]))
        # An invalid form has already copied the typed values onto `header`; show the saved ones.
        header.refresh_from_db()
    elif not request.user.has_perm(CHANGE_DOCUMENTS):
        for field in form.fields.values():
            field.disabled = True
    formset = line_formset(header)
    context = _card_context(request, header, form=form, formset=formset)
    template = "receivables/sales/document.html"
    if request.htmx and request.method == "GET":
        return render(request, f"{template}#sales-lines", context)
    return render(request, template, context)


@require_POST
@permission_required(CHANGE_DOCUMENTS, raise_exception=True)
def sales_document_lines(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the lines grid: edited lines, lines marked for deletion and the typed new line."""
    header = get_object_or_404(SalesHeader.objects.select_related("customer", "payment_terms"), pk=pk)
    formset = line_formset(header, request.POST)
    saved = formset.is_valid()
    if saved:
        documents.save_lines(header=header, lines=formset.save(commit=False), deleted=formset.deleted_objects)
        if not request.htmx:
            messages.success(request, _("The lines were saved."))
            return redirect(reverse("receivables:sales-document", args=[header.pk]) + "#sales-lines")
        formset = line_formset(header)
        # Keyboard entry goes on: the next line starts in the new-line row.
        formset.forms[-1].fields["gl_account"].widget.attrs["autofocus"] = True
    context = _card_context(request, header, formset=formset)
    template = "receivables/sales/document.html"
    if request.htmx:
        return render(request, f"{template}#sales-lines", {**context, "oob_totals": True})
    context["form"] = SalesHeaderForm(instance=header, document_type=header.document_type)
    return render(request, template, context)


def _card_context(request: HttpRequest, header: SalesHeader, **extra) -> dict:
    # The formset's own instances, so its rows show .amount too.
    lines = documents.lines_for_display(extra["formset"].get_queryset())
    return {
        "title": f"{DOCUMENT_TITLE[header.document_type]} {header.no} · {header.customer.name}",
        "header": header,
        "document_type": header.document_type,
        "totals": documents.totals(lines),
        "lines": lines,
        "customer_balance": documents.customer_balance(header.customer),
        "list_url": reverse(LIST_URL[header.document_type]),
        "can_edit": request.user.has_perm(CHANGE_DOCUMENTS),
        **extra,
    }


@require_POST
@permission_required(POST_DOCUMENTS, raise_exception=True)
def sales_document_post(request: HttpRequest, pk: int) -> HttpResponse:
    header = get_object_or_404(SalesHeader, pk=pk)
    try:
        posted = documents.post_document(header=header, user=request.user)
    except (ValidationError, PostingError) as error:
        messages.error(request, _("%(no)s was not posted: %(error)s") % {"no": header.no, "error": _error_text(error)})
        return go_to(request, reverse("receivables:sales-document", args=[header.pk]))
    messages.success(request, _("%(no)s was posted as %(type)s %(posted)s.") % {
        "no": header.no, "type": POSTED_TITLE[posted.document_type], "posted": posted.no})
    return go_to(request, reverse("receivables:posted-sales-document", args=[posted.pk]))


@require_POST
@permission_required(DELETE_DOCUMENTS, raise_exception=True)
def sales_document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    header = get_object_or_404(SalesHeader, pk=pk)
    documents.delete_document(header=header)
    messages.success(request, _("%(type)s %(no)s was deleted.") % {
        "type": DOCUMENT_TITLE[header.document_type], "no": header.no})
    return go_to(request, reverse(LIST_URL[header.document_type]))


# ---------------------------------------------------------------------------- posted documents


@require_GET
@permission_required(VIEW_POSTED, raise_exception=True)
def posted_sales_invoice_list(request: HttpRequest) -> HttpResponse:
    return _posted_list(request, SalesDocumentType.INVOICE)


@require_GET
@permission_required(VIEW_POSTED, raise_exception=True)
def posted_sales_credit_memo_list(request: HttpRequest) -> HttpResponse:
    return _posted_list(request, SalesDocumentType.CREDIT_MEMO)


def _posted_list(request: HttpRequest, document_type: str) -> HttpResponse:
    filter_form = DocumentFilterForm(request.GET or None)
    posted = documents.filter_documents(
        PostedSalesDocument.objects.filter(document_type=document_type).select_related("customer", "cust_ledger_entry"),
        **filter_form.filters(),
    )
    posted, sort = sorted_by(request, posted, POSTED_COLUMNS, default="-posting_date,-no")
    title = POSTED_LIST_TITLE[document_type]
    columns = POSTED_COLUMNS if document_type == SalesDocumentType.INVOICE else [
        c for c in POSTED_COLUMNS if c.key != "payment_reference"
    ]
    if wants_xlsx(request):
        filename = "posted-sales-" + ("invoices" if document_type == SalesDocumentType.INVOICE else "credit-memos")
        return xlsx_response(filename, columns, posted.iterator(chunk_size=2000), title=title)
    page = paginate(request, posted)
    context = {
        "title": title,
        "document_type": document_type,
        "columns": columns,
        "filter_form": filter_form,
        "page_obj": page,
        "rows": list(page.object_list),
        "sort": sort,
        "today": timezone.localdate(),
    }
    template = "receivables/sales/posted_document_list.html"
    return render(request, f"{template}#posted-sales-document-list" if request.htmx else template, context)


def _posted_document(pk: int) -> PostedSalesDocument:
    return get_object_or_404(
        PostedSalesDocument.objects.select_related("customer", "cust_ledger_entry", "posted_by"), pk=pk
    )


@require_GET
@permission_required(VIEW_POSTED, raise_exception=True)
def posted_sales_document(request: HttpRequest, pk: int) -> HttpResponse:
    document = _posted_document(pk)
    context = {
        "title": f"{POSTED_TITLE[document.document_type]} {document.no} · {document.customer_name}",
        "document": document,
        "lines": documents.lines_for_display(document.lines.select_related("gl_account").order_by("line_no")),
        "vat": document.amount_including_vat - document.amount,
        "entry": document.cust_ledger_entry,
        "list_url": reverse(POSTED_LIST_URL[document.document_type]),
    }
    template = "receivables/sales/posted_document.html"
    return render(request, f"{template}#posted-sales-lines" if request.htmx else template, context)


@require_GET
@permission_required(VIEW_POSTED, raise_exception=True)
def posted_sales_document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = _posted_document(pk)
    response = HttpResponse(documents.render_invoice_pdf(document), content_type="application/pdf")
    kind = "invoice" if document.document_type == SalesDocumentType.INVOICE else "credit-memo"
    response["Content-Disposition"] = f'inline; filename="{kind}-{document.no}.pdf"'
    return response


# ---------------------------------------------------------------------------- lookups (JSON for the grid)


@require_GET
@permission_required("receivables.view_glaccount", raise_exception=True)
def gl_account_lookup(request: HttpRequest) -> JsonResponse:
    return JsonResponse(documents.lookup_gl_accounts(request.GET.get("q", "").strip()), safe=False)


@require_GET
@permission_required("receivables.view_customer", raise_exception=True)
def customer_lookup(request: HttpRequest) -> JsonResponse:
    return JsonResponse(documents.lookup_customers(request.GET.get("q", "").strip()), safe=False)
