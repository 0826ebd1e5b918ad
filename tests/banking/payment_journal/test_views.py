"""The payment reconciliation journal's actions in the browser's terms."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchDecision,
)
from receivables.models import BankAccount, Customer, GLEntry
from tests.posting_helpers import post_invoice, post_payment


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


class JournalLinesListTests:
    """A journal of a large statement is reviewed by filtering, sorting and exporting its lines."""

    def _journal_url(self, journal, query=""):
        return reverse("banking:journal", args=[journal.pk]) + query

    def test_lines_are_filtered_by_match_confidence_and_difference(self, client, accountant, setup):
        _invoice, journal, line, fee = setup
        BankAccReconciliationLine.objects.filter(pk=line.pk).update(
            match_confidence="high", account_type="customer", account_no="C10000", applied_amount=Decimal("980.00"))
        client.force_login(accountant)
        page = client.get(self._journal_url(journal, "?confidence=to_review"))
        assert [row.pk for row in page.context["page_obj"]] == [fee.pk]
        assert [row.pk for row in client.get(self._journal_url(journal, "?confidence=high")).context["page_obj"]] == [
            line.pk]
        assert [row.pk for row in client.get(self._journal_url(journal, "?difference=on")).context["page_obj"]] == [
            fee.pk]
        # The choices count the lines, so the accountant sees how much is left to review.
        choices = dict(page.context["form"].fields["confidence"].choices)
        assert choices["to_review"].endswith("(1)") and choices["high"] == "High (1)" and choices[""].endswith("(2)")
        empty = client.get(self._journal_url(journal, "?confidence=manual"))
        assert "No lines match these filters." in empty.content.decode()
        # An unknown value is no filter.
        assert len(client.get(self._journal_url(journal, "?confidence=bogus")).context["page_obj"]) == 2

    def test_lines_sort_by_amount_difference_and_confidence_in_review_order(self, client, accountant, setup):
        _invoice, journal, line, fee = setup
        BankAccReconciliationLine.objects.filter(pk=fee.pk).update(match_confidence="medium")
        client.force_login(accountant)

        def order(sort):
            return [row.pk for row in client.get(self._journal_url(journal, f"?sort={sort}")).context["page_obj"]]

        assert order("statement_amount") == [fee.pk, line.pk]
        assert order("-statement_amount") == [line.pk, fee.pk]
        assert order("difference") == [fee.pk, line.pk]
        assert order("get_match_confidence_display") == [line.pk, fee.pk]  # none before medium
        assert order("not_a_column") == [line.pk, fee.pk]  # line order

    def test_the_filtered_lines_export_to_xlsx(self, client, accountant, setup):
        from io import BytesIO

        from openpyxl import load_workbook

        _invoice, journal, _line, _fee = setup
        client.force_login(accountant)
        response = client.get(self._journal_url(journal, "?format=xlsx&sort=-statement_amount&difference=on"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.values)
        assert rows[0][:3] == ("Line No.", "Transaction Date", "Transaction Text")
        assert [row[2] for row in rows[1:]] == ["Faktura INV-1001", "NETTBANK GEBYR"]
        assert [row[8] for row in rows[1:]] == [980, -25]

    def test_an_action_comes_back_to_the_same_filter_sort_and_page(self, client, accountant, setup):
        _invoice, journal, line, _fee = setup
        client.force_login(accountant)
        page = client.get(self._journal_url(journal, "?confidence=to_review&sort=-statement_amount&junk=1"))
        assert page.context["kept_query"] == "?confidence=to_review&sort=-statement_amount"
        response = client.post(reverse("banking:journal-action", args=[journal.pk]),
                               {"action": "remove", "line": [line.pk], "back": "confidence=to_review&sort=-statement_amount"})
        assert response.url == self._journal_url(journal, "?confidence=to_review&sort=-statement_amount")
        # Only the list's own parameters come back: nothing else can be slipped into the address.
        response = client.post(reverse("banking:journal-action", args=[journal.pk]),
                               {"action": "remove", "line": [line.pk], "back": "next=https://evil.example&page=2"})
        assert response.url == self._journal_url(journal, "?page=2")
        manual = client.get(reverse("banking:apply-manually", args=[journal.pk, line.pk]) + "?back=sort%3Dline_no")
        assert manual.context["journal_url"] == self._journal_url(journal, "?sort=line_no")

    def test_the_page_takes_a_fixed_number_of_queries(self, client, accountant, setup, django_assert_max_num_queries):
        from banking.payment_journal.auto_apply import apply_automatically

        _invoice, journal, _line, _fee = setup
        for n in range(30):
            BankAccReconciliationLine.objects.create(
                reconciliation=journal, bank_account=journal.bank_account, line_no=30000 + n,
                transaction_date=date(2026, 1, 7), transaction_text=f"Betaling {n}", statement_amount=Decimal(n + 1))
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        client.force_login(accountant)
        client.get(self._journal_url(journal))  # the session and caches settle
        with django_assert_max_num_queries(12):
            response = client.get(self._journal_url(journal, "?sort=-difference&confidence=to_review"))
        assert len(response.context["page_obj"]) == 32
        assert response.content.decode().count('<details class="reasons">') == 32

    def test_apply_automatically_says_how_sure_it_was(self, client, accountant, setup):
        _invoice, journal, _line, _fee = setup
        client.force_login(accountant)
        response = client.post(reverse("banking:journal-action", args=[journal.pk]), {"action": "apply_automatically"},
                               follow=True)
        text = response.content.decode()
        confidences = list(journal.lines.order_by("line_no").values_list("match_confidence", flat=True))
        assert confidences[1] == "none"  # the fee: nothing to apply it to
        assert "payment lines out of 2 are applied." in text
        assert "Match confidence: " in text and "None 1" in text


class PaymentApplicationWindowTests:
    """Apply Manually shows what Apply Automatically considered: candidates ranked, with score and reasons."""

    def test_the_candidates_are_shown_ranked_with_score_and_reasons(self, client, accountant, setup):
        from banking.payment_journal.auto_apply import apply_automatically

        invoice, journal, line, _fee = setup
        other = post_invoice(Customer.objects.get(no="C10000"), "INV-1002", "980.00", date(2026, 1, 2))
        BankAccReconciliationLine.objects.filter(pk=line.pk).update(transaction_text="Betaling Fjord Handel AS")
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        client.force_login(accountant)
        page = client.get(reverse("banking:apply-manually", args=[journal.pk, line.pk]))
        suggestions = page.context["suggestions"]
        assert [s.rank for s in suggestions] == sorted(s.rank for s in suggestions)
        assert {tuple(s.entry_nos) for s in suggestions} >= {(other.pk,)}
        best = suggestions[0]
        assert best.account_no == "C10000" and best.name == "Fjord Handel AS" and best.score > 0
        body = page.content.decode()
        assert "Suggested by Apply Automatically" in body and 'data-reason="name_exact"' in body
        # Entries of the account come first when suggested, with their confidence and score.
        assert page.context["entries"][0].suggestion is best

    def test_use_ticks_the_suggestion_s_entries(self, client, accountant, setup):
        from banking.payment_journal.auto_apply import apply_automatically

        invoice, journal, line, _fee = setup
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        client.force_login(accountant)
        url = reverse("banking:apply-manually", args=[journal.pk, line.pk])
        page = client.get(url + "?suggest=1&back=sort%3D-statement_amount")
        assert page.context["picked"].rank == 1
        ticked = [e.pk for e in page.context["entries"] if e.selected]
        assert ticked == [invoice.pk]
        # Applying what was ticked (blank amount: what the entry takes) goes back to the journal as it was.
        response = client.post(url + "?suggest=1", {f"select_{invoice.pk}": "1", "back": "sort=-statement_amount"})
        assert response.url.endswith("?sort=-statement_amount")
        line.refresh_from_db()
        assert line.match_confidence == "manual" and line.applied_amount == Decimal("980.00")

    def test_a_line_not_applied_automatically_yet_is_matched_on_its_own(self, client, accountant, setup):
        invoice, journal, line, fee = setup
        client.force_login(accountant)
        page = client.get(reverse("banking:apply-manually", args=[journal.pk, line.pk]))
        [suggestion] = page.context["suggestions"]
        assert suggestion.entry_nos == [invoice.pk] and suggestion.account_no == "C10000" and not suggestion.chosen
        assert page.context["account_no"] == "C10000"  # the best suggestion's account is shown
        assert not MatchDecision.objects.exists()  # nothing was stored
        assert client.get(reverse("banking:apply-manually", args=[journal.pk, fee.pk])).context["suggestions"] == []

    def test_the_totals_and_the_discount_are_shown(self, client, accountant, setup):
        invoice, journal, line, _fee = setup
        client.force_login(accountant)
        url = reverse("banking:apply-manually", args=[journal.pk, line.pk]) + "?account_type=customer&account_no=C10000"
        page = client.get(url)
        assert page.context["difference"] == Decimal("980.00")
        assert 'data-payment-application data-amount="980.00"' in page.content.decode()
        client.post(url, {f"select_{invoice.pk}": "1", "amount_" + str(invoice.pk): "500,00"})
        page = client.get(url)
        assert page.context["applied_total"] == Decimal("500.00") and page.context["difference"] == Decimal("480.00")
        [entry] = page.context["entries"]
        assert entry.selected and entry.typed == Decimal("500.00")

    def test_a_wrong_amount_keeps_what_the_user_ticked_and_typed(self, client, accountant, setup):
        invoice, journal, line, _fee = setup
        client.force_login(accountant)
        url = reverse("banking:apply-manually", args=[journal.pk, line.pk]) + "?account_type=customer&account_no=C10000"
        page = client.post(url, {f"select_{invoice.pk}": "1", f"amount_{invoice.pk}": "12x"})
        assert "&#x27;12x&#x27; is not an amount." in page.content.decode()
        [entry] = page.context["entries"]
        assert entry.selected and entry.typed == "12x"


class TestReportTests:
    """Payment Reconciliation Journal - Test: every reason Post Payments would refuse, at once, nothing written."""

    def test_it_lists_every_problem_at_once(self, client, accountant, setup):
        from banking.payment_journal.applying import apply_manually

        invoice, journal, line, fee = setup
        client.force_login(accountant)
        url = reverse("banking:test-report", args=[journal.pk])
        problems = client.get(url).context["problems"]
        assert [(p.line_no, "is not applied" in p.message) for p in problems] == [(10000, True), (20000, True)]
        apply_manually(line=line, account_type="customer", entries=[(invoice.pk, Decimal("500.00"))])
        problems = client.get(url).context["problems"]
        assert any(p.line_no == 10000 and "has a difference of 480.00" in p.message for p in problems)
        # Another posting closes the invoice meanwhile; the customer is blocked for payments.
        post_payment(Customer.objects.get(no="C10000"), "PAY-9", "-1000.00", date(2026, 1, 5), applies_to_doc_no="INV-1001",
                     applies_to_doc_type="invoice")
        Customer.objects.filter(no="C10000").update(blocked="all")
        messages = [p.message for p in client.get(url).context["problems"] if p.line_no == 10000]
        assert any("is no longer open" in message for message in messages)
        assert any("blocked" in message.lower() for message in messages)
        assert journal.lines.get(pk=line.pk).posted is False and GLEntry.objects.filter(document_no="7").count() == 0

    def test_a_journal_without_problems_says_so(self, client, accountant, setup):
        from banking.payment_journal.applying import apply_manually, map_text_to_account

        invoice, journal, line, fee = setup
        apply_manually(line=line, account_type="customer", entries=[(invoice.pk, None)])
        map_text_to_account(line=fee, mapping_text="GEBYR", account_type="gl_account", account_no="7770")
        client.force_login(accountant)
        page = client.get(reverse("banking:test-report", args=[journal.pk]))
        assert page.context["problems"] == []
        assert "No problems found: the payments can be posted." in page.content.decode()
        accepted = client.get(reverse("banking:test-report", args=[journal.pk]) + "?lines=accepted")
        assert [p.message for p in accepted.context["problems"]] == ["There is nothing to post."]


class LineFactBoxTests:
    def test_the_fact_box_follows_the_picked_line(self, client, accountant, setup, django_assert_max_num_queries):
        from banking.payment_journal.auto_apply import apply_automatically

        invoice, journal, line, _fee = setup
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        client.force_login(accountant)
        url = reverse("banking:journal", args=[journal.pk])
        page = client.get(url, {"line": line.pk, "sort": "-statement_amount"})
        body = page.content.decode()
        assert 'id="line-factbox"' in body and "Line 10000" in body and 'data-suggestion="1"' in body
        assert 'aria-current="true"' in body
        assert [row.applied_entries for row in page.context["page_obj"]] == [1, 0]
        # htmx asks for the fact box alone.
        with django_assert_max_num_queries(12):  # a fixed number, whatever the line's candidates
            fragment = client.get(url, {"line": line.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="line-factbox")
        text = fragment.content.decode()
        assert text.lstrip().startswith('<section class="factbox__section" id="line-factbox"') and "<html" not in text
        assert "INV-1001" in text and "Apply Manually" in text
        # No line, or another journal's line: the hint.
        assert "transaction text to see its applied entries and candidates here" in client.get(url, {"line": "999999"}).content.decode()
