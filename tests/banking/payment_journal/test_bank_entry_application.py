"""Spec 6.4/6.6: a payment posted before (a cash receipt) that the statement shows is applied to the bank's own
open entry, not posted a second time; reconciling closes that entry against the statement."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from banking.models import BankAccReconciliation, BankAccReconciliationLine
from banking.payment_journal.applying import accept_applications, apply_manually
from banking.payment_journal.auto_apply import apply_automatically
from banking.payment_journal.posting import post_payment_journal
from banking.payment_journal.posting import test_report as find_problems
from receivables.models import BankAccount, BankAccountLedgerEntry, GLEntry
from receivables.posting import PostingError
from tests.posting_helpers import post_invoice, post_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(fjord):
    """INV-1001 (1,000.00) paid by a cash receipt PAY-77 on 01-05; an open invoice INV-1002 (500.00); a statement
    showing both payments."""
    post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
    other = post_invoice(fjord, "INV-1002", "500.00", date(2026, 1, 2))
    post_payment(fjord, "PAY-77", "-1000.00", date(2026, 1, 5), applies_to_doc_no="INV-1001",
                 applies_to_doc_type="invoice")
    bank = BankAccount.objects.get(no="NBANK")
    entry = BankAccountLedgerEntry.objects.get(document_no="PAY-77")
    journal = BankAccReconciliation.objects.create(bank_account=bank, statement_type="payment_application",
                                                   statement_no="12", statement_date=date(2026, 1, 31))
    deposit = BankAccReconciliationLine.objects.create(
        reconciliation=journal, bank_account=bank, line_no=10000, transaction_date=date(2026, 1, 6),
        transaction_text="Innskudd PAY-77", statement_amount=Decimal("1000.00"))
    payment = BankAccReconciliationLine.objects.create(
        reconciliation=journal, bank_account=bank, line_no=20000, transaction_date=date(2026, 1, 7),
        transaction_text="Faktura INV-1002", statement_amount=Decimal("500.00"))
    return journal, deposit, payment, entry, other


def test_apply_automatically_finds_the_payment_posted_before(received):
    journal, deposit, payment, entry, other = received
    apply_automatically(journal=journal, today=date(2026, 1, 31))
    deposit.refresh_from_db()
    assert (deposit.account_type, deposit.account_no, deposit.applied_amount) == (
        "bank_account", "NBANK", Decimal("1000.00"))
    assert list(deposit.applications.values_list("applies_to_entry_no", flat=True)) == [entry.pk]
    payment.refresh_from_db()
    assert (payment.account_type, payment.account_no) == ("customer", "C10000")


def test_post_and_reconcile_closes_the_entry_and_posts_nothing_for_it(received, ledger_ok):
    journal, deposit, payment, entry, other = received
    apply_automatically(journal=journal, today=date(2026, 1, 31))
    accept_applications(lines=[deposit, payment])
    gl_before = GLEntry.objects.count()
    assert find_problems(journal=journal) == []
    post_payment_journal(journal=journal, reconcile=True)
    entry.refresh_from_db()
    assert not entry.open and entry.remaining_amount == 0
    assert (entry.statement_status, entry.statement_no, entry.statement_line_no) == ("closed", "12", 10000)
    # Only the second line was posted: one transaction, one new bank entry.
    new = GLEntry.objects.order_by("pk")[gl_before:]
    assert {row.document_no for row in new} == {"12"} and len({row.transaction_no for row in new}) == 1
    assert BankAccountLedgerEntry.objects.filter(document_no="12").count() == 1
    other.refresh_from_db()
    assert not other.open
    bank = BankAccount.objects.get(no="NBANK")
    assert bank.last_statement_no == "12" and bank.balance_last_statement == Decimal("1500.00")
    ledger_ok()


def test_a_journal_of_payments_posted_before_posts_nothing_at_all(received, client, accountant, ledger_ok):
    journal, deposit, payment, entry, other = received
    payment.delete()
    apply_manually(line=deposit, account_type="bank_account", entries=[(entry.pk, None)])
    gl_before = GLEntry.objects.count()
    client.force_login(accountant)
    response = client.post(reverse("banking:journal-action", args=[journal.pk]), {"action": "post_reconcile"},
                           follow=True)
    assert "nothing new was written to the ledgers" in response.content.decode()
    assert GLEntry.objects.count() == gl_before
    entry.refresh_from_db()
    assert not entry.open
    journal.refresh_from_db()
    assert journal.status == "posted"
    ledger_ok()


def test_post_payments_only_leaves_the_entry_for_the_bank_reconciliation(received, ledger_ok):
    journal, deposit, payment, entry, other = received
    payment.delete()
    apply_manually(line=deposit, account_type="bank_account", entries=[(entry.pk, None)])
    post_payment_journal(journal=journal)
    entry.refresh_from_db()
    assert entry.open and entry.remaining_amount == Decimal("1000.00") and entry.statement_status == "open"
    ledger_ok()


def test_an_entry_closed_meanwhile_is_refused(received):
    journal, deposit, payment, entry, other = received
    payment.delete()
    apply_manually(line=deposit, account_type="bank_account", entries=[(entry.pk, None)])
    BankAccountLedgerEntry.objects.filter(pk=entry.pk).update(open=False, remaining_amount=0)
    assert any("is no longer open" in problem.message for problem in find_problems(journal=journal))
    with pytest.raises(PostingError, match="is no longer open"):
        post_payment_journal(journal=journal, reconcile=True)
    deposit.refresh_from_db()
    assert not deposit.posted


def test_the_payment_application_window_lists_the_bank_s_open_entries(received, client, accountant):
    journal, deposit, payment, entry, other = received
    client.force_login(accountant)
    url = reverse("banking:apply-manually", args=[journal.pk, deposit.pk]) + "?account_type=bank_account"
    page = client.get(url)
    assert page.context["account_no"] == "NBANK"
    assert [e.pk for e in page.context["entries"]] == [entry.pk]
    assert page.context["suggestions"][0].account_type == "bank_account"  # matched on its own: the best candidate
    client.post(url, {f"select_{entry.pk}": "1"})
    deposit.refresh_from_db()
    assert (deposit.account_type, deposit.account_no, deposit.match_confidence) == ("bank_account", "NBANK", "manual")


def test_a_posted_line_is_never_changed(received, client, accountant):
    from banking.payment_journal.applying import (
        ApplicationError,
        map_text_to_account,
        remove_applications,
        transfer_difference,
    )

    journal, deposit, payment, entry, other = received
    payment.delete()
    apply_manually(line=deposit, account_type="bank_account", entries=[(entry.pk, None)])
    post_payment_journal(journal=journal, reconcile=True)
    deposit.refresh_from_db()
    assert deposit.posted
    for change in (
        lambda: apply_manually(line=deposit, account_type="customer", entries=[(other.pk, None)]),
        lambda: map_text_to_account(line=deposit, mapping_text="Innskudd", account_type="gl_account",
                                    account_no="7770"),
        lambda: transfer_difference(line=deposit, account_type="gl_account", account_no="7770"),
        lambda: remove_applications(lines=[deposit]),
        lambda: accept_applications(lines=[deposit]),
    ):
        with pytest.raises(ApplicationError, match="Line 10000 is posted"):
            change()
    client.force_login(accountant)
    url = reverse("banking:apply-manually", args=[journal.pk, deposit.pk]) + "?account_type=customer&account_no=C10000"
    assert "is posted; a posted line cannot be changed" in client.post(url, {f"select_{other.pk}": "1"}).content.decode()
    deposit.refresh_from_db()
    assert (deposit.account_type, list(deposit.applications.values_list("applies_to_entry_no", flat=True))) == (
        "bank_account", [entry.pk])
