"""Master-data windows. Included inside the `receivables` namespace (names: `receivables:<name>`)."""
from __future__ import annotations

from django.urls import path

from receivables.master import views

urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/<str:no>/", views.customer_card, name="customer-card"),
    path("vendors/", views.vendor_list, name="vendor-list"),
    path("vendors/<str:no>/", views.vendor_card, name="vendor-card"),
    path("bank-accounts/", views.bank_account_list, name="bank-account-list"),
]
