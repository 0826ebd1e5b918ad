"""Acceptance scenarios C (spec 12): apply posted entries, unapply, reverse."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from receivables.models import (
    BankAccountLedgerEntry,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    GLEntry,
    PaymentTerms,
)
from receivables.models import (
    DetailedEntryType as T,
)
from receivables.posting import PostingError
from receivables.posting.apply_posted import (
    clear_applies_to_id,
    post_application,
    set_applies_to_id,
)
from receivables.posting.corrections import reverse_transaction, unapply
from tests.posting_helpers import post_invoice, post_payment



def gl(transaction_no: int) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for entry in GLEntry.objects.filter(transaction_no=transaction_no).select_related("gl_account"):
        totals[entry.gl_account.no] = totals.get(entry.gl_account.no, Decimal(0)) + entry.amount
    return {k: v for k, v in totals.items() if v}


@pytest.fixture
def inv(fjord):
    return post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))


class ApplyPostedEntriesTests:
    def test_it_applies_a_posted_payment_with_discount(self, fjord, inv, ledger_ok):  # scenario 14
        payment = post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 6)).cust_entries[0]
        set_applies_to_id(applying_entry_no=payment.pk, entry_nos=[inv.pk], applies_to_id="anna")
        bank_before = BankAccountLedgerEntry.objects.count()
        result = post_application(applying_entry_no=payment.pk, applies_to_id="anna", posting_date=date(2026, 1, 6))
        inv.refresh_from_db()
        payment.refresh_from_db()
        assert not inv.open and not payment.open
        assert [(d.entry_type, d.amount) for d in payment.detailed_entries.order_by("entry_no")] == [
            (T.INITIAL_ENTRY, Decimal("-980.00")), (T.PAYMENT_DISCOUNT, Decimal("-20.00")), (T.APPLICATION, Decimal("1000.00"))
        ]
        assert gl(result.transaction_nos[0]) == {"7140": Decimal("20.00"), "1500": Decimal("-20.00")}
        assert BankAccountLedgerEntry.objects.count() == bank_before
        assert payment.applies_to_id == "" and inv.applies_to_id == ""
        ledger_ok()

    def test_it_refuses_a_date_before_the_entries(self, fjord, inv):  # scenario 14
        payment = post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 6)).cust_entries[0]
        set_applies_to_id(applying_entry_no=payment.pk, entry_nos=[inv.pk], applies_to_id="anna")
        with pytest.raises(PostingError) as error:
            post_application(applying_entry_no=payment.pk, applies_to_id="anna", posting_date=date(2025, 12, 31))
        assert error.value.message == "The Posting Date entered must not be before the Posting Date on the Cust. Ledger Entry."
        inv.refresh_from_db()
        assert inv.open and inv.remaining_amount == Decimal("1000.00")

    def test_it_refuses_nothing_selected_and_closed_entries(self, fjord, inv):
        payment = post_payment(fjord, "PAY-1", "-1000.00", date(2026, 1, 20)).cust_entries[0]
        with pytest.raises(PostingError) as error:
            post_application(applying_entry_no=payment.pk, applies_to_id="anna")
        assert error.value.message.startswith("Cannot post because you did not specify which entry to apply.")
        set_applies_to_id(applying_entry_no=payment.pk, entry_nos=[inv.pk], applies_to_id="anna")
        post_application(applying_entry_no=payment.pk, applies_to_id="anna")
        with pytest.raises(PostingError) as error:
            set_applies_to_id(applying_entry_no=payment.pk, entry_nos=[inv.pk], applies_to_id="anna")
        assert error.value.message == "One or more of the entries that you selected is closed. You cannot apply closed entries."

    def test_clearing_marks_removes_applies_to_id(self, fjord, inv):
        payment = post_payment(fjord, "PAY-1", "-500.00", date(2026, 1, 20)).cust_entries[0]
        set_applies_to_id(applying_entry_no=payment.pk, entry_nos=[inv.pk], applies_to_id="anna",
                          amounts={inv.pk: Decimal("300.00")})
        assert CustLedgerEntry.objects.get(pk=inv.pk).amount_to_apply == Decimal("300.00")
        assert clear_applies_to_id(applies_to_id="anna") == 2
        assert not CustLedgerEntry.objects.exclude(applies_to_id="").exists()


class UnapplyTests:
    def test_it_unapplies_a_discounted_application(self, fjord, inv, ledger_ok):  # scenario 15
        post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 6), applies_to_doc_no="INV-1001")
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        result = unapply(entry_no=payment.pk, posting_date=date(2026, 1, 6))
        inv.refresh_from_db()
        payment.refresh_from_db()
        assert inv.open and inv.remaining_amount == Decimal("1000.00") and inv.remaining_pmt_disc_possible == Decimal("20.00")
        assert inv.closed_by_entry_id is None and inv.pmt_disc_given_lcy == 0
        assert payment.open and payment.remaining_amount == Decimal("-980.00")
        mirrors = DetailedCustLedgEntry.objects.filter(transaction_no=result.transaction_nos[0])
        assert sorted((d.entry_type, d.amount) for d in mirrors) == sorted(
            [(T.APPLICATION, Decimal("1000.00")), (T.APPLICATION, Decimal("-1000.00")), (T.PAYMENT_DISCOUNT, Decimal("20.00"))]
        )
        assert all(d.unapplied for d in DetailedCustLedgEntry.objects.exclude(entry_type=T.INITIAL_ENTRY))
        assert gl(result.transaction_nos[0]) == {"7140": Decimal("-20.00"), "1500": Decimal("20.00")}
        assert BankAccountLedgerEntry.objects.get().open
        ledger_ok()

    def test_it_unapplies_last_in_first_out(self, fjord, inv, ledger_ok):  # scenario 16
        post_payment(fjord, "P1", "-300.00", date(2026, 1, 20), applies_to_doc_no="INV-1001")
        post_payment(fjord, "P2", "-200.00", date(2026, 1, 21), applies_to_doc_no="INV-1001")
        p1 = CustLedgerEntry.objects.get(document_no="P1")
        p2 = CustLedgerEntry.objects.get(document_no="P2")
        with pytest.raises(PostingError) as error:
            unapply(entry_no=p1.pk)
        assert error.value.message.startswith(
            "Before you can unapply this entry, you must first unapply all application entries in"
        )
        with pytest.raises(PostingError) as error:
            unapply(
                detail_entry_no=DetailedCustLedgEntry.objects.get(
                    cust_ledger_entry=inv, entry_type=T.APPLICATION, document_no="P1"
                ).pk
            )
        assert error.value.message == (
            "Before you can unapply this entry, you must first unapply all application entries that were posted "
            "after this entry."
        )
        unapply(entry_no=p2.pk)
        unapply(entry_no=p1.pk)
        inv.refresh_from_db()
        assert inv.remaining_amount == Decimal("1000.00")
        ledger_ok()

    def test_it_says_when_there_is_no_application(self, fjord, inv):
        with pytest.raises(PostingError) as error:
            unapply(entry_no=inv.pk)
        assert error.value.message == f"Cust. Ledger Entry No. {inv.pk} does not have an application entry."


class ReverseTests:
    def test_it_reverses_after_unapplying(self, fjord, inv, ledger_ok):  # scenario 17
        fjord.payment_terms = PaymentTerms.objects.get(code="30D")
        result = post_payment(fjord, "PAY-1", "-1000.00", date(2026, 1, 25), applies_to_doc_no="INV-1001")
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        with pytest.raises(PostingError) as error:
            reverse_transaction(transaction_no=result.transaction_nos[0])
        assert error.value.message == (
            f"You cannot reverse Cust. Ledger Entry No. {payment.pk} because the entry is either applied to an "
            "entry or has been changed by a batch job."
        )
        unapply(entry_no=payment.pk)
        reversal = reverse_transaction(transaction_no=result.transaction_nos[0])
        payment.refresh_from_db()
        inv.refresh_from_db()
        mirror = CustLedgerEntry.objects.get(transaction_no=reversal.transaction_nos[0])
        assert mirror.amount == Decimal("1000.00") and mirror.document_no == "PAY-1"
        assert mirror.posting_date == date(2026, 1, 25)
        assert payment.reversed and mirror.reversed and not payment.open and not mirror.open
        assert payment.reversed_by_entry_id == mirror.pk and mirror.reversed_entry_id == payment.pk
        bank = BankAccountLedgerEntry.objects.get(transaction_no=reversal.transaction_nos[0])
        assert bank.amount == Decimal("-1000.00") and bank.open
        assert gl(reversal.transaction_nos[0]) == {"1500": Decimal("1000.00"), "1920": Decimal("-1000.00")}
        assert inv.open and inv.remaining_amount == Decimal("1000.00")
        with pytest.raises(PostingError):
            reverse_transaction(transaction_no=result.transaction_nos[0])
        ledger_ok()

    def test_it_refuses_to_reverse_a_sales_document(self, fjord, company):  # scenario 18
        from receivables.posting import post
        from tests.posting_helpers import invoice_line

        result = post([invoice_line(fjord, "INV-9", "100.00", date(2026, 1, 1))], source_code="SALES")
        with pytest.raises(PostingError) as error:
            reverse_transaction(transaction_no=result.transaction_nos[0])
        assert error.value.message == "You can only reverse entries that were posted from a journal."
