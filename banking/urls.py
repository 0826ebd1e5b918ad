from __future__ import annotations

from django.urls import path

from banking import views

app_name = "banking"

urlpatterns = [
    path("", views.journal_list, name="journal-list"),
    path("<int:pk>/", views.journal, name="journal"),
    path("import/", views.import_bank_statement, name="import-statement"),
]
