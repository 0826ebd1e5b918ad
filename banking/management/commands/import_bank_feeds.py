from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from banking.feeds import run_feeds


class Command(BaseCommand):
    help = (
        "Import every new statement file in the bank accounts' feed folders; move each to archive/ or failed/. "
        "Exits non-zero if any file failed. Safe to run twice at once and after a crash."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        run = run_feeds()
        if options["json"]:
            self.stdout.write(json.dumps(run.as_json()))
        for item in run.files:
            line = f"{item.bank_account}: {item.file}: {item.status}"
            if item.journal:
                line += f" (journal {item.journal}, {item.lines} lines)"
            if item.message:
                line += f" — {item.message}"
            self.stderr.write(line)
        if not run.files:
            self.stderr.write("No new statement files.")
        if run.failed:
            raise CommandError(f"{len(run.failed)} file(s) failed.", returncode=1)
