from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from receivables.imports import ImportRejected
from receivables.imports.cli import read_file, reject
from receivables.imports.open_entries import BalanceAccountError, import_open_entries


class Command(BaseCommand):
    help = (
        "Import open customer and vendor ledger entries from a UTF-8 CSV file, posted by the posting engine "
        "against the opening-balance account (source code OPENING, one transaction per row). The whole file is "
        "checked first and posted in one run: all or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8, a byte order mark is fine).")
        parser.add_argument(
            "--balance-account", metavar="GLNO", default=None,
            help="G/L account to balance against (default: the company's opening balance account, 2090).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; post nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        name = Path(options["file"]).name
        data = read_file(options["file"])
        try:
            result = import_open_entries(
                data=data, name=name, balance_account=options["balance_account"], dry_run=options["dry_run"]
            )
        except BalanceAccountError as error:
            raise CommandError(error.message) from None
        except ImportRejected as rejected:
            reject(self, name=name, errors=rejected.errors, as_json=options["json"],
                   result={"imported": 0, "created": 0, "updated": 0, "transactions": 0})
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(with_transactions=True)))
        values = {"count": result.imported, "file": name, "transactions": result.transactions}
        if result.dry_run:
            message = _("Checked %(count)s open entries from %(file)s in %(transactions)s transactions.")
        else:
            message = _("Imported %(count)s open entries from %(file)s in %(transactions)s transactions.")
        self.stderr.write(message % values)
