from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from banking.importing import (
    StatementImportError,
    import_statement,
    parse_file,
    summarize,
)
from receivables.models import BankAccount


class Command(BaseCommand):
    help = (
        "Import a bank statement file (OFX/QFX, CAMT.053/054, MT940 or CSV) into a new payment reconciliation "
        "journal of the bank account. --dry-run checks the file and imports nothing; without --bank-account it "
        "only parses and prints the summary."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The statement file.")
        parser.add_argument("--bank-account", dest="bank_account", help="Bank account no.")
        parser.add_argument("--format", default="auto", help="auto (default), ofx, camt, mt940 or csv:CODE.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; import nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            if options["bank_account"] is None:
                if not options["dry_run"]:
                    raise CommandError("--bank-account is required unless --dry-run is given.")
                parsed = parse_file(data, filename=path.name, format=options["format"])
                summary = {"journal": None, "format": parsed.format,
                           "statements": [s.as_json() for s in summarize(parsed)]}
                warnings = []
            else:
                bank = BankAccount.objects.filter(no=options["bank_account"]).select_related("currency").first()
                if bank is None:
                    raise CommandError(f"There is no bank account {options['bank_account']}.")
                result = import_statement(bank_account=bank, data=data, filename=path.name, format=options["format"],
                                          dry_run=options["dry_run"])
                summary = result.as_json()
                warnings = result.warnings
        except StatementImportError as error:
            raise CommandError(error.message) from None
        for warning in warnings:
            self.stderr.write(f"Warning: {warning}")
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            for statement in summary["statements"]:
                self.stderr.write(
                    f"Statement {statement['statement_id'] or '—'} ({statement['account'] or '—'}, "
                    f"{statement['currency'] or '—'}): {statement['transactions']} transactions, credits "
                    f"{statement['credits']}, debits {statement['debits']}, opening {statement['opening_balance']}, "
                    f"closing {statement['closing_balance']}."
                )
            if summary["journal"]:
                self.stderr.write(
                    f"Imported {summary['imported']} lines into payment reconciliation journal {summary['journal']}"
                    f" ({summary['skipped']} already imported, skipped)."
                )
