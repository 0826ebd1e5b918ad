from __future__ import annotations

from django.urls import path

from banking.match_report import views as views_reports
from banking.payment_journal import views

app_name = "banking"

urlpatterns = [
    path("", views.journal_list, name="journal-list"),
    path("<int:pk>/", views.journal, name="journal"),
    path("import/", views.import_bank_statement, name="import-statement"),
    path("auto-application-rate/", views_reports.match_report, name="match-report"),
    path("<int:pk>/action/", views.journal_action, name="journal-action"),
    path("<int:pk>/test-report/", views.test_report, name="test-report"),
    path("<int:pk>/lines/<int:line_id>/apply/", views.apply_manually, name="apply-manually"),
    path("<int:pk>/lines/<int:line_id>/<str:action>/", views.line_account, name="line-account"),
]
