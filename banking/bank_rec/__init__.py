"""Bank Account Reconciliation (spec section 7): prove the bank ledger matches the bank's statement.

A worksheet is a `BankAccReconciliation` with statement type *Bank Reconciliation*; its lines are
statement lines, matched to open bank account ledger entries (or, for cheques, check ledger
entries). Posting closes what was matched and writes a Bank Account Statement; it posts no G/L.

    worksheet.py  create, edit header and lines, delete, totals, the open entries
    suggest.py    Suggest Lines
    importing.py  Import Bank Statement onto a worksheet
    matching.py   Match Automatically, Match Manually, Remove Match
    transfer.py   Transfer to General Journal
    posting.py    Test Report and Post
"""
from __future__ import annotations

from .errors import BankRecError

__all__ = ["BankRecError"]
