"""Sales Invoices / Credit Memos windows, the posted documents and the printed invoice."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from openpyxl import load_workbook

from receivables.lib.payment_reference import is_valid_kid
from receivables.models import (
    Blocked,
    CompanySetup,
    CustLedgerEntry,
    GLAccount,
    PostedSalesDocument,
    SalesDocumentType,
    SalesHeader,
    SalesLine,
    UserSetup,
)
from receivables.sales import documents
from tests.factories import CustomerFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
INVOICE = SalesDocumentType.INVOICE
CREDIT_MEMO = SalesDocumentType.CREDIT_MEMO
JAN_15 = date(2026, 1, 15)


@pytest.fixture
def nobody(db) -> User:
    """Signed in, but in no role group: no permission anywhere."""
    return User.objects.create_user("nobody", password="pw-nobody")


@pytest.fixture
def editing_clerk(clerk) -> User:
    """A clerk who may create and edit sales documents (issue #3), but not post or delete them."""
    clerk.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="receivables", codename__in=["add_salesheader", "change_salesheader"]
    ))
    return User.objects.get(pk=clerk.pk)  # fresh: permissions are cached on the instance


def make_document(customer, document_type=INVOICE, *, lines=(("Consulting", "2", "1000.00", "25"),), **fields):
    fields.setdefault("posting_date", JAN_15)
    fields.setdefault("document_date", JAN_15)
    header = documents.create_document(document_type=document_type, customer=customer, **fields)
    revenue = GLAccount.objects.get(no="3000")
    documents.save_lines(header=header, lines=[
        SalesLine(description=d, gl_account=revenue, quantity=Decimal(q), unit_price=Decimal(p), vat_pct=Decimal(v))
        for d, q, p, v in lines
    ])
    return header


@pytest.fixture
def invoice(fjord) -> SalesHeader:
    return make_document(fjord, external_document_no="PO-77")


@pytest.fixture
def posted_invoice(invoice, accountant) -> PostedSalesDocument:
    return documents.post_document(header=invoice, user=accountant)


