"""The columns of the bank lists (sorting and Excel export) and their bank account filter.

Payment reconciliation journals, open bank account reconciliations and posted bank account
statements are listed per bank account; `receivables.lib.listing` sorts, pages and exports them.
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from receivables.lib.listing import Column
from receivables.models import BankAccount

_STATEMENT = [
    Column("bank_account.no", _("Bank Account No."), sort="bank_account__no"),
    Column("statement_no", _("Statement No."), sort="statement_no"),
    Column("statement_date", _("Statement Date"), sort="statement_date"),
]
_BALANCES = [
    Column("balance_last_statement", _("Balance Last Statement"), sort="balance_last_statement", num=True),
    Column("statement_ending_balance", _("Statement Ending Balance"), sort="statement_ending_balance", num=True),
]

PAYMENT_JOURNALS = [
    *_STATEMENT,
    Column("statement_import.filename", _("File")),
    Column("line_count", _("Lines"), sort="line_count", num=True),
    Column("unapplied", _("Unapplied lines"), sort="unapplied", num=True),
    Column("get_status_display", _("Status"), sort="status"),
    Column("created_at", _("Created at"), sort="created_at"),
]
BANK_RECONCILIATIONS = [
    *_STATEMENT, *_BALANCES,
    Column("line_count", _("Lines"), sort="line_count", num=True),
    Column("total_balance", _("Total Balance"), num=True),  # computed per row (see views_bank_rec)
]
BANK_STATEMENTS = [
    *_STATEMENT, *_BALANCES,
    Column("posted_by", _("Posted by")),
    Column("posted_at", _("Posted at"), sort="posted_at"),
]


def bank_filter(request: HttpRequest) -> tuple[QuerySet[BankAccount], BankAccount | None]:
    """The bank accounts to choose from, and the one ?bank_account=NO chose (None: all)."""
    banks = BankAccount.objects.order_by("no")
    bank = banks.filter(no=request.GET["bank_account"]).first() if request.GET.get("bank_account") else None
    return banks, bank
