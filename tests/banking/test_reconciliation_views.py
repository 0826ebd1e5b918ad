"""The payment reconciliation journal's actions in the browser's terms."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from banking.models import BankAccReconciliation, BankAccReconciliationLine
from receivables.models import BankAccount, CustLedgerEntry, GLEntry
from tests.posting_helpers import post_invoice


@pytest.fixture
def setup(fjord):
    invoice = post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
    journal = BankAccReconciliation.objects.create(bank_account=BankAccount.objects.get(no="NBANK"),
                                                   statement_type="payment_application", statement_no="7")
    line = BankAccReconciliationLine.objects.create(
        reconciliation=journal, bank_account=journal.bank_account, line_no=10000, transaction_date=date(2026, 1, 6),
        transaction_text="Faktura INV-1001", statement_amount=Decimal("980.00"))
    fee = BankAccReconciliationLine.objects.create(
        reconciliation=journal, bank_account=journal.bank_account, line_no=20000, transaction_date=date(2026, 1, 6),
        transaction_text="NETTBANK GEBYR", statement_amount=Decimal("-25.00"))
    return invoice, journal, line, fee


class ReconciliationViewTests:
    def test_apply_map_accept_and_post_and_reconcile(self, client, accountant, setup, ledger_ok):
        invoice, journal, line, fee = setup
        client.force_login(accountant)
        url = reverse("banking:apply-manually", args=[journal.pk, line.pk]) + "?account_type=customer&account_no=C10000"
        page = client.get(url)
        assert [e.document_no for e in page.context["entries"]] == ["INV-1001"]
        assert page.context["entries"][0].applicable == Decimal("980.00")
        assert client.post(url, {f"select_{invoice.pk}": "1"}).status_code == 302
        map_url = reverse("banking:line-account", args=[journal.pk, fee.pk, "map-text"])
        assert client.post(map_url, {"mapping_text": "GEBYR", "account_type": "gl_account",
                                     "account_no": "7770"}).status_code == 302
        action = reverse("banking:journal-action", args=[journal.pk])
        client.post(action, {"action": "accept", "line": [line.pk, fee.pk]})
        assert set(journal.lines.values_list("match_confidence", flat=True)) == {"accepted"}
        response = client.post(action, {"action": "post_reconcile"}, follow=True)
        assert "The payments were posted" in response.content.decode()
        invoice.refresh_from_db()
        assert not invoice.open
        assert GLEntry.objects.filter(gl_account__no="7770").get().amount == Decimal("25.00")
        journal.refresh_from_db()
        assert journal.status == "posted"
        ledger_ok()

    def test_posting_errors_are_shown(self, client, accountant, setup):
        _invoice, journal, _line, _fee = setup
        client.force_login(accountant)
        response = client.post(reverse("banking:journal-action", args=[journal.pk]), {"action": "post"}, follow=True)
        assert "is not applied. You must apply all lines." in response.content.decode()

    def test_a_clerk_can_apply_but_not_post(self, client, clerk, setup):
        invoice, journal, line, _fee = setup
        client.force_login(clerk)
        url = reverse("banking:apply-manually", args=[journal.pk, line.pk]) + "?account_type=customer&account_no=C10000"
        assert client.post(url, {f"select_{invoice.pk}": "1"}).status_code == 302
        response = client.post(reverse("banking:journal-action", args=[journal.pk]), {"action": "post"})
        assert response.status_code == 403

    def test_transfer_difference_needs_an_account(self, client, accountant, setup):
        _invoice, journal, line, _fee = setup
        client.force_login(accountant)
        url = reverse("banking:line-account", args=[journal.pk, line.pk, "transfer-difference"])
        response = client.post(url, {"account_type": "customer", "account_no": ""})
        assert "You must choose an account to transfer the difference to." in response.content.decode()
        assert client.get(reverse("banking:line-account", args=[journal.pk, line.pk, "other"])).status_code == 404

    def test_an_auditor_sees_but_cannot_change(self, client, auditor, setup):
        _invoice, journal, line, _fee = setup
        client.force_login(auditor)
        assert client.get(reverse("banking:journal", args=[journal.pk])).status_code == 200
        assert client.post(reverse("banking:journal-action", args=[journal.pk]), {"action": "accept"}).status_code == 403
