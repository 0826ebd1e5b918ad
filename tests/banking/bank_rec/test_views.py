"""The Bank Account Reconciliation pages: each view's happy path, the database afterwards, the wrong
method, a user without permission, the htmx and the plain response, empty states."""
from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from banking.bank_rec.auto_match import match_automatically
from banking.bank_rec.worksheet import add_line, create_reconciliation
from banking.models import BankAccountStatement, BankAccReconciliation, BankRecMatch
from receivables.models import BankAccountLedgerEntry, GenJournalLine, GLEntry
from tests.banking.bank_rec.support import D, bank_entry, nbank, scenario30  # noqa: F401

HX = {"HTTP_HX_REQUEST": "true"}


def hx_from(url: str) -> dict:
    """Headers of an htmx request made from the page at `url`."""
    return {**HX, "HTTP_HX_CURRENT_URL": f"http://testserver{url}"}


def url(name: str, *args) -> str:
    return reverse(f"bank_rec:{name}", args=args)


class ReconciliationListTests:
    def test_it_shows_the_empty_state(self, client, accountant, company):
        client.force_login(accountant)
        response = client.get(url("reconciliation-list"))
        assert response.status_code == 200
        assert "There are no open bank account reconciliations." in response.content.decode()

    def test_it_lists_open_reconciliations_and_filters_by_bank(self, client, auditor, scenario30):
        rec = scenario30[0]
        client.force_login(auditor)
        page = client.get(url("reconciliation-list"), {"bank_account": "NBANK"})
        assert list(page.context["page_obj"]) == [rec]
        assert page.context["page_obj"][0].total_balance == Decimal("10680.00")
        assert "New" not in page.content.decode().split("actionbar")[1].split("</div>")[0]
        assert list(client.get(url("reconciliation-list"), {"bank_account": "NOPE"}).context["page_obj"]) == [rec]

    def test_it_sorts_and_exports_to_xlsx(self, client, auditor, scenario30):
        from io import BytesIO

        from openpyxl import load_workbook

        rec = scenario30[0]
        other = create_reconciliation(bank_account=rec.bank_account, statement_no="0", statement_date=D(2026, 2, 1),
                                      statement_ending_balance=Decimal("5.00"))
        client.force_login(auditor)

        def order(sort):
            return [r.pk for r in client.get(url("reconciliation-list"), {"sort": sort}).context["page_obj"]]

        assert order("statement_no") == [other.pk, rec.pk]
        assert order("-statement_no") == [rec.pk, other.pk]
        assert order("statement_ending_balance") == [other.pk, rec.pk]
        assert order("line_count") == [other.pk, rec.pk]
        # The bank filter keeps the sort, and the sort the filter.
        page = client.get(url("reconciliation-list"), {"sort": "-statement_no", "bank_account": "NBANK"})
        assert 'name="sort" value="-statement_no"' in page.content.decode()
        response = client.get(url("reconciliation-list"), {"format": "xlsx", "sort": "-statement_no"})
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        assert rows[0] == ("Bank Account No.", "Statement No.", "Statement Date", "Balance Last Statement",
                           "Statement Ending Balance", "Lines", "Total Balance")
        assert [row[1] for row in rows[1:]] == [rec.statement_no, "0"]
        assert rows[1][6] == Decimal("10680.00") and rows[2][6] == rows[2][3]  # no lines: the balance last statement

    def test_htmx_gets_the_list_partial(self, client, accountant, scenario30):
        client.force_login(accountant)
        response = client.get(url("reconciliation-list"), **HX)
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="reconciliation-list"') and "<html" not in body

    def test_it_needs_a_login_and_get(self, client, accountant, company):
        assert client.get(url("reconciliation-list")).status_code == 302
        client.force_login(accountant)
        assert client.post(url("reconciliation-list")).status_code == 405


