from __future__ import annotations

from django.urls import include, path

from receivables import views

app_name = "receivables"

urlpatterns = [
    path("", views.role_center, name="role-center"),
    path("settings/language/", views.set_language, name="set-language"),
    path("", include("receivables.urls_ledger")),
    path("", include("receivables.urls_journal")),
    path("", include("receivables.urls_sales")),
    path("", include("receivables.urls_master")),
    path("imports/", include("receivables.urls_imports")),
]
