"""Payment Reconciliation Journals: the list, a journal's lines, and Import Bank Statement."""
from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from banking.importing import StatementImportError, import_statement
from banking.lists import PAYMENT_JOURNALS, bank_filter
from banking.models import BankAccReconciliation, MatchConfidence, StatementType
from banking.payment_journal.forms import ImportStatementForm
from banking.payment_journal.lines import (
    COLUMNS,
    LineFilterForm,
    confidence_counts,
    journal_lines,
    kept_query,
)
from banking.payment_journal.suggestions import line_suggestions
from receivables.lib.aggregates import MoneySum
from receivables.lib.listing import paginate, sorted_by, wants_xlsx, xlsx_response
from receivables.lib.responses import go_to
from receivables.models import AccountType

VIEW = "banking.view_bankaccreconciliation"


@require_GET
@permission_required(VIEW, raise_exception=True)
def journal_list(request: HttpRequest) -> HttpResponse:
    journals = (
        BankAccReconciliation.objects.filter(statement_type=StatementType.PAYMENT_APPLICATION)
        .select_related("bank_account", "statement_import")
        .annotate(line_count=Count("lines"), unapplied=Count("lines", filter=Q(lines__account_no="")))
    )
    banks, bank = bank_filter(request)
    if bank is not None:
        journals = journals.filter(bank_account=bank)
    journals, sort = sorted_by(request, journals, PAYMENT_JOURNALS, "-created_at,-pk")
    title = _("Payment Reconciliation Journals")
    if wants_xlsx(request):
        return xlsx_response("payment-reconciliation-journals", PAYMENT_JOURNALS, journals.iterator(), title)
    template = "banking/journal_list.html"
    return render(request, f"{template}#journal-list" if request.htmx else template, {
        "title": title, "page_obj": paginate(request, journals), "sort": sort, "banks": banks, "bank": bank,
        "can_import": request.user.has_perm("banking.import_statement"),
    })


@require_GET
@permission_required(VIEW, raise_exception=True)
def journal(request: HttpRequest, pk: int) -> HttpResponse:
    reconciliation = get_object_or_404(
        BankAccReconciliation.objects.select_related("bank_account", "statement_import__imported_by"), pk=pk
    )
    counts = confidence_counts(reconciliation)
    form = LineFilterForm(request.GET, counts=counts)
    cleaned = form.cleaned_data if form.is_valid() else {}
    lines, sort = sorted_by(request, journal_lines(reconciliation, cleaned), COLUMNS, "line_no")
    if wants_xlsx(request):
        name = f"payment-reconciliation-{reconciliation.bank_account.no}-{reconciliation.statement_no}"
        return xlsx_response(name, COLUMNS, lines.iterator(chunk_size=2000), _("Payment Reconciliation Journal"))
    current = _current_line(request, reconciliation)
    can_edit = (request.user.has_perm("banking.change_bankaccreconciliationline")
                and reconciliation.status == BankAccReconciliation.Status.OPEN)
    if request.htmx and request.htmx.target == "line-factbox":
        return render(request, "banking/journal.html#line-factbox",
                      {"journal": reconciliation, "current": current, "can_edit": can_edit})
    totals = reconciliation.lines.aggregate(total=MoneySum("statement_amount"), applied=MoneySum("applied_amount"))
    total = totals["total"] or Decimal(0)
    return render(request, "banking/journal.html", {
        "current": current,
        "title": _("Payment Reconciliation Journal"), "journal": reconciliation, "form": form, "sort": sort,
        "page_obj": paginate(request, lines.prefetch_related("decisions"), 100),
        "filtered": bool(cleaned.get("confidence") or cleaned.get("difference")), "kept_query": kept_query(request.GET),
        "total": total, "applied": totals["applied"] or Decimal(0),
        "expected_ending": reconciliation.balance_last_statement + total,
        "confidence": MatchConfidence, "can_import": request.user.has_perm("banking.import_statement"),
        "can_edit": can_edit,
        "can_post": request.user.has_perm("banking.post_payment_journal"),
    })


