"""The production static files: collected, hashed, compressed and served by WhiteNoise with DEBUG off."""
from __future__ import annotations

import json

from django.core.management import call_command
from django.test import Client, override_settings


class StaticFilesTests:
    def test_collectstatic_builds_hashed_compressed_files_that_whitenoise_serves(self, tmp_path, db, accountant) -> None:
        storages = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        }
        with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, DEBUG=False):
            call_command("collectstatic", interactive=False, verbosity=0)
            manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
            hashed_css = manifest["css/app.css"]
            hashed_htmx = manifest["django_htmx/htmx-2.min.js"]
            assert hashed_css != "css/app.css"
            assert (tmp_path / f"{hashed_css}.gz").exists() and (tmp_path / f"{hashed_css}.br").exists()

            # WhiteNoise reads STATIC_ROOT when the application starts: a fresh WSGI handler.
            from whitenoise.middleware import WhiteNoiseMiddleware

            client = Client()
            client.force_login(accountant)
            page = client.get("/").content.decode()
            assert f"/static/{hashed_css}" in page and f"/static/{hashed_htmx}" in page

            middleware = WhiteNoiseMiddleware(lambda request: None)
            static_file = middleware.files.get(f"/static/{hashed_css}")
            assert static_file is not None
