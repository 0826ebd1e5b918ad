"""Customers, Vendors and Bank Accounts: the lists with their balances, and the cards."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from receivables.company.setup import ensure_bank_account
from receivables.models import (
    AccountType,
    CustomerBankAccount,
    DocumentType,
    GenJournalLine,
)
from receivables.posting import post
from tests.factories import CustomerFactory, VendorFactory
from tests.posting_helpers import invoice_line, post_payment

HTMX = {"HTTP_HX_REQUEST": "true"}
# Session, user, 2 x permissions, company name (navigation), count, the page's rows with their balances.
LIST_QUERIES = 7
# Session, user, 2 x permissions, company name, the party, its bank accounts, its statistics (one aggregate).
CARD_QUERIES = 8


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def nobody(db) -> User:
    """Signed in, but in no role group: no view permission anywhere."""
    return User.objects.create_user("nobody", password="pw-nobody")


def post_invoice_due(customer, doc_no: str, amount: str, on, due, **fields):
    line = invoice_line(customer, doc_no, amount, on, terms=False, due_date=due, **fields)
    return post([line]).cust_entries[0]


@pytest.fixture
def balances(fjord, today):
    """Fjord: 1,000.00 overdue, 250.00 not yet due, an unapplied payment of 100.00 today.

    Balance 1,150.00; Balance Due (due on or before today) 1,000.00 - 100.00 = 900.00; Overdue 1,000.00.
    A second customer owes 40.00 due today (due, not overdue); a third has no entries.
    """
    post_invoice_due(fjord, "INV-OLD", "1000.00", today - timedelta(days=60), today - timedelta(days=30),
                     sales_lcy=Decimal("800.00"))
    post_invoice_due(fjord, "INV-NEW", "250.00", today, today + timedelta(days=30), sales_lcy=Decimal("200.00"))
    post_payment(fjord, "PAY-1", "-100.00", today)
    due_today = CustomerFactory(no="C20000", name="Bergen Bakeri AS", city="Bergen", org_no="923609016")
    post_invoice_due(due_today, "INV-BB", "40.00", today - timedelta(days=14), today)
    CustomerFactory(no="C30000", name="Tromsø Trelast AS", city="Tromsø")
    return fjord


def rows(response) -> list:
    return [c.no for c in response.context["page_obj"]]


class CustomerListTests:
    def test_it_shows_the_balances(self, client, auditor, balances, ledger_ok, django_assert_max_num_queries):
        ledger_ok()
        client.force_login(auditor)
        client.get(reverse("receivables:role-center"))  # the session has settled the user's language
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(reverse("receivables:customer-list"))
        assert response.status_code == 200
        by_no = {c.no: c for c in response.context["page_obj"]}
        fjord = by_no["C10000"]
        assert (fjord.balance, fjord.balance_due, fjord.overdue) == (
            Decimal("1150.00"), Decimal("900.00"), Decimal("1000.00"))
        bakery = by_no["C20000"]
        assert (bakery.balance, bakery.balance_due, bakery.overdue) == (
            Decimal("40.00"), Decimal("40.00"), Decimal("0.00"))
        assert (by_no["C30000"].balance, by_no["C30000"].overdue) == (Decimal("0.00"), Decimal("0.00"))
        html = response.content.decode()
        assert "<html" in html and 'id="customer-list"' in html
        assert '<td class="num" data-col="balance">' in html
        assert '<td class="num overdue" data-col="overdue">' in html and "1,000.00" in html
        assert reverse("receivables:customer-card", args=["C10000"]) in html

    def test_it_needs_one_query_for_the_rows_however_many_customers(
        self, client, auditor, company, today, django_assert_max_num_queries
    ):
        for n in range(30):
            customer = CustomerFactory()
            post_invoice_due(customer, f"INV-{n}", "10.00", today, today)
        client.force_login(auditor)
        client.get(reverse("receivables:role-center"))
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(reverse("receivables:customer-list"))
        assert all(c.balance == Decimal("10.00") for c in response.context["page_obj"])

    def test_it_searches_no_name_city_and_org_no(self, client, auditor, balances):
        client.force_login(auditor)
        url = reverse("receivables:customer-list")
        assert rows(client.get(url, {"q": "fjord"})) == ["C10000"]
        assert rows(client.get(url, {"q": "bergen"})) == ["C20000"]
        assert rows(client.get(url, {"q": "923609"})) == ["C20000"]
        assert rows(client.get(url, {"q": "C3"})) == ["C30000"]
        assert "No customers match the filter." in client.get(url, {"q": "nobody"}).content.decode()

    def test_it_filters_customers_with_a_balance(self, client, auditor, balances):
        client.force_login(auditor)
        assert rows(client.get(reverse("receivables:customer-list"), {"balance": "on"})) == ["C10000", "C20000"]

    def test_it_sorts_by_every_column(self, client, auditor, balances):
        client.force_login(auditor)
        url = reverse("receivables:customer-list")
        assert rows(client.get(url, {"sort": "-balance"})) == ["C10000", "C20000", "C30000"]
        assert rows(client.get(url, {"sort": "balance"})) == ["C30000", "C20000", "C10000"]
        assert rows(client.get(url, {"sort": "overdue"}))[-1] == "C10000"
        assert rows(client.get(url, {"sort": "-balance_due"})) == ["C10000", "C20000", "C30000"]
        assert rows(client.get(url, {"sort": "-name"})) == ["C30000", "C10000", "C20000"]
        assert rows(client.get(url, {"sort": "city"}))[-1] == "C30000"
        # Not a column: the default order, never an arbitrary field.
        assert rows(client.get(url, {"sort": "posting_group__code"})) == ["C10000", "C20000", "C30000"]

    def test_it_pages(self, client, auditor, company):
        CustomerFactory.create_batch(55)
        client.force_login(auditor)
        response = client.get(reverse("receivables:customer-list"), {"page": "2"})
        assert len(response.context["page_obj"]) == 5
        assert "51–55 of 55" in response.content.decode()

    def test_it_exports_every_filtered_row_to_xlsx(self, client, auditor, balances):
        client.force_login(auditor)
        response = client.get(reverse("receivables:customer-list"), {"format": "xlsx", "balance": "on",
                                                                       "sort": "-balance"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(response.content)).active
        values = list(sheet.values)
        assert values[0] == ("No.", "Name", "City", "Phone No.", "Balance (LCY)", "Balance Due (LCY)",
                             "Overdue (LCY)")
        assert [row[0] for row in values[1:]] == ["C10000", "C20000"]
        assert Decimal(str(values[1][4])) == Decimal("1150.00")
        assert Decimal(str(values[1][5])) == Decimal("900.00")

    def test_htmx_gets_only_the_list(self, client, auditor, balances):
        client.force_login(auditor)
        response = client.get(reverse("receivables:customer-list"), {"q": "fjord", "sort": "-balance"}, **HTMX)
        html = response.content.decode()
        assert "<html" not in html
        assert html.lstrip().startswith('<section id="customer-list"')
        assert "Fjord Handel AS" in html and "Bergen" not in html
        # The export link and the form's sort follow the new filter, out of band.
        assert 'id="export-xlsx"' in html and "format=xlsx" in html and 'hx-swap-oob="true"' in html
        assert '<span id="list-sort" hx-swap-oob="true"><input type="hidden" name="sort" value="-balance">' in html
        assert "HX-Request" in response["Vary"]

    def test_the_plain_page_links_work_without_htmx(self, client, auditor, balances):
        client.force_login(auditor)
        html = client.get(reverse("receivables:customer-list")).content.decode()
        # Sort headers and the search form: every hx-get is also an href / a GET form.
        assert 'href="?sort=balance"' in html and 'hx-get="?sort=balance"' in html
        assert 'method="get"' in html and 'hx-target="#customer-list"' in html and 'hx-push-url="true"' in html
        assert '<span id="list-sort"><input type="hidden" name="sort" value="" disabled>' in html

    def test_it_rejects_post(self, client, auditor, company):
        client.force_login(auditor)
        assert client.post(reverse("receivables:customer-list")).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, company):
        client.force_login(nobody)
        assert client.get(reverse("receivables:customer-list")).status_code == 403

    def test_it_needs_login(self, client, company):
        response = client.get(reverse("receivables:customer-list"))
        assert response.status_code == 302 and response.url.startswith("/login/")


class CustomerCardTests:
    def test_it_shows_the_card_and_statistics(
        self, client, accountant, balances, today, django_assert_max_num_queries
    ):
        CustomerBankAccount.objects.create(customer=balances, code="MAIN", bank_account_no="15031234567",
                                           iban="NO9386011117947")
        client.force_login(accountant)
        client.get(reverse("receivables:role-center"))
        with django_assert_max_num_queries(CARD_QUERIES):
            response = client.get(reverse("receivables:customer-card", args=["C10000"]))
        assert response.status_code == 200
        stats = response.context["stats"]
        assert stats.balance == Decimal("1150.00")
        assert stats.balance_due == Decimal("900.00")
        assert stats.overdue == Decimal("1000.00")
        assert stats.payments_this_year == Decimal("100.00")
        assert stats.open_invoices == 2
        assert stats.last_payment_date == today
        # INV-OLD counts when it was posted this year (60 days back may be last year).
        expected_sales = Decimal("1000.00") if (today - timedelta(days=60)).year == today.year else Decimal("200.00")
        assert stats.sales_this_year == expected_sales
        html = response.content.decode()
        for tab in ("General", "Address & Contact", "Invoicing", "Payments", "Bank Accounts"):
            assert f"<summary>{tab}<" in html
        assert "NO9386011117947" in html and "2%8D30D" in html
        assert "Customer Statistics" in html
        assert 'data-stat="balance">' in html and "1,150.00" in html
        assert 'class="overdue" data-stat="overdue"' in html
        assert "Edit in admin" not in html  # accountants do not keep master data

    def test_it_counts_only_this_years_sales_and_payments(self, client, auditor, fjord, today):
        last_year = today.replace(year=today.year - 1)
        post_invoice_due(fjord, "INV-LY", "500.00", last_year, last_year, sales_lcy=Decimal("400.00"))
        post_payment(fjord, "PAY-LY", "-500.00", last_year)
        post_invoice_due(fjord, "INV-TY", "300.00", today, today, sales_lcy=Decimal("240.00"))
        client.force_login(auditor)
        stats = client.get(reverse("receivables:customer-card", args=["C10000"])).context["stats"]
        assert stats.sales_this_year == Decimal("240.00")
        assert stats.payments_this_year == Decimal("0.00")
        assert stats.last_payment_date == last_year
        assert stats.balance == Decimal("300.00")

    def test_a_customer_without_entries_has_zero_statistics(self, client, auditor, fjord):
        client.force_login(auditor)
        response = client.get(reverse("receivables:customer-card", args=["C10000"]))
        stats = response.context["stats"]
        assert (stats.balance, stats.open_invoices, stats.last_payment_date) == (Decimal("0.00"), 0, None)
        assert "No bank accounts." in response.content.decode()

    def test_it_links_the_ledger_entries_and_drills_down(self, client, auditor, balances):
        client.force_login(auditor)
        html = client.get(reverse("receivables:customer-card", args=["C10000"])).content.decode()
        ledger_url = reverse("receivables:customer-ledger-entries")
        assert f'href="{ledger_url}?customer=C10000"' in html
        assert f'href="{ledger_url}?customer=C10000&amp;open=yes"' in html
        assert f'href="{ledger_url}?customer=C10000&amp;overdue=yes"' in html

    def test_master_data_users_get_an_admin_link(self, client, master_data_user, fjord):
        client.force_login(master_data_user)
        html = client.get(reverse("receivables:customer-card", args=["C10000"])).content.decode()
        assert reverse("admin:receivables_customer_change", args=[fjord.pk]) in html

    def test_an_unknown_customer_is_not_found(self, client, auditor, company):
        client.force_login(auditor)
        assert client.get(reverse("receivables:customer-card", args=["NOPE"])).status_code == 404

    def test_it_rejects_post(self, client, auditor, fjord):
        client.force_login(auditor)
        assert client.post(reverse("receivables:customer-card", args=["C10000"])).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, fjord):
        client.force_login(nobody)
        assert client.get(reverse("receivables:customer-card", args=["C10000"])).status_code == 403


def post_vendor_invoice(vendor, doc_no: str, amount: str, on, due):
    """A purchase invoice: the vendor is credited (negative), so what we owe reads positive on the card."""
    return post([GenJournalLine(
        posting_date=on, document_date=on, due_date=due, document_type=DocumentType.INVOICE, document_no=doc_no,
        account_type=AccountType.VENDOR, account_no=vendor.no, description=f"Invoice {doc_no}",
        amount=-Decimal(amount), bal_account_type=AccountType.GL_ACCOUNT, bal_account_no="4000",
    )]).vendor_entries[0]


@pytest.fixture
def vendors(company, today):
    """Kontorrekvisita: owes 700.00, of which 500.00 is due; Strøm AS: nothing."""
    supplier = VendorFactory(no="V10000", name="Kontorrekvisita AS", city="Oslo")
    post_vendor_invoice(supplier, "PI-1", "500.00", today - timedelta(days=40), today - timedelta(days=10))
    post_vendor_invoice(supplier, "PI-2", "200.00", today, today + timedelta(days=14))
    VendorFactory(no="V20000", name="Strøm AS", city="Bergen")
    return supplier


class VendorListTests:
    def test_it_shows_the_balances(self, client, auditor, vendors, ledger_ok, django_assert_max_num_queries):
        ledger_ok()
        client.force_login(auditor)
        client.get(reverse("receivables:role-center"))
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(reverse("receivables:vendor-list"))
        by_no = {v.no: v for v in response.context["page_obj"]}
        assert (by_no["V10000"].balance, by_no["V10000"].balance_due) == (Decimal("700.00"), Decimal("500.00"))
        assert (by_no["V20000"].balance, by_no["V20000"].balance_due) == (Decimal("0.00"), Decimal("0.00"))
        html = response.content.decode()
        assert "<html" in html and "700.00" in html
        assert reverse("receivables:vendor-card", args=["V10000"]) in html

    def test_it_searches_filters_and_sorts(self, client, auditor, vendors):
        client.force_login(auditor)
        url = reverse("receivables:vendor-list")
        assert rows(client.get(url, {"q": "bergen"})) == ["V20000"]
        assert rows(client.get(url, {"balance": "on"})) == ["V10000"]
        assert rows(client.get(url, {"sort": "balance"})) == ["V20000", "V10000"]
        assert rows(client.get(url, {"sort": "-balance_due"})) == ["V10000", "V20000"]

    def test_it_exports_to_xlsx(self, client, auditor, vendors):
        client.force_login(auditor)
        response = client.get(reverse("receivables:vendor-list"), {"format": "xlsx"})
        values = list(load_workbook(BytesIO(response.content)).active.values)
        assert values[0] == ("No.", "Name", "City", "Phone No.", "Balance (LCY)", "Balance Due (LCY)")
        assert values[1][0] == "V10000" and Decimal(str(values[1][4])) == Decimal("700.00")

    def test_htmx_gets_only_the_list(self, client, auditor, vendors):
        client.force_login(auditor)
        html = client.get(reverse("receivables:vendor-list"), {"q": "kontor"}, **HTMX).content.decode()
        assert "<html" not in html and html.lstrip().startswith('<section id="vendor-list"')
        assert "Kontorrekvisita AS" in html and "Strøm AS" not in html

    def test_it_rejects_post(self, client, auditor, company):
        client.force_login(auditor)
        assert client.post(reverse("receivables:vendor-list")).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, company):
        client.force_login(nobody)
        assert client.get(reverse("receivables:vendor-list")).status_code == 403


class VendorCardTests:
    def test_it_shows_the_card_and_statistics(self, client, auditor, vendors, django_assert_max_num_queries):
        client.force_login(auditor)
        client.get(reverse("receivables:role-center"))
        with django_assert_max_num_queries(CARD_QUERIES):
            response = client.get(reverse("receivables:vendor-card", args=["V10000"]))
        stats = response.context["stats"]
        assert (stats.balance, stats.balance_due, stats.open_invoices) == (Decimal("700.00"), Decimal("500.00"), 2)
        html = response.content.decode()
        assert "Vendor Statistics" in html and "Kontorrekvisita AS" in html and "Edit in admin" not in html
        ledger_url = reverse("receivables:vendor-ledger-entries")
        assert f'href="{ledger_url}?vendor=V10000"' in html

    def test_master_data_users_get_an_admin_link(self, client, master_data_user, vendors):
        client.force_login(master_data_user)
        html = client.get(reverse("receivables:vendor-card", args=["V10000"])).content.decode()
        assert reverse("admin:receivables_vendor_change", args=[vendors.pk]) in html

    def test_an_unknown_vendor_is_not_found(self, client, auditor, company):
        client.force_login(auditor)
        assert client.get(reverse("receivables:vendor-card", args=["NOPE"])).status_code == 404

    def test_it_rejects_post(self, client, auditor, vendors):
        client.force_login(auditor)
        assert client.post(reverse("receivables:vendor-card", args=["V10000"])).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, vendors):
        client.force_login(nobody)
        assert client.get(reverse("receivables:vendor-card", args=["V10000"])).status_code == 403


@pytest.fixture
def banks(fjord, today):
    """NBANK received 100.00 and 250.00; a second account, EUR-free and empty, has a last statement."""
    post_payment(fjord, "PAY-1", "-100.00", today)
    post_payment(fjord, "PAY-2", "-250.00", today)
    return ensure_bank_account(no="SPARE", name="Sparebank", iban="NO9386011117947", last_statement_no="7",
                               balance_last_statement=Decimal("-12.50"))


class BankAccountListTests:
    def test_it_shows_the_balances(self, client, clerk, banks, django_assert_max_num_queries):
        client.force_login(clerk)
        client.get(reverse("receivables:role-center"))
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(reverse("receivables:bank-account-list"))
        by_no = {b.no: b for b in response.context["page_obj"]}
        assert by_no["NBANK"].balance_lcy == Decimal("350.00")
        assert by_no["SPARE"].balance_lcy == Decimal("0.00")
        html = response.content.decode()
        assert "350.00" in html and "NO9386011117947" in html
        assert '<td class="num neg">-12.50</td>' in html
        assert reverse("receivables:bank-ledger-entries") + "?bank_account=NBANK" in html

    def test_it_searches_and_sorts(self, client, clerk, banks):
        client.force_login(clerk)
        url = reverse("receivables:bank-account-list")
        assert rows(client.get(url, {"q": "spare"})) == ["SPARE"]
        assert rows(client.get(url, {"sort": "-balance_lcy"})) == ["NBANK", "SPARE"]
        assert rows(client.get(url, {"sort": "balance_last_statement"})) == ["SPARE", "NBANK"]

    def test_it_exports_to_xlsx(self, client, clerk, banks):
        client.force_login(clerk)
        values = list(load_workbook(BytesIO(
            client.get(reverse("receivables:bank-account-list"), {"format": "xlsx"}).content)).active.values)
        assert values[0] == ("No.", "Name", "Bank Account No.", "IBAN", "Currency Code", "Balance (LCY)",
                             "Last Statement No.", "Balance Last Statement")
        assert values[1][0] == "NBANK" and Decimal(str(values[1][5])) == Decimal("350.00")

    def test_htmx_gets_only_the_list(self, client, clerk, banks):
        client.force_login(clerk)
        html = client.get(reverse("receivables:bank-account-list"), {"q": "spare"}, **HTMX).content.decode()
        assert "<html" not in html and html.lstrip().startswith('<section id="bank-account-list"')
        assert "Sparebank" in html and "Nordbank" not in html

    def test_it_rejects_post(self, client, clerk, company):
        client.force_login(clerk)
        assert client.post(reverse("receivables:bank-account-list")).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, company):
        client.force_login(nobody)
        assert client.get(reverse("receivables:bank-account-list")).status_code == 403
