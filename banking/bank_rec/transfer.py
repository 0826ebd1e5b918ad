"""Transfer to General Journal (NAV report 1497 "Trans. Bank Rec. to Gen. Jnl.").

For statement lines that no ledger entry explains (bank fees, interest), a general journal line per
line: posting date = transaction date, balanced by this bank account, for the line's unmatched
amount. The bank side then gets the statement amount (the journal line carries its opposite, as
the bank is the balancing account). The user fills in the other account and posts the journal;
the bank entry it creates is matched to the statement line afterwards.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    ReconciliationLineType,
)
from receivables.lib.numbering import next_no
from receivables.models import (
    AccountType,
    GenJournalBatch,
    GenJournalLine,
    TemplateType,
)

from .errors import NOTHING_TO_TRANSFER, BankRecError
from .worksheet import LINE_NO_STEP, line_text, locked


def general_journal_batches():
    return GenJournalBatch.objects.filter(template__type=TemplateType.GENERAL).select_related("template")


def lines_to_transfer(reconciliation: BankAccReconciliation,
                      lines: Iterable[BankAccReconciliationLine] | None = None):
    """Bank Account Ledger Entry lines with an unmatched amount (NAV skips cheque and Difference lines)."""
    qs = reconciliation.lines.filter(type=ReconciliationLineType.BANK_ACCOUNT_LEDGER_ENTRY, posted=False)
    if lines is not None:
        qs = qs.filter(pk__in=[line.pk for line in lines])
    return [line for line in qs.order_by("line_no") if line.statement_amount != line.applied_amount]


def transfer_to_general_journal(*, reconciliation: BankAccReconciliation, batch: GenJournalBatch,
                                lines: Iterable[BankAccReconciliationLine] | None = None,
                                user=None) -> list[GenJournalLine]:
    """Create the journal lines in `batch` for the chosen lines (all that qualify when None)."""
    with transaction.atomic():
        rec = locked(reconciliation)
        chosen = lines_to_transfer(rec, lines)
        if not chosen:
            raise BankRecError(NOTHING_TO_TRANSFER)
        bank = rec.bank_account
        top = GenJournalLine.objects.filter(batch=batch).aggregate(top=Max("line_no"))["top"] or 0
        created = []
        for index, line in enumerate(chosen, start=1):
            document_no = line.document_no
            if not document_no:
                document_no = next_no(batch.no_series, on=line.transaction_date)[0] if batch.no_series_id else rec.statement_no
            created.append(GenJournalLine(
                batch=batch, line_no=top + index * LINE_NO_STEP, posting_date=line.transaction_date,
                document_date=line.transaction_date, document_no=document_no[:35],
                account_type=AccountType.GL_ACCOUNT, account_no="", description=line_text(line)[:100],
                currency_code=bank.currency.code if bank.currency_id else "",
                amount=-(line.statement_amount - line.applied_amount),
                bal_account_type=AccountType.BANK_ACCOUNT, bal_account_no=bank.no,
                created_by=user if getattr(user, "pk", None) else None,
            ))
        return GenJournalLine.objects.bulk_create(created)
