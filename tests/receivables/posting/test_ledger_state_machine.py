"""Random sequences of posting, applying, unapplying and reversing never break the ledger invariants."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from receivables.company.setup import ensure_bank_account, setup_company
from receivables.ledger.check import check_ledger
from receivables.models import (
    ApplicationMethod,
    CustLedgerEntry,
    Customer,
    CustomerPostingGroup,
    DetailedCustLedgEntry,
    DetailedEntryType,
    DocumentType,
    GLEntry,
    PaymentTerms,
)
from receivables.posting import PostingError, post
from receivables.posting.apply_posted import post_application, set_applies_to_id
from receivables.posting.corrections import reverse_transaction, unapply
from tests.posting_helpers import invoice_line, payment_line

START = date(2026, 1, 1)
amounts = st.integers(min_value=1, max_value=200_000).map(lambda cents: Decimal(cents) / 100)
days = st.integers(min_value=0, max_value=60)


class Rollback(Exception):
    pass


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each run of the machine happens inside a savepoint that teardown rolls back.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.counter = 0

    @initialize()
    def company(self) -> None:
        setup_company(payment_tolerance_pct=Decimal("1"), max_payment_tolerance=Decimal("5"),
                      payment_discount_grace_period="5D")
        ensure_bank_account(no="NBANK", name="Bank")
        group = CustomerPostingGroup.objects.get(code="DOMESTIC")
        terms = PaymentTerms.objects.get(code="2%8D30D")
        self.customers = [
            Customer.objects.create(no="C1", name="One AS", posting_group=group, payment_terms=terms),
            Customer.objects.create(no="C2", name="Two AS", posting_group=group, payment_terms=terms,
                                    application_method=ApplicationMethod.APPLY_TO_OLDEST),
        ]

    def next_no(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def refused(self, action) -> None:
        """Run an action that may be refused; a refusal must leave the ledger exactly as it was."""
        before = (GLEntry.objects.count(), DetailedCustLedgEntry.objects.count(),
                  list(CustLedgerEntry.objects.order_by("pk").values_list("remaining_amount", flat=True)))
        try:
            action()
        except PostingError:
            after = (GLEntry.objects.count(), DetailedCustLedgEntry.objects.count(),
                     list(CustLedgerEntry.objects.order_by("pk").values_list("remaining_amount", flat=True)))
            assert after == before

    @rule(customer=st.sampled_from([0, 1]), amount=amounts, day=days)
    def invoice(self, customer, amount, day) -> None:
        post([invoice_line(self.customers[customer], self.next_no("INV"), str(amount),
                           START + timedelta(days=day))])

    @rule(customer=st.sampled_from([0, 1]), amount=amounts, day=days, choice=st.integers(0, 50),
          apply=st.booleans())
    def payment(self, customer, amount, day, choice, apply) -> None:
        party = self.customers[customer]
        fields = {}
        invoices = list(CustLedgerEntry.objects.filter(customer=party, open=True,
                                                       document_type=DocumentType.INVOICE).order_by("pk"))
        if apply and invoices:
            fields["applies_to_doc_no"] = invoices[choice % len(invoices)].document_no
        line = payment_line(party, self.next_no("PAY"), str(-amount), START + timedelta(days=day), **fields)
        self.refused(lambda: post([line]))

    @rule(pick=st.integers(0, 50), amount=st.none() | amounts)
    def apply_posted(self, pick, amount) -> None:
        payments = list(CustLedgerEntry.objects.filter(open=True, positive=False).order_by("pk"))
        if not payments:
            return
        payment = payments[pick % len(payments)]
        invoices = list(CustLedgerEntry.objects.filter(customer_id=payment.customer_id, open=True, positive=True))
        if not invoices:
            return
        target = invoices[pick % len(invoices)]
        amounts_to_apply = {target.pk: min(amount, target.remaining_amount)} if amount else None

        def action() -> None:
            set_applies_to_id(applying_entry_no=payment.pk, entry_nos=[target.pk], applies_to_id="hyp",
                              amounts=amounts_to_apply)
            post_application(applying_entry_no=payment.pk, applies_to_id="hyp")

        self.refused(action)
        CustLedgerEntry.objects.filter(applies_to_id="hyp").update(applies_to_id="", amount_to_apply=0,
                                                                    applying_entry=False)

    @rule(pick=st.integers(0, 50))
    def unapply_one(self, pick) -> None:
        applications = list(DetailedCustLedgEntry.objects.filter(
            entry_type=DetailedEntryType.APPLICATION, unapplied=False).order_by("pk"))
        if applications:
            self.refused(lambda: unapply(detail_entry_no=applications[pick % len(applications)].pk))

    @rule(pick=st.integers(0, 50))
    def reverse_one(self, pick) -> None:
        payments = list(CustLedgerEntry.objects.filter(document_type=DocumentType.PAYMENT, reversed=False)
                        .order_by("pk"))
        if payments:
            self.refused(lambda: reverse_transaction(transaction_no=payments[pick % len(payments)].transaction_no))

    @invariant()
    def ledger_is_consistent(self) -> None:
        if hasattr(self, "customers"):
            assert check_ledger() == []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_random_postings_keep_the_ledger_consistent():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=20, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
