"""The navigation pane: every window that exists, grouped like NAV's departments menu.

Apps register their windows here by URL name; an entry whose URL does not resolve yet is skipped,
so the menu only ever shows windows that exist.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str = ""


MENU: list[tuple[str, list[MenuItem]]] = [
    (
        _("Receivables"),
        [
            MenuItem(_("Role Center"), "receivables:role-center"),
            MenuItem(_("Customers"), "receivables:customer-list"),
            MenuItem(_("Customer Ledger Entries"), "receivables:customer-ledger-entries"),
            MenuItem(_("Cash Receipt Journals"), "receivables:cash-receipt-journal"),
            MenuItem(_("Payment Registration"), "receivables:payment-registration"),
            MenuItem(_("Sales Invoices"), "receivables:sales-invoice-list"),
            MenuItem(_("Sales Credit Memos"), "receivables:sales-credit-memo-list"),
            MenuItem(_("Posted Sales Invoices"), "receivables:posted-sales-invoice-list"),
            MenuItem(_("Posted Sales Credit Memos"), "receivables:posted-sales-credit-memo-list"),
        ],
    ),
    (
        _("Payables"),
        [
            MenuItem(_("Vendors"), "receivables:vendor-list"),
            MenuItem(_("Vendor Ledger Entries"), "receivables:vendor-ledger-entries"),
        ],
    ),
    (
        _("Cash Management"),
        [
            MenuItem(_("Payment Reconciliation Journals"), "banking:journal-list"),
            MenuItem(_("Auto-Application Rate"), "banking:match-report", "banking.view_bankaccreconciliation"),
            MenuItem(_("Bank Account Reconciliations"), "bank_rec:reconciliation-list", "banking.view_bankaccreconciliation"),
            MenuItem(_("Bank Accounts"), "receivables:bank-account-list"),
            MenuItem(_("Bank Account Ledger Entries"), "receivables:bank-ledger-entries"),
        ],
    ),
    (
        _("Collections"),
        [
            MenuItem(_("Reminders"), "reminders:reminder-list"),
            MenuItem(_("Finance Charge Memos"), "reminders:finance-charge-memo-list"),
            MenuItem(_("Aged Accounts Receivable"), "reminders:aged-receivables"),
        ],
    ),
    (
        _("General Ledger"),
        [
            MenuItem(_("G/L Registers"), "receivables:gl-registers"),
            MenuItem(_("G/L Entries"), "receivables:gl-entries"),
            MenuItem(_("Navigate"), "receivables:navigate"),
            MenuItem(_("Import Data"), "receivables:import-data"),
        ],
    ),
]


def menu_for(request: HttpRequest) -> list[dict]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return []
    groups = []
    for title, items in MENU:
        links = []
        for item in items:
            if item.permission and not request.user.has_perm(item.permission):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            links.append({"label": item.label, "url": url, "active": request.path == url})
        if links:
            groups.append({"title": title, "links": links})
    return groups
