"""Apply Automatically on real journal lines, then posting: the matcher, the database and the engine together."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchDecision,
)
from banking.payment_journal.auto_apply import apply_automatically
from banking.payment_journal.posting import post_payment_journal
from receivables.models import BankAccount, CustLedgerEntry
from tests.posting_helpers import post_invoice



@pytest.fixture
def journal(company):
    return BankAccReconciliation.objects.create(bank_account=BankAccount.objects.get(no="NBANK"),
                                                statement_type="payment_application", statement_no="1")


def line(journal, amount: str, on: date, text: str, no: int = 10000, **fields) -> BankAccReconciliationLine:
    return BankAccReconciliationLine.objects.create(
        reconciliation=journal, bank_account=journal.bank_account, line_no=no, transaction_date=on,
        transaction_text=text, statement_amount=Decimal(amount), **fields)


class ApplyAutomaticallyTests:
    def test_scenario_23_is_applied_high_and_posts(self, fjord, journal, ledger_ok):
        invoice = post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        statement_line = line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        result = apply_automatically(journal=journal, today=date(2026, 1, 31))
        assert (result.lines, result.applied) == (1, 1)
        statement_line.refresh_from_db()
        assert statement_line.match_confidence == "high" and statement_line.account_no == "C10000"
        application = statement_line.applications.get()
        assert (application.applies_to_entry_no, application.applied_amount, application.applied_pmt_discount) == (
            invoice.pk, Decimal("980.00"), Decimal("20.00"))
        decision = MatchDecision.objects.get(line=statement_line)
        assert decision.reasons and decision.outcome == "pending"
        post_payment_journal(journal=journal, reconcile=True)
        assert not CustLedgerEntry.objects.get(pk=invoice.pk).open
        ledger_ok()

    def test_running_it_again_keeps_the_earlier_decision(self, fjord, journal):
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        statement_line = line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        decisions = list(MatchDecision.objects.filter(line=statement_line).order_by("pk"))
        assert [d.outcome for d in decisions] == ["superseded", "pending"]
        assert decisions[0].reasons == decisions[1].reasons and decisions[0].account_no == "C10000"

    def test_kid_finds_the_invoice(self, fjord, journal):  # scenario 42
        post_invoice(fjord, "12345", "500.00", date(2026, 1, 1), terms=False, payment_reference="00000123455")
        statement_line = line(journal, "500.00", date(2026, 1, 20), "KID 00000123455")
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        statement_line.refresh_from_db()
        assert statement_line.match_confidence == "high" and statement_line.account_no == "C10000"

    def test_manual_lines_are_kept(self, fjord, journal):
        from banking.payment_journal.applying import apply_manually

        invoice = post_invoice(fjord, "INV-1", "100.00", date(2026, 1, 1), terms=False)
        manual = line(journal, "100.00", date(2026, 1, 6), "betaling")
        apply_manually(line=manual, account_type="customer", entries=[(invoice.pk, None)])
        other = line(journal, "100.00", date(2026, 1, 6), "Faktura INV-1", no=20000)
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        manual.refresh_from_db()
        other.refresh_from_db()
        assert manual.match_confidence == "manual" and manual.applications.count() == 1
        assert not other.applications.exists()  # the invoice is already taken by the manual line

    def test_the_command_prints_the_decisions(self, fjord, journal):
        invoice = post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS", transaction_id="T1")
        out = StringIO()
        call_command("apply_automatically", "--journal", str(journal.pk), "--json", stdout=out, stderr=StringIO())
        data = json.loads(out.getvalue())
        assert data["journal"] == journal.pk
        assert data["lines"][0] | {"applications": None} == {
            "line_no": 10000, "transaction_id": "T1", "transaction_date": "2026-01-06", "amount": "980.00",
            "text": "Faktura INV-1001 Fjord Handel AS", "match_confidence": "high", "account_type": "customer",
            "account_no": "C10000", "applications": None,
        }
        assert data["lines"][0]["applications"] == [
            {"account_type": "customer", "account_no": "C10000", "document_no": "INV-1001", "entry_no": invoice.pk,
             "amount": "980.00"}
        ]


class JournalPageReasonsTests:
    def test_the_page_shows_confidence_and_reasons(self, client, accountant, fjord, journal):
        from django.urls import reverse

        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        client.force_login(accountant)
        response = client.post(reverse("banking:journal-action", args=[journal.pk]),
                               {"action": "apply_automatically"}, follow=True)
        html = response.content.decode()
        assert "1 payment lines out of 1 are applied." in html
        assert "badge--high" in html and 'data-reason="' in html