def lines_data(header: SalesHeader, new: dict | None = None, **changes) -> dict:
    """The POST of the lines grid as the browser sends it: every existing line, then the new-line row."""
    existing = list(header.lines.select_related("gl_account").order_by("line_no"))
    data = {"lines-TOTAL_FORMS": str(len(existing) + 1), "lines-INITIAL_FORMS": str(len(existing)),
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"}
    for index, line in enumerate(existing):
        data.update({
            f"lines-{index}-id": str(line.pk), f"lines-{index}-header": str(header.pk),
            f"lines-{index}-gl_account": line.gl_account.no, f"lines-{index}-description": line.description,
            f"lines-{index}-quantity": str(line.quantity), f"lines-{index}-unit_price": str(line.unit_price),
            f"lines-{index}-vat_pct": str(line.vat_pct),
        })
    data.update({f"lines-{k}": v for k, v in changes.items()})
    index = len(existing)
    new_row = {"gl_account": "", "description": "", "quantity": "1", "unit_price": "0", "vat_pct": "25"}
    new_row.update(new or {})
    data.update({f"lines-{index}-{k}": v for k, v in new_row.items()})
    data[f"lines-{index}-header"] = str(header.pk)
    return data


def header_data(**fields) -> dict:
    data = {"customer": "C10000", "posting_date": "2026-01-15", "document_date": "2026-01-15",
            "payment_terms": "", "due_date": "", "external_document_no": ""}
    data.update(fields)
    return data


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------- lists


class SalesInvoiceListTests:
    def test_it_lists_unposted_invoices_with_totals(self, client, accountant, invoice, django_assert_max_num_queries):
        make_document(invoice.customer, CREDIT_MEMO)
        for _i in range(25):
            make_document(invoice.customer)
        client.force_login(accountant)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("receivables:sales-invoice-list"))
        assert response.status_code == 200
        html = page(response)
        assert "<html" in html and "Sales Invoices" in html
        assert reverse("receivables:sales-document", args=[invoice.pk]) in html
        assert ">2,500.00<" in html and ">2,000.00<" in html
        assert "SC-0001" not in html  # credit memos have their own list
        assert len(response.context["rows"]) == 26

    def test_it_filters_by_customer_and_posting_date(self, client, accountant, invoice):
        other = CustomerFactory(name="Bergen Bygg AS")
        make_document(other, posting_date=date(2026, 3, 1))
        client.force_login(accountant)
        url = reverse("receivables:sales-invoice-list")
        assert [h.no for h in client.get(url, {"customer": "bergen"}).context["rows"]] == ["SI-0002"]
        assert [h.no for h in client.get(url, {"customer": "C10000"}).context["rows"]] == ["SI-0001"]
        assert [h.no for h in client.get(url, {"date_from": "2026-02-01"}).context["rows"]] == ["SI-0002"]
        assert [h.no for h in client.get(url, {"date_to": "2026-01-31"}).context["rows"]] == ["SI-0001"]
        response = client.get(url, {"customer": "nobody"})
        assert "No documents match the filter." in page(response)

    def test_it_sorts_and_pages(self, client, accountant, fjord):
        for day in (3, 1, 2):
            make_document(fjord, posting_date=date(2026, 1, day))
        client.force_login(accountant)
        url = reverse("receivables:sales-invoice-list")
        rows = client.get(url, {"sort": "-posting_date"}).context["rows"]
        assert [h.posting_date.day for h in rows] == [3, 2, 1]
        assert [h.no for h in client.get(url, {"sort": "-no"}).context["rows"]][0] == "SI-0003"
        for _i in range(50):
            make_document(fjord, lines=())
        response = client.get(url, {"page": "2"})
        assert len(response.context["rows"]) == 3 and "Page 2 of 2" in page(response)

    def test_it_exports_xlsx(self, client, accountant, invoice):
        client.force_login(accountant)
        response = client.get(reverse("receivables:sales-invoice-list"), {"format": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "No." and rows[1][0] == "SI-0001"
        assert rows[1][-1] == 2500 and rows[1][1] == "C10000"

    def test_it_shows_an_empty_state_with_new(self, client, accountant, company):
        client.force_login(accountant)
        html = page(client.get(reverse("receivables:sales-invoice-list")))
        assert "There are no unposted sales invoices." in html
        assert reverse("receivables:sales-document-new") + "?type=invoice" in html

    def test_htmx_gets_the_list_partial(self, client, accountant, invoice):
        client.force_login(accountant)
        html = page(client.get(reverse("receivables:sales-invoice-list"), {"sort": "-no", "customer": "fjord"}, **HTMX))
        assert html.lstrip().startswith('<section id="sales-document-list"') and "<html" not in html
        assert "SI-0001" in html
        # The export action and the filter bar follow the new order out of band.
        export = 'id="export-xlsx" href="?sort=-no&amp;customer=fjord&amp;format=xlsx" download hx-swap-oob="true"'
        assert export in html
        assert '<form id="list-filter"' in html and '<input type="hidden" name="sort" value="-no">' in html

    def test_it_needs_get(self, client, accountant, company):
        client.force_login(accountant)
        assert client.post(reverse("receivables:sales-invoice-list")).status_code == 405

    def test_it_needs_the_view_permission(self, client, nobody, company):
        client.force_login(nobody)
        assert client.get(reverse("receivables:sales-invoice-list")).status_code == 403

    def test_it_requires_login(self, client, company):
        response = client.get(reverse("receivables:sales-invoice-list"))
        assert response.status_code == 302 and "/login/" in response.url


class SalesCreditMemoListTests:
    def test_it_lists_credit_memos_only(self, client, auditor, invoice):
        make_document(invoice.customer, CREDIT_MEMO)
        client.force_login(auditor)
        response = client.get(reverse("receivables:sales-credit-memo-list"))
        assert [h.no for h in response.context["rows"]] == ["SC-0001"]
        assert "Sales Credit Memos" in page(response)
        assert reverse("receivables:sales-document-new") not in page(response)  # auditors create nothing

    def test_it_shows_an_empty_state(self, client, accountant, company):
        client.force_login(accountant)
        html = page(client.get(reverse("receivables:sales-credit-memo-list")))
        assert "There are no unposted sales credit memos." in html and "?type=credit_memo" in html

    def test_htmx_gets_the_list_partial(self, client, accountant, company):
        client.force_login(accountant)
        html = page(client.get(reverse("receivables:sales-credit-memo-list"), **HTMX))
        assert html.lstrip().startswith('<section id="sales-document-list"')

    def test_it_exports_xlsx(self, client, accountant, fjord):
        make_document(fjord, CREDIT_MEMO)
        client.force_login(accountant)
        response = client.get(reverse("receivables:sales-credit-memo-list"), {"format": "xlsx"})
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1][0] == "SC-0001"

    def test_it_needs_get_and_permission(self, client, nobody, accountant, company):
        client.force_login(accountant)
        assert client.post(reverse("receivables:sales-credit-memo-list")).status_code == 405
        client.force_login(nobody)
        assert client.get(reverse("receivables:sales-credit-memo-list")).status_code == 403


# ---------------------------------------------------------------------------- new document


class SalesDocumentNewTests:
    def url(self, document_type="invoice"):
        return reverse("receivables:sales-document-new") + f"?type={document_type}"

    def test_it_shows_the_header_form(self, client, accountant, company):
        client.force_login(accountant)
        html = page(client.get(self.url()))
        assert "New Sales Invoice" in html and 'name="customer"' in html
        assert 'data-lookup-url="' + reverse("receivables:customer-lookup") in html
        assert 'name="applies_to_doc_no"' not in html
        assert 'name="applies_to_doc_no"' in page(client.get(self.url("credit_memo")))

    def test_it_creates_a_numbered_document_and_opens_its_card(self, client, accountant, fjord):
        client.force_login(accountant)
        response = client.post(self.url(), header_data(external_document_no="PO-1"))
        header = SalesHeader.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("receivables:sales-document", args=[header.pk]) + "#sales-lines"
        header.refresh_from_db()
        assert (header.no, header.document_type, header.customer, header.external_document_no) == (
            "SI-0001", INVOICE, fjord, "PO-1")
        assert header.due_date == date(2026, 2, 14) and header.payment_terms.code == "2%8D30D"
        assert header.created_by == accountant

    def test_it_creates_a_credit_memo_with_applies_to(self, client, accountant, fjord):
        client.force_login(accountant)
        client.post(self.url("credit_memo"), header_data(applies_to_doc_no="103001"))
        header = SalesHeader.objects.get()
        assert (header.no, header.applies_to_doc_no, header.due_date) == ("SC-0001", "103001", JAN_15)

    def test_it_shows_field_errors(self, client, accountant, fjord):
        client.force_login(accountant)
        response = client.post(self.url(), header_data(customer="C99999", posting_date="not a date"))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["customer"] == ["There is no customer with No. C99999."]
        assert form.errors["posting_date"] == ["Enter a valid date."]
        assert not SalesHeader.objects.exists()

    def test_a_customer_blocked_all_cannot_be_invoiced(self, client, accountant, fjord):
        fjord.blocked = Blocked.ALL
        fjord.save()
        client.force_login(accountant)
        response = client.post(self.url(), header_data())
        assert response.context["form"].errors["customer"] == [
            "You cannot invoice customer C10000: the customer is blocked with type All."]
        assert "blocked with type All" in page(response)
        assert not SalesHeader.objects.exists()

    def test_a_clerk_may_create_documents(self, client, editing_clerk, fjord):
        client.force_login(editing_clerk)
        assert client.post(self.url(), header_data()).status_code == 302
        assert SalesHeader.objects.get().created_by == editing_clerk

    def test_htmx_post_redirects_the_page(self, client, accountant, fjord):
        client.force_login(accountant)
        response = client.post(self.url(), header_data(), **HTMX)
        assert response.status_code == 200
        card = reverse("receivables:sales-document", args=[SalesHeader.objects.get().pk])
        assert response["HX-Redirect"].startswith(card)

    def test_an_unknown_type_is_not_found(self, client, accountant, company):
        client.force_login(accountant)
        assert client.get(self.url("order")).status_code == 404

    def test_it_needs_get_or_post(self, client, accountant, company):
        client.force_login(accountant)
        assert client.put(self.url()).status_code == 405

    def test_it_needs_the_change_permission(self, client, auditor, fjord):
        client.force_login(auditor)
        assert client.get(self.url()).status_code == 403
        assert client.post(self.url(), header_data()).status_code == 403
        assert not SalesHeader.objects.exists()


# ---------------------------------------------------------------------------- the card


class SalesDocumentTests:
    def url(self, header):
        return reverse("receivables:sales-document", args=[header.pk])

    def test_it_shows_header_lines_and_totals(self, client, accountant, invoice):
        client.force_login(accountant)
        response = client.get(self.url(invoice))
        html = page(response)
        assert response.status_code == 200 and "<html" in html
        assert "Sales Invoice SI-0001" in html and "Fjord Handel AS" in html
        assert '<table class="grid" data-grid>' in html and "<tr data-new-row>" in html
        assert 'data-lookup-url="' + reverse("receivables:gl-account-lookup") in html
        assert 'value="Consulting"' in html and 'value="2"' in html and 'value="1,000.00"' in html
        assert 'data-total="amount">2,000.00<' in html
        assert 'data-total="vat">500.00<' in html
        assert 'data-total="amount-including-vat">2,500.00<' in html
        assert 'data-fact="balance">0.00<' in html
        assert reverse("receivables:sales-document-post", args=[invoice.pk]) in html
        assert "data-confirm=" in html

    def test_the_fact_box_shows_the_customer_balance(self, client, accountant, posted_invoice, fjord):
        other = make_document(fjord)
        client.force_login(accountant)
        assert 'data-fact="balance">2,500.00<' in page(client.get(self.url(other)))

    def test_it_saves_header_changes_and_recomputes_the_due_date(self, client, accountant, invoice):
        client.force_login(accountant)
        response = client.post(self.url(invoice), header_data(
            document_date="2026-02-01", external_document_no="PO-9", payment_terms=str(invoice.payment_terms_id),
            due_date="2026-02-14",  # shown on the card; unchanged, so it follows the new document date
        ))
        assert response.status_code == 302 and response.url == self.url(invoice)
        invoice.refresh_from_db()
        assert invoice.document_date == date(2026, 2, 1) and invoice.due_date == date(2026, 3, 3)
        assert invoice.external_document_no == "PO-9"

    def test_it_shows_header_errors_at_the_field(self, client, accountant, invoice):
        client.force_login(accountant)
        response = client.post(self.url(invoice), header_data(document_date=""))
        assert response.status_code == 200
        assert response.context["form"].errors["document_date"] == ["This field is required."]
        assert "form-row--error" in page(response)
        invoice.refresh_from_db()
        assert invoice.document_date == JAN_15

    def test_an_auditor_sees_it_read_only(self, client, auditor, invoice):
        client.force_login(auditor)
        html = page(client.get(self.url(invoice)))
        assert "data-grid" not in html and "Consulting" in html
        assert 'name="customer"' in html and "disabled" in html
        assert reverse("receivables:sales-document-post", args=[invoice.pk]) not in html
        assert reverse("receivables:sales-document-delete", args=[invoice.pk]) not in html

    def test_htmx_gets_the_lines_partial(self, client, accountant, invoice):
        client.force_login(accountant)
        html = page(client.get(self.url(invoice), **HTMX))
        assert html.lstrip().startswith('<section id="sales-lines"') and "<html" not in html

    def test_it_needs_get_or_post(self, client, accountant, invoice):
        client.force_login(accountant)
        assert client.put(self.url(invoice)).status_code == 405

    def test_saving_needs_the_change_permission(self, client, auditor, nobody, invoice):
        client.force_login(auditor)
        assert client.post(self.url(invoice), header_data(external_document_no="X")).status_code == 403
        invoice.refresh_from_db()
        assert invoice.external_document_no == "PO-77"
        client.force_login(nobody)
        assert client.get(self.url(invoice)).status_code == 403

    def test_a_clerk_may_edit(self, client, editing_clerk, invoice):
        client.force_login(editing_clerk)
        assert client.post(self.url(invoice), header_data(external_document_no="C-1")).status_code == 302
        invoice.refresh_from_db()
        assert invoice.external_document_no == "C-1"

    def test_an_unknown_document_is_not_found(self, client, accountant, company):
        client.force_login(accountant)
        assert client.get(reverse("receivables:sales-document", args=[999])).status_code == 404


class SalesDocumentLinesTests:
    def url(self, header):
        return reverse("receivables:sales-document-lines", args=[header.pk])

    def test_a_plain_post_adds_the_new_line_and_redirects(self, client, accountant, invoice):
        client.force_login(accountant)
        data = lines_data(invoice, new={"gl_account": "3000", "description": "Travel", "quantity": "1.5",
                                        "unit_price": "200", "vat_pct": "12"})
        response = client.post(self.url(invoice), data)
        assert response.status_code == 302
        assert response.url == reverse("receivables:sales-document", args=[invoice.pk]) + "#sales-lines"
        line = invoice.lines.get(line_no=20000)
        line.refresh_from_db()
        assert (line.description, line.quantity, line.unit_price, line.vat_pct) == (
            "Travel", Decimal("1.5"), Decimal("200"), Decimal("12"))

    def test_numbers_follow_the_users_language(self, client, accountant, invoice):
        UserSetup.objects.create(user=accountant, language="nb")
        client.force_login(accountant)
        html = page(client.get(reverse("receivables:sales-document", args=[invoice.pk])))
        assert 'value="1\xa0000,00"' in html  # unit price in Norwegian
        data = lines_data(invoice, new={"gl_account": "3000", "quantity": "1,5", "unit_price": "1\xa0200,50"},
                          **{"0-unit_price": "1\xa0000,00", "0-quantity": "2", "0-vat_pct": "25"})
        assert client.post(self.url(invoice), data).status_code == 302
        assert invoice.lines.get(line_no=20000).quantity == Decimal("1.5")
        assert invoice.lines.get(line_no=20000).unit_price == Decimal("1200.5")

    def test_it_edits_existing_lines(self, client, accountant, invoice):
        client.force_login(accountant)
        client.post(self.url(invoice), lines_data(invoice, **{"0-quantity": "3", "0-description": "Advice"}))
        line = invoice.lines.get()
        assert (line.quantity, line.description) == (Decimal("3"), "Advice")

    def test_it_deletes_ticked_lines(self, client, accountant, invoice):
        client.force_login(accountant)
        client.post(self.url(invoice), lines_data(invoice, **{"0-DELETE": "on"}))
        assert not invoice.lines.exists()

    def test_htmx_saves_and_returns_the_grid_with_totals(self, client, accountant, invoice):
        client.force_login(accountant)
        data = lines_data(invoice, new={"gl_account": "3000", "description": "", "unit_price": "100"})
        response = client.post(self.url(invoice), data, **HTMX)
        html = page(response)
        assert response.status_code == 200 and "<html" not in html
        assert html.lstrip().startswith('<section id="sales-lines"')
        assert 'id="sales-totals" hx-swap-oob="true"' in html
        assert 'data-total="amount-including-vat">2,625.00<' in html
        assert 'value="Salgsinntekt, avgiftspliktig"' in html  # blank description: the account's name
        assert "autofocus" in html  # keyboard entry goes on in the new-line row
        assert invoice.lines.count() == 2

    def test_it_shows_clear_field_errors(self, client, accountant, invoice):
        client.force_login(accountant)
        data = lines_data(invoice, new={"gl_account": "1500", "quantity": "two", "unit_price": "1.2.3",
                                        "vat_pct": "150"})
        response = client.post(self.url(invoice), data, **HTMX)
        html = page(response)
        assert "Quantity must be a number." in html
        assert "Unit Price Excl. VAT must be a number." in html
        assert "VAT % must be between 0 and 100." in html
        assert "There is no G/L account 1500 that can be posted to directly." in html
        assert 'aria-invalid="true"' in html
        assert invoice.lines.count() == 1

    def test_a_plain_post_with_errors_shows_the_page(self, client, accountant, invoice):
        client.force_login(accountant)
        response = client.post(self.url(invoice), lines_data(invoice, **{"0-vat_pct": "-1"}))
        assert response.status_code == 200 and "<html" in page(response)
        assert "VAT % must be between 0 and 100." in page(response)
        assert invoice.lines.get().vat_pct == Decimal("25")

    def test_it_needs_post(self, client, accountant, invoice):
        client.force_login(accountant)
        assert client.get(self.url(invoice)).status_code == 405

    def test_it_needs_the_change_permission(self, client, auditor, invoice):
        client.force_login(auditor)
        assert client.post(self.url(invoice), lines_data(invoice, **{"0-DELETE": "on"})).status_code == 403
        assert invoice.lines.exists()


# ---------------------------------------------------------------------------- post and delete


class SalesDocumentPostTests:
    def url(self, header):
        return reverse("receivables:sales-document-post", args=[header.pk])

    def test_it_posts_and_opens_the_posted_invoice(self, client, accountant, invoice, ledger_ok):
        client.force_login(accountant)
        response = client.post(self.url(invoice))
        posted = PostedSalesDocument.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("receivables:posted-sales-document", args=[posted.pk])
        assert not SalesHeader.objects.filter(pk=invoice.pk).exists()
        entry = CustLedgerEntry.objects.get()
        assert entry.due_date == date(2026, 2, 14) and entry.original_pmt_disc_possible == Decimal("50.00")
        assert is_valid_kid(entry.payment_reference) and len(entry.payment_reference) == 11
        assert "SI-0001 was posted as Posted Sales Invoice 103001." in page(client.get(response.url))
        ledger_ok()

    def test_an_engine_refusal_shows_the_message_and_keeps_the_document(self, client, accountant, invoice):
        CompanySetup.objects.update(allow_posting_from=date(2026, 2, 1))
        client.force_login(accountant)
        response = client.post(self.url(invoice), follow=True)
        assert response.redirect_chain[-1][0] == reverse("receivables:sales-document", args=[invoice.pk])
        assert "Posting date is not within the range of allowed posting dates." in page(response)
        assert SalesHeader.objects.filter(pk=invoice.pk).exists() and not PostedSalesDocument.objects.exists()

    def test_a_document_without_amount_is_not_posted(self, client, accountant, fjord):
        header = make_document(fjord, lines=())
        client.force_login(accountant)
        response = client.post(self.url(header), follow=True)
        assert "There is nothing to post: document SI-0001 has no lines with an amount." in page(response)
        assert SalesHeader.objects.filter(pk=header.pk).exists()

    def test_htmx_gets_a_client_redirect(self, client, accountant, invoice):
        client.force_login(accountant)
        response = client.post(self.url(invoice), **HTMX)
        posted = PostedSalesDocument.objects.get()
        assert response["HX-Redirect"] == reverse("receivables:posted-sales-document", args=[posted.pk])

    def test_it_needs_post(self, client, accountant, invoice):
        client.force_login(accountant)
        assert client.get(self.url(invoice)).status_code == 405
        assert SalesHeader.objects.filter(pk=invoice.pk).exists()

    def test_a_clerk_cannot_post(self, client, editing_clerk, invoice):
        client.force_login(editing_clerk)
        assert client.post(self.url(invoice)).status_code == 403
        assert not PostedSalesDocument.objects.exists()
        assert reverse("receivables:sales-document-post", args=[invoice.pk]) not in page(
            client.get(reverse("receivables:sales-document", args=[invoice.pk])))


class SalesDocumentDeleteTests:
    def url(self, header):
        return reverse("receivables:sales-document-delete", args=[header.pk])

    def test_it_deletes_and_returns_to_the_list(self, client, accountant, invoice):
        client.force_login(accountant)
        response = client.post(self.url(invoice))
        assert response.status_code == 302 and response.url == reverse("receivables:sales-invoice-list")
        assert not SalesHeader.objects.exists() and not SalesLine.objects.exists()

    def test_a_credit_memo_returns_to_its_list(self, client, accountant, fjord):
        memo = make_document(fjord, CREDIT_MEMO)
        client.force_login(accountant)
        assert client.post(self.url(memo)).url == reverse("receivables:sales-credit-memo-list")

    def test_htmx_gets_a_client_redirect(self, client, accountant, invoice):
        client.force_login(accountant)
        assert client.post(self.url(invoice), **HTMX)["HX-Redirect"] == reverse("receivables:sales-invoice-list")

    def test_it_needs_post(self, client, accountant, invoice):
        client.force_login(accountant)
        assert client.get(self.url(invoice)).status_code == 405
        assert SalesHeader.objects.exists()

    def test_it_needs_the_delete_permission(self, client, auditor, editing_clerk, invoice):
        for user in (auditor, editing_clerk):
            client.force_login(user)
            assert client.post(self.url(invoice)).status_code == 403
        assert SalesHeader.objects.exists()


# ---------------------------------------------------------------------------- posted documents


class PostedSalesInvoiceListTests:
    def test_it_lists_posted_invoices(self, client, auditor, posted_invoice, accountant, django_assert_max_num_queries):
        for _i in range(20):
            documents.post_document(header=make_document(posted_invoice.customer), user=accountant)
        documents.post_document(header=make_document(posted_invoice.customer, CREDIT_MEMO), user=accountant)
        client.force_login(auditor)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("receivables:posted-sales-invoice-list"))
        html = page(response)
        assert len(response.context["rows"]) == 21
        assert reverse("receivables:posted-sales-document", args=[posted_invoice.pk]) in html
        assert posted_invoice.payment_reference in html and ">2,500.00<" in html
        assert "104001" not in html

    def test_it_filters_sorts_and_exports(self, client, accountant, posted_invoice):
        other = CustomerFactory(name="Bergen Bygg AS")
        documents.post_document(header=make_document(other, posting_date=date(2026, 1, 20)), user=accountant)
        client.force_login(accountant)
        url = reverse("receivables:posted-sales-invoice-list")
        assert [d.no for d in client.get(url, {"customer": "bergen"}).context["rows"]] == ["103002"]
        assert [d.no for d in client.get(url, {"date_to": "2026-01-16"}).context["rows"]] == ["103001"]
        assert [d.no for d in client.get(url, {"sort": "posting_date"}).context["rows"]] == ["103001", "103002"]
        assert [d.no for d in client.get(url).context["rows"]] == ["103002", "103001"]  # newest first
        response = client.get(url, {"format": "xlsx"})
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[0][6] == "Payment Reference (KID)"
        assert {row[0] for row in rows[1:]} == {"103001", "103002"}
        assert rows[1][-1] == 2500

    def test_htmx_gets_the_list_partial(self, client, accountant, posted_invoice):
        client.force_login(accountant)
        html = page(client.get(reverse("receivables:posted-sales-invoice-list"), **HTMX))
        assert html.lstrip().startswith('<section id="posted-sales-document-list"') and "103001" in html

    def test_it_shows_an_empty_state(self, client, accountant, company):
        client.force_login(accountant)
        html = page(client.get(reverse("receivables:posted-sales-invoice-list")))
        assert "No sales invoices have been posted yet." in html

    def test_it_needs_get_and_permission(self, client, accountant, nobody, company):
        client.force_login(accountant)
        assert client.post(reverse("receivables:posted-sales-invoice-list")).status_code == 405
        client.force_login(nobody)
        assert client.get(reverse("receivables:posted-sales-invoice-list")).status_code == 403


