"""Builders for the bank account reconciliation tests: bank entries posted by the engine, cheques,
and the spec's scenario F set-up (section 12, scenarios 30-32)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from banking.bank_rec.worksheet import add_line, create_reconciliation
from receivables.models import (
    AccountType,
    BankAccount,
    CheckLedgerEntry,
    DocumentType,
    GenJournalLine,
)
from receivables.posting import post
from tests.posting_helpers import payment_line

D = date


def bank_entry(amount: str, on: date, *, document_no: str, description: str = "", external_document_no: str = "",
               account_no: str = "6300"):
    """A bank entry of NBANK for `amount` (seen from the bank), posted by the engine against a G/L account."""
    line = GenJournalLine(
        posting_date=on, document_no=document_no, external_document_no=external_document_no,
        account_type=AccountType.GL_ACCOUNT, account_no=account_no, description=description or document_no,
        amount=-Decimal(amount), bal_account_type=AccountType.BANK_ACCOUNT, bal_account_no="NBANK",
    )
    return post([line]).bank_entries[0]


def customer_receipt(customer, amount: str, on: date, *, document_no: str):
    """A payment from the customer into NBANK: the bank entry is +amount."""
    return post([payment_line(customer, document_no, f"-{amount}", on)]).bank_entries[0]


def cheque_refund(customer, amount: str, on: date, *, document_no: str, check_no: str):
    """A refund paid by cheque: the engine posts the bank entry (-amount); the cheque register (NAV's
    check ledger entry, the cheque amount as a positive figure) is kept beside it."""
    entry = post([payment_line(customer, document_no, amount, on, document_type=DocumentType.REFUND,
                               description=f"Refund {document_no}")]).bank_entries[0]
    check = CheckLedgerEntry.objects.create(
        bank_account=entry.bank_account, bank_account_ledger_entry=entry, posting_date=on, document_no=document_no,
        check_no=check_no, check_date=on, amount=Decimal(amount), description=f"Cheque {check_no}",
    )
    return entry, check


@pytest.fixture
def nbank(company) -> BankAccount:
    bank = BankAccount.objects.get(no="NBANK")
    bank.balance_last_statement = Decimal("10000.00")
    bank.last_statement_no = "BS0012"
    bank.save()
    return bank


@pytest.fixture
def scenario30(nbank):
    """Spec 30: open bank entries +980.00 (2026-01-06) and -300.00 (2026-01-10); a statement dated
    2026-01-31 with lines +980.00 (2026-01-06) and -300.00 (2026-01-12), ending balance 10,680.00."""
    receipt = bank_entry("980.00", D(2026, 1, 6), document_no="BET-001", description="Innbetaling Fjord")
    rent = bank_entry("-300.00", D(2026, 1, 10), document_no="HUSL-01", description="Husleie januar")
    rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31),
                                statement_ending_balance=Decimal("10680.00"))
    first = add_line(reconciliation=rec, transaction_date=D(2026, 1, 6), statement_amount=Decimal("980.00"),
                     description="Innbetaling")
    second = add_line(reconciliation=rec, transaction_date=D(2026, 1, 12), statement_amount=Decimal("-300.00"),
                      description="Overføring")
    return rec, (receipt, rent), (first, second)
