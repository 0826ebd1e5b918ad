from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from receivables.ledger.check import check_ledger


class Command(BaseCommand):
    help = "Check the ledger invariants (balanced transactions, remaining amounts, control accounts)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")
        parser.add_argument("--limit", type=int, default=50, help="Report at most this many problems per check.")

    def handle(self, *args, **options) -> None:
        problems = check_ledger(limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps({"ok": not problems, "problems": problems}))
        else:
            for problem in problems:
                self.stderr.write(problem)
            if not problems:
                self.stderr.write("The ledger is consistent: every invariant holds.")
        if problems:
            raise CommandError(f"{len(problems)} ledger problem(s) found.", returncode=1)
