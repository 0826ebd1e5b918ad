"""Bank Account Reconciliation windows: the list, New, the worksheet with its actions, and the posted
Bank Account Statements.

Thin function views: parse with a form, call one function of `banking.bank_rec`, pick the response.
A plain POST ends in a redirect. An htmx POST from the worksheet gets the worksheet's regions back
out of band (header, lines, open entries, messages) and an emptied dialog; the request pages
(Suggest Lines, Match Automatically, Import Bank Statement, Transfer to General Journal, a line's
card) open in the worksheet's dialog region when htmx loads them, and as pages of their own without it.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from banking.bank_rec import BankRecError, posting, suggest, transfer, worksheet
from banking.bank_rec import auto_match as matching
from banking.bank_rec.errors import MATCH_SUMMARY, SELECT_ONE_LINE, SHORT_TEXT
from banking.bank_rec.forms import (
    HeaderForm,
    ImportOntoReconciliationForm,
    LineForm,
    MatchAutomaticallyForm,
    NewReconciliationForm,
    SuggestLinesForm,
    TransferForm,
)
from banking.bank_rec.importing import import_bank_statement
from banking.importing import StatementImportError
from banking.lists import BANK_RECONCILIATIONS, BANK_STATEMENTS, bank_filter
from banking.models import (
    BankAccountStatement,
    BankAccountStatementEntry,
    BankAccReconciliation,
    BankAccReconciliationLine,
    BankRecMatch,
    StatementType,
)
from receivables.lib.aggregates import MoneySum
from receivables.lib.listing import paginate, sorted_by, wants_xlsx, xlsx_response
from receivables.lib.responses import go_to
from receivables.models import BankAccount

VIEW = "banking.view_bankaccreconciliation"
ADD = "banking.add_bankaccreconciliation"
EDIT = "banking.change_bankaccreconciliationline"
DELETE = "banking.delete_bankaccreconciliation"
IMPORT = "banking.import_statement"
POST = "banking.post_bank_reconciliation"
VIEW_POSTED = "banking.view_bankaccountstatement"
ADD_JOURNAL_LINES = "receivables.add_genjournalline"

WORKSHEET = "banking/bank_rec/worksheet.html"
DIALOG = "banking/bank_rec/dialog.html"
UPDATE = "banking/bank_rec/worksheet_update.html"
LINES_PER_PAGE = 100
ENTRIES_IN_PANE = 200


def _reconciliation(pk: int) -> BankAccReconciliation:
    """The access-checked lookup: a bank account reconciliation (never a payment journal)."""
    return get_object_or_404(BankAccReconciliation.objects.select_related("bank_account"), pk=pk,
                             statement_type=StatementType.BANK_RECONCILIATION)


def _worksheet_url(rec: BankAccReconciliation) -> str:
    return reverse("bank_rec:worksheet", args=[rec.pk])


def _posted_elsewhere(request: HttpRequest, rec: BankAccReconciliation) -> HttpResponse | None:
    """A posted worksheet has nothing to change: send the user to its posted statement."""
    if rec.status == BankAccReconciliation.Status.OPEN:
        return None
    messages.info(request, _("Bank account reconciliation %(no)s is posted.") % {"no": rec.statement_no})
    statement = BankAccountStatement.objects.filter(reconciliation=rec).first()
    return go_to(request, statement.get_absolute_url() if statement else reverse("bank_rec:reconciliation-list"))


# ---------------------------------------------------------------------------- list and New


def _with_total_balance(rows):
    """NAV's Total Balance: the balance last statement plus the lines (in Python: MoneySum is exact only as a sum)."""
    rows = list(rows)
    for row in rows:
        row.total_balance = row.balance_last_statement + (row.total or 0)
    return rows


@require_GET
@permission_required(VIEW, raise_exception=True)
def reconciliation_list(request: HttpRequest) -> HttpResponse:
    banks, bank = bank_filter(request)
    rows = (worksheet.open_reconciliations(bank).select_related("bank_account")
            .annotate(line_count=Count("lines"), total=MoneySum("lines__statement_amount")))
    rows, sort = sorted_by(request, rows, BANK_RECONCILIATIONS, "bank_account__no,statement_no")
    title = _("Bank Account Reconciliations")
    if wants_xlsx(request):
        return xlsx_response("bank-account-reconciliations", BANK_RECONCILIATIONS, _with_total_balance(rows), title)
    page_obj = paginate(request, rows)
    _with_total_balance(page_obj)
    context = {
        "title": title, "page_obj": page_obj, "sort": sort, "banks": banks,
        "bank": bank, "can_add": request.user.has_perm(ADD),
    }
    template = "banking/bank_rec/list.html"
    return render(request, f"{template}#reconciliation-list" if request.htmx else template, context)


