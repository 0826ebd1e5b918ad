from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse

from receivables import web_urls
from receivables.imports.views import MAX_UPLOAD_BYTES
from receivables.models import CustLedgerEntry, Customer, GLRegister

# Until the lead includes receivables.imports.urls in receivables/web_urls.py, this module is the URLconf.
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include(([*web_urls.urlpatterns, path("imports/", include("receivables.imports.urls"))], "receivables"))),
]
pytestmark = pytest.mark.urls(__name__)

OPEN_ENTRIES = (
    "account_type,account_no,document_type,document_no,posting_date,due_date,amount,remaining_amount\n"
    "customer,C10000,invoice,103001,2025-12-01,2025-12-31,1000.00,400.00\n"
)


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def url() -> str:
    return reverse("receivables:import-data")


class ImportDataPageTests:
    def test_it_shows_the_form_with_the_kinds_the_user_may_import(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html
        assert [code for code, _label in response.context["form"].fields["kind"].choices] == [
            "customers", "vendors", "bank_accounts", "text_to_account_mappings",
        ]
        assert "no, name, org_no, iban" in html

    def test_an_accountant_imports_open_entries(self, client, accountant, fjord, url, ledger_ok):
        client.force_login(accountant)
        response = client.post(url, {"kind": "open_entries", "file": upload("open.csv", OPEN_ENTRIES)})
        assert response.status_code == 302 and response.url == url
        invoice = CustLedgerEntry.objects.get(document_type="invoice")
        assert (invoice.amount, invoice.remaining_amount) == (Decimal("1000.00"), Decimal("400.00"))
        assert GLRegister.objects.get().user == accountant
        page = client.get(url).content.decode()
        assert "Imported 1 open entries from open.csv in 1 transactions." in page
        ledger_ok()

    def test_a_master_data_user_imports_customers(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        response = client.post(url, {
            "kind": "customers", "file": upload("customers.csv", "\ufeffno,name,iban\nK1,Fisk AS,NO9386011117947\n"),
        }, follow=True)
        assert response.redirect_chain == [(url, 302)]
        assert "Customers: imported 1 rows from customers.csv (1 new, 0 updated)." in response.content.decode()
        customer = Customer.objects.get(no="K1")
        customer.refresh_from_db()
        assert customer.bank_accounts.get().iban_normalized == "NO9386011117947"

    def test_check_only_imports_nothing(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        response = client.post(url, {
            "kind": "customers", "file": upload("customers.csv", "no,name\nK1,Fisk AS\n"), "check_only": "on",
        }, follow=True)
        assert (
            "customers.csv is fine: 1 rows of Customers can be imported (1 new, 0 updated). Nothing was imported."
            in response.content.decode()
        )
        assert not Customer.objects.exists()

    def test_a_bad_file_shows_every_bad_row_and_imports_nothing(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        response = client.post(url, {
            "kind": "customers",
            "file": upload("customers.csv", "no,name,email\nK1,Fisk AS,x\nK2,,\nK3,Godt AS,\n"),
        })
        assert response.status_code == 200
        assert [str(error) for error in response.context["errors"]] == [
            "customers.csv, line 2, field email: Enter a valid email address.",
            "customers.csv, line 3, field name: This field cannot be blank.",
        ]
        html = response.content.decode()
        assert "The file has 2 errors; nothing was imported." in html
        assert '<td>customers.csv</td><td class="num">3</td><td class="mono">name</td>' in html
        assert not Customer.objects.exists()

    def test_htmx_gets_the_fragment_with_the_errors(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        response = client.post(
            url, {"kind": "customers", "file": upload("customers.csv", "no,name\nK1,\n")}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<div id="import-data">') and "<html" not in html
        assert "customers.csv" in html and "This field cannot be blank." in html
        assert not Customer.objects.exists()

    def test_htmx_success_redirects_the_whole_page(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        response = client.post(
            url, {"kind": "customers", "file": upload("customers.csv", "no,name\nK1,Fisk AS\n")},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and response["HX-Redirect"] == url
        assert Customer.objects.get(no="K1").name == "Fisk AS"

    def test_it_refuses_a_file_that_is_not_utf8(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        response = client.post(url, {"kind": "customers", "file": upload("kunder.csv", "no,name\nK1,Ørsta AS\n".encode("cp1252"))})
        assert response.context["form"].errors["file"] == [
            "kunder.csv, line 2: The file is not UTF-8 text (the byte at position 12 cannot be read). Save it as "
            "\"CSV UTF-8\" and import it again."
        ]
        assert not Customer.objects.exists()

    def test_it_refuses_a_file_over_the_limit(self, client, master_data_user, company, url):
        client.force_login(master_data_user)
        big = b"no,name\n" + b"K1,x\n" * (MAX_UPLOAD_BYTES // 5 + 1)
        response = client.post(url, {"kind": "customers", "file": upload("big.csv", big)})
        assert response.context["form"].errors["file"] == [
            "The file is 20.0\xa0MB; files up to 20.0\xa0MB can be imported."
        ]

    def test_a_bad_balance_account_is_a_field_error(self, client, accountant, fjord, url):
        client.force_login(accountant)
        response = client.post(
            url, {"kind": "open_entries", "file": upload("open.csv", OPEN_ENTRIES), "balance_account": "9999"}
        )
        assert response.context["form"].errors["balance_account"] == ["G/L Account 9999 does not exist."]
        assert not CustLedgerEntry.objects.exists()

    def test_wrong_method(self, client, accountant, company, url):
        client.force_login(accountant)
        assert client.put(url).status_code == 405

    def test_a_user_without_permission_gets_403(self, client, clerk, auditor, master_data_user, fjord, url):
        client.force_login(auditor)
        assert client.get(url).status_code == 403
        assert client.post(url, {"kind": "customers", "file": upload("c.csv", "no,name\nK1,A\n")}).status_code == 403
        client.force_login(clerk)
        assert client.post(url, {"kind": "open_entries", "file": upload("open.csv", OPEN_ENTRIES)}).status_code == 403
        assert client.post(url, {"kind": "customers", "file": upload("c.csv", "no,name\nK1,A\n")}).status_code == 403
        # Master data may import customers, but not post open entries.
        client.force_login(master_data_user)
        assert client.post(url, {"kind": "open_entries", "file": upload("open.csv", OPEN_ENTRIES)}).status_code == 403
        assert not CustLedgerEntry.objects.exists() and not Customer.objects.filter(no="K1").exists()

    def test_it_requires_login(self, client, company, url):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")