class NewReconciliationTests:
    def test_it_fills_in_the_bank_cards_defaults(self, client, accountant, nbank):
        client.force_login(accountant)
        page = client.get(url("reconciliation-new"), {"bank_account": nbank.pk})
        form = page.context["form"]
        assert form["statement_no"].value() == "BS0013"
        assert form["balance_last_statement"].value() == Decimal("10000.00")

    def test_htmx_gets_the_form_again_for_the_chosen_bank(self, client, accountant, nbank):
        client.force_login(accountant)
        response = client.get(url("reconciliation-new"), {"bank_account": nbank.pk}, **HX)
        body = response.content.decode()
        assert body.lstrip().startswith('<form method="post"') and 'value="BS0013"' in body

    def test_a_plain_post_creates_it_with_the_defaults(self, client, clerk, nbank):
        client.force_login(clerk)
        response = client.post(url("reconciliation-new"), {
            "bank_account": nbank.pk, "statement_no": "", "statement_date": "2026-01-31",
            "balance_last_statement": "", "statement_ending_balance": "10,680.00"})
        rec = BankAccReconciliation.objects.get(statement_type="bank_reconciliation")
        assert response.status_code == 302 and response.url == url("worksheet", rec.pk)
        assert (rec.statement_no, rec.statement_date, rec.balance_last_statement, rec.statement_ending_balance) == (
            "BS0013", D(2026, 1, 31), Decimal("10000.00"), Decimal("10680.00"))
        assert rec.created_by == clerk

    def test_an_htmx_post_redirects_the_client(self, client, accountant, nbank):
        client.force_login(accountant)
        response = client.post(url("reconciliation-new"), {"bank_account": nbank.pk, "statement_no": "7"}, **HX)
        rec = BankAccReconciliation.objects.get(statement_no="7")
        assert response["HX-Redirect"] == url("worksheet", rec.pk)

    def test_a_statement_no_in_use_is_refused_at_the_field(self, client, accountant, scenario30):
        client.force_login(accountant)
        response = client.post(url("reconciliation-new"), {"bank_account": scenario30[0].bank_account_id,
                                                           "statement_no": "BS0013"})
        assert response.status_code == 422
        assert response.context["form"].errors["statement_no"] == [
            "Bank account NBANK already has a statement with statement no. BS0013."]

    def test_an_auditor_cannot_create(self, client, auditor, nbank):
        client.force_login(auditor)
        assert client.get(url("reconciliation-new")).status_code == 403
        assert client.post(url("reconciliation-new"), {"bank_account": nbank.pk}).status_code == 403


