"""Engine rules beyond the spec's scenarios: validation, atomicity, vendors, currencies, balance."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from receivables.models import (
    AccountType,
    BankAccountLedgerEntry,
    Blocked,
    CompanySetup,
    Currency,
    CurrencyExchangeRate,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    DocumentType,
    GenJournalLine,
    GLEntry,
    GLRegister,
    VendorLedgerEntry,
)
from receivables.models import (
    DetailedEntryType as T,
)
from receivables.posting import PostingError, post, validate_lines
from tests.factories import VendorFactory
from tests.posting_helpers import invoice_line, payment_line, post_invoice



def table_counts() -> tuple[int, ...]:
    return (
        GLEntry.objects.count(), CustLedgerEntry.objects.count(), DetailedCustLedgEntry.objects.count(),
        BankAccountLedgerEntry.objects.count(), GLRegister.objects.count(),
        CompanySetup.objects.get().last_transaction_no,
    )


class AtomicityTests:
    def test_a_failing_line_writes_nothing(self, fjord, ledger_ok):
        post_invoice(fjord, "INV-1", "1000.00", date(2026, 1, 1))
        before = table_counts()
        good = payment_line(fjord, "PAY-1", "-500.00", date(2026, 1, 5), applies_to_doc_no="INV-1")
        bad = payment_line(fjord, "PAY-2", "-100.00", date(2026, 1, 5), applies_to_doc_no="NOPE")
        with pytest.raises(PostingError) as error:
            post([good, bad])
        assert error.value.line_no == 2 and error.value.field == "applies_to_doc_no"
        assert table_counts() == before
        assert CustLedgerEntry.objects.get(document_no="INV-1").remaining_amount == Decimal("1000.00")
        ledger_ok()

    def test_preview_returns_entries_and_writes_nothing(self, fjord):
        post_invoice(fjord, "INV-1", "1000.00", date(2026, 1, 1))
        before = table_counts()
        result = post([payment_line(fjord, "PAY-1", "-980.00", date(2026, 1, 6), applies_to_doc_no="INV-1")],
                      preview=True)
        assert sorted(e.amount for e in result.gl_entries) == [Decimal("-980.00"), Decimal("-20.00"), Decimal("20.00"), Decimal("980.00")]
        assert len(result.cust_entries) == 1 and len(result.bank_entries) == 1
        assert table_counts() == before

    def test_saved_journal_lines_are_deleted_after_posting(self, fjord, company):
        from receivables.models import GenJournalBatch

        batch = GenJournalBatch.objects.get(template__name="CASHRCPT")
        line = payment_line(fjord, "PAY-1", "-100.00", date(2026, 1, 6), batch=batch, line_no=10000)
        line.save()
        post(GenJournalLine.objects.filter(batch=batch).select_related("batch__template"))
        assert not GenJournalLine.objects.exists()
        entry = CustLedgerEntry.objects.get()
        assert entry.journal_batch_name == "DEFAULT" and entry.journal_template_name == "CASHRCPT"


class ValidationTests:
    def test_it_reports_every_problem_at_once(self, fjord):
        lines = [
            GenJournalLine(posting_date=date(2026, 1, 1), document_no="", account_type=AccountType.CUSTOMER,
                           account_no="NOBODY", amount=Decimal("10")),
            GenJournalLine(posting_date=date(2026, 1, 1), document_no="X", account_type=AccountType.GL_ACCOUNT,
                           account_no="1500", amount=Decimal("0"), bal_account_type=AccountType.GL_ACCOUNT,
                           bal_account_no="3000"),
        ]
        problems = validate_lines(lines)
        assert [(p.line_no, p.field) for p in problems] == [
            (1, "document_no"), (1, "account_no"), (2, "amount"), (2, "account_no"),
        ]
        assert str(problems[3]) == (
            "line 2, field account_no: Direct Posting must be Yes in G/L Account 1500: it is a control account, "
            "post to its customer, vendor or bank account instead."
        )

    def test_it_refuses_an_unbalanced_document(self, fjord):
        line = invoice_line(fjord, "INV-1", "100.00", date(2026, 1, 1))
        line.bal_account_no = ""
        with pytest.raises(PostingError) as error:
            post([line])
        assert "out of balance by 100.00" in error.value.message

    def test_it_balances_a_multi_line_document(self, fjord, ledger_ok):
        lines = [
            invoice_line(fjord, "INV-1", "125.00", date(2026, 1, 1)),
            GenJournalLine(posting_date=date(2026, 1, 1), document_no="INV-1", document_type=DocumentType.INVOICE,
                           account_type=AccountType.GL_ACCOUNT, account_no="3000", amount=Decimal("-100.00")),
            GenJournalLine(posting_date=date(2026, 1, 1), document_no="INV-1", document_type=DocumentType.INVOICE,
                           account_type=AccountType.GL_ACCOUNT, account_no="2700", amount=Decimal("-25.00")),
        ]
        lines[0].bal_account_no = ""
        result = post(lines)
        assert len(result.transaction_nos) == 1
        ledger_ok()

    def test_it_refuses_a_blocked_customer(self, fjord):
        fjord.blocked = Blocked.ALL
        fjord.save()
        with pytest.raises(PostingError) as error:
            post([payment_line(fjord, "PAY-1", "-1.00", date(2026, 1, 1))])
        assert error.value.message == "You cannot post this type of document when Customer C10000 is blocked with type All"

    def test_it_refuses_dates_outside_the_posting_window(self, fjord):
        CompanySetup.objects.update(allow_posting_from=date(2026, 2, 1))
        with pytest.raises(PostingError) as error:
            post([payment_line(fjord, "PAY-1", "-1.00", date(2026, 1, 1))])
        assert error.value.message == "Posting date is not within the range of allowed posting dates."

    def test_it_refuses_both_applies_to_fields(self, fjord):
        with pytest.raises(PostingError) as error:
            post([payment_line(fjord, "PAY-1", "-1.00", date(2026, 1, 1), applies_to_doc_no="A", applies_to_id="B")])
        assert error.value.field == "applies_to_id"


class VendorTests:
    def test_vendor_payment_with_discount_mirrors_customers(self, company, ledger_ok):
        vendor = VendorFactory()
        post([
            GenJournalLine(posting_date=date(2026, 1, 1), document_type=DocumentType.INVOICE, document_no="VI-1",
                           account_type=AccountType.VENDOR, account_no=vendor.no, amount=Decimal("-1000.00"),
                           pmt_discount_date=date(2026, 1, 10), pmt_discount_amount=Decimal("-20.00"),
                           bal_account_type=AccountType.GL_ACCOUNT, bal_account_no="4000")
        ])
        result = post([
            GenJournalLine(posting_date=date(2026, 1, 8), document_type=DocumentType.PAYMENT, document_no="VP-1",
                           account_type=AccountType.VENDOR, account_no=vendor.no, amount=Decimal("980.00"),
                           applies_to_doc_no="VI-1", bal_account_type=AccountType.BANK_ACCOUNT,
                           bal_account_no="NBANK")
        ])
        invoice = VendorLedgerEntry.objects.get(document_no="VI-1")
        assert not invoice.open and invoice.pmt_disc_given_lcy == Decimal("-20.00")
        totals = {}
        for entry in GLEntry.objects.filter(transaction_no=result.transaction_nos[0]).select_related("gl_account"):
            totals[entry.gl_account.no] = totals.get(entry.gl_account.no, Decimal(0)) + entry.amount
        assert totals == {"2400": Decimal("1000.00"), "1920": Decimal("-980.00"), "7140": Decimal("-20.00")}
        ledger_ok()


class CurrencyTests:
    def test_realized_gain_between_two_rates(self, fjord, ledger_ok):
        eur = Currency.objects.create(code="EUR")
        CurrencyExchangeRate.objects.create(currency=eur, starting_date=date(2026, 1, 1),
                                            relational_exch_rate_amount=Decimal("11.00"))
        CurrencyExchangeRate.objects.create(currency=eur, starting_date=date(2026, 2, 1),
                                            relational_exch_rate_amount=Decimal("11.50"))
        fjord.payment_terms = None
        fjord.save()
        post_invoice(fjord, "INV-E", "1000.00", date(2026, 1, 15), currency_code="EUR", terms=False)
        line = payment_line(fjord, "PAY-E", "-1000.00", date(2026, 2, 10), currency_code="EUR",
                            applies_to_doc_no="INV-E")
        line.bal_account_type = AccountType.GL_ACCOUNT
        line.bal_account_no = "7770"
        post([line])
        invoice = CustLedgerEntry.objects.get(document_no="INV-E")
        assert invoice.amount_lcy == Decimal("11000.00") and not invoice.open and invoice.remaining_amount_lcy == 0
        gain = DetailedCustLedgEntry.objects.get(entry_type=T.REALIZED_GAIN)
        assert gain.amount == 0 and gain.amount_lcy == Decimal("500.00")
        assert GLEntry.objects.filter(gl_account__no="8060").get().amount == Decimal("-500.00")
        ledger_ok()

    def test_it_refuses_to_apply_across_currencies(self, fjord):
        eur = Currency.objects.create(code="EUR")
        CurrencyExchangeRate.objects.create(currency=eur, starting_date=date(2026, 1, 1),
                                            relational_exch_rate_amount=Decimal("11.00"))
        post_invoice(fjord, "INV-N", "100.00", date(2026, 1, 15))
        line = payment_line(fjord, "PAY-E", "-10.00", date(2026, 1, 20), currency_code="EUR",
                            applies_to_doc_no="INV-N")
        line.bal_account_type = AccountType.GL_ACCOUNT
        line.bal_account_no = "7770"
        with pytest.raises(PostingError) as error:
            post([line])
        assert error.value.message == "You cannot apply entry INV-N in currency NOK to a payment in EUR."


class SameRunTests:
    def test_two_lines_never_take_the_same_remaining_amount(self, fjord, ledger_ok):
        fjord.payment_terms = None
        fjord.save()
        post_invoice(fjord, "INV-1", "1000.00", date(2026, 1, 1), terms=False)
        post([
            payment_line(fjord, "P1", "-700.00", date(2026, 1, 5), applies_to_doc_no="INV-1"),
            payment_line(fjord, "P2", "-700.00", date(2026, 1, 5), applies_to_doc_no="INV-1"),
        ])
        assert CustLedgerEntry.objects.get(document_no="INV-1").remaining_amount == 0
        assert CustLedgerEntry.objects.get(document_no="P2").remaining_amount == Decimal("-400.00")
        ledger_ok()