class PostedSalesCreditMemoListTests:
    def test_it_lists_posted_credit_memos(self, client, auditor, accountant, fjord, django_assert_max_num_queries):
        documents.post_document(header=make_document(fjord, CREDIT_MEMO), user=accountant)
        client.force_login(auditor)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("receivables:posted-sales-credit-memo-list"))
        assert [d.no for d in response.context["rows"]] == ["104001"]
        assert "Payment Reference (KID)" not in page(response)  # credit memos carry no KID
        assert ">-2,500.00<" in page(response)  # remaining amount of the credit entry

    def test_htmx_xlsx_method_and_permission(self, client, accountant, nobody, fjord):
        documents.post_document(header=make_document(fjord, CREDIT_MEMO), user=accountant)
        client.force_login(accountant)
        url = reverse("receivables:posted-sales-credit-memo-list")
        assert page(client.get(url, **HTMX)).lstrip().startswith('<section id="posted-sales-document-list"')
        workbook = load_workbook(BytesIO(client.get(url, {"format": "xlsx"}).content))
        rows = list(workbook.active.iter_rows(values_only=True))
        assert rows[1][0] == "104001"
        assert client.post(url).status_code == 405
        client.force_login(nobody)
        assert client.get(url).status_code == 403


class PostedSalesDocumentTests:
    def url(self, document):
        return reverse("receivables:posted-sales-document", args=[document.pk])

    def test_it_shows_the_posted_invoice_read_only(self, client, auditor, posted_invoice):
        client.force_login(auditor)
        response = client.get(self.url(posted_invoice))
        html = page(response)
        entry = posted_invoice.cust_ledger_entry
        assert response.status_code == 200 and "Posted Sales Invoice 103001" in html
        assert f'data-field="kid">{posted_invoice.payment_reference}<' in html
        assert 'data-field="due-date">' in html and "Consulting" in html
        assert 'data-field="discount">50.00<' in html
        assert 'data-total="amount-including-vat">2,500.00<' in html
        assert reverse("receivables:posted-sales-document-pdf", args=[posted_invoice.pk]) in html
        assert f"?entry={entry.entry_no}" in html  # the customer ledger entry page exists now
        assert 'method="post"' not in html.split('<main')[1]  # no edit or delete path

    def test_htmx_gets_the_lines_partial(self, client, accountant, posted_invoice):
        client.force_login(accountant)
        html = page(client.get(self.url(posted_invoice), **HTMX))
        assert html.lstrip().startswith('<section id="posted-sales-lines"') and "Consulting" in html

    def test_it_needs_get(self, client, accountant, posted_invoice):
        client.force_login(accountant)
        assert client.post(self.url(posted_invoice)).status_code == 405
        assert client.delete(self.url(posted_invoice)).status_code == 405
        assert PostedSalesDocument.objects.filter(pk=posted_invoice.pk).exists()

    def test_it_needs_the_view_permission(self, client, nobody, posted_invoice):
        client.force_login(nobody)
        assert client.get(self.url(posted_invoice)).status_code == 403


