from __future__ import annotations

from django.urls import path

from receivables.ledger import views

urlpatterns = [
    path("ledger/customers/", views.ledger_entries, {"party": "customer"}, name="customer-ledger-entries"),
    path("ledger/vendors/", views.ledger_entries, {"party": "vendor"}, name="vendor-ledger-entries"),
    path("ledger/<str:party>/<int:entry_no>/", views.ledger_entry, name="ledger-entry"),
    path("ledger/<str:party>/<int:entry_no>/apply/", views.apply_entries, name="apply-entries"),
    path("ledger/<str:party>/<int:entry_no>/unapply/", views.unapply_entries, name="unapply-entries"),
    path("ledger/<str:party>/<int:entry_no>/reverse/", views.reverse_entries, name="reverse-transaction"),
    path("navigate/", views.navigate, name="navigate"),
]
