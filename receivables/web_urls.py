from __future__ import annotations

from django.urls import include, path

from receivables.role_center import views as role_center
from receivables.shell import views as shell

app_name = "receivables"

urlpatterns = [
    path("", role_center.role_center, name="role-center"),
    path("settings/language/", shell.set_language, name="set-language"),
    path("", include("receivables.ledger.urls")),
    path("", include("receivables.cash_receipts.urls")),
    path("", include("receivables.sales.urls")),
    path("", include("receivables.gl.urls")),
    path("", include("receivables.master.urls")),
    path("imports/", include("receivables.imports.urls")),
]
