"""The Import window. Included by the lead inside the `receivables` namespace at `imports/`."""
from __future__ import annotations

from django.urls import path

from receivables.imports import views as views_imports

urlpatterns = [
    path("", views_imports.import_data, name="import-data"),
]
