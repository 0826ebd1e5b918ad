from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from receivables.cash_receipts.csv_posting import post_journal_file, summary
from receivables.imports import ImportRejected
from receivables.imports.cli import read_file, reject


class Command(BaseCommand):
    help = (
        "Post general journal lines from a UTF-8 CSV file through the posting engine in one run (all or nothing). "
        "--preview shows what would be posted and writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8, a byte order mark is fine).")
        parser.add_argument("--preview", action="store_true", help="Show what would be posted; post nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        name = Path(options["file"]).name
        data = read_file(options["file"])
        try:
            posting = post_journal_file(data=data, name=name, preview=options["preview"])
        except ImportRejected as rejected:
            reject(self, name=name, errors=rejected.errors, as_json=options["json"],
                   result={"preview": options["preview"], "lines": 0, "transactions": 0})
        report = summary(posting)
        if options["json"]:
            self.stdout.write(json.dumps(report))
        elif posting.preview:
            self.stdout.write(format_report(report))
        if posting.preview:
            self.stderr.write(_("Preview of %(file)s: %(lines)s lines in %(transactions)s transactions; nothing was "
                                "posted.") % {"file": name, **report})
        else:
            self.stderr.write(_("Posted %(lines)s lines from %(file)s in %(transactions)s transactions (G/L register "
                                "%(register)s).") % {"file": name, **report})


def format_report(report: dict) -> str:
    """The preview as text: one section per ledger, amounts right-aligned."""
    out = [_("G/L entries per account:")]
    for row in report["gl_accounts"]:
        out.append(f"  {row['gl_account_no']:<8} {row['name'][:32]:<32} {_('debit')} {row['debit']:>14}  "
                   f"{_('credit')} {row['credit']:>14}  {_('net')} {row['amount']:>14}")
    for title, key in ((_("Customer ledger entries:"), "customer_entries"),
                       (_("Vendor ledger entries:"), "vendor_entries")):
        if report[key]:
            out.append(title)
            for row in report[key]:
                due = f"  {_('due')} {row['due_date']}" if row["due_date"] else ""
                out.append(f"  {row['account_no']:<10} {row['posting_date']} {row['document_type'] or '-':<12} "
                           f"{row['document_no']:<20} {row['amount']:>14}  {_('remaining')} "
                           f"{row['remaining_amount']:>14}{due}")
    if report["bank_entries"]:
        out.append(_("Bank account ledger entries:"))
        for row in report["bank_entries"]:
            out.append(f"  {row['bank_account_no']:<10} {row['document_no']:<20} {row['amount']:>14}")
    if report["applications"]:
        out.append(_("Applications:"))
        for row in report["applications"]:
            out.append(f"  {row['account_no']:<10} {row['entry_type']:<26} {row['document_type'] or '-'} "
                       f"{row['document_no']} / {row['applied_document_type'] or '-'} {row['applied_document_no']}"
                       f" {row['amount']:>14}")
    return "\n".join(out)
