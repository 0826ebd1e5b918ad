"""The Cash Receipt Journal: typing lines, Apply Entries, Test Report, Preview Posting, Post."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from receivables.models import (
    AccountType,
    CustLedgerEntry,
    GenJournalBatch,
    GenJournalLine,
    GLEntry,
)
from tests.posting_helpers import post_invoice

D = Decimal


@pytest.fixture
def batch(company):
    batch = GenJournalBatch.objects.get(template__name="CASHRCPT", name="DEFAULT")
    batch.bal_account_type = AccountType.BANK_ACCOUNT
    batch.bal_account_no = "NBANK"
    batch.save()
    return batch


def management(total: int = 0, initial: int = 0) -> dict:
    return {"form-TOTAL_FORMS": str(total), "form-INITIAL_FORMS": str(initial), "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000"}


def new_line(**fields) -> dict:
    data = {"new-posting_date": "2026-01-06", "new-document_type": "payment", "new-document_no": "",
            "new-external_document_no": "", "new-account_type": "customer", "new-account_no": "",
            "new-description": "", "new-amount": "", "new-bal_account_type": "bank_account",
            "new-bal_account_no": "NBANK", "new-applies_to_doc_type": "", "new-applies_to_doc_no": "",
            "new-applies_to_id": ""}
    data.update({f"new-{k}": v for k, v in fields.items()})
    return data


def existing(index: int, line: GenJournalLine, **changes) -> dict:
    data = {"posting_date": line.posting_date.isoformat(), "document_type": line.document_type,
            "document_no": line.document_no, "external_document_no": line.external_document_no,
            "account_type": line.account_type, "account_no": line.account_no, "description": line.description,
            "amount": str(line.amount), "bal_account_type": line.bal_account_type, "bal_account_no": line.bal_account_no,
            "applies_to_doc_type": line.applies_to_doc_type, "applies_to_doc_no": line.applies_to_doc_no,
            "applies_to_id": line.applies_to_id, "id": str(line.pk)}
    data.update(changes)
    return {f"form-{index}-{k}": v for k, v in data.items()}


class CashReceiptJournalTests:
    def test_a_clerk_types_a_line_and_the_journal_fills_it(self, client, clerk, fjord, batch):
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        client.force_login(clerk)
        url = reverse("receivables:journal", args=[batch.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {**management(), **new_line(account_no="C10000", applies_to_doc_no="INV-1001"),
                                     "action": "save"})
        assert response.status_code == 302
        line = GenJournalLine.objects.get()
        assert line.document_no == "CR00001" and line.description == "Fjord Handel AS"
        assert line.amount == D("-980.00")  # remaining minus the possible discount, in time (spec 3)
        assert line.line_no == 10000

    def test_a_clerk_cannot_post(self, client, clerk, batch):
        client.force_login(clerk)
        response = client.post(reverse("receivables:journal", args=[batch.pk]), {**management(), "action": "post"})
        assert response.status_code == 403

    def test_an_auditor_cannot_edit(self, client, auditor, batch):
        client.force_login(auditor)
        assert client.get(reverse("receivables:journal", args=[batch.pk])).status_code == 200
        assert client.post(reverse("receivables:journal", args=[batch.pk]), management()).status_code == 403

    def test_the_accountant_posts_a_payment_applied_to_two_invoices(self, client, accountant, fjord, batch, ledger_ok):
        a = post_invoice(fjord, "INV-A", "1000.00", date(2026, 1, 1))
        b = post_invoice(fjord, "INV-B", "500.00", date(2026, 1, 2), terms=False)
        client.force_login(accountant)
        url = reverse("receivables:journal", args=[batch.pk])
        client.post(url, {**management(), **new_line(account_no="C10000"), "action": "save"})
        line = GenJournalLine.objects.get()
        apply_url = reverse("receivables:journal-line-apply", args=[line.pk])
        assert "INV-A" in client.get(apply_url).content.decode()
        response = client.post(apply_url, {f"select_{a.pk}": "1", f"amount_{a.pk}": "1000.00",
                                           f"select_{b.pk}": "1", f"amount_{b.pk}": "500.00"})
        assert response.status_code == 302
        line.refresh_from_db()
        assert line.applies_to_id == line.document_no and line.amount == D("-1500.00")
        preview = client.get(apply_url).context["preview"]
        # In time the 20.00 discount is granted, so 20.00 of the 1,500.00 would stay open on the payment.
        assert preview == {"discount": D("-20.00"), "tolerance": D("0"), "balance": D("-20.00")}
        # Paid in time: the payment of 1,480.00 settles both, with the 20.00 discount on INV-A.
        client.post(url, {**management(1, 1), **existing(0, line, amount="-1480.00"), "action": "save"})
        preview = client.post(url, {**management(1, 1), **existing(0, GenJournalLine.objects.get()),
                                    "action": "preview"}, follow=True)
        assert "Payment Discount" in preview.content.decode()
        assert not GLEntry.objects.filter(document_no=line.document_no).exists()
        response = client.post(url, {**management(1, 1), **existing(0, GenJournalLine.objects.get()),
                                     "action": "post"})
        assert response.status_code == 302
        assert not GenJournalLine.objects.exists()
        assert not CustLedgerEntry.objects.filter(document_no__in=["INV-A", "INV-B"], open=True).exists()
        ledger_ok()

    def test_the_test_report_lists_every_problem(self, client, accountant, batch, fjord):
        client.force_login(accountant)
        url = reverse("receivables:journal", args=[batch.pk])
        client.post(url, {**management(), **new_line(account_no="C10000", amount="-10"), "action": "save"})
        line = GenJournalLine.objects.get()
        GenJournalLine.objects.filter(pk=line.pk).update(account_no="NOBODY")
        response = client.post(url, {**management(1, 1), **existing(0, GenJournalLine.objects.get()), "action": "test"},
                               follow=True)
        problems = response.context["problems"]
        assert [(p.field, p.message) for p in problems] == [("account_no", "Customer NOBODY does not exist.")]

    def test_a_bad_amount_is_shown_on_the_line(self, client, clerk, batch):
        client.force_login(clerk)
        response = client.post(reverse("receivables:journal", args=[batch.pk]),
                               {**management(), **new_line(account_no="C10000", amount="12 kr abc"), "action": "save"})
        assert response.status_code == 422
        assert "Enter a number." in response.content.decode()
        assert not GenJournalLine.objects.exists()

    def test_posting_errors_are_shown_and_nothing_is_posted(self, client, accountant, batch, fjord):
        client.force_login(accountant)
        url = reverse("receivables:journal", args=[batch.pk])
        client.post(url, {**management(), **new_line(account_no="C10000", amount="-10", applies_to_doc_no="NOPE"),
                          "action": "save"})
        response = client.post(url, {**management(1, 1), **existing(0, GenJournalLine.objects.get()),
                                     "action": "post"}, follow=True)
        assert "There is no open customer ledger entry with Document No. NOPE" in response.content.decode()
        assert GenJournalLine.objects.count() == 1 and not GLEntry.objects.exists()

    def test_lookup_suggests_accounts(self, client, clerk, fjord):
        client.force_login(clerk)
        response = client.get(reverse("receivables:account-lookup"), {"type": "customer", "q": "fjord"})
        assert response.json() == [{"value": "C10000", "label": "C10000 Fjord Handel AS", "fill": "Fjord Handel AS"}]
