"""What the import, posting and export commands share: reporting bad rows the same way."""
from __future__ import annotations

import json
from collections.abc import Sequence

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .csvfile import RowError


def reject(command: BaseCommand, *, name: str, errors: Sequence[RowError], as_json: bool, result: dict | None = None):
    """Print every bad row on stderr (and the JSON document on stdout with --json), then exit non-zero."""
    for error in errors:
        command.stderr.write(str(error))
    if as_json:
        document = dict(result or {})
        document["errors"] = [error.as_dict() for error in errors]
        command.stdout.write(json.dumps(document))
    rows = len({error.line for error in errors})
    raise CommandError(
        ngettext(
            "%(file)s: %(count)d bad row; nothing was imported.",
            "%(file)s: %(count)d bad rows; nothing was imported.",
            rows,
        ) % {"file": name, "count": rows}
    )


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}) from None
