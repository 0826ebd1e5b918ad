"""Sales documents: included by the lead inside the `receivables` namespace (names are receivables:<name>)."""
from __future__ import annotations

from django.urls import include, path

from receivables.sales import views

unposted = [
    path("invoices/", views.sales_invoice_list, name="sales-invoice-list"),
    path("credit-memos/", views.sales_credit_memo_list, name="sales-credit-memo-list"),
    path("documents/new/", views.sales_document_new, name="sales-document-new"),
    path("documents/<int:pk>/", views.sales_document, name="sales-document"),
    path("documents/<int:pk>/lines/", views.sales_document_lines, name="sales-document-lines"),
    path("documents/<int:pk>/post/", views.sales_document_post, name="sales-document-post"),
    path("documents/<int:pk>/delete/", views.sales_document_delete, name="sales-document-delete"),
]

posted = [
    path("invoices/", views.posted_sales_invoice_list, name="posted-sales-invoice-list"),
    path("credit-memos/", views.posted_sales_credit_memo_list, name="posted-sales-credit-memo-list"),
    path("<int:pk>/", views.posted_sales_document, name="posted-sales-document"),
    path("<int:pk>/pdf/", views.posted_sales_document_pdf, name="posted-sales-document-pdf"),
]

lookups = [
    path("gl-accounts/", views.gl_account_lookup, name="gl-account-lookup"),
    path("customers/", views.customer_lookup, name="customer-lookup"),
]

urlpatterns = [
    path("sales/", include(unposted)),
    path("posted-sales/", include(posted)),
    path("lookups/", include(lookups)),
]