class PostedSalesDocumentPdfTests:
    def url(self, document):
        return reverse("receivables:posted-sales-document-pdf", args=[document.pk])

    def test_it_prints_the_invoice_with_kid_due_date_and_amount(self, client, auditor, posted_invoice):
        client.force_login(auditor)
        response = client.get(self.url(posted_invoice))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="invoice-103001.pdf"'
        assert response.content.startswith(b"%PDF")
        kid = posted_invoice.payment_reference
        text = pdf_text(response.content)
        if text is not None:
            flat = " ".join(text.split())
            assert kid in flat and "1503.12.34567" in flat and "2,500.00" in flat
        html = documents.render_invoice_html(posted_invoice)
        assert f'data-giro="kid">{kid}<' in html
        assert 'data-giro="kroner">2500<' in html and 'data-giro="ore">00<' in html
        assert 'data-giro="account">1503.12.34567<' in html
        assert 'data-giro="due-date">02/14/2026<' in html

    def test_a_credit_memo_prints_without_giro(self, client, accountant, fjord):
        memo = documents.post_document(header=make_document(fjord, CREDIT_MEMO), user=accountant)
        client.force_login(accountant)
        response = client.get(self.url(memo))
        assert response.content.startswith(b"%PDF")
        assert response["Content-Disposition"] == 'inline; filename="credit-memo-104001.pdf"'
        assert "data-giro" not in documents.render_invoice_html(memo)

    def test_it_needs_get_and_permission(self, client, accountant, nobody, posted_invoice):
        client.force_login(accountant)
        assert client.post(self.url(posted_invoice)).status_code == 405
        client.force_login(nobody)
        assert client.get(self.url(posted_invoice)).status_code == 403


