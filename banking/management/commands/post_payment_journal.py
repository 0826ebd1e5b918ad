from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from banking.models import BankAccReconciliation
from banking.payment_journal.posting import post_payment_journal
from receivables.posting import PostingError


class Command(BaseCommand):
    help = "Post a payment reconciliation journal (Post Payments Only, or with --reconcile Post Payments and Reconcile)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--journal", type=int, required=True, help="The journal's ID.")
        parser.add_argument("--reconcile", action="store_true", help="Also close the bank entries against the statement.")
        parser.add_argument("--accepted-only", action="store_true", help="Post only the accepted lines.")
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        journal = BankAccReconciliation.objects.filter(pk=options["journal"]).first()
        if journal is None:
            raise CommandError(f"There is no payment reconciliation journal {options['journal']}.")
        try:
            result = post_payment_journal(journal=journal, reconcile=options["reconcile"],
                                          accepted_only=options["accepted_only"])
        except PostingError as error:
            raise CommandError(str(error)) from None
        register = result.register.pk if result.register else None  # None: every line applied earlier payments
        summary = {"journal": journal.pk, "register": register, "transactions": result.transaction_nos,
                   "bank_entries": len(result.bank_entries), "reconciled": options["reconcile"]}
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        self.stderr.write(f"Posted journal {journal.pk}: G/L register {register or '-'}, "
                          f"{len(result.bank_entries)} bank entries{' closed' if options['reconcile'] else ''}.")
