"""Responses every window uses."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def go_to(request: HttpRequest, url: str) -> HttpResponse:
    """Go to another page after a POST: a redirect, or from htmx a whole-page navigation.

    htmx would follow a plain redirect and swap the new page into the target; a client
    redirect makes the browser load it as a page (history, title, focus all right).
    """
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
