"""Import Bank Statement onto a bank account reconciliation worksheet.

The file goes through the same import as the payment reconciliation journal (parsers, account and
currency checks, refusal of what was imported before); its transactions become lines of type Bank
Account Ledger Entry. A worksheet without a statement date or ending balance takes the file's.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from banking.importing import ImportResult, import_statement
from banking.models import BankAccReconciliation, StatementType

from .worksheet import locked


def import_bank_statement(*, reconciliation: BankAccReconciliation, data: bytes, filename: str,
                          format: str = "auto", user=None) -> ImportResult:
    with transaction.atomic():
        rec = locked(reconciliation)
        result = import_statement(
            bank_account=rec.bank_account, data=data, filename=filename, format=format, user=user,
            statement_type=StatementType.BANK_RECONCILIATION, reconciliation=rec,
        )
        changed = []
        closing = result.statements[-1].closing_balance if result.statements else None
        if closing is not None and not rec.statement_ending_balance:
            rec.statement_ending_balance = closing
            changed.append("statement_ending_balance")
        if rec.statement_date is None:
            # The statement's closing date, else the last transaction's.
            dates = rec.lines.aggregate(closing=Max("imported_statement__closing_date"), last=Max("transaction_date"))
            rec.statement_date = dates["closing"] or dates["last"]
            changed.append("statement_date")
        if changed:
            rec.save(update_fields=changed)
        result.journal = rec
        return result