def pdf_text(content: bytes) -> str | None:
    """The PDF's text through pypdf when it is installed; None otherwise (the HTML is checked instead)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return "\n".join(p.extract_text() or "" for p in PdfReader(BytesIO(content)).pages)


# ---------------------------------------------------------------------------- lookups


class LookupTests:
    def test_gl_account_lookup(self, client, clerk, company):
        client.force_login(clerk)
        response = client.get(reverse("receivables:gl-account-lookup"), {"q": "3000"})
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content) == [{"value": "3000", "label": "3000 Salgsinntekt, avgiftspliktig"}]
        assert len(json.loads(client.get(reverse("receivables:gl-account-lookup")).content)) <= 20

    def test_customer_lookup(self, client, clerk, fjord):
        for _i in range(25):
            CustomerFactory()
        client.force_login(clerk)
        response = client.get(reverse("receivables:customer-lookup"), {"q": "fjord"})
        assert json.loads(response.content) == [{"value": "C10000", "label": "C10000 Fjord Handel AS"}]
        assert len(json.loads(client.get(reverse("receivables:customer-lookup")).content)) == 20

    def test_they_need_get_and_permission(self, client, clerk, nobody, company):
        client.force_login(clerk)
        for name in ("receivables:gl-account-lookup", "receivables:customer-lookup"):
            assert client.post(reverse(name)).status_code == 405
        client.force_login(nobody)
        for name in ("receivables:gl-account-lookup", "receivables:customer-lookup"):
            assert client.get(reverse(name)).status_code == 403
