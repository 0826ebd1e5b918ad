"""Spec scenarios E (23, 24, 27, 28, 29): applying statement lines and posting the journal."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchConfidence,
    TextToAccountMapping,
)
from banking.payment_journal.applying import (
    ApplicationError,
    accept_applications,
    apply_manually,
    map_text_to_account,
    remove_applications,
    transfer_difference,
)
from banking.payment_journal.posting import post_payment_journal
from receivables.models import (
    BankAccount,
    BankAccountLedgerEntry,
    CustLedgerEntry,
    GLEntry,
)
from receivables.models import DetailedEntryType as T
from receivables.posting import PostingError
from tests.posting_helpers import post_invoice

D = Decimal


@pytest.fixture
def inv(fjord):
    return post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))


@pytest.fixture
def journal(company):
    bank = BankAccount.objects.get(no="NBANK")
    return BankAccReconciliation.objects.create(bank_account=bank, statement_type="payment_application",
                                                statement_no="1", statement_date=date(2026, 1, 31))


def add_line(journal, amount: str, on: date, text: str, line_no: int = 10000) -> BankAccReconciliationLine:
    return BankAccReconciliationLine.objects.create(
        reconciliation=journal, bank_account=journal.bank_account, line_no=line_no, transaction_date=on,
        transaction_text=text, statement_amount=D(amount))


def gl(transaction_no: int) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for entry in GLEntry.objects.filter(transaction_no=transaction_no).select_related("gl_account"):
        totals[entry.gl_account.no] = totals.get(entry.gl_account.no, D(0)) + entry.amount
    return {k: v for k, v in totals.items() if v}


class PostPaymentsTests:
    def test_two_lines_each_paying_part_of_one_invoice_both_apply(self, inv, journal, ledger_ok):
        first = add_line(journal, "600.00", date(2026, 1, 20), "Faktura INV-1001 del 1", line_no=10000)
        second = add_line(journal, "400.00", date(2026, 1, 21), "Faktura INV-1001 del 2", line_no=20000)
        apply_manually(line=first, account_type="customer", entries=[(inv.pk, D("600.00"))])
        apply_manually(line=second, account_type="customer", entries=[(inv.pk, D("400.00"))])
        post_payment_journal(journal=journal, reconcile=True)
        inv.refresh_from_db()
        assert not inv.open and inv.remaining_amount == 0
        payments = CustLedgerEntry.objects.filter(document_type="payment").order_by("entry_no")
        assert [(p.amount, p.remaining_amount, p.open) for p in payments] == [
            (D("-600.00"), D("0"), False), (D("-400.00"), D("0"), False)]
        assert inv.applies_to_id == "" and inv.amount_to_apply == 0
        assert BankAccountLedgerEntry.objects.filter(open=False).count() == 2

    def test_post_payments_and_reconcile(self, inv, journal, ledger_ok):  # scenario 23
        line = add_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        apply_manually(line=line, account_type="customer", entries=[(inv.pk, None)])
        application = line.applications.get()
        assert (application.applied_amount, application.applied_pmt_discount) == (D("980.00"), D("20.00"))
        line.refresh_from_db()
        assert line.applied_amount == D("980.00") and line.difference == 0
        result = post_payment_journal(journal=journal, reconcile=True)
        inv.refresh_from_db()
        assert not inv.open and inv.pmt_disc_given_lcy == D("20.00")
        payment = CustLedgerEntry.objects.get(document_type="payment")
        assert payment.document_no == "1" and payment.amount == D("-980.00") and not payment.open
        assert (T.PAYMENT_DISCOUNT, D("-20.00")) in [(d.entry_type, d.amount) for d in payment.detailed_entries.all()]
        assert gl(result.transaction_nos[0]) == {"1920": D("980.00"), "7140": D("20.00"), "1500": D("-1000.00")}
        bank_entry = BankAccountLedgerEntry.objects.get()
        assert bank_entry.amount == D("980.00") and not bank_entry.open and bank_entry.statement_status == "closed"
        assert bank_entry.statement_no == "1" and bank_entry.statement_line_no == 10000
        bank = BankAccount.objects.get(no="NBANK")
        assert bank.balance_last_statement == D("980.00") and bank.last_statement_no == "1"
        journal.refresh_from_db()
        assert journal.status == "posted"
        ledger_ok()

    def test_post_payments_only_leaves_the_bank_entry_open(self, inv, journal, ledger_ok):  # scenario 24
        line = add_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001")
        apply_manually(line=line, account_type="customer", entries=[(inv.pk, None)])
        post_payment_journal(journal=journal, reconcile=False)
        assert not CustLedgerEntry.objects.get(pk=inv.pk).open
        assert BankAccountLedgerEntry.objects.get().open
        ledger_ok()

    def test_a_text_mapping_posts_to_the_account(self, company, journal, ledger_ok):  # scenario 27
        line = add_line(journal, "-25.00", date(2026, 1, 25), "NETTBANK GEBYR")
        map_text_to_account(line=line, mapping_text="GEBYR", account_type="gl_account", account_no="7770")
        assert TextToAccountMapping.objects.get().debit_acc_no == "7770"
        line.refresh_from_db()
        assert line.match_confidence == MatchConfidence.HIGH_TEXT_MAPPING
        result = post_payment_journal(journal=journal, reconcile=True)
        assert gl(result.transaction_nos[0]) == {"7770": D("25.00"), "1920": D("-25.00")}
        assert not CustLedgerEntry.objects.exists()
        ledger_ok()

    def test_a_difference_is_refused_then_transferred(self, inv, journal, fjord, ledger_ok):  # scenario 28
        fjord.payment_terms = None
        line = add_line(journal, "1500.00", date(2026, 1, 25), "Innbetaling")
        apply_manually(line=line, account_type="customer", entries=[(inv.pk, None)])
        line.refresh_from_db()
        assert line.applied_amount == D("1000.00") and line.difference == D("500.00")
        with pytest.raises(PostingError) as error:
            post_payment_journal(journal=journal)
        assert error.value.message == (
            "One or more payments are not fully applied. The sum of applied amounts is 1,000.00. It must be 1,500.00."
        )
        child = transfer_difference(line=line, account_type="customer", account_no="C10000")
        assert child.statement_amount == D("500.00") and child.parent_line_no == 10000
        post_payment_journal(journal=journal, reconcile=True)
        assert not CustLedgerEntry.objects.get(pk=inv.pk).open
        credit = CustLedgerEntry.objects.get(document_type="payment", amount=D("-500.00"))
        assert credit.open and credit.remaining_amount == D("-500.00")
        ledger_ok()

    def test_an_unapplied_line_cannot_be_posted(self, journal):  # scenario 29
        add_line(journal, "10.00", date(2026, 1, 25), "Ukjent")
        with pytest.raises(PostingError) as error:
            post_payment_journal(journal=journal)
        assert error.value.message == (
            "The line with transaction date 2026-01-25 and transaction text 'Ukjent' is not applied. "
            "You must apply all lines."
        )
        assert not GLEntry.objects.exists()

    def test_only_accepted_lines_can_be_posted_first(self, inv, journal, company, ledger_ok):
        paid = add_line(journal, "980.00", date(2026, 1, 6), "INV-1001")
        doubtful = add_line(journal, "5.00", date(2026, 1, 6), "?", line_no=20000)
        apply_manually(line=paid, account_type="customer", entries=[(inv.pk, None)])
        assert accept_applications(lines=[paid, doubtful]) == 1
        post_payment_journal(journal=journal, reconcile=True, accepted_only=True)
        doubtful.refresh_from_db()
        paid.refresh_from_db()
        assert paid.posted and not doubtful.posted
        journal.refresh_from_db()
        assert journal.status == "open"
        ledger_ok()


class ManualApplicationRulesTests:
    def test_opposite_sign_is_refused(self, inv, journal):
        line = add_line(journal, "-100.00", date(2026, 1, 6), "refund?")
        with pytest.raises(ApplicationError, match="has the wrong sign"):
            apply_manually(line=line, account_type="customer", entries=[(inv.pk, None)])

    def test_remove_applications_resets_the_line(self, inv, journal):
        line = add_line(journal, "980.00", date(2026, 1, 6), "INV-1001")
        apply_manually(line=line, account_type="customer", entries=[(inv.pk, None)])
        remove_applications(lines=[line])
        line.refresh_from_db()
        assert not line.applications.exists() and line.match_confidence == "none" and line.applied_amount == 0
