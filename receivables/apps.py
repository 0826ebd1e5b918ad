from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from receivables.shell.middleware import remember_language_at_login

        user_logged_in.connect(remember_language_at_login, dispatch_uid="receivables-language-at-login")
