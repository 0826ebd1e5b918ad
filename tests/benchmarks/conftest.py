"""Benchmarks measure the application as it runs: on SQLite that is a database file (WAL), not the
in-memory database the tests use, whose shared cache makes large updates many times slower."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory) -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("benchmark-db") / "db.sqlite3")