@require_GET
@permission_required(VIEW, raise_exception=True)
def test_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Payment Reconciliation Journal - Test: every problem that would stop Post Payments, at once."""
    from banking.payment_journal.posting import test_report as find_problems

    reconciliation = get_object_or_404(BankAccReconciliation.objects.select_related("bank_account"), pk=pk)
    accepted_only = request.GET.get("lines") == "accepted"
    return render(request, "banking/test_report.html", {
        "title": _("Payment Reconciliation Journal - Test"), "journal": reconciliation, "accepted_only": accepted_only,
        "problems": find_problems(journal=reconciliation, user=request.user, accepted_only=accepted_only),
        "journal_url": _journal_url(request, reconciliation), "back": _back(request),
    })


def _current_line(request: HttpRequest, journal: BankAccReconciliation) -> dict | None:
    """The line picked in the list (?line=), for the fact box: its applied entries and the candidates."""
    line_id = request.GET.get("line", "")
    line = journal.lines.filter(pk=line_id).first() if line_id.isdigit() else None
    if line is None:
        return None
    return {"line": line, "applications": list(line.applications.order_by("pk")),
            "suggestions": line_suggestions(line)[:3]}


def _back(request: HttpRequest) -> str:
    """The journal's filter, sort and page the user came from (`back`, carried by the links and forms)."""
    return request.POST.get("back", request.GET.get("back", ""))


def _journal_url(request: HttpRequest, journal: BankAccReconciliation) -> str:
    return reverse("banking:journal", args=[journal.pk]) + kept_query(QueryDict(_back(request)))


def _back_to_journal(request: HttpRequest, journal: BankAccReconciliation) -> HttpResponse:
    return redirect(_journal_url(request, journal))


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
            return go_to(request, target)
    return render(request, "banking/import.html", {"title": _("Import Bank Statement"), "form": form},
                  status=422 if form.errors else 200)


POST_PERMISSION = "banking.post_payment_journal"
EDIT_PERMISSION = "banking.change_bankaccreconciliationline"


def _journal_and_line(pk: int, line_id: int):
    journal = get_object_or_404(BankAccReconciliation.objects.select_related("bank_account"), pk=pk)
    line = get_object_or_404(journal.lines, pk=line_id)
    return journal, line


