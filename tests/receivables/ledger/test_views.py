"""Customer Ledger Entries and the apply / unapply / reverse / navigate windows."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from receivables.models import CustLedgerEntry, DetailedCustLedgEntry
from receivables.models import DetailedEntryType as T
from tests.posting_helpers import post_invoice, post_payment

D = Decimal


@pytest.fixture
def posted(fjord):
    invoice = post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
    payment = post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 6)).cust_entries[0]
    return invoice, payment


def entries_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("receivables:customer-ledger-entries") + ("?" + urlencode(params) if params else "")


class LedgerEntriesListTests:
    def test_it_lists_and_filters(self, client, auditor, posted, fjord, django_assert_max_num_queries):
        for n in range(20):
            post_payment(fjord, f"X-{n}", "-1.00", date(2026, 2, 1))
        client.force_login(auditor)
        # Session, user, permissions, company, count and rows: the same number for 2 or 2,000 rows.
        with django_assert_max_num_queries(11):
            response = client.get(entries_url(party="C10000", document_type="invoice"))
        rows = list(response.context["page_obj"])
        assert [e.document_no for e in rows] == ["INV-1001"]
        html = response.content.decode()
        assert "INV-1001" in html and "PAY-1" not in html
        assert ">1,000.00<" in html

    def test_it_filters_open_and_sorts(self, client, auditor, posted):
        client.force_login(auditor)
        response = client.get(entries_url(open="yes", sort="amount"))
        assert [e.document_no for e in response.context["page_obj"]] == ["PAY-1", "INV-1001"]
        response = client.get(entries_url(sort="-amount"))
        assert [e.document_no for e in response.context["page_obj"]] == ["INV-1001", "PAY-1"]

    def test_a_bad_filter_shows_the_error(self, client, auditor, posted):
        client.force_login(auditor)
        response = client.get(entries_url(date_from="2026-02-01", date_to="2026-01-01"))
        assert "The end date is before the start date." in response.content.decode()

    def test_it_exports_to_xlsx(self, client, auditor, posted):
        client.force_login(auditor)
        response = client.get(entries_url(format="xlsx"))
        sheet = openpyxl.load_workbook(BytesIO(response.content)).active
        rows = list(sheet.values)
        assert rows[0][0] == "Posting Date" and rows[0][7] == "Remaining Amount"
        assert {r[2] for r in rows[1:]} == {"INV-1001", "PAY-1"}
        assert D(str([r for r in rows[1:] if r[2] == "INV-1001"][0][7])) == D("1000.00")

    def test_htmx_gets_the_list_partial(self, client, auditor, posted):
        client.force_login(auditor)
        html = client.get(entries_url(), headers={"HX-Request": "true"}).content.decode()
        assert html.lstrip().startswith('<section id="entry-list"') and "<html" not in html

    def test_it_needs_view_permission_and_get(self, client, posted):
        nobody = User.objects.create_user("nobody")
        client.force_login(nobody)
        assert client.get(entries_url()).status_code == 403

    def test_vendor_entries_have_their_own_window(self, client, auditor, company):
        client.force_login(auditor)
        response = client.get(reverse("receivables:vendor-ledger-entries"))
        assert response.status_code == 200 and "Vendor Ledger Entries" in response.content.decode()


class EntryPageTests:
    def test_it_shows_detailed_and_applied_entries(self, client, auditor, fjord):
        post_invoice(fjord, "INV-1", "1000.00", date(2026, 1, 1))
        post_payment(fjord, "PAY-1", "-980.00", date(2026, 1, 6), applies_to_doc_no="INV-1")
        invoice = CustLedgerEntry.objects.get(document_no="INV-1")
        client.force_login(auditor)
        response = client.get(reverse("receivables:ledger-entry", args=["customer", invoice.pk]))
        html = response.content.decode()
        assert "Initial Entry" in html and "Application" in html
        assert [(e.document_no, amount) for e, amount, _day in response.context["applied"]] == [
            ("PAY-1", D("1000.00"))
        ]
        assert "Apply Entries" not in html  # an auditor has no apply permission


class ApplyEntriesViewTests:
    def test_accountant_marks_previews_and_posts(self, client, accountant, posted, ledger_ok):
        invoice, payment = posted
        client.force_login(accountant)
        url = reverse("receivables:apply-entries", args=["customer", payment.pk])
        response = client.post(url, {"action": "set", f"select_{invoice.pk}": "1"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        preview = response.context["preview"]
        assert preview["discount"] == D("-20.00") and preview["applied"] == D("1000.00") and preview["balance"] == 0
        assert CustLedgerEntry.objects.get(pk=invoice.pk).applies_to_id == "anna"
        response = client.post(url, {"action": "post", f"select_{invoice.pk}": "1", "posting_date": "2026-01-06",
                                     "document_no": "PAY-1"})
        assert response.status_code == 302
        invoice.refresh_from_db()
        assert not invoice.open and invoice.pmt_disc_given_lcy == D("20.00")
        ledger_ok()

    def test_a_wrong_amount_is_shown_on_its_row(self, client, accountant, posted):
        invoice, payment = posted
        client.force_login(accountant)
        url = reverse("receivables:apply-entries", args=["customer", payment.pk])
        response = client.post(url, {"action": "set", f"select_{invoice.pk}": "1", f"amount_{invoice.pk}": "abc"})
        assert response.context["row_errors"] == {invoice.pk: "'abc' is not an amount."}
        response = client.post(url, {"action": "set", f"select_{invoice.pk}": "1", f"amount_{invoice.pk}": "1200"},
                               follow=True)
        assert "Amount to Apply must not be larger than Remaining Amount." in response.content.decode()

    def test_a_date_before_the_entries_is_refused(self, client, accountant, posted):
        invoice, payment = posted
        client.force_login(accountant)
        url = reverse("receivables:apply-entries", args=["customer", payment.pk])
        response = client.post(url, {"action": "post", f"select_{invoice.pk}": "1", "posting_date": "2025-12-31"})
        assert "must not be before the Posting Date" in response.content.decode()
        assert CustLedgerEntry.objects.get(pk=invoice.pk).open

    def test_cancel_clears_the_marks(self, client, accountant, posted):
        invoice, payment = posted
        client.force_login(accountant)
        url = reverse("receivables:apply-entries", args=["customer", payment.pk])
        client.post(url, {"action": "set", f"select_{invoice.pk}": "1"})
        client.post(url, {"action": "cancel"})
        assert not CustLedgerEntry.objects.exclude(applies_to_id="").exists()

    def test_a_clerk_may_not_apply(self, client, clerk, posted):
        _invoice, payment = posted
        client.force_login(clerk)
        assert client.get(reverse("receivables:apply-entries", args=["customer", payment.pk])).status_code == 403


class UnapplyAndReverseViewTests:
    def test_unapply_then_reverse_through_the_pages(self, client, accountant, fjord, ledger_ok):
        post_invoice(fjord, "INV-1", "1000.00", date(2026, 1, 1))
        post_payment(fjord, "PAY-1", "-1000.00", date(2026, 1, 25), applies_to_doc_no="INV-1")
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        client.force_login(accountant)
        reverse_url = reverse("receivables:reverse-transaction", args=["customer", payment.pk])
        response = client.post(reverse_url, follow=True)
        assert "either applied to an entry" in response.content.decode()
        unapply_url = reverse("receivables:unapply-entries", args=["customer", payment.pk])
        page = client.get(unapply_url)
        assert page.status_code == 200 and "INV-1" in page.content.decode()
        assert client.post(unapply_url, {"posting_date": "2026-01-25", "document_no": "PAY-1"}).status_code == 302
        assert CustLedgerEntry.objects.get(document_no="INV-1").open
        preview = client.get(reverse_url)
        assert "1920" in preview.content.decode()
        assert client.post(reverse_url).status_code == 302
        payment.refresh_from_db()
        assert payment.reversed and not payment.open
        assert DetailedCustLedgEntry.objects.filter(entry_type=T.APPLICATION, unapplied=True).count() == 4
        ledger_ok()


class NavigateTests:
    def test_it_finds_everything_posted_with_a_document(self, client, auditor, fjord):
        post_invoice(fjord, "INV-1", "1000.00", date(2026, 1, 1))
        client.force_login(auditor)
        response = client.get(reverse("receivables:navigate"), {"document_no": "INV-1", "posting_date": "2026-01-01"})
        tables = {key: len(rows) for key, _label, rows in response.context["result"].tables()}
        assert tables == {"gl": 2, "customer": 1, "detailed": 1, "vendor": 0, "bank": 0, "document": 0}
