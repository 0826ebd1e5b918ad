"""The shell around every window: the language menu."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from receivables.models import UserSetup


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Save the user's language in User Setup, so it follows them to every device."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("That language is not available."))
    else:
        UserSetup.objects.update_or_create(user=request.user, defaults={"language": language})
        request.session["user_language"] = language
        translation.activate(language)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    return redirect(next_url)


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon of their own (the admin's).
    return redirect(static("img/favicon.svg"))
