from __future__ import annotations

from django.http import HttpRequest

from receivables.models import CompanySetup
from receivables.shell.navigation import menu_for


def navigation(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_menu": []}
    name = CompanySetup.objects.values_list("name", flat=True).first()
    return {"nav_menu": menu_for(request), "company_name": name}
