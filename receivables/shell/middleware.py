from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


def user_language(user) -> str:
    """The language the user chose in User Setup ("" for the browser's)."""
    setup = getattr(user, "user_setup", None) if hasattr(user, "user_setup") else None
    return setup.language if setup else ""


def remember_language_at_login(sender, request, user, **kwargs) -> None:
    """Put the user's language in the new session as they log in, so no page has to write the session."""
    if request is not None and hasattr(request, "session"):
        request.session["user_language"] = user_language(user)


class UserLanguageMiddleware:
    """Activate the language the signed-in user chose (User Setup), over the browser's preference."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get("user_language")
            if language is None:  # a session from before the language was kept in it
                language = user_language(user)
                request.session["user_language"] = language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
