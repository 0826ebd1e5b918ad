from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from banking.models import AppliedPaymentEntry, BankAccReconciliation
from banking.payment_journal.auto_apply import apply_automatically


class Command(BaseCommand):
    help = "Apply a payment reconciliation journal's lines automatically (the lines applied by hand are kept)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--journal", type=int, required=True, help="The journal's ID.")
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        journal = BankAccReconciliation.objects.filter(pk=options["journal"]).first()
        if journal is None:
            raise CommandError(f"There is no payment reconciliation journal {options['journal']}.")
        result = apply_automatically(journal=journal)
        self.stderr.write(f"{result.applied} payment lines out of {result.lines} are applied.")
        if not options["json"]:
            return
        applications: dict[int, list] = {}
        for a in AppliedPaymentEntry.objects.filter(line__reconciliation=journal).order_by("pk"):
            applications.setdefault(a.line_id, []).append({
                "account_type": a.account_type, "account_no": a.account_no, "document_no": a.document_no,
                "entry_no": a.applies_to_entry_no, "amount": str(a.applied_amount),
            })
        lines = [
            {
                "line_no": line.line_no, "transaction_id": line.transaction_id,
                "transaction_date": line.transaction_date.isoformat(), "amount": str(line.statement_amount),
                "text": line.transaction_text, "match_confidence": line.match_confidence,
                "account_type": line.account_type, "account_no": line.account_no,
                "applications": applications.get(line.pk, []),
            }
            for line in journal.lines.order_by("line_no")
        ]
        self.stdout.write(json.dumps({"journal": journal.pk, "lines": lines}))