@require_http_methods(["GET", "POST"])
@permission_required(ADD, raise_exception=True)
def reconciliation_new(request: HttpRequest) -> HttpResponse:
    form = NewReconciliationForm(request.POST if request.method == "POST" else None, initial=_new_defaults(request.GET.get("bank_account")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rec = worksheet.create_reconciliation(
                bank_account=data["bank_account"], statement_no=data["statement_no"],
                statement_date=data["statement_date"], balance_last_statement=data["balance_last_statement"],
                statement_ending_balance=data["statement_ending_balance"] or 0, user=request.user)
        except BankRecError as error:
            form.add_error("statement_no", error.message)
        else:
            messages.success(request, _("Bank account reconciliation %(no)s was created.") % {"no": rec.statement_no})
            return go_to(request, _worksheet_url(rec))
    template = "banking/bank_rec/new.html"
    context = {"title": _("New Bank Account Reconciliation"), "form": form}
    if request.htmx:
        # The bank account was changed (or the form sent): the form again, with that bank's defaults.
        return render(request, f"{template}#new-reconciliation-form", context)
    return render(request, template, context, status=422 if form.errors else 200)


def _new_defaults(bank_id: str | None) -> dict:
    """The chosen bank account's defaults (`bank_id` is the bank account's id, as the form's select sends it)."""
    bank = BankAccount.objects.filter(pk=bank_id, blocked=False).first() if bank_id and bank_id.isdigit() else None
    if bank is None:
        return {}
    return {"bank_account": bank.pk, "statement_no": worksheet.next_statement_no(bank),
            "balance_last_statement": bank.balance_last_statement}


# ---------------------------------------------------------------------------- the worksheet


def _worksheet_context(request: HttpRequest, rec: BankAccReconciliation, **extra) -> dict:
    lines = rec.lines.order_by("line_no").prefetch_related(Prefetch(
        "bank_rec_matches", queryset=BankRecMatch.objects.order_by("pk").only(
            "pk", "line_id", "bank_entry_id", "check_entry_id", "amount", "automatic")))
    entries = worksheet.open_bank_entries(rec)
    shown = list(entries[:ENTRIES_IN_PANE + 1])
    can_edit = request.user.has_perm(EDIT) and rec.status == BankAccReconciliation.Status.OPEN
    posted = None
    if rec.status == BankAccReconciliation.Status.POSTED:
        posted = BankAccountStatement.objects.filter(reconciliation=rec).first()
    return {
        "posted_statement": posted,
        "title": _("Bank Acc. Reconciliation"), "rec": rec, "page_obj": paginate(request, lines, LINES_PER_PAGE),
        "totals": worksheet.totals(rec), "entries": shown[:ENTRIES_IN_PANE],
        "more_entries": len(shown) > ENTRIES_IN_PANE, "checks": list(worksheet.open_check_entries(rec)[:ENTRIES_IN_PANE]),
        "can_edit": can_edit, "can_import": can_edit and request.user.has_perm(IMPORT),
        "can_transfer": can_edit and request.user.has_perm(ADD_JOURNAL_LINES),
        "can_post": request.user.has_perm(POST) and rec.status == BankAccReconciliation.Status.OPEN,
        "can_delete": request.user.has_perm(DELETE) and rec.status == BankAccReconciliation.Status.OPEN,
        "header_form": extra.pop("header_form", None) or HeaderForm(instance=rec),
        "line_form": extra.pop("line_form", None) or LineForm(initial={"transaction_date": rec.statement_date}),
        **extra,
    }


def _on_worksheet(request: HttpRequest, rec: BankAccReconciliation) -> bool:
    """Whether the htmx request came from the worksheet page (not a request page opened on its own)."""
    current = request.htmx.current_url_abs_path or ""
    return current.split("?")[0] == _worksheet_url(rec)


def _updated(request: HttpRequest, rec: BankAccReconciliation, **extra) -> HttpResponse:
    """After a change: the page (plain POST, by redirect) or its regions out of band (htmx)."""
    if not request.htmx:
        return redirect(_worksheet_url(rec))
    if not _on_worksheet(request, rec):
        return HttpResponseClientRedirect(_worksheet_url(rec))
    rec = _reconciliation(rec.pk)
    return render(request, UPDATE, _worksheet_context(request, rec, **extra))


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    """The worksheet. A POST saves the header (General FastTab)."""
    rec = _reconciliation(pk)
    if request.method == "POST":
        if not request.user.has_perm(EDIT):
            raise PermissionDenied
        if (posted := _posted_elsewhere(request, rec)) is not None:
            return posted
        # A copy to validate into: `rec` keeps the saved values for the rest of the page.
        form = HeaderForm(request.POST, instance=_reconciliation(pk))
        if form.is_valid():
            data = form.cleaned_data
            try:
                rec = worksheet.update_header(
                    reconciliation=rec, statement_no=data["statement_no"], statement_date=data["statement_date"],
                    balance_last_statement=data["balance_last_statement"],
                    statement_ending_balance=data["statement_ending_balance"])
            except BankRecError as error:
                form.add_error("statement_no", error.message)
            else:
                messages.success(request, _("The changes were saved."))
                return _updated(request, rec)
        if request.htmx:
            return render(request, UPDATE, _worksheet_context(request, rec, header_form=form))
        return render(request, WORKSHEET, _worksheet_context(request, rec, header_form=form), status=422)
    if request.htmx:
        return render(request, f"{WORKSHEET}#worksheet-lines", _worksheet_context(request, rec))
    return render(request, WORKSHEET, _worksheet_context(request, rec))


@require_POST
@permission_required(DELETE, raise_exception=True)
def reconciliation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    try:
        worksheet.delete_reconciliation(reconciliation=rec)
    except BankRecError as error:
        messages.error(request, error.message)
        return go_to(request, _worksheet_url(rec))
    messages.success(request, _("Bank account reconciliation %(no)s was deleted.") % {"no": rec.statement_no})
    return go_to(request, reverse("bank_rec:reconciliation-list"))


# ---------------------------------------------------------------------------- lines


@require_POST
@permission_required(EDIT, raise_exception=True)
def line_new(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            worksheet.add_line(reconciliation=rec, **form.cleaned_data)
        except BankRecError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The line was added."))
        # Keyboard entry goes on: the next line starts open, on its date, with the same type.
        next_form = LineForm(initial={"transaction_date": form.cleaned_data["transaction_date"],
                                      "type": form.cleaned_data["type"]})
        next_form.fields["transaction_date"].widget.attrs["autofocus"] = True
        return _updated(request, rec, line_form=next_form, new_line_open=True)
    if request.htmx:
        return render(request, UPDATE, _worksheet_context(request, rec, line_form=form))
    return render(request, WORKSHEET, _worksheet_context(request, rec, line_form=form), status=422)


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def line_edit(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    """A statement line's card: edit it, or delete it."""
    rec = _reconciliation(pk)
    line = get_object_or_404(rec.lines, pk=line_id)
    form = LineForm(request.POST if request.method == "POST" else None, instance=line)
    if request.method == "POST":
        if not request.user.has_perm(EDIT):
            raise PermissionDenied
        if (posted := _posted_elsewhere(request, rec)) is not None:
            return posted
        if form.is_valid():
            try:
                worksheet.update_line(line=line, **{name: form.cleaned_data[name] for name in form.changed_data})
            except BankRecError as error:
                form.add_error("type", error.message)
            else:
                messages.success(request, _("Line %(no)s was saved.") % {"no": line.line_no})
                return _updated(request, rec)
    elif not request.user.has_perm(EDIT) or line.posted:
        for field in form.fields.values():
            field.disabled = True
    return _dialog(request, rec, form, title=_("Statement Line %(no)s") % {"no": line.line_no},
                   action=reverse("bank_rec:line-edit", args=[rec.pk, line.pk]), submit=_("Save"),
                   can_submit=request.user.has_perm(EDIT) and not line.posted, line=line)


@require_POST
@permission_required(EDIT, raise_exception=True)
def line_delete(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    line = get_object_or_404(rec.lines, pk=line_id)
    try:
        worksheet.delete_line(line=line)
    except BankRecError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Line %(no)s was deleted.") % {"no": line.line_no})
    return _updated(request, rec)


# ---------------------------------------------------------------------------- request pages


def _dialog(request: HttpRequest, rec: BankAccReconciliation, form, *, title: str, action: str, submit: str,
            multipart: bool = False, can_submit: bool = True, **extra) -> HttpResponse:
    """A request page: in the worksheet's dialog region for htmx, a page of its own otherwise."""
    for field in form.visible_fields():
        if not field.field.disabled:
            # htmx focuses an autofocus element it swaps in: keyboard users land in the request page.
            field.field.widget.attrs["autofocus"] = True
            break
    context = {"title": title, "rec": rec, "form": form, "action": action, "submit_label": submit,
               "multipart": multipart, "can_submit": can_submit, **extra}
    if request.htmx:
        # 200 even with errors: htmx swaps only successful responses.
        return render(request, f"{DIALOG}#dialog-form", context)
    return render(request, DIALOG, context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@permission_required(EDIT, raise_exception=True)
def suggest_lines(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    form = SuggestLinesForm(request.POST if request.method == "POST" else None, initial={"ending_date": rec.statement_date})
    if request.method == "POST" and form.is_valid():
        try:
            lines = suggest.suggest_lines(reconciliation=rec, user=request.user, **form.cleaned_data)
        except BankRecError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)s lines were suggested.") % {"count": len(lines)})
            return _updated(request, rec)
    return _dialog(request, rec, form, title=_("Suggest Bank Acc. Recon. Lines"), submit=_("OK"),
                   action=reverse("bank_rec:suggest-lines", args=[rec.pk]))


@require_http_methods(["GET", "POST"])
@permission_required(EDIT, raise_exception=True)
def match_automatically(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    form = MatchAutomaticallyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = matching.match_automatically(
                reconciliation=rec, tolerance_days=form.cleaned_data["transaction_date_tolerance"] or 0,
                user=request.user)
        except BankRecError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, str(MATCH_SUMMARY % {"matched": result.matched,
                                                                      "lines": result.lines}))
            messages.info(request, str(SHORT_TEXT % {"length": matching.NEARNESS_THRESHOLD}))
            return _updated(request, rec)
    return _dialog(request, rec, form, title=_("Match Bank Entries"), submit=_("OK"),
                   action=reverse("bank_rec:match-automatically", args=[rec.pk]))


@require_http_methods(["GET", "POST"])
@permission_required(IMPORT, raise_exception=True)
def import_statement(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if not request.user.has_perm(EDIT):
        raise PermissionDenied
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    form = ImportOntoReconciliationForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_bank_statement(reconciliation=rec, data=upload.read(), filename=upload.name,
                                           format=form.cleaned_data["format"], user=request.user)
        except (StatementImportError, BankRecError) as error:
            form.add_error("file", error.message)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(count)s lines imported (%(skipped)s already imported before).")
                             % {"count": result.imported, "skipped": result.skipped})
            return _updated(request, rec)
    return _dialog(request, rec, form, title=_("Import Bank Statement"), submit=_("Import"), multipart=True,
                   action=reverse("bank_rec:import-statement", args=[rec.pk]))


@require_http_methods(["GET", "POST"])
@permission_required(EDIT, raise_exception=True)
def transfer_to_general_journal(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if not request.user.has_perm(ADD_JOURNAL_LINES):
        raise PermissionDenied
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    candidates = transfer.lines_to_transfer(rec)
    form = TransferForm(request.POST if request.method == "POST" else None, lines=candidates)
    if request.method == "POST" and form.is_valid():
        batch = form.cleaned_data["batch"]
        try:
            created = transfer.transfer_to_general_journal(
                reconciliation=rec, batch=batch, lines=form.cleaned_data["lines"], user=request.user)
        except BankRecError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)s general journal lines were created in %(batch)s. Fill in the "
                                        "accounts and post them; then match the new bank entries.")
                             % {"count": len(created), "batch": batch})
            return _updated(request, rec)
    return _dialog(request, rec, form, title=_("Trans. Bank Rec. to Gen. Jnl."), submit=_("OK"),
                   action=reverse("bank_rec:transfer", args=[rec.pk]), nothing_to_transfer=not candidates)


# ---------------------------------------------------------------------------- matching buttons


def _selected_lines(request: HttpRequest, rec: BankAccReconciliation) -> list[BankAccReconciliationLine]:
    ids = [value for value in request.POST.getlist("line") if value.isdigit()]
    return list(rec.lines.filter(pk__in=ids, posted=False).order_by("line_no"))


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(value) for value in request.POST.getlist(name) if value.isdigit()]


@require_POST
@permission_required(EDIT, raise_exception=True)
def match_manually(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    lines = _selected_lines(request, rec)
    try:
        if len(lines) != 1:
            raise BankRecError(SELECT_ONE_LINE)
        created = matching.match_manually(reconciliation=rec, line=lines[0], bank_entries=_ids(request, "entry"),
                                          check_entries=_ids(request, "check"), user=request.user)
    except BankRecError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Line %(line)s was matched to %(count)s entries.")
                         % {"line": lines[0].line_no, "count": len(created)})
    return _updated(request, rec)


@require_POST
@permission_required(EDIT, raise_exception=True)
def remove_match(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    if (posted := _posted_elsewhere(request, rec)) is not None:
        return posted
    lines = _selected_lines(request, rec)
    if not lines:
        messages.error(request, _("Select the statement lines whose matches you want to remove."))
        return _updated(request, rec)
    try:
        count = matching.remove_match(reconciliation=rec, lines=lines, user=request.user)
    except BankRecError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The matches of %(count)s line(s) were removed.") % {"count": count})
    return _updated(request, rec)


# ---------------------------------------------------------------------------- test report and post


@require_GET
@permission_required(VIEW, raise_exception=True)
def test_report(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    context = {"title": _("Bank Acc. Recon. - Test"), "rec": rec, "problems": posting.test_report(reconciliation=rec),
               "totals": worksheet.totals(rec)}
    template = "banking/bank_rec/test_report.html"
    return render(request, f"{template}#test-report" if request.htmx else template, context)


@require_POST
@permission_required(POST, raise_exception=True)
def post(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _reconciliation(pk)
    try:
        statement = posting.post_reconciliation(reconciliation=rec, user=request.user)
    except BankRecError as error:
        messages.error(request, _("%(no)s was not posted: %(error)s") % {"no": rec.statement_no, "error": error.message})
        return go_to(request, _worksheet_url(rec))
    messages.success(request, _("Bank account reconciliation %(no)s was posted as bank account statement %(no)s.")
                     % {"no": statement.statement_no})
    return go_to(request, statement.get_absolute_url())


# ---------------------------------------------------------------------------- posted statements


@require_GET
@permission_required(VIEW_POSTED, raise_exception=True)
def statement_list(request: HttpRequest) -> HttpResponse:
    banks, bank = bank_filter(request)
    statements = BankAccountStatement.objects.select_related("bank_account", "posted_by")
    if bank is not None:
        statements = statements.filter(bank_account=bank)
    statements, sort = sorted_by(request, statements, BANK_STATEMENTS, "bank_account__no,-statement_date,-pk")
    title = _("Bank Account Statements")
    if wants_xlsx(request):
        return xlsx_response("bank-account-statements", BANK_STATEMENTS, statements.iterator(), title)
    template = "banking/bank_rec/statement_list.html"
    context = {"title": title, "page_obj": paginate(request, statements), "sort": sort, "banks": banks, "bank": bank}
    return render(request, f"{template}#statement-list" if request.htmx else template, context)


@require_GET
@permission_required(VIEW_POSTED, raise_exception=True)
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    posted = get_object_or_404(BankAccountStatement.objects.select_related("bank_account", "posted_by"), pk=pk)
    lines = posted.lines.order_by("line_no").prefetch_related(Prefetch(
        "entries", queryset=BankAccountStatementEntry.objects.order_by("pk")))
    totals = lines.aggregate(statement=MoneySum("statement_amount"), applied=MoneySum("applied_amount"))
    return render(request, "banking/bank_rec/statement.html", {
        "title": _("Bank Account Statement"), "statement": posted, "page_obj": paginate(request, lines, LINES_PER_PAGE),
        "total": totals["statement"] or 0, "applied": totals["applied"] or 0,
    })
