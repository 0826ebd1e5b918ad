"""Payment Reconciliation Journals: the list, a journal's lines, and Import Bank Statement."""
from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from banking.forms import ImportStatementForm
from banking.importing import StatementImportError, import_statement
from banking.models import BankAccReconciliation, MatchConfidence, StatementType
from receivables.aggregates import MoneySum
from receivables.listing import paginate

VIEW = "banking.view_bankaccreconciliation"


@require_GET
@permission_required(VIEW, raise_exception=True)
def journal_list(request: HttpRequest) -> HttpResponse:
    journals = (
        BankAccReconciliation.objects.filter(statement_type=StatementType.PAYMENT_APPLICATION)
        .select_related("bank_account", "statement_import")
        .annotate(line_count=Count("lines"), unapplied=Count("lines", filter=Q(lines__account_no="")))
        .order_by("-created_at")
    )
    bank = request.GET.get("bank_account", "")
    if bank:
        journals = journals.filter(bank_account__no=bank)
    return render(request, "banking/journal_list.html", {
        "title": _("Payment Reconciliation Journals"), "page_obj": paginate(request, journals),
        "can_import": request.user.has_perm("banking.import_statement"),
    })


@require_GET
@permission_required(VIEW, raise_exception=True)
def journal(request: HttpRequest, pk: int) -> HttpResponse:
    reconciliation = get_object_or_404(
        BankAccReconciliation.objects.select_related("bank_account", "statement_import__imported_by"), pk=pk
    )
    lines = reconciliation.lines.order_by("line_no")
    totals = lines.aggregate(total=MoneySum("statement_amount"), applied=MoneySum("applied_amount"))
    total = totals["total"] or Decimal(0)
    return render(request, "banking/journal.html", {
        "title": _("Payment Reconciliation Journal"), "journal": reconciliation, "page_obj": paginate(request, lines, 100),
        "total": total, "applied": totals["applied"] or Decimal(0),
        "expected_ending": reconciliation.balance_last_statement + total,
        "confidence": MatchConfidence, "can_import": request.user.has_perm("banking.import_statement"),
    })


@require_http_methods(["GET", "POST"])
@permission_required("banking.import_statement", raise_exception=True)
def import_bank_statement(request: HttpRequest) -> HttpResponse:
    initial = {"bank_account": request.GET.get("bank_account")} if request.GET.get("bank_account") else None
    form = ImportStatementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_statement(
                bank_account=form.cleaned_data["bank_account"], data=upload.read(), filename=upload.name,
                format=form.cleaned_data["format"], user=request.user, dry_run=form.cleaned_data["dry_run"],
            )
        except StatementImportError as error:
            form.add_error("file", error.message)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            if result.journal is None:
                messages.info(request, _("The file is fine: %(count)s transactions in %(statements)s statement(s). "
                                         "Nothing was imported.")
                              % {"count": result.imported, "statements": len(result.statements)})
                target = request.path
            else:
                messages.success(request, _("%(count)s lines imported (%(skipped)s already imported before).")
                                 % {"count": result.imported, "skipped": result.skipped})
                target = reverse("banking:journal", args=[result.journal.pk])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return render(request, "banking/import.html", {"title": _("Import Bank Statement"), "form": form},
                  status=422 if form.errors else 200)
