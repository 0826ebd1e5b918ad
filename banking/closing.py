"""Closing bank entries against a bank statement, and recording the statement on the bank card.

Post Payments and Reconcile (payment reconciliation journal, spec 6.6) and Post (bank account
reconciliation, spec section 7) both close the bank account ledger entries a statement line explains
and then give the bank card the statement's number and ending balance; this module is the one place
that says what that means. The callers lock the rows and write the entries with `save_closed`.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from receivables.lib.bulk import update_rows
from receivables.lib.money import ZERO
from receivables.models import BankAccount, BankAccountLedgerEntry, CheckLedgerEntry, StatementStatus

BANK_ENTRY_FIELDS = ["open", "remaining_amount", "statement_status", "statement_no", "statement_line_no"]
CHECK_ENTRY_FIELDS = ["open", "statement_status", "statement_no", "statement_line_no"]


def close_entry(entry: BankAccountLedgerEntry | CheckLedgerEntry, *, statement_no: str, line_no: int):
    """Close the entry against a statement line: nothing of it stays open, and it names what closed it."""
    entry.open = False
    if isinstance(entry, BankAccountLedgerEntry):
        entry.remaining_amount = ZERO
    entry.statement_status = StatementStatus.CLOSED
    entry.statement_no = statement_no
    entry.statement_line_no = line_no
    return entry


def reduce_entry(entry: BankAccountLedgerEntry, amount: Decimal, *, statement_no: str,
                 line_no: int) -> BankAccountLedgerEntry:
    """Take `amount` (in the entry's own sign) off what the entry has left; with nothing left it is closed."""
    entry.remaining_amount -= amount
    if entry.remaining_amount == 0:
        close_entry(entry, statement_no=statement_no, line_no=line_no)
    return entry


def save_closed(bank_entries: Iterable[BankAccountLedgerEntry],
                check_entries: Iterable[CheckLedgerEntry] = ()) -> None:
    """Write what `close_entry` and `reduce_entry` changed, in one batch per ledger."""
    update_rows(BankAccountLedgerEntry, list(bank_entries), BANK_ENTRY_FIELDS)
    update_rows(CheckLedgerEntry, list(check_entries), CHECK_ENTRY_FIELDS)


def record_statement(bank: BankAccount, *, statement_no: str, ending_balance: Decimal,
                     payment: bool = False) -> BankAccount:
    """The bank card takes the posted statement's number and ending balance (Last Statement No., Balance
    Last Statement; a payment reconciliation journal also sets Last Payment Statement No.).

    Call with the bank account row locked: the next statement starts from this balance.
    """
    bank.last_statement_no = statement_no
    bank.balance_last_statement = ending_balance
    fields = ["last_statement_no", "balance_last_statement"]
    if payment:
        bank.last_payment_statement_no = statement_no
        fields.append("last_payment_statement_no")
    bank.save(update_fields=fields)
    return bank
