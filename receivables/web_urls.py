from __future__ import annotations

app_name = "receivables"
urlpatterns: list = []
