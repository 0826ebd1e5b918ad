"""Suggest Lines (NAV report 1496 "Suggest Bank Acc. Recon. Lines").

One line per open bank account ledger entry of the bank posted in the date range and not yet on a
statement, with the entry's remaining amount, already matched to it. With Include Checks, an entry
paid by cheque becomes one Check Ledger Entry line per open cheque instead, matched to the cheque.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    ReconciliationLineType,
)
from receivables.models import BankAccountLedgerEntry, CheckLedgerEntry, StatementStatus

from . import matches
from .worksheet import LINE_NO_STEP, locked, next_line_no


def suggest_lines(*, reconciliation: BankAccReconciliation, starting_date: date | None = None,
                  ending_date: date | None = None, include_checks: bool = False,
                  user=None) -> list[BankAccReconciliationLine]:
    """Add the suggested lines, matched, and return them. Entries already on a statement are skipped."""
    with transaction.atomic():
        rec = locked(reconciliation)
        entries = BankAccountLedgerEntry.objects.select_for_update().filter(
            bank_account=rec.bank_account_id, open=True, statement_status=StatementStatus.OPEN
        ).exclude(remaining_amount=0)
        if starting_date:
            entries = entries.filter(posting_date__gte=starting_date)
        if ending_date:
            entries = entries.filter(posting_date__lte=ending_date)
        entries = list(entries.order_by("posting_date", "entry_no"))
        cheques: dict[int, list[CheckLedgerEntry]] = defaultdict(list)
        if include_checks and entries:
            for check in CheckLedgerEntry.objects.select_for_update().filter(
                bank_account_ledger_entry__in=[e.pk for e in entries], open=True,
                statement_status=StatementStatus.OPEN, entry_status__in=matches.RECONCILABLE_CHECKS,
            ).order_by("check_date", "entry_no"):
                cheques[check.bank_account_ledger_entry_id].append(check)
        line_no = next_line_no(rec) - LINE_NO_STEP
        new_lines: list[BankAccReconciliationLine] = []
        targets: list[object] = []
        for entry in entries:
            for check in cheques.get(entry.pk) or [None]:
                line_no += LINE_NO_STEP
                if check is None:
                    new_lines.append(BankAccReconciliationLine(
                        reconciliation=rec, bank_account=rec.bank_account, line_no=line_no,
                        type=ReconciliationLineType.BANK_ACCOUNT_LEDGER_ENTRY, transaction_date=entry.posting_date,
                        document_no=entry.document_no, description=entry.description,
                        statement_amount=entry.remaining_amount,
                    ))
                    targets.append(entry)
                else:
                    check.bank_account_ledger_entry = entry
                    new_lines.append(BankAccReconciliationLine(
                        reconciliation=rec, bank_account=rec.bank_account, line_no=line_no,
                        type=ReconciliationLineType.CHECK_LEDGER_ENTRY, transaction_date=check.check_date,
                        document_no=check.document_no, check_no=check.check_no,
                        description=check.description or entry.description, statement_amount=-check.amount,
                    ))
                    targets.append(check)
        # SQLite and PostgreSQL return the new ids from the one INSERT, so the matches can point at them.
        BankAccReconciliationLine.objects.bulk_create(new_lines)
        matches.add(rec, list(zip(new_lines, targets)))
        for line in new_lines:
            line.applied_amount = line.statement_amount
        return new_lines
