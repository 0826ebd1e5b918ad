"""G/L windows. Included inside the `receivables` namespace (names: `receivables:<name>`)."""
from __future__ import annotations

from django.urls import path

from receivables.gl import views

urlpatterns = [
    path("bank-accounts/ledger-entries/", views.bank_ledger_entries, name="bank-ledger-entries"),
    path("gl/registers/", views.gl_registers, name="gl-registers"),
    path("gl/entries/", views.gl_entries, name="gl-entries"),
]
