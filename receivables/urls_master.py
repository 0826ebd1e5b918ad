"""Master-data and G/L windows. Included inside the `receivables` namespace (names: `receivables:<name>`)."""
from __future__ import annotations

from django.urls import path

from receivables import views_gl, views_master

urlpatterns = [
    path("customers/", views_master.customer_list, name="customer-list"),
    path("customers/<str:no>/", views_master.customer_card, name="customer-card"),
    path("vendors/", views_master.vendor_list, name="vendor-list"),
    path("vendors/<str:no>/", views_master.vendor_card, name="vendor-card"),
    path("bank-accounts/", views_master.bank_account_list, name="bank-account-list"),
    path("bank-accounts/ledger-entries/", views_gl.bank_ledger_entries, name="bank-ledger-entries"),
    path("gl/registers/", views_gl.gl_registers, name="gl-registers"),
    path("gl/entries/", views_gl.gl_entries, name="gl-entries"),
]
