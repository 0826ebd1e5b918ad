"""Two users applying payments to the same invoice at the same moment: never a double application."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from receivables.company.setup import ensure_bank_account, setup_company
from receivables.ledger.check import check_ledger
from receivables.models import CustLedgerEntry, Customer, CustomerPostingGroup
from receivables.posting import PostingError
from tests.posting_helpers import post_invoice, post_payment

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serializes writers with one database lock; row locks are exercised on PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_two_users_cannot_both_close_one_invoice():
    setup_company()
    ensure_bank_account(no="NBANK", name="Bank")
    customer = Customer.objects.create(no="C1", name="One AS",
                                       posting_group=CustomerPostingGroup.objects.get(code="DOMESTIC"))
    post_invoice(customer, "INV-1", "1000.00", date(2026, 1, 1), terms=False)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(no: str) -> None:
        try:
            barrier.wait()
            post_payment(customer, no, "-1000.00", date(2026, 1, 5), applies_to_doc_no="INV-1")
            outcomes.append("posted")
        except PostingError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(f"PAY-{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(
        ["posted", "There is no open customer ledger entry with Document No. INV-1 for customer C1."]
    )
    assert CustLedgerEntry.objects.get(document_no="INV-1").remaining_amount == Decimal("0")
    assert CustLedgerEntry.objects.filter(document_type="payment").count() == 1
    assert check_ledger() == []
