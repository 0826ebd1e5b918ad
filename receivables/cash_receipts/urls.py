from __future__ import annotations

from django.urls import path

from receivables.cash_receipts import views

urlpatterns = [
    path("journals/", views.journal_batches, name="cash-receipt-journal"),
    path("journals/<int:batch_id>/", views.journal, name="journal"),
    path("journals/<int:batch_id>/test-report/", views.journal_test_report, name="journal-test-report"),
    path("journals/<int:batch_id>/preview/", views.journal_preview, name="journal-preview"),
    path("journals/lines/<int:line_id>/apply/", views.journal_line_apply, name="journal-line-apply"),
    path("lookup/accounts/", views.account_lookup, name="account-lookup"),
]