@require_http_methods(["POST"])
@permission_required(EDIT_PERMISSION, raise_exception=True)
def journal_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept Applications, Remove Applications, Post Payments Only, Post Payments and Reconcile."""
    from banking.payment_journal.applying import (
        ApplicationError,
        accept_applications,
        remove_applications,
    )
    from banking.payment_journal.posting import post_payment_journal
    from receivables.posting import PostingError

    journal = get_object_or_404(BankAccReconciliation, pk=pk)
    action = request.POST.get("action", "")
    selected = list(journal.lines.filter(pk__in=request.POST.getlist("line"), posted=False))
    if action == "apply_automatically":
        from banking.payment_journal.auto_apply import apply_automatically

        result = apply_automatically(journal=journal, user=request.user)
        messages.success(request, _("%(applied)s payment lines out of %(lines)s are applied.")
                         % {"applied": result.applied, "lines": result.lines})
        if result.lines:
            messages.info(request, _("Match confidence: %(counts)s.") % {"counts": ", ".join(
                f"{value.label} {result.confidences[value]}" for value in MatchConfidence
                if result.confidences[value])})
    elif action in ("accept", "remove"):
        try:
            if action == "accept":
                count = accept_applications(lines=selected, user=request.user)
                messages.success(request, _("%(count)s line(s) accepted.") % {"count": count})
            else:
                remove_applications(lines=selected, user=request.user)
                messages.success(request, _("The applications of %(count)s line(s) were removed.")
                                 % {"count": len(selected)})
        except ApplicationError as problem:  # posted meanwhile, by someone else
            messages.error(request, problem.message)
    elif action in ("post", "post_reconcile", "post_accepted"):
        if not request.user.has_perm(POST_PERMISSION):
            raise PermissionDenied
        try:
            result = post_payment_journal(journal=journal, user=request.user, reconcile=action == "post_reconcile",
                                          accepted_only=action == "post_accepted")
        except PostingError as error:
            messages.error(request, str(error))
        else:
            if result.register is not None:
                messages.success(request, _("The payments were posted (G/L register %(no)s).")
                                 % {"no": result.register.pk})
            else:  # every line applied payments posted before: only their bank entries were closed
                messages.success(request, _("The payments were posted; they had been posted before, so nothing "
                                            "new was written to the ledgers."))
    return _back_to_journal(request, journal)


@require_http_methods(["GET", "POST"])
@permission_required(EDIT_PERMISSION, raise_exception=True)
def apply_manually(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    """The Payment Application window: open entries of one customer or vendor (or of the bank account itself),
    ranked suggestions, tick and set amounts."""
    from banking.payment_journal.applying import (
        ENTRY_SOURCES,
        ApplicationError,
        applicable_amount,
        open_entries_of,
    )
    from banking.payment_journal.applying import (
        apply_manually as apply_line,
    )
    from receivables.lib.money import parse_typed_amount

    journal, line = _journal_and_line(pk, line_id)
    suggestions = line_suggestions(line, live=True)
    picked = next((s for s in suggestions if str(s.rank) == request.GET.get("suggest")), None)
    # The account shown: the one asked for, a suggestion picked, the line's, or the best suggestion's.
    fallback = picked or (suggestions[0] if suggestions and not line.account_no else None)
    account_type = request.GET.get("account_type") or (picked and picked.account_type) or line.account_type or (
        fallback and fallback.account_type) or "customer"
    if account_type not in ENTRY_SOURCES:
        account_type = "customer"
    own_bank = account_type == AccountType.BANK_ACCOUNT  # payments posted before, on this bank's own entries
    if picked is not None and "account_no" not in request.GET:
        account_no = picked.account_no
    elif line.account_type == account_type and line.account_no:
        account_no = request.GET.get("account_no", line.account_no)
    else:
        account_no = request.GET.get("account_no", fallback.account_no if fallback and fallback.account_type == account_type
                                     else "")
    if own_bank:
        account_no = journal.bank_account.no
    preselected = set(picked.entry_nos) if picked is not None and picked.account_no == account_no else set()
    entries = list(open_entries_of(line, account_type, account_no)) if own_bank or account_no else []
    applied = {a.applies_to_entry_no: a for a in line.applications.all()}
    error = ""
    if request.method == "POST":
        chosen = []
        for entry in entries:
            if request.POST.get(f"select_{entry.pk}"):
                raw = request.POST.get(f"amount_{entry.pk}", "")
                try:
                    chosen.append((entry.pk, parse_typed_amount(raw)))
                except ArithmeticError:
                    error = _("'%(value)s' is not an amount.") % {"value": raw.strip()}
        if not error:
            try:
                apply_line(line=line, account_type=account_type, entries=chosen, user=request.user)
            except ApplicationError as problem:
                error = problem.message
            else:
                return _back_to_journal(request, journal)
    suggested = {}  # entry -> the best suggestion naming it, for the Match column
    for suggestion in suggestions:
        if suggestion.account_type == account_type and suggestion.account_no == account_no:
            for entry_no in suggestion.entry_nos:
                suggested.setdefault(entry_no, suggestion)
    for entry in entries:
        entry.applicable, entry.discount = applicable_amount(entry, line.transaction_date)
        entry.application = applied.get(entry.pk)
        if request.method == "POST":  # shown again with an error: as the user left it
            entry.selected = bool(request.POST.get(f"select_{entry.pk}"))
            entry.typed = request.POST.get(f"amount_{entry.pk}", "")
        else:
            entry.selected = entry.pk in preselected if preselected else entry.application is not None
            entry.typed = entry.application.applied_amount if entry.application and not preselected else ""
        entry.suggestion = suggested.get(entry.pk)
    entries.sort(key=lambda entry: (entry.suggestion is None, entry.suggestion.rank if entry.suggestion else 0))
    applied_total = sum((a.applied_amount for a in applied.values()), Decimal(0))
    return render(request, "banking/apply_manually.html", {
        "title": _("Payment Application"), "journal": journal, "line": line, "entries": entries,
        "suggestions": suggestions, "picked": picked, "account_type": account_type, "account_no": account_no,
        "error": error, "back": _back(request), "journal_url": _journal_url(request, journal),
        "amount": abs(line.statement_amount), "applied_total": applied_total,
        "difference": abs(line.statement_amount) - applied_total,
    })


@require_http_methods(["GET", "POST"])
@permission_required(EDIT_PERMISSION, raise_exception=True)
def line_account(request: HttpRequest, pk: int, line_id: int, action: str) -> HttpResponse:
    """Map Text to Account, or Transfer Difference to Account, for one line."""
    from banking.payment_journal.applying import (
        ApplicationError,
        map_text_to_account,
        transfer_difference,
    )

    if action not in ("map-text", "transfer-difference"):
        raise Http404
    journal, line = _journal_and_line(pk, line_id)
    error = ""
    if request.method == "POST":
        account_type = request.POST.get("account_type", "gl_account")
        account_no = request.POST.get("account_no", "").strip()
        try:
            if action == "map-text":
                map_text_to_account(line=line, mapping_text=request.POST.get("mapping_text", "").strip(),
                                    account_type=account_type, account_no=account_no, user=request.user)
            else:
                transfer_difference(line=line, account_type=account_type, account_no=account_no,
                                    description=request.POST.get("description", ""), user=request.user)
        except ApplicationError as problem:
            error = problem.message
        else:
            return _back_to_journal(request, journal)
    return render(request, "banking/line_account.html", {
        "title": _("Map Text to Account") if action == "map-text" else _("Transfer Difference to Account"),
        "journal": journal, "line": line, "action": action, "error": error, "back": _back(request),
        "journal_url": _journal_url(request, journal),
    })
