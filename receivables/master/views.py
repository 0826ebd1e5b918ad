"""Master-data windows: Customers, Vendors and Bank Accounts (lists and cards), read-only.

Master data is edited in the Django admin; these pages show it with the balances NAV puts beside it.
"""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
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
from receivables.models import Customer, Vendor


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request from the page's own filter, sort or pager gets just the list region.

    A boosted navigation or a history restore (the user went back and htmx's cache missed) needs the
    whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_list(request: HttpRequest, template: str, fragment: str, context: dict) -> HttpResponse:
    """The whole page, or only the named list partial for the page's own htmx requests."""
    fragment_only = wants_fragment(request)
    name = f"{template}#{fragment}" if fragment_only else template
    # `fragment` tells the partial to refresh, out of band, what lives outside it (export link, sort).
    response = render(request, name, {**context, "fragment": fragment_only})
    # The same URL answers with a page or a fragment; caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    balance = forms.BooleanField(label=gettext_lazy("With balance only"), required=False)


def _search_form(request: HttpRequest) -> SearchForm:
    form = SearchForm(request.GET)
    form.is_valid()  # every field is optional; an over-long search is simply dropped
    return form


# ---------------------------------------------------------------- customers

CUSTOMER_COLUMNS = [
    Column("no", gettext_lazy("No."), sort="no"),
    Column("name", gettext_lazy("Name"), sort="name"),
    Column("city", gettext_lazy("City"), sort="city"),
    Column("phone_no", gettext_lazy("Phone No."), sort="phone_no"),
    Column("balance", gettext_lazy("Balance (LCY)"), sort="balance", num=True),
    Column("balance_due", gettext_lazy("Balance Due (LCY)"), sort="balance_due", num=True),
    Column("overdue", gettext_lazy("Overdue (LCY)"), sort="overdue", num=True),
]


def _party_list(request: HttpRequest, *, rows, search, columns, name: str, title, partial: str) -> HttpResponse:
    """Customers and vendors list alike: search, "with balance only", sort, page, export."""
    today = timezone.localdate()
    form = _search_form(request)
    qs = search(rows(today), form.cleaned_data.get("q", ""))
    if form.cleaned_data.get("balance"):
        qs = queries.with_balance_only(qs)
    qs, sort = sorted_by(request, qs, columns, default="no")
    if wants_xlsx(request):
        return xlsx_response(name, columns, qs.iterator(chunk_size=2000), title=title)
    return render_list(request, f"receivables/master/{partial.split('-')[0]}_list.html", partial, {
        "title": title,
        "form": form,
        "page_obj": paginate(request, qs),
        "sort": sort,
        "today": today,
    })


@require_GET
@permission_required("receivables.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    return _party_list(request, rows=queries.customers_with_balances, search=queries.search_customers,
                       columns=CUSTOMER_COLUMNS, name="customers", title=_("Customers"), partial="customer-list")


@require_GET
@permission_required("receivables.view_customer", raise_exception=True)
def customer_card(request: HttpRequest, no: str) -> HttpResponse:
    customer = get_object_or_404(
        Customer.objects.select_related("posting_group", "payment_terms", "payment_method", "currency"), no=no
    )
    today = timezone.localdate()
    return render(request, "receivables/master/customer_card.html", {
        "title": str(customer),
        "customer": customer,
        "bank_accounts": list(customer.bank_accounts.order_by("code")),
        "stats": queries.customer_statistics(customer, today),
        "today": today,
    })


# ---------------------------------------------------------------- vendors

VENDOR_COLUMNS = [
    Column("no", gettext_lazy("No."), sort="no"),
    Column("name", gettext_lazy("Name"), sort="name"),
    Column("city", gettext_lazy("City"), sort="city"),
    Column("phone_no", gettext_lazy("Phone No."), sort="phone_no"),
    Column("balance", gettext_lazy("Balance (LCY)"), sort="balance", num=True),
    Column("balance_due", gettext_lazy("Balance Due (LCY)"), sort="balance_due", num=True),
]


@require_GET
@permission_required("receivables.view_vendor", raise_exception=True)
def vendor_list(request: HttpRequest) -> HttpResponse:
    return _party_list(request, rows=queries.vendors_with_balances, search=queries.search_vendors,
                       columns=VENDOR_COLUMNS, name="vendors", title=_("Vendors"), partial="vendor-list")


@require_GET
@permission_required("receivables.view_vendor", raise_exception=True)
def vendor_card(request: HttpRequest, no: str) -> HttpResponse:
    vendor = get_object_or_404(
        Vendor.objects.select_related("posting_group", "payment_terms", "payment_method", "currency"), no=no
    )
    today = timezone.localdate()
    return render(request, "receivables/master/vendor_card.html", {
        "title": str(vendor),
        "vendor": vendor,
        "bank_accounts": list(vendor.bank_accounts.order_by("code")),
        "stats": queries.vendor_statistics(vendor, today),
        "today": today,
    })


# ---------------------------------------------------------------- bank accounts

BANK_ACCOUNT_COLUMNS = [
    Column("no", gettext_lazy("No."), sort="no"),
    Column("name", gettext_lazy("Name"), sort="name"),
    Column("bank_account_no", gettext_lazy("Bank Account No."), sort="bank_account_no"),
    Column("iban", gettext_lazy("IBAN"), sort="iban"),
    Column("currency.code", gettext_lazy("Currency Code"), sort="currency__code"),
    Column("balance_lcy", gettext_lazy("Balance (LCY)"), sort="balance_lcy", num=True),
    Column("last_statement_no", gettext_lazy("Last Statement No."), sort="last_statement_no"),
    Column("balance_last_statement", gettext_lazy("Balance Last Statement"), sort="balance_last_statement", num=True),
]


@require_GET
@permission_required("receivables.view_bankaccount", raise_exception=True)
def bank_account_list(request: HttpRequest) -> HttpResponse:
    form = _search_form(request)
    qs = queries.search_bank_accounts(queries.bank_accounts_with_balances(), form.cleaned_data.get("q", ""))
    qs, sort = sorted_by(request, qs, BANK_ACCOUNT_COLUMNS, default="no")
    if wants_xlsx(request):
        return xlsx_response(
            "bank-accounts", BANK_ACCOUNT_COLUMNS, qs.iterator(chunk_size=2000), title=_("Bank Accounts")
        )
    return render_list(request, "receivables/master/bank_account_list.html", "bank-account-list", {
        "title": _("Bank Accounts"),
        "form": form,
        "page_obj": paginate(request, qs),
        "sort": sort,
    })
