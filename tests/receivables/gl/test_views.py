"""G/L Registers, G/L Entries and Bank Account Ledger Entries: read-only ledger windows."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from receivables.models import BankAccountLedgerEntry, GLEntry, StatementStatus
from receivables.posting.corrections import reverse_transaction
from tests.posting_helpers import post_invoice, post_payment

HTMX = {"HTTP_HX_REQUEST": "true"}
# Session, user, 2 x permissions, company name (navigation), count, the page's rows.
LIST_QUERIES = 7
# ... and one aggregate for the fact box totals.
LIST_WITH_TOTALS_QUERIES = 8
# ... and the bank accounts of the filter's drop-down.
BANK_ENTRY_QUERIES = 9


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def nobody(db) -> User:
    return User.objects.create_user("nobody", password="pw-nobody")


@pytest.fixture
def postings(fjord, today):
    """Three posting runs: an invoice 60 days ago (1500 D / 3000 C 1,000.00), payments of 100.00 and 250.00 today.

    The payments debit the bank (1920) and credit receivables (1500), and write bank ledger entries.
    """
    invoice = post_invoice(fjord, "INV-1", "1000.00", today - timedelta(days=60))
    pay_1 = post_payment(fjord, "PAY-1", "-100.00", today)
    pay_2 = post_payment(fjord, "PAY-2", "-250.00", today)
    return {"invoice": invoice, "pay_1": pay_1, "pay_2": pay_2}


def entry_nos(response) -> list[int]:
    return [e.entry_no for e in response.context["page_obj"]]


class GLRegisterTests:
    def test_it_lists_the_registers(self, client, auditor, postings, ledger_ok, django_assert_max_num_queries):
        ledger_ok()
        client.force_login(auditor)
        client.get(reverse("receivables:role-center"))  # the session has settled the user's language
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(reverse("receivables:gl-registers"))
        registers = list(response.context["page_obj"])
        assert len(registers) == 3
        newest = registers[0]
        assert newest.pk == postings["pay_2"].register.pk  # newest first
        gl = GLEntry.objects.filter(register=newest)
        assert (newest.from_entry_no, newest.to_entry_no) == (min(e.pk for e in gl), max(e.pk for e in gl))
        html = response.content.decode()
        assert "<html" in html and 'id="gl-register-list"' in html
        assert f'href="{reverse("receivables:gl-entries")}?register={newest.pk}"' in html

    def test_it_sorts(self, client, auditor, postings):
        client.force_login(auditor)
        url = reverse("receivables:gl-registers")
        ascending = [r.pk for r in client.get(url, {"sort": "pk"}).context["page_obj"]]
        assert ascending == sorted(ascending)
        assert [r.pk for r in client.get(url, {"sort": "-from_entry_no"}).context["page_obj"]] == ascending[::-1]

    def test_it_exports_to_xlsx(self, client, auditor, postings):
        client.force_login(auditor)
        response = client.get(reverse("receivables:gl-registers"), {"format": "xlsx", "sort": "pk"})
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet.title == "GL Registers"
        values = list(sheet.values)
        assert values[0] == ("No.", "Creation Date", "User ID", "Source Code", "Journal Batch Name",
                             "From Entry No.", "To Entry No.", "From Transaction No.", "To Transaction No.")
        first = postings["invoice"].register
        first.refresh_from_db()
        assert values[1][0] == first.pk and values[1][5] == first.from_entry_no
        assert len(values) == 4

    def test_htmx_gets_only_the_list(self, client, auditor, postings):
        client.force_login(auditor)
        html = client.get(reverse("receivables:gl-registers"), {"sort": "pk"}, **HTMX).content.decode()
        assert "<html" not in html and html.lstrip().startswith('<section id="gl-register-list"')
        assert 'id="export-xlsx"' in html and "sort=pk" in html

    def test_it_rejects_post(self, client, auditor, company):
        client.force_login(auditor)
        assert client.post(reverse("receivables:gl-registers")).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, company):
        client.force_login(nobody)
        assert client.get(reverse("receivables:gl-registers")).status_code == 403


class GLEntryTests:
    def test_it_lists_the_entries_with_totals(self, client, auditor, postings, django_assert_max_num_queries):
        client.force_login(auditor)
        client.get(reverse("receivables:role-center"))
        with django_assert_max_num_queries(LIST_WITH_TOTALS_QUERIES):
            response = client.get(reverse("receivables:gl-entries"))
        entries = list(response.context["page_obj"])
        assert len(entries) == 6
        assert [e.entry_no for e in entries] == sorted((e.entry_no for e in entries), reverse=True)
        # Every transaction balances, so all entries together do too.
        assert response.context["totals"] == {
            "debit": Decimal("1350.00"), "credit": Decimal("1350.00"), "balance": Decimal("0.00")}
        html = response.content.decode()
        assert "Kundefordringer" in html and "Salgsinntekt, avgiftspliktig" in html
        assert '<td class="num neg">-1,000.00</td>' in html
        assert 'data-total="debit">1,350.00<' in html

    def test_it_filters_by_account(self, client, auditor, postings):
        client.force_login(auditor)
        response = client.get(reverse("receivables:gl-entries"), {"account": "1500"})
        assert {e.gl_account.no for e in response.context["page_obj"]} == {"1500"}
        assert response.context["totals"] == {
            "debit": Decimal("1000.00"), "credit": Decimal("350.00"), "balance": Decimal("650.00")}

    def test_it_filters_by_register(self, client, auditor, postings):
        client.force_login(auditor)
        register = postings["invoice"].register
        response = client.get(reverse("receivables:gl-entries"), {"register": register.pk})
        entries = list(response.context["page_obj"])
        assert {(e.gl_account.no, e.amount) for e in entries} == {
            ("1500", Decimal("1000.00")), ("3000", Decimal("-1000.00"))}
        assert response.context["totals"]["balance"] == Decimal("0.00")

    def test_it_filters_by_document_and_transaction(self, client, auditor, postings):
        client.force_login(auditor)
        url = reverse("receivables:gl-entries")
        by_doc = list(client.get(url, {"document_no": "PAY-1"}).context["page_obj"])
        assert {(e.gl_account.no, e.amount) for e in by_doc} == {
            ("1920", Decimal("100.00")), ("1500", Decimal("-100.00"))}
        transaction_no = postings["pay_2"].transaction_nos[0]
        by_transaction = client.get(url, {"transaction_no": transaction_no}).context["page_obj"]
        assert {e.document_no for e in by_transaction} == {"PAY-2"}

    def test_it_filters_by_posting_date(self, client, auditor, postings, today):
        client.force_login(auditor)
        url = reverse("receivables:gl-entries")
        old = client.get(url, {"date_to": (today - timedelta(days=1)).isoformat()}).context["page_obj"]
        assert {e.document_no for e in old} == {"INV-1"}
        recent = client.get(url, {"date_from": today.isoformat(), "account": "1920"})
        assert {e.document_no for e in recent.context["page_obj"]} == {"PAY-1", "PAY-2"}
        assert recent.context["totals"]["debit"] == Decimal("350.00")

    def test_a_bad_filter_value_is_shown_and_ignored(self, client, auditor, postings):
        client.force_login(auditor)
        response = client.get(reverse("receivables:gl-entries"), {"date_from": "not a date", "account": "3000"})
        assert response.context["form"].errors["date_from"]
        assert [e.gl_account.no for e in response.context["page_obj"]] == ["3000"]
        assert "Enter a valid date." in response.content.decode()

    def test_it_shows_reversed_entries(self, client, auditor, postings):
        reverse_transaction(transaction_no=postings["pay_1"].transaction_nos[0])
        client.force_login(auditor)
        entries = client.get(reverse("receivables:gl-entries"), {"document_no": "PAY-1"}).context["page_obj"]
        assert len(entries) == 4 and all(e.reversed for e in entries)

    def test_it_sorts(self, client, auditor, postings):
        client.force_login(auditor)
        url = reverse("receivables:gl-entries")
        amounts = [e.amount for e in client.get(url, {"sort": "amount"}).context["page_obj"]]
        assert amounts == sorted(amounts) and amounts[0] == Decimal("-1000.00")
        accounts = [e.gl_account.no for e in client.get(url, {"sort": "-gl_account.no"}).context["page_obj"]]
        assert accounts == sorted(accounts, reverse=True)

    def test_it_pages(self, client, auditor, fjord, today):
        for n in range(26):  # two G/L entries each: 52 entries, 50 a page
            post_invoice(fjord, f"INV-{n:02}", "10.00", today)
        client.force_login(auditor)
        response = client.get(reverse("receivables:gl-entries"), {"page": 2})
        assert len(response.context["page_obj"]) == 2
        assert response.context["totals"]["debit"] == Decimal("260.00")  # totals cover every page
        assert "51–52 of 52" in response.content.decode()

    def test_it_exports_the_filtered_entries_to_xlsx(self, client, auditor, postings):
        client.force_login(auditor)
        response = client.get(reverse("receivables:gl-entries"), {"format": "xlsx", "account": "1500",
                                                                   "sort": "entry_no"})
        values = list(load_workbook(BytesIO(response.content)).active.values)
        assert values[0] == ("Entry No.", "Posting Date", "Document Type", "Document No.", "G/L Account No.",
                             "G/L Account Name", "Description", "Amount", "Debit Amount", "Credit Amount",
                             "Source Type", "Source No.", "Transaction No.", "Reversed")
        assert len(values) == 4
        first = values[1]
        assert first[2:6] == ("Invoice", "INV-1", "1500", "Kundefordringer")
        assert Decimal(str(first[7])) == Decimal("1000.00") and first[10:12] == ("Customer", "C10000")

    def test_htmx_gets_the_list_and_the_totals(self, client, auditor, postings):
        client.force_login(auditor)
        html = client.get(reverse("receivables:gl-entries"), {"account": "1920"}, **HTMX).content.decode()
        assert "<html" not in html and html.lstrip().startswith('<section id="gl-entry-list"')
        assert '<section class="factbox__section" id="gl-totals" hx-swap-oob="true">' in html
        assert 'data-total="debit">350.00<' in html

    def test_the_plain_page_has_the_filter_form_and_totals(self, client, auditor, postings):
        client.force_login(auditor)
        html = client.get(reverse("receivables:gl-entries"), {"account": "1920"}).content.decode()
        assert '<form method="get"' in html and 'hx-target="#gl-entry-list"' in html
        assert 'name="account"' in html and 'value="1920"' in html
        assert 'id="gl-totals">' in html and "hx-swap-oob" not in html
        navigate = reverse("receivables:navigate")
        assert f"{navigate}?document_no=PAY-1&amp;posting_date=" in html

    def test_it_rejects_post(self, client, auditor, company):
        client.force_login(auditor)
        assert client.post(reverse("receivables:gl-entries")).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, company):
        client.force_login(nobody)
        assert client.get(reverse("receivables:gl-entries")).status_code == 403

    def test_seeing_registers_is_not_seeing_entries(self, client, nobody, company):
        nobody.user_permissions.add(Permission.objects.get(codename="view_glregister"))
        client.force_login(nobody)
        assert client.get(reverse("receivables:gl-registers")).status_code == 200
        assert client.get(reverse("receivables:gl-entries")).status_code == 403


@pytest.fixture
def bank_entries(postings, today):
    """NBANK: PAY-1 (100.00) reconciled on statement 7, PAY-2 (250.00) still open."""
    BankAccountLedgerEntry.objects.filter(document_no="PAY-1").update(
        open=False, remaining_amount=0, statement_status=StatementStatus.CLOSED, statement_no="7",
        statement_line_no=10000,
    )
    return BankAccountLedgerEntry.objects.order_by("entry_no")


class BankLedgerEntryTests:
    def test_it_lists_the_entries(self, client, clerk, bank_entries, django_assert_max_num_queries):
        client.force_login(clerk)
        client.get(reverse("receivables:role-center"))
        with django_assert_max_num_queries(BANK_ENTRY_QUERIES):
            response = client.get(reverse("receivables:bank-ledger-entries"))
        entries = list(response.context["page_obj"])
        assert [e.document_no for e in entries] == ["PAY-2", "PAY-1"]
        assert response.context["totals"] == {"amount": Decimal("350.00"), "remaining": Decimal("250.00")}
        html = response.content.decode()
        assert '<span class="badge badge--open">Open</span>' in html
        assert '<span class="badge badge--closed">Closed</span>' in html
        assert 'data-total="amount" class="">350.00<' in html

    def test_it_filters_by_account_status_and_date(self, client, clerk, bank_entries, today):
        client.force_login(clerk)
        url = reverse("receivables:bank-ledger-entries")
        assert [e.document_no for e in client.get(url, {"bank_account": "NBANK", "status": "open"})
                .context["page_obj"]] == ["PAY-2"]
        closed = client.get(url, {"status": "closed"})
        assert [e.document_no for e in closed.context["page_obj"]] == ["PAY-1"]
        assert closed.context["totals"] == {"amount": Decimal("100.00"), "remaining": Decimal("0.00")}
        assert not client.get(url, {"date_to": (today - timedelta(days=1)).isoformat()}).context["page_obj"]
        assert len(client.get(url, {"date_from": today.isoformat()}).context["page_obj"]) == 2

    def test_an_unknown_bank_account_is_an_error_not_a_filter(self, client, clerk, bank_entries):
        client.force_login(clerk)
        response = client.get(reverse("receivables:bank-ledger-entries"), {"bank_account": "NOPE"})
        assert response.context["form"].errors["bank_account"]
        assert len(response.context["page_obj"]) == 2

    def test_it_sorts(self, client, clerk, bank_entries):
        client.force_login(clerk)
        url = reverse("receivables:bank-ledger-entries")
        assert [e.document_no for e in client.get(url, {"sort": "amount"}).context["page_obj"]] == ["PAY-1", "PAY-2"]
        assert [e.document_no for e in client.get(url, {"sort": "-remaining_amount"}).context["page_obj"]] == [
            "PAY-2", "PAY-1"]

    def test_it_exports_to_xlsx(self, client, clerk, bank_entries):
        client.force_login(clerk)
        response = client.get(reverse("receivables:bank-ledger-entries"), {"format": "xlsx", "status": "closed"})
        values = list(load_workbook(BytesIO(response.content)).active.values)
        assert values[0] == ("Posting Date", "Bank Account No.", "Document Type", "Document No.", "Description",
                             "Amount", "Remaining Amount", "Open", "Statement Status", "Statement No.", "Entry No.")
        assert len(values) == 2
        row = values[1]
        assert row[1:4] == ("NBANK", "Payment", "PAY-1")
        assert Decimal(str(row[5])) == Decimal("100.00") and row[7] is False and row[8:10] == ("Closed", "7")

    def test_htmx_gets_the_list_and_the_totals(self, client, clerk, bank_entries):
        client.force_login(clerk)
        html = client.get(reverse("receivables:bank-ledger-entries"), {"status": "open"}, **HTMX).content.decode()
        assert "<html" not in html and html.lstrip().startswith('<section id="bank-ledger-entry-list"')
        assert 'id="bank-entry-totals" hx-swap-oob="true"' in html and "PAY-1" not in html

    def test_it_rejects_post(self, client, clerk, company):
        client.force_login(clerk)
        assert client.post(reverse("receivables:bank-ledger-entries")).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, company):
        client.force_login(nobody)
        assert client.get(reverse("receivables:bank-ledger-entries")).status_code == 403