class WorksheetTests:
    def test_it_shows_lines_totals_and_the_open_entries(self, client, accountant, scenario30):
        rec, (receipt, rent), _lines = scenario30
        match_automatically(reconciliation=rec, tolerance_days=0)
        client.force_login(accountant)
        response = client.get(url("worksheet", rec.pk))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-line="10000"' in body and 'data-line="20000"' in body
        assert f'data-entry="{receipt.pk}"' in body and f'data-entry="{rent.pk}"' in body
        totals = response.context["totals"]
        assert (totals.total_balance, totals.balance_to_reconcile) == (Decimal("10680.00"), Decimal("-300.00"))
        assert 'data-total="total-balance">10,680.00' in body
        assert f'name="entry" value="{rent.pk}"' in body and f'name="entry" value="{receipt.pk}"' not in body
        assert "Suggest Lines" in body and ">Post</button>" in body

    def test_the_page_takes_a_fixed_number_of_queries(self, client, accountant, nbank, django_assert_max_num_queries):
        rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31))
        for day in range(1, 21):
            bank_entry("100.00", D(2026, 1, day), document_no=f"D-{day}")
            add_line(reconciliation=rec, transaction_date=D(2026, 1, day), statement_amount=Decimal("100.00"),
                     description=f"D-{day}")
        match_automatically(reconciliation=rec)
        client.force_login(accountant)
        # Session, user, 2 x permissions, the worksheet, the pane's entries, the pane's cheques, line count,
        # totals, company name (navigation), the page's lines, their matches: none per line.
        with django_assert_max_num_queries(12):
            response = client.get(url("worksheet", rec.pk))
        assert response.status_code == 200 and len(response.context["page_obj"]) == 20

    def test_htmx_gets_the_lines_partial(self, client, accountant, scenario30):
        client.force_login(accountant)
        body = client.get(url("worksheet", scenario30[0].pk), **HX).content.decode()
        assert body.lstrip().startswith('<section class="card" id="worksheet-lines"') and "<html" not in body

    def test_an_empty_worksheet_says_how_to_start(self, client, accountant, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(accountant)
        body = client.get(url("worksheet", rec.pk)).content.decode()
        assert "No statement lines yet." in body and "No open entries." in body

    def test_an_auditor_reads_without_actions(self, client, auditor, scenario30):
        client.force_login(auditor)
        body = client.get(url("worksheet", scenario30[0].pk)).content.decode()
        assert 'name="line"' not in body and "Suggest Lines" not in body and ">Post</button>" not in body
        assert "Test Report" in body

    def test_a_payment_journal_is_not_found_here(self, client, accountant, nbank):
        journal = BankAccReconciliation.objects.create(bank_account=nbank, statement_type="payment_application",
                                                       statement_no="P1")
        client.force_login(accountant)
        assert client.get(url("worksheet", journal.pk)).status_code == 404

    def test_saving_the_header_plainly_redirects(self, client, accountant, scenario30):
        rec = scenario30[0]
        client.force_login(accountant)
        response = client.post(url("worksheet", rec.pk), {
            "statement_no": "BS0013", "statement_date": "2026-01-30", "balance_last_statement": "10000",
            "statement_ending_balance": "10,600.00"})
        assert response.status_code == 302
        rec.refresh_from_db()
        assert (rec.statement_date, rec.statement_ending_balance) == (D(2026, 1, 30), Decimal("10600.00"))

    def test_saving_the_header_with_htmx_sends_the_regions_out_of_band(self, client, accountant, scenario30):
        rec = scenario30[0]
        client.force_login(accountant)
        response = client.post(url("worksheet", rec.pk), {
            "statement_no": "BS0099", "statement_date": "2026-01-31", "balance_last_statement": "10000",
            "statement_ending_balance": "10680"}, **hx_from(url("worksheet", rec.pk)))
        body = response.content.decode()
        for region in ("worksheet-header", "worksheet-lines", "open-entries", "messages"):
            assert f'id="{region}"' in body
        assert body.count('hx-swap-oob="true"') >= 5 and "The changes were saved." in body
        assert BankAccReconciliation.objects.get(pk=rec.pk).statement_no == "BS0099"

    def test_an_invalid_header_shows_field_errors(self, client, accountant, scenario30):
        rec = scenario30[0]
        client.force_login(accountant)
        response = client.post(url("worksheet", rec.pk), {"statement_no": "", "balance_last_statement": "x",
                                                          "statement_ending_balance": "1"})
        assert response.status_code == 422
        assert "balance_last_statement" in response.context["header_form"].errors

    def test_an_auditor_cannot_save_the_header(self, client, auditor, scenario30):
        client.force_login(auditor)
        assert client.post(url("worksheet", scenario30[0].pk), {"statement_no": "X"}).status_code == 403


class LineTests:
    def test_a_line_is_added_plainly_and_with_htmx(self, client, clerk, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(clerk)
        data = {"type": "bank_account_ledger_entry", "transaction_date": "2026-01-05", "statement_amount": "-25.00",
                "description": "NETTBANK GEBYR", "document_no": "", "check_no": ""}
        assert client.post(url("line-new", rec.pk), data).status_code == 302
        response = client.post(url("line-new", rec.pk), data, **hx_from(url("worksheet", rec.pk)))
        body = response.content.decode()
        assert 'id="worksheet-lines" aria-labelledby="worksheet-lines-title" hx-swap-oob="true"' in body
        assert '<details class="fasttab" open>' in body and 'value="2026-01-05"' in body and "autofocus" in body
        assert list(rec.lines.values_list("line_no", "statement_amount")) == [
            (10000, Decimal("-25.00")), (20000, Decimal("-25.00"))]

    def test_an_invalid_line_shows_its_errors(self, client, accountant, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(accountant)
        response = client.post(url("line-new", rec.pk), {"type": "bank_account_ledger_entry", "statement_amount": ""})
        assert response.status_code == 422
        assert set(response.context["line_form"].errors) == {"transaction_date", "statement_amount"}
        assert client.get(url("line-new", rec.pk)).status_code == 405

    def test_a_line_is_edited_in_the_dialog(self, client, accountant, scenario30):
        rec, _entries, (first, _second) = scenario30
        client.force_login(accountant)
        dialog = client.get(url("line-edit", rec.pk, first.pk), **HX).content.decode()
        assert dialog.lstrip().startswith('<section class="card" id="dialog-form"')
        response = client.post(url("line-edit", rec.pk, first.pk), {
            "type": "bank_account_ledger_entry", "transaction_date": "2026-01-06", "statement_amount": "980.00",
            "description": "Innbetaling Fjord", "related_party_name": "Fjord Handel AS"},
            **hx_from(url("worksheet", rec.pk)))
        assert "Line 10000 was saved." in response.content.decode()
        first.refresh_from_db()
        assert (first.description, first.related_party_name) == ("Innbetaling Fjord", "Fjord Handel AS")

    def test_the_line_page_works_without_javascript(self, client, accountant, scenario30):
        rec, _entries, (first, _second) = scenario30
        client.force_login(accountant)
        page = client.get(url("line-edit", rec.pk, first.pk))
        assert page.status_code == 200 and "<html" in page.content.decode()
        response = client.post(url("line-edit", rec.pk, first.pk), {
            "type": "difference", "transaction_date": "2026-01-06", "statement_amount": "980.00"})
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.type == "difference"

    def test_a_matched_line_keeps_its_type_and_is_not_deleted(self, client, accountant, scenario30):
        rec, _entries, (first, _second) = scenario30
        match_automatically(reconciliation=rec)
        client.force_login(accountant)
        response = client.post(url("line-edit", rec.pk, first.pk), {
            "type": "difference", "transaction_date": "2026-01-06", "statement_amount": "980.00"})
        assert response.status_code == 422
        assert "Remove the match before you change its type" in response.content.decode()
        client.post(url("line-delete", rec.pk, first.pk))
        assert rec.lines.filter(pk=first.pk).exists()

    def test_a_line_is_deleted(self, client, accountant, scenario30):
        rec, _entries, (_first, second) = scenario30
        client.force_login(accountant)
        response = client.post(url("line-delete", rec.pk, second.pk), follow=True)
        assert "Line 20000 was deleted." in response.content.decode()
        assert not rec.lines.filter(pk=second.pk).exists()

    def test_an_auditor_sees_the_line_read_only(self, client, auditor, scenario30):
        rec, _entries, (first, _second) = scenario30
        client.force_login(auditor)
        page = client.get(url("line-edit", rec.pk, first.pk))
        assert page.status_code == 200 and all(f.disabled for f in page.context["form"].fields.values())
        assert client.post(url("line-edit", rec.pk, first.pk), {}).status_code == 403
        assert client.post(url("line-delete", rec.pk, first.pk)).status_code == 403


class SuggestLinesViewTests:
    def test_the_request_page_opens_in_the_dialog_or_as_a_page(self, client, accountant, scenario30):
        rec = scenario30[0]
        client.force_login(accountant)
        assert "Include Checks" in client.get(url("suggest-lines", rec.pk), **HX).content.decode()
        page = client.get(url("suggest-lines", rec.pk))
        assert page.context["form"]["ending_date"].value() == D(2026, 1, 31)

    def test_it_suggests_lines_with_htmx(self, client, accountant, nbank):
        bank_entry("500.00", D(2026, 1, 3), document_no="X-1")
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(accountant)
        response = client.post(url("suggest-lines", rec.pk), {"ending_date": "2026-01-31"},
                               **hx_from(url("worksheet", rec.pk)))
        assert "1 lines were suggested." in response.content.decode()
        assert rec.lines.get().applied_amount == Decimal("500.00")

    def test_a_request_page_opened_on_its_own_sends_the_browser_back(self, client, accountant, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(accountant)
        response = client.post(url("suggest-lines", rec.pk), {}, **hx_from(url("suggest-lines", rec.pk)))
        assert response["HX-Redirect"] == url("worksheet", rec.pk)

    def test_wrong_dates_are_refused(self, client, accountant, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(accountant)
        response = client.post(url("suggest-lines", rec.pk), {"starting_date": "2026-02-01",
                                                             "ending_date": "2026-01-01"})
        assert response.status_code == 422
        htmx = client.post(url("suggest-lines", rec.pk), {"starting_date": "2026-02-01", "ending_date": "2026-01-01"},
                           **HX)
        assert htmx.status_code == 200 and "must not be before the starting date" in htmx.content.decode()

    def test_an_auditor_cannot_suggest(self, client, auditor, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(auditor)
        assert client.get(url("suggest-lines", rec.pk)).status_code == 403


class MatchViewTests:
    def test_match_automatically_says_how_many_lines_are_matched(self, client, clerk, scenario30):
        rec = scenario30[0]
        client.force_login(clerk)
        response = client.post(url("match-automatically", rec.pk), {"transaction_date_tolerance": "0"}, follow=True)
        body = response.content.decode()
        assert "1 reconciliation lines out of 2 are matched." in body
        assert "Text shorter than 4 characters cannot be matched." in body

    def test_match_manually_links_one_line_to_entries(self, client, accountant, scenario30):
        rec, (receipt, rent), (first, second) = scenario30
        client.force_login(accountant)
        response = client.post(url("match-manually", rec.pk), {"line": [second.pk], "entry": [rent.pk]},
                               **hx_from(url("worksheet", rec.pk)))
        assert "Line 20000 was matched to 1 entries." in response.content.decode()
        second.refresh_from_db()
        assert second.applied_amount == Decimal("-300.00")
        assert BankAccountLedgerEntry.objects.get(pk=rent.pk).statement_status == "bank_acc_entry_applied"

    def test_match_manually_needs_one_line_and_entries(self, client, accountant, scenario30):
        rec, (receipt, rent), (first, second) = scenario30
        client.force_login(accountant)
        for data in ({"entry": [rent.pk]}, {"line": [first.pk, second.pk], "entry": [rent.pk]}, {"line": [first.pk]}):
            response = client.post(url("match-manually", rec.pk), data, follow=True)
            assert "Select one statement line and one or more entries to match." in response.content.decode()
        assert not BankRecMatch.objects.exists()

    def test_remove_match_unlinks_the_selected_lines(self, client, accountant, scenario30):
        rec, (receipt, rent), (first, second) = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        client.force_login(accountant)
        response = client.post(url("remove-match", rec.pk), {"line": [first.pk]}, follow=True)
        assert "The matches of 1 line(s) were removed." in response.content.decode()
        assert list(BankRecMatch.objects.values_list("line", flat=True)) == [second.pk]
        receipt.refresh_from_db()
        assert (receipt.statement_status, receipt.statement_no, receipt.statement_line_no) == ("open", "", None)
        response = client.post(url("remove-match", rec.pk), {}, follow=True)
        assert "Select the statement lines whose matches you want to remove." in response.content.decode()

    def test_an_auditor_cannot_match(self, client, auditor, scenario30):
        rec = scenario30[0]
        client.force_login(auditor)
        assert client.post(url("match-automatically", rec.pk)).status_code == 403
        assert client.post(url("match-manually", rec.pk)).status_code == 403
        assert client.post(url("remove-match", rec.pk)).status_code == 403
        assert client.get(url("match-manually", rec.pk)).status_code in (403, 405)


CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>BR-1</MsgId><CreDtTm>2026-01-31T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>BR-2026-01</Id><ElctrncSeqNb>1</ElctrncSeqNb>
<Acct><Id><Othr><Id>15031234567</Id></Othr></Id><Ccy>NOK</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">10000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">10680.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-31</Dt></Dt></Bal>
<Ntry><Amt Ccy="NOK">980.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-01-06</Dt></BookgDt>
<AcctSvcrRef>T1</AcctSvcrRef><NtryDtls><TxDtls><Refs><AcctSvcrRef>T1</AcctSvcrRef></Refs>
<RltdPties><Dbtr><Nm>Fjord Handel AS</Nm></Dbtr></RltdPties><RmtInf><Ustrd>BET-001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="NOK">300.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-01-12</Dt></BookgDt>
<AcctSvcrRef>T2</AcctSvcrRef><NtryDtls><TxDtls><Refs><AcctSvcrRef>T2</AcctSvcrRef></Refs>
<RmtInf><Ustrd>Husleie</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


class ImportViewTests:
    def _upload(self, name: str = "statement.xml", text: str = CAMT):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(name, text.encode(), content_type="application/xml")

    def test_a_statement_file_becomes_lines_of_the_worksheet(self, client, clerk, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(clerk)
        dialog = client.get(url("import-statement", rec.pk), **HX).content.decode()
        assert 'enctype="multipart/form-data"' in dialog
        assert '<progress class="progress"' in dialog  # filled by static/js/upload.js while a big file uploads
        response = client.post(url("import-statement", rec.pk), {"file": self._upload(), "format": "auto"},
                               follow=True)
        assert "2 lines imported (0 already imported before)." in response.content.decode()
        rec.refresh_from_db()
        assert (rec.statement_date, rec.statement_ending_balance) == (D(2026, 1, 31), Decimal("10680.00"))
        assert list(rec.lines.values_list("line_no", "type", "statement_amount", "transaction_text")) == [
            (10000, "bank_account_ledger_entry", Decimal("980.00"), "BET-001"),
            (20000, "bank_account_ledger_entry", Decimal("-300.00"), "Husleie")]

    def test_a_bad_file_is_refused_at_the_field(self, client, accountant, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(accountant)
        response = client.post(url("import-statement", rec.pk), {"file": self._upload("x.xml", "<nope"),
                                                                 "format": "auto"})
        assert response.status_code == 422 and response.context["form"].errors["file"]
        assert not rec.lines.exists()

    def test_an_auditor_cannot_import(self, client, auditor, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(auditor)
        assert client.get(url("import-statement", rec.pk)).status_code == 403


class TransferViewTests:
    def test_lines_without_entries_go_to_the_general_journal(self, client, accountant, nbank):
        rec = create_reconciliation(bank_account=nbank)
        fee = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("-25.00"),
                       description="NETTBANK GEBYR")
        client.force_login(accountant)
        page = client.get(url("transfer", rec.pk))
        assert page.context["form"]["lines"].value() == [fee.pk]
        batch = page.context["form"].fields["batch"].queryset.get(template__name="GENERAL")
        response = client.post(url("transfer", rec.pk), {"batch": batch.pk, "lines": [fee.pk]}, follow=True)
        assert "1 general journal lines were created in GENERAL DEFAULT." in response.content.decode()
        line = GenJournalLine.objects.get(batch=batch)
        assert (line.posting_date, line.amount, line.bal_account_type, line.bal_account_no, line.description) == (
            D(2026, 1, 5), Decimal("25.00"), "bank_account", "NBANK", "NETTBANK GEBYR")

    def test_nothing_to_transfer_is_said(self, client, accountant, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(accountant)
        body = client.get(url("transfer", rec.pk), **HX).content.decode()
        assert "There are no statement lines without entries to transfer." in body

    def test_an_auditor_cannot_transfer(self, client, auditor, nbank):
        rec = create_reconciliation(bank_account=nbank)
        client.force_login(auditor)
        assert client.get(url("transfer", rec.pk)).status_code == 403


class TestReportViewTests:
    def test_it_lists_every_problem(self, client, auditor, nbank):
        rec = create_reconciliation(bank_account=nbank, statement_ending_balance=Decimal("1.00"))
        add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("-25.00"))
        client.force_login(auditor)
        response = client.get(url("test-report", rec.pk))
        messages = [p.message for p in response.context["problems"]]
        assert messages == [
            "Statement Date must have a value in Bank Acc. Reconciliation: Bank Account No.=NBANK, Statement "
            "No.=BS0013. It cannot be zero or empty.",
            "Statement Ending Balance is not equal to Total Balance.",
            "The application is not correct. The total amount applied is 0.00; it should be -25.00.",
        ]
        assert client.get(url("test-report", rec.pk), **HX).content.decode().lstrip().startswith(
            '<section class="card" id="test-report"')

    def test_a_clean_worksheet_can_be_posted(self, client, accountant, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        client.force_login(accountant)
        body = client.get(url("test-report", rec.pk)).content.decode()
        assert "No problems found: the reconciliation can be posted." in body


class PostViewTests:
    def test_an_accountant_posts_and_sees_the_statement(self, client, accountant, scenario30, ledger_ok):
        rec, (receipt, rent), _lines = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        gl_before = GLEntry.objects.count()
        client.force_login(accountant)
        response = client.post(url("post", rec.pk), follow=True)
        statement = BankAccountStatement.objects.get()
        assert response.redirect_chain[-1][0] == url("statement", statement.pk)
        body = response.content.decode()
        assert "was posted as bank account statement BS0013" in body and 'data-line="20000"' in body
        assert not BankAccountLedgerEntry.objects.filter(open=True).exists()
        assert statement.posted_by == accountant and GLEntry.objects.count() == gl_before
        ledger_ok()

    def test_a_refusal_is_shown_on_the_worksheet(self, client, accountant, scenario30):
        rec = scenario30[0]
        client.force_login(accountant)
        response = client.post(url("post", rec.pk), **HX)
        assert response["HX-Redirect"] == url("worksheet", rec.pk)
        body = client.get(url("worksheet", rec.pk)).content.decode()
        assert "BS0013 was not posted: The application is not correct." in body

    def test_a_posted_worksheet_sends_changes_to_its_statement(self, client, accountant, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        client.force_login(accountant)
        client.post(url("post", rec.pk))
        statement = BankAccountStatement.objects.get()
        response = client.post(url("suggest-lines", rec.pk), {})
        assert response.status_code == 302 and response.url == url("statement", statement.pk)
        body = client.get(url("worksheet", rec.pk)).content.decode()
        assert ">Post</button>" not in body and 'name="line"' not in body
        assert f'href="{url("statement", statement.pk)}"' in body

    def test_only_the_accountant_posts(self, client, clerk, auditor, scenario30):
        rec = scenario30[0]
        for user in (clerk, auditor):
            client.force_login(user)
            assert client.post(url("post", rec.pk)).status_code == 403
        assert client.get(url("post", rec.pk)).status_code == 405


class DeleteViewTests:
    def test_deleting_frees_the_matched_entries(self, client, accountant, scenario30):
        rec, (receipt, rent), _lines = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        client.force_login(accountant)
        response = client.post(url("delete", rec.pk))
        assert response.status_code == 302 and response.url == url("reconciliation-list")
        assert not BankAccReconciliation.objects.filter(pk=rec.pk).exists()
        assert set(BankAccountLedgerEntry.objects.values_list("statement_status", flat=True)) == {"open"}

    def test_a_clerk_cannot_delete(self, client, clerk, scenario30):
        client.force_login(clerk)
        assert client.post(url("delete", scenario30[0].pk)).status_code == 403


class StatementViewTests:
    def test_the_posted_statements_are_listed_and_shown(self, client, auditor, accountant, scenario30):
        rec, (receipt, rent), _lines = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        client.force_login(accountant)
        client.post(url("post", rec.pk))
        statement = BankAccountStatement.objects.get()
        client.force_login(auditor)
        listing = client.get(url("statement-list"), {"bank_account": "NBANK"})
        assert list(listing.context["page_obj"]) == [statement]
        assert client.get(url("statement-list"), **HX).content.decode().lstrip().startswith('<section id="statement-list"')
        card = client.get(url("statement", statement.pk)).content.decode()
        assert f"{receipt.pk}</span>" in card and "10,680.00" in card

    def test_the_posted_statements_sort_and_export_to_xlsx(self, client, auditor, accountant, scenario30):
        from io import BytesIO

        from openpyxl import load_workbook

        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        client.force_login(accountant)
        client.post(url("post", rec.pk))
        client.force_login(auditor)
        assert len(client.get(url("statement-list"), {"sort": "-posted_at"}).context["page_obj"]) == 1
        response = client.get(url("statement-list"), {"format": "xlsx"})
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        assert rows[0][:2] == ("Bank Account No.", "Statement No.") and rows[1][1] == rec.statement_no
        assert rows[1][4] == Decimal("10680.00") and rows[1][5] == accountant.username

    def test_the_empty_list_says_so(self, client, auditor, company):
        client.force_login(auditor)
        assert "No bank account statements have been posted yet." in client.get(url("statement-list")).content.decode()

    def test_a_user_without_groups_sees_nothing(self, client, django_user_model, company):
        client.force_login(django_user_model.objects.create_user("nobody", password="x"))
        assert client.get(url("statement-list")).status_code == 403
        assert client.get(url("reconciliation-list")).status_code == 403



class StatementAdminTests:
    def test_the_admin_shows_posted_statements_read_only(self, admin_client, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        from banking.bank_rec.posting import post_reconciliation

        statement = post_reconciliation(reconciliation=rec)
        changelist = admin_client.get(reverse("admin:banking_bankaccountstatement_changelist"))
        assert changelist.status_code == 200 and "BS0013" in changelist.content.decode()
        detail = admin_client.get(reverse("admin:banking_bankaccountstatement_change", args=[statement.pk]))
        assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
        assert admin_client.get(reverse("admin:banking_bankaccountstatement_add")).status_code == 403
        assert admin_client.post(reverse("admin:banking_bankaccountstatement_delete", args=[statement.pk]),
                                 {"post": "yes"}).status_code == 403
        assert BankAccountStatement.objects.filter(pk=statement.pk).exists()
