"""The Import window: upload master data or open entries from a previous system (the same imports as the commands)."""
from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from receivables.imports import ImportRejected, ImportResult, master_data, open_entries
from receivables.imports.csvfile import decode
from receivables.lib.responses import go_to

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
OPEN_ENTRIES = "open_entries"

FILE_TOO_LARGE = gettext_lazy("The file is %(size)s; files up to %(limit)s can be imported.")
KIND_NOT_ALLOWED = gettext_lazy("You may not import %(kind)s.")


@dataclass(frozen=True)
class ImportKind:
    label: object
    permissions: tuple[str, ...]
    columns: tuple[str, ...]


KINDS: dict[str, ImportKind] = {
    master_data.CUSTOMERS: ImportKind(
        gettext_lazy("Customers"), ("receivables.add_customer", "receivables.change_customer"),
        tuple(master_data.columns_of(master_data.CUSTOMERS)),
    ),
    master_data.VENDORS: ImportKind(
        gettext_lazy("Vendors"), ("receivables.add_vendor", "receivables.change_vendor"),
        tuple(master_data.columns_of(master_data.VENDORS)),
    ),
    master_data.BANK_ACCOUNTS: ImportKind(
        gettext_lazy("Bank accounts"), ("receivables.add_bankaccount", "receivables.change_bankaccount"),
        tuple(master_data.columns_of(master_data.BANK_ACCOUNTS)),
    ),
    master_data.TEXT_TO_ACCOUNT_MAPPINGS: ImportKind(
        gettext_lazy("Text-to-account mappings"),
        ("banking.add_texttoaccountmapping", "banking.change_texttoaccountmapping"),
        tuple(master_data.columns_of(master_data.TEXT_TO_ACCOUNT_MAPPINGS)),
    ),
    OPEN_ENTRIES: ImportKind(
        gettext_lazy("Open entries"), ("receivables.post_journal",), tuple(open_entries.COLUMNS)
    ),
}


def allowed_kinds(user) -> list[str]:
    return [code for code, kind in KINDS.items() if user.has_perms(kind.permissions)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Import"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV in UTF-8 with a header row, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    balance_account = forms.CharField(
        label=gettext_lazy("Balance account"), required=False, max_length=20,
        help_text=gettext_lazy("Open entries only: the G/L account they balance against. Empty: the company's "
                               "opening balance account."),
    )
    check_only = forms.BooleanField(
        label=gettext_lazy("Check only"), required=False,
        help_text=gettext_lazy("Check every row and import nothing."),
    )

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(code, KINDS[code].label) for code in kinds]
        self.file_bytes = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                FILE_TOO_LARGE, params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        data = upload.read()
        try:
            decode(data, name=upload.name)
        except ImportRejected as rejected:
            raise ValidationError(str(rejected.errors[0])) from None
        self.file_bytes = data
        return upload


def run_import(form: ImportForm, *, user) -> ImportResult:
    """Hand the upload to the import the command line uses."""
    kind = form.cleaned_data["kind"]
    name = form.cleaned_data["file"].name
    dry_run = form.cleaned_data["check_only"]
    if kind == OPEN_ENTRIES:
        return open_entries.import_open_entries(
            data=form.file_bytes, name=name, balance_account=form.cleaned_data["balance_account"] or None,
            user=user, dry_run=dry_run,
        )
    return master_data.import_master_data(kind=kind, data=form.file_bytes, name=name, dry_run=dry_run)


def _success_message(kind: str, name: str, result: ImportResult) -> str:
    values = {
        "kind": KINDS[kind].label, "file": name, "imported": result.imported, "created": result.created,
        "updated": result.updated, "transactions": result.transactions,
    }
    if result.dry_run:
        return _("%(file)s is fine: %(imported)s rows of %(kind)s can be imported (%(created)s new, %(updated)s "
                 "updated). Nothing was imported.") % values
    if kind == OPEN_ENTRIES:
        return _("Imported %(imported)s open entries from %(file)s in %(transactions)s transactions.") % values
    return _("%(kind)s: imported %(imported)s rows from %(file)s (%(created)s new, %(updated)s updated).") % values


@require_http_methods(["GET", "POST"])
def import_data(request: HttpRequest) -> HttpResponse:
    kinds = allowed_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    errors = []
    if request.method == "POST":
        requested = request.POST.get("kind", "")
        if requested in KINDS and requested not in kinds:
            raise PermissionDenied(KIND_NOT_ALLOWED % {"kind": KINDS[requested].label})
        form = ImportForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            try:
                result = run_import(form, user=request.user)
            except open_entries.BalanceAccountError as error:
                form.add_error("balance_account", error.message)
            except ImportRejected as rejected:
                errors = rejected.errors
            else:
                messages.success(
                    request, _success_message(form.cleaned_data["kind"], form.cleaned_data["file"].name, result)
                )
                # Post-redirect-get; htmx follows the redirect as a full page so the message shows.
                url = reverse("receivables:import-data")
                return go_to(request, url)
    else:
        form = ImportForm(kinds=kinds, initial={"kind": request.GET.get("kind") or kinds[0]})
    template = "receivables/import_data.html"
    return render(
        request,
        f"{template}#import-data" if request.htmx else template,
        {
            "title": _("Import"),
            "form": form,
            "errors": errors,
            "formats": [(KINDS[code].label, KINDS[code].columns) for code in kinds],
        },
    )
