"""The spec's acceptance scenarios A and B (section 12) through the posting engine, with exact amounts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from receivables.models import (
    ApplicationMethod,
    BankAccountLedgerEntry,
    CompanySetup,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    GLEntry,
    PaymentTerms,
)
from receivables.models import (
    DetailedEntryType as T,
)
from receivables.posting import PostingError
from tests.posting_helpers import post_invoice, post_payment



def gl(transaction_no: int) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for entry in GLEntry.objects.filter(transaction_no=transaction_no).select_related("gl_account"):
        totals[entry.gl_account.no] = totals.get(entry.gl_account.no, Decimal(0)) + entry.amount
    return {k: v for k, v in totals.items() if v}


def details(entry: CustLedgerEntry) -> list[tuple[str, Decimal]]:
    return [(d.entry_type, d.amount) for d in entry.detailed_entries.order_by("entry_no")]


@pytest.fixture
def inv(fjord):
    return post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))


class InvoiceFieldsTests:
    def test_it_sets_due_discount_and_tolerance_fields(self, inv, ledger_ok):  # scenario 1
        inv.refresh_from_db()
        assert inv.due_date == date(2026, 1, 31)
        assert inv.pmt_discount_date == date(2026, 1, 9)
        assert inv.pmt_disc_tolerance_date == date(2026, 1, 14)
        assert inv.original_pmt_disc_possible == Decimal("20.00")
        assert inv.remaining_pmt_disc_possible == Decimal("20.00")
        assert inv.max_payment_tolerance == Decimal("5.00")
        assert inv.open and inv.remaining_amount == Decimal("1000.00")
        assert details(inv) == [(T.INITIAL_ENTRY, Decimal("1000.00"))]
        ledger_ok()


class CashReceiptTests:
    def test_it_grants_payment_discount_in_time(self, fjord, inv, ledger_ok):  # scenario 2
        result = post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 6), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        assert not inv.open and inv.closed_at_date == date(2026, 1, 6)
        assert inv.pmt_disc_given_lcy == Decimal("20.00")
        assert inv.closed_by_entry_id == payment.pk
        assert not payment.open and payment.amount == Decimal("-980.00")
        assert details(payment) == [
            (T.INITIAL_ENTRY, Decimal("-980.00")), (T.PAYMENT_DISCOUNT, Decimal("-20.00")), (T.APPLICATION, Decimal("1000.00"))
        ]
        assert details(inv) == [(T.INITIAL_ENTRY, Decimal("1000.00")), (T.APPLICATION, Decimal("-1000.00"))]
        assert gl(result.transaction_nos[0]) == {"1920": Decimal("980.00"), "7140": Decimal("20.00"), "1500": Decimal("-1000.00")}
        bank = BankAccountLedgerEntry.objects.get()
        assert bank.amount == Decimal("980.00") and bank.open
        ledger_ok()

    def test_it_gives_no_discount_after_the_tolerance_date(self, fjord, inv, ledger_ok):  # scenario 3
        result = post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 20), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        assert inv.open and inv.remaining_amount == Decimal("20.00")
        assert not CustLedgerEntry.objects.get(document_no="PAY-1").open
        assert "7140" not in gl(result.transaction_nos[0])
        ledger_ok()

    def test_it_grants_late_discount_inside_the_grace_period(self, fjord, inv, ledger_ok):  # scenario 4
        result = post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 12), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        assert (T.PAYMENT_DISCOUNT_TOLERANCE, Decimal("-20.00")) in details(payment)
        assert not inv.open and inv.accepted_pmt_disc_tolerance
        assert gl(result.transaction_nos[0]) == {"1920": Decimal("980.00"), "7145": Decimal("20.00"), "1500": Decimal("-1000.00")}
        ledger_ok()

    def test_it_leaves_late_discount_when_the_user_declines(self, fjord, inv, ledger_ok):  # scenario 5
        CompanySetup.objects.update(pmt_disc_tolerance_warning=True)
        post_payment(
            fjord, "PAY-1", "-980.00", date(2026, 1, 12), applies_to_doc_no="INV-1001", accept_late_discount=False
        )
        inv.refresh_from_db()
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        assert inv.remaining_amount == Decimal("20.00") and not payment.open
        assert not DetailedCustLedgEntry.objects.filter(
            entry_type__in=[T.PAYMENT_TOLERANCE, T.PAYMENT_DISCOUNT_TOLERANCE]
        ).exists()
        ledger_ok()

    def test_it_takes_underpayment_tolerance(self, fjord, inv, ledger_ok):  # scenario 6
        result = post_payment(fjord, "PAY-1", "-997.00", date(2026, 1, 25), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        assert (T.PAYMENT_TOLERANCE, Decimal("-3.00")) in details(payment)
        assert not inv.open and inv.pmt_tolerance_lcy == Decimal("3.00")
        assert gl(result.transaction_nos[0]) == {"1920": Decimal("997.00"), "7145": Decimal("3.00"), "1500": Decimal("-1000.00")}
        ledger_ok()

    def test_it_takes_overpayment_tolerance(self, fjord, inv, ledger_ok):  # scenario 7
        result = post_payment(fjord, "PAY-1", "-1004.00", date(2026, 1, 25), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        assert (T.PAYMENT_TOLERANCE, Decimal("4.00")) in details(payment)
        assert not inv.open and not payment.open
        assert gl(result.transaction_nos[0]) == {"1920": Decimal("1004.00"), "1500": Decimal("-1000.00"), "3045": Decimal("-4.00")}
        ledger_ok()

    def test_it_leaves_a_difference_above_tolerance_open(self, fjord, inv, ledger_ok):  # scenario 8
        post_payment(fjord, "PAY-1", "-994.00", date(2026, 1, 25), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        assert inv.open and inv.remaining_amount == Decimal("6.00")
        assert not CustLedgerEntry.objects.get(document_no="PAY-1").open
        ledger_ok()

    def test_partial_payment_gets_no_discount_until_settled(self, fjord, inv, ledger_ok):  # scenario 9
        post_payment(fjord, "PAY-1", "-400.00", date(2026, 1, 5), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        assert inv.remaining_amount == Decimal("600.00") and inv.remaining_pmt_disc_possible == Decimal("20.00")
        post_payment(fjord, "PAY-2", "-580.00", date(2026, 1, 8), applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        assert not inv.open
        assert (T.PAYMENT_DISCOUNT, Decimal("-20.00")) in details(CustLedgerEntry.objects.get(document_no="PAY-2"))
        ledger_ok()

    @pytest.mark.parametrize(
        ("on", "paid", "invoice_left", "payment_left"),
        [
            (date(2026, 1, 9), "-985.00", "0", "0"),
            (date(2026, 1, 9), "-975.00", "0", "0"),
            (date(2026, 1, 12), "-1005.00", "0", "-25.00"),
            (date(2026, 1, 22), "-995.00", "0", "0"),
            (date(2026, 1, 22), "-1005.00", "0", "0"),
            (date(2026, 1, 22), "-985.00", "15.00", "0"),
            (date(2026, 1, 22), "-975.00", "25.00", "0"),
        ],
    )
    def test_the_discount_tolerance_table(self, fjord, inv, ledger_ok, on, paid, invoice_left, payment_left):
        post_payment(fjord, "PAY-1", paid, on, applies_to_doc_no="INV-1001")
        inv.refresh_from_db()
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        assert inv.remaining_amount == Decimal(invoice_left)
        assert payment.remaining_amount == Decimal(payment_left)
        ledger_ok()


@pytest.fixture
def two_invoices(fjord):
    fjord.payment_terms = PaymentTerms.objects.get(code="30D")
    fjord.save()
    a = post_invoice(fjord, "A", "1000.00", date(2026, 1, 1))
    b = post_invoice(fjord, "B", "500.00", date(2026, 1, 2))
    return a, b


class AppliesToIdTests:
    def test_it_applies_amounts_to_apply(self, fjord, two_invoices, ledger_ok):  # scenario 10
        a, b = two_invoices
        CustLedgerEntry.objects.filter(pk=a.pk).update(applies_to_id="PAY-1", amount_to_apply=Decimal("1000.00"))
        CustLedgerEntry.objects.filter(pk=b.pk).update(applies_to_id="PAY-1", amount_to_apply=Decimal("200.00"))
        post_payment(fjord, "PAY-1", "-1200.00", date(2026, 1, 10), applies_to_id="PAY-1")
        a.refresh_from_db()
        b.refresh_from_db()
        assert not a.open and b.remaining_amount == Decimal("300.00")
        assert not CustLedgerEntry.objects.get(document_no="PAY-1").open
        assert b.applies_to_id == "" and b.amount_to_apply == 0
        ledger_ok()

    def test_overpayment_stays_open(self, fjord, two_invoices, ledger_ok):  # scenario 11
        a, b = two_invoices
        CustLedgerEntry.objects.filter(pk__in=[a.pk, b.pk]).update(applies_to_id="PAY-1")
        post_payment(fjord, "PAY-1", "-1600.00", date(2026, 1, 10), applies_to_id="PAY-1")
        assert not CustLedgerEntry.objects.filter(pk__in=[a.pk, b.pk], open=True).exists()
        assert CustLedgerEntry.objects.get(document_no="PAY-1").remaining_amount == Decimal("-100.00")
        ledger_ok()

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ("1200.00", "Amount to Apply must not be larger than Remaining Amount."),
            ("-50.00", "Amount to Apply must have the same sign as Remaining Amount."),
        ],
    )
    def test_it_refuses_a_wrong_amount_to_apply(self, fjord, two_invoices, amount, message):  # scenario 12
        a, _b = two_invoices
        CustLedgerEntry.objects.filter(pk=a.pk).update(applies_to_id="PAY-1", amount_to_apply=Decimal(amount))
        with pytest.raises(PostingError) as error:
            post_payment(fjord, "PAY-1", "-1000.00", date(2026, 1, 10), applies_to_id="PAY-1")
        assert error.value.message == message
        assert not CustLedgerEntry.objects.filter(document_no="PAY-1").exists()


class ApplyToOldestTests:
    def test_it_applies_to_the_oldest_due_first_without_tolerance(self, fjord, ledger_ok):  # scenario 13
        fjord.application_method = ApplicationMethod.APPLY_TO_OLDEST
        fjord.payment_terms = None
        fjord.save()
        first = post_invoice(fjord, "I1", "300.00", date(2026, 1, 1), due_date=date(2026, 1, 31), terms=False)
        second = post_invoice(fjord, "I2", "500.00", date(2026, 1, 15), due_date=date(2026, 2, 15), terms=False)
        post_payment(fjord, "PAY-1", "-600.00", date(2026, 2, 20))
        first.refresh_from_db()
        second.refresh_from_db()
        assert not first.open and second.remaining_amount == Decimal("200.00")
        assert not DetailedCustLedgEntry.objects.filter(entry_type=T.PAYMENT_TOLERANCE).exists()
        ledger_ok()
