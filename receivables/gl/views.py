"""Ledger windows that only read: G/L Registers, G/L Entries and Bank Account Ledger Entries.

Posted entries have no edit path here (or anywhere): corrections are reversals.
"""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from receivables.lib.listing import (
    Column,
    paginate,
    sorted_by,
    wants_xlsx,
    xlsx_response,
)
from receivables.master import queries
from receivables.master.views import render_list
from receivables.models import BankAccount


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Posting date from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Posting date to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))


class GLEntryFilterForm(PeriodForm):
    account = forms.CharField(label=gettext_lazy("G/L Account No."), required=False, max_length=20)
    register = forms.IntegerField(label=gettext_lazy("G/L Register No."), required=False, min_value=1)
    document_no = forms.CharField(label=gettext_lazy("Document No."), required=False, max_length=35)
    transaction_no = forms.IntegerField(label=gettext_lazy("Transaction No."), required=False, min_value=0)

    field_order = ["account", "register", "document_no", "transaction_no", "date_from", "date_to"]


class BankEntryFilterForm(PeriodForm):
    STATUS_CHOICES = [("", gettext_lazy("All")), ("open", gettext_lazy("Open")), ("closed", gettext_lazy("Closed"))]

    bank_account = forms.ModelChoiceField(
        label=gettext_lazy("Bank Account"), queryset=BankAccount.objects.order_by("no"), to_field_name="no",
        required=False, empty_label=gettext_lazy("All bank accounts"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Open"), choices=STATUS_CHOICES, required=False)

    field_order = ["bank_account", "status", "date_from", "date_to"]


def _sheet_title(title: str) -> str:
    """Excel refuses / \\ ? * [ ] : in a sheet name ("G/L Entries" becomes "GL Entries")."""
    return title.translate({ord(c): None for c in "/\\?*[]:"})


def _filters(form: forms.Form) -> dict:
    """The valid filters of a bound filter form; a field with an error filters nothing (and shows it)."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}


# ---------------------------------------------------------------- G/L registers

REGISTER_COLUMNS = [
    Column("pk", gettext_lazy("No."), sort="id", num=True),
    Column("created_at", gettext_lazy("Creation Date"), sort="created_at"),
    Column("user", gettext_lazy("User ID"), sort="user__username"),
    Column("source_code", gettext_lazy("Source Code"), sort="source_code"),
    Column("journal_batch_name", gettext_lazy("Journal Batch Name"), sort="journal_batch_name"),
    Column("from_entry_no", gettext_lazy("From Entry No."), sort="from_entry_no", num=True),
    Column("to_entry_no", gettext_lazy("To Entry No."), sort="to_entry_no", num=True),
    Column("from_transaction_no", gettext_lazy("From Transaction No."), sort="from_transaction_no", num=True),
    Column("to_transaction_no", gettext_lazy("To Transaction No."), sort="to_transaction_no", num=True),
]


@require_GET
@permission_required("receivables.view_glregister", raise_exception=True)
def gl_registers(request: HttpRequest) -> HttpResponse:
    qs, sort = sorted_by(request, queries.gl_registers(), REGISTER_COLUMNS, default="-id")
    if wants_xlsx(request):
        # openpyxl refuses time-zone aware datetimes; the sheet gets local wall-clock time.
        return xlsx_response(
            "gl-registers", REGISTER_COLUMNS, _registers_for_sheet(qs), title=_sheet_title(_("G/L Registers"))
        )
    return render_list(request, "receivables/gl/register_list.html", "gl-register-list", {
        "title": _("G/L Registers"),
        "page_obj": paginate(request, qs),
        "sort": sort,
    })


def _registers_for_sheet(qs):
    for register in qs.iterator(chunk_size=2000):
        register.created_at = timezone.localtime(register.created_at).replace(tzinfo=None)
        yield register


# ---------------------------------------------------------------- G/L entries

GL_ENTRY_COLUMNS = [
    Column("entry_no", gettext_lazy("Entry No."), sort="entry_no", num=True),
    Column("posting_date", gettext_lazy("Posting Date"), sort="posting_date"),
    Column("get_document_type_display", gettext_lazy("Document Type"), sort="document_type"),
    Column("document_no", gettext_lazy("Document No."), sort="document_no"),
    Column("gl_account.no", gettext_lazy("G/L Account No."), sort="gl_account__no"),
    Column("gl_account.name", gettext_lazy("G/L Account Name")),
    Column("description", gettext_lazy("Description"), sort="description"),
    Column("amount", gettext_lazy("Amount"), sort="amount", num=True),
    Column("debit_amount", gettext_lazy("Debit Amount"), sort="debit_amount", num=True),
    Column("credit_amount", gettext_lazy("Credit Amount"), sort="credit_amount", num=True),
    Column("get_source_type_display", gettext_lazy("Source Type"), sort="source_type"),
    Column("source_no", gettext_lazy("Source No."), sort="source_no"),
    Column("transaction_no", gettext_lazy("Transaction No."), sort="transaction_no", num=True),
    Column("reversed", gettext_lazy("Reversed"), sort="reversed"),
]


@require_GET
@permission_required("receivables.view_glentry", raise_exception=True)
def gl_entries(request: HttpRequest) -> HttpResponse:
    form = GLEntryFilterForm(request.GET)
    filters = _filters(form)
    qs = queries.gl_entries(
        account_no=(filters.get("account") or "").strip(), register=filters.get("register"),
        document_no=(filters.get("document_no") or "").strip(), transaction_no=filters.get("transaction_no"),
        date_from=filters.get("date_from"), date_to=filters.get("date_to"),
    )
    qs, sort = sorted_by(request, qs, GL_ENTRY_COLUMNS, default="-entry_no")
    if wants_xlsx(request):
        return xlsx_response(
            "gl-entries", GL_ENTRY_COLUMNS, qs.iterator(chunk_size=2000), title=_sheet_title(_("G/L Entries"))
        )
    return render_list(request, "receivables/gl/entry_list.html", "gl-entry-list", {
        "title": _("G/L Entries"),
        "form": form,
        "page_obj": paginate(request, qs),
        "sort": sort,
        "totals": queries.gl_totals(qs),
    })


# ---------------------------------------------------------------- bank account ledger entries

BANK_ENTRY_COLUMNS = [
    Column("posting_date", gettext_lazy("Posting Date"), sort="posting_date"),
    Column("bank_account.no", gettext_lazy("Bank Account No."), sort="bank_account__no"),
    Column("get_document_type_display", gettext_lazy("Document Type"), sort="document_type"),
    Column("document_no", gettext_lazy("Document No."), sort="document_no"),
    Column("description", gettext_lazy("Description"), sort="description"),
    Column("amount", gettext_lazy("Amount"), sort="amount", num=True),
    Column("remaining_amount", gettext_lazy("Remaining Amount"), sort="remaining_amount", num=True),
    Column("open", gettext_lazy("Open"), sort="open"),
    Column("get_statement_status_display", gettext_lazy("Statement Status"), sort="statement_status"),
    Column("statement_no", gettext_lazy("Statement No."), sort="statement_no"),
    Column("entry_no", gettext_lazy("Entry No."), sort="entry_no", num=True),
]


@require_GET
@permission_required("receivables.view_bankaccountledgerentry", raise_exception=True)
def bank_ledger_entries(request: HttpRequest) -> HttpResponse:
    form = BankEntryFilterForm(request.GET)
    filters = _filters(form)
    qs = queries.bank_ledger_entries(
        bank_account=filters.get("bank_account"), status=filters.get("status") or "",
        date_from=filters.get("date_from"), date_to=filters.get("date_to"),
    )
    qs, sort = sorted_by(request, qs, BANK_ENTRY_COLUMNS, default="-entry_no")
    if wants_xlsx(request):
        return xlsx_response(
            "bank-ledger-entries", BANK_ENTRY_COLUMNS, qs.iterator(chunk_size=2000),
            title=_sheet_title(_("Bank Account Ledger Entries")),
        )
    return render_list(request, "receivables/gl/bank_ledger_entries.html", "bank-ledger-entry-list", {
        "title": _("Bank Account Ledger Entries"),
        "form": form,
        "page_obj": paginate(request, qs),
        "sort": sort,
        "totals": queries.bank_entry_totals(qs),
    })
