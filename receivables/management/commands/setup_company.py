from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from receivables.company.setup import setup_company
from receivables.lib.dateformula import DateFormulaError, parse


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise CommandError(f"'{value}' is not a number") from None


class Command(BaseCommand):
    help = (
        "Set up the company: Norwegian chart of accounts (NS 4102), posting groups, payment terms, number series "
        "and journal templates. Idempotent. --demo adds the demo company's customers, vendors and a year of "
        "invoices and payments."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", default=None, help="Company name.")
        parser.add_argument("--lcy", default="NOK", help="Local currency code (default NOK).")
        parser.add_argument("--payment-tolerance-pct", type=_decimal, default=None)
        parser.add_argument("--max-payment-tolerance", type=_decimal, default=None)
        parser.add_argument("--payment-discount-grace-period", default=None, help="A date formula such as 5D.")
        parser.add_argument("--demo", action="store_true", help="Also create the demo company's data.")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="Demo data ends on this date.")

    def handle(self, *args, **options) -> None:
        grace = options["payment_discount_grace_period"]
        if grace:
            try:
                parse(grace)
            except DateFormulaError as error:
                raise CommandError(str(error)) from None
        from receivables.models import CompanySetup

        existing = CompanySetup.objects.first()
        name = options["name"] or (existing.name if existing else "CRONUS Norge AS")
        try:
            setup = setup_company(
                name=name, lcy=options["lcy"],
                payment_tolerance_pct=options["payment_tolerance_pct"],
                max_payment_tolerance=options["max_payment_tolerance"],
                payment_discount_grace_period=grace,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stderr.write(f"Company '{setup.name}' is set up (LCY {setup.lcy_code}).")
        if options["demo"]:
            from receivables.company.demo import (
                DEMO_PASSWORD,
                DEMO_USERNAME,
                create_demo_data,
            )

            summary = create_demo_data(today=options["today"] or date.today())
            if summary.created:
                self.stderr.write(
                    f"Demo data: {summary.customers} customers, {summary.vendors} vendors, "
                    f"{summary.invoices} invoices, {summary.payments} payments."
                )
            else:
                self.stderr.write("Demo data already present; left as it is.")
            self.stdout.write(f"Log in as '{DEMO_USERNAME}' with password '{DEMO_PASSWORD}'.")
