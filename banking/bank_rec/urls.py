"""Bank Account Reconciliation (spec section 7), mounted at bank-reconciliation/."""
from __future__ import annotations

from django.urls import include, path

from banking.bank_rec import views

app_name = "bank_rec"

worksheet = [
    path("", views.reconciliation, name="worksheet"),
    path("delete/", views.reconciliation_delete, name="delete"),
    path("lines/new/", views.line_new, name="line-new"),
    path("lines/<int:line_id>/", views.line_edit, name="line-edit"),
    path("lines/<int:line_id>/delete/", views.line_delete, name="line-delete"),
    path("suggest-lines/", views.suggest_lines, name="suggest-lines"),
    path("import/", views.import_statement, name="import-statement"),
    path("match-automatically/", views.match_automatically, name="match-automatically"),
    path("match-manually/", views.match_manually, name="match-manually"),
    path("remove-match/", views.remove_match, name="remove-match"),
    path("transfer-to-general-journal/", views.transfer_to_general_journal, name="transfer"),
    path("test-report/", views.test_report, name="test-report"),
    path("post/", views.post, name="post"),
]

urlpatterns = [
    path("", views.reconciliation_list, name="reconciliation-list"),
    path("new/", views.reconciliation_new, name="reconciliation-new"),
    path("<int:pk>/", include(worksheet)),
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/<int:pk>/", views.statement, name="statement"),
]
