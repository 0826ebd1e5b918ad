from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from receivables.ledger.exports import CSV, FORMATS, KINDS, ExportError, export_entries


class Command(BaseCommand):
    help = (
        "Write ledger entries to stdout as CSV (default) or JSON, streamed in entry order: customer, vendor, "
        "detailed_customer, detailed_vendor, gl or bank. --open-only keeps open customer, vendor and bank entries."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--open-only", action="store_true", help="Only open entries (customer, vendor, bank).")
        parser.add_argument("--format", choices=FORMATS, default=CSV, dest="fmt")

    def handle(self, *args, **options) -> None:
        try:
            export_entries(
                lambda text: self.stdout.write(text, ending=""),
                kind=options["kind"], open_only=options["open_only"], fmt=options["fmt"],
            )
        except ExportError as error:
            raise CommandError(error.message) from None
