"""Payment Reconciliation Journals in the browser's terms: list, journal, Import Bank Statement."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banking.models import BankAccReconciliation, StatementImport
from receivables.company.setup import ensure_bank_account
from receivables.models import Currency
from tests.samples import SAMPLES

ING = SAMPLES / "mt940" / "wolph-jejik-ing.sta"


@pytest.fixture
def eur_bank(company):
    return ensure_bank_account(no="EURBANK", name="Euro", currency=Currency.objects.create(code="EUR"))


def upload(bank, path: Path = ING, **extra) -> dict:
    return {"bank_account": bank.pk, "file": SimpleUploadedFile(path.name, path.read_bytes()), "format": "auto",
            **extra}


class ImportBankStatementViewTests:
    def test_a_clerk_imports_and_sees_the_lines(self, client, clerk, eur_bank):
        client.force_login(clerk)
        response = client.post(reverse("banking:import-statement"), upload(eur_bank))
        journal = BankAccReconciliation.objects.get()
        assert response.status_code == 302 and response.url == reverse("banking:journal", args=[journal.pk])
        page = client.get(response.url)
        html = page.content.decode()
        assert journal.lines.count() == 7 and page.status_code == 200
        assert "wolph-jejik-ing.sta" in html and "-50.27" not in html  # per-line amounts, not the total
        assert StatementImport.objects.get().imported_by == clerk

    def test_htmx_upload_redirects_the_whole_page(self, client, clerk, eur_bank):
        client.force_login(clerk)
        response = client.post(reverse("banking:import-statement"), upload(eur_bank), headers={"HX-Request": "true"})
        assert response.status_code == 200 and response.headers["HX-Redirect"].startswith("/payment-reconciliation/")

    def test_a_bad_file_shows_the_reason_and_imports_nothing(self, client, clerk, eur_bank):
        client.force_login(clerk)
        data = upload(eur_bank)
        data["file"] = SimpleUploadedFile("bad.sta", b":20:X\n:61:nonsense\n")
        response = client.post(reverse("banking:import-statement"), data)
        assert response.status_code == 422
        assert "bad.sta" in response.content.decode()
        assert not BankAccReconciliation.objects.exists()

    def test_check_only_imports_nothing(self, client, clerk, eur_bank):
        client.force_login(clerk)
        response = client.post(reverse("banking:import-statement"), upload(eur_bank, dry_run="on"), follow=True)
        assert "Nothing was imported." in response.content.decode()
        assert not BankAccReconciliation.objects.exists()

    def test_an_auditor_cannot_import(self, client, auditor, eur_bank):
        client.force_login(auditor)
        assert client.get(reverse("banking:import-statement")).status_code == 403
        assert client.get(reverse("banking:journal-list")).status_code == 200

    def test_no_group_no_access(self, client, eur_bank):
        client.force_login(User.objects.create_user("nobody"))
        assert client.get(reverse("banking:journal-list")).status_code == 403


class JournalListTests:
    def test_it_counts_lines_and_unapplied(self, client, auditor, eur_bank, django_assert_max_num_queries):
        from banking.importing import import_statement

        import_statement(bank_account=eur_bank, data=ING.read_bytes(), filename=ING.name)
        client.force_login(auditor)
        with django_assert_max_num_queries(11):
            response = client.get(reverse("banking:journal-list"))
        journal = list(response.context["page_obj"])[0]
        assert journal.line_count == 7 and journal.unapplied == 7

    def test_it_filters_by_bank_sorts_and_exports_to_xlsx(self, client, auditor, eur_bank):
        from io import BytesIO

        from openpyxl import load_workbook

        from banking.importing import import_statement

        first = import_statement(bank_account=eur_bank, data=ING.read_bytes(), filename=ING.name).journal
        second = BankAccReconciliation.objects.create(bank_account=eur_bank, statement_type="payment_application",
                                                      statement_no="99")
        client.force_login(auditor)

        def order(**query):
            return [j.pk for j in client.get(reverse("banking:journal-list"), query).context["page_obj"]]

        assert order() == [second.pk, first.pk]  # newest first
        assert order(sort="-line_count") == [first.pk, second.pk]
        assert order(sort="statement_no") == [first.pk, second.pk]
        assert order(bank_account=eur_bank.no, sort="line_count") == [second.pk, first.pk]
        assert order(bank_account="NBANK") == []
        assert "This bank account has no payment reconciliation journals." in client.get(
            reverse("banking:journal-list"), {"bank_account": "NBANK"}).content.decode()
        response = client.get(reverse("banking:journal-list"), {"format": "xlsx", "sort": "-line_count"})
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        assert rows[0][:6] == ("Bank Account No.", "Statement No.", "Statement Date", "File", "Lines", "Unapplied lines")
        assert [(row[0], row[4], row[5]) for row in rows[1:]] == [(eur_bank.no, 7, 7), (eur_bank.no, 0, 0)]
