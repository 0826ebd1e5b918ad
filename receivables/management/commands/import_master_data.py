from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from receivables.imports import ImportRejected
from receivables.imports.cli import read_file, reject
from receivables.imports.master_data import KINDS, import_master_data


class Command(BaseCommand):
    help = (
        "Import customers, vendors, bank accounts or text-to-account mappings from a UTF-8 CSV file with a "
        "header row. Existing numbers are updated. The whole file is checked first: one bad row and nothing "
        "is imported (every bad row is printed as 'FILE, line N, field F: reason')."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", help="The CSV file (UTF-8, a byte order mark is fine).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; import nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        name = Path(options["file"]).name
        data = read_file(options["file"])
        try:
            result = import_master_data(kind=options["kind"], data=data, name=name, dry_run=options["dry_run"])
        except ImportRejected as rejected:
            reject(self, name=name, errors=rejected.errors, as_json=options["json"],
                   result={"imported": 0, "created": 0, "updated": 0})
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
        values = {"count": result.imported, "kind": options["kind"].replace("_", " "), "file": name,
                  "created": result.created, "updated": result.updated}
        if result.dry_run:
            message = _("Checked %(count)s %(kind)s from %(file)s: %(created)s new, %(updated)s updated.")
        else:
            message = _("Imported %(count)s %(kind)s from %(file)s: %(created)s new, %(updated)s updated.")
        self.stderr.write(message % values)
