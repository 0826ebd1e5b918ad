from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from banking.match_report.report import (
    COUNTS,
    MonthFigures,
    auto_application_by_month,
    total,
)
from receivables.models import BankAccount

TABLE = [  # heading, figure
    ("Lines", "lines"), ("Auto", "applied"), ("High", "high"), ("Map", "high_text_mapping"), ("Med", "medium"),
    ("Low", "low"), ("None", "none"), ("Accepted", "accepted"), ("Changed", "changed"), ("Removed", "removed"),
    ("Pending", "pending"), ("Posted", "posted"), ("Rate %", "auto_application_rate"),
    ("High prec. %", "high_precision"),
]


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"'{value}' is not a date (YYYY-MM-DD).") from None


def _rate(value) -> str | None:
    return None if value is None else str(value)


def _as_dict(row: MonthFigures) -> dict:
    data = {"bank_account": row.bank_account_no, "month": f"{row.month:%Y-%m}" if row.month else None}
    data |= {name: getattr(row, name) for name in COUNTS}
    return data | {"auto_application_rate": _rate(row.auto_application_rate),
                   "high_precision": _rate(row.high_precision)}


class Command(BaseCommand):
    help = ("The auto-application rate per bank account and month of transaction date: lines, lines applied "
            "automatically by confidence, accepted unchanged, changed, removed, posted, and the precision of High.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bank-account", help="Only this bank account (its no.).")
        parser.add_argument("--from", dest="date_from", help="First transaction date, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", help="Last transaction date, YYYY-MM-DD.")
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        bank_account = None
        if options["bank_account"]:
            bank_account = BankAccount.objects.filter(no=options["bank_account"]).first()
            if bank_account is None:
                raise CommandError(f"There is no bank account {options['bank_account']}.")
        date_from = _date(options["date_from"]) if options["date_from"] else None
        date_to = _date(options["date_to"]) if options["date_to"] else None
        rows = auto_application_by_month(bank_account=bank_account, date_from=date_from, date_to=date_to)
        totals = total(rows)
        if options["json"]:
            self.stdout.write(json.dumps({
                "bank_account": options["bank_account"] or None,
                "from": date_from.isoformat() if date_from else None,
                "to": date_to.isoformat() if date_to else None,
                "months": [_as_dict(row) for row in rows],
                "total": _as_dict(totals),
            }))
            return
        if not rows:
            self.stderr.write("No statement lines in payment reconciliation journals match.")
            return
        headings = ["Bank account", "Month"] + [heading for heading, _name in TABLE]
        table = [[row.bank_account_no, f"{row.month:%Y-%m}"] + [self._cell(row, name) for _h, name in TABLE]
                 for row in rows]
        table.append(["Total", ""] + [self._cell(totals, name) for _h, name in TABLE])
        widths = [max(len(str(cells[i])) for cells in [headings, *table]) for i in range(len(headings))]
        for cells in [headings, *table]:
            self.stdout.write("  ".join(str(cell).ljust(width) if i < 2 else str(cell).rjust(width)
                                        for i, (cell, width) in enumerate(zip(cells, widths))).rstrip())

    @staticmethod
    def _cell(row: MonthFigures, name: str) -> str:
        value = getattr(row, name)
        return "-" if value is None else str(value)
