from __future__ import annotations

from django.http import HttpRequest

from receivables.navigation import menu_for


def navigation(request: HttpRequest) -> dict:
    return {"nav_menu": menu_for(request)}
