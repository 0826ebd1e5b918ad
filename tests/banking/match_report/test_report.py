"""The auto-application rate: decision outcomes kept by the journal's actions, the figures, the page and the command."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from banking.match_report.report import auto_application_by_month, total
from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchDecision,
)
from banking.payment_journal.applying import (
    accept_applications,
    apply_manually,
    remove_applications,
    transfer_difference,
)
from banking.payment_journal.auto_apply import apply_automatically
from banking.payment_journal.posting import post_payment_journal
from receivables.company.setup import ensure_bank_account
from receivables.models import BankAccount
from tests.posting_helpers import post_invoice

D = Decimal
TODAY = date(2026, 3, 31)


def make_journal(bank_no: str = "NBANK", statement_no: str = "1", **fields) -> BankAccReconciliation:
    return BankAccReconciliation.objects.create(bank_account=BankAccount.objects.get(no=bank_no),
                                                statement_type=fields.pop("statement_type", "payment_application"),
                                                statement_no=statement_no, **fields)


def make_line(journal, amount: str, on: date, text: str = "", no: int = 10000, **fields) -> BankAccReconciliationLine:
    return BankAccReconciliationLine.objects.create(
        reconciliation=journal, bank_account=journal.bank_account, line_no=no, transaction_date=on,
        transaction_text=text, statement_amount=D(amount), **fields)


def decide(line, confidence: str, outcome: str = "pending", **fields) -> MatchDecision:
    """A kept automatic decision, as Apply Automatically writes it."""
    return MatchDecision.objects.create(
        line=line, bank_account=line.bank_account, match_confidence=confidence, outcome=outcome,
        account_type="customer" if confidence != "none" else "", account_no="C10000" if confidence != "none" else "",
        **fields)


def latest(line) -> MatchDecision:
    return MatchDecision.objects.filter(line=line).latest("pk")


@pytest.fixture
def journal(company):
    return make_journal()


class OutcomeTests:
    """What the user does with a line is written on its latest automatic decision."""

    def test_accept_then_remove_is_removed(self, fjord, journal, accountant):
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        line = make_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        apply_automatically(journal=journal, today=TODAY)
        line.refresh_from_db()
        accept_applications(lines=[line], user=accountant)
        assert (latest(line).outcome, latest(line).decided_by) == ("accepted", accountant)
        line.refresh_from_db()
        remove_applications(lines=[line], user=accountant)
        assert latest(line).outcome == "rejected"

    def test_accept_then_apply_manually_is_changed(self, fjord, journal):
        invoice = post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        other = post_invoice(fjord, "INV-1002", "980.00", date(2026, 1, 2), terms=False)
        line = make_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        apply_automatically(journal=journal, today=TODAY)
        assert line.decisions.get().applications[0]["entry_no"] == invoice.pk
        accept_applications(lines=[line])
        line.refresh_from_db()
        apply_manually(line=line, account_type="customer", entries=[(other.pk, None)])
        assert latest(line).outcome == "changed"

    def test_accepting_a_manual_application_keeps_changed(self, fjord, journal):
        invoice = post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        line = make_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        apply_automatically(journal=journal, today=TODAY)
        line.refresh_from_db()
        apply_manually(line=line, account_type="customer", entries=[(invoice.pk, D("500.00"))])
        accept_applications(lines=[line])
        assert latest(line).outcome == "changed"

    def test_only_the_latest_decision_is_judged(self, fjord, journal, accountant):
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        line = make_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        apply_automatically(journal=journal, today=TODAY)
        remove_applications(lines=[line])
        apply_automatically(journal=journal, today=TODAY)  # applied again: a second decision
        line.refresh_from_db()
        accept_applications(lines=[line], user=accountant)
        assert list(line.decisions.order_by("pk").values_list("outcome", flat=True)) == ["rejected", "accepted"]

    def test_a_pending_decision_is_superseded_when_applied_again_and_counted_once(self, fjord, journal):
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        line = make_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        apply_automatically(journal=journal, today=TODAY)
        apply_automatically(journal=journal, today=TODAY)
        assert [d.outcome for d in line.decisions.order_by("pk")] == ["superseded", "pending"]
        (month,) = auto_application_by_month()
        assert (month.lines, month.applied, month.pending) == (1, 1, 1)

    def test_posting_an_untouched_line_accepts_it(self, fjord, journal, accountant, ledger_ok):
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        untouched = make_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        fee = make_line(journal, "-25.00", date(2026, 1, 6), "NETTBANK GEBYR", no=20000)
        apply_automatically(journal=journal, today=TODAY)
        fee.refresh_from_db()
        transfer_difference(line=fee, account_type="gl_account", account_no="7770", user=accountant)
        post_payment_journal(journal=journal, user=accountant)
        assert (latest(untouched).outcome, latest(untouched).decided_by) == ("accepted", accountant)
        assert latest(fee).outcome == "changed"  # found nothing; the user transferred it to an account
        ledger_ok()


@pytest.fixture
def decisions(fjord, journal):
    """January on NBANK: every kind of outcome; February: one pending line; NBANK2: one line, never applied."""
    jan = date(2026, 1, 15)
    accepted = make_line(journal, "100.00", jan, no=10000)
    decide(accepted, "high", "accepted")
    changed = make_line(journal, "100.00", jan, no=20000)
    decide(changed, "high", "changed")
    removed = make_line(journal, "100.00", jan, no=30000)
    decide(removed, "medium", "rejected")
    reapplied = make_line(journal, "100.00", jan, no=40000, posted=True)
    decide(reapplied, "low", "rejected")  # removed, applied again, then posted as it was
    decide(reapplied, "high", "accepted")
    posted_pending = make_line(journal, "100.00", jan, no=50000, posted=True)
    decide(posted_pending, "high")  # posted before posting recorded the outcome
    mapped = make_line(journal, "-25.00", jan, no=60000)
    decide(mapped, "high_text_mapping", "accepted")
    nothing = make_line(journal, "7.00", date(2026, 1, 31), no=70000)
    decide(nothing, "none", "changed")  # nothing found; the user applied it by hand: not an automatic change
    undecided = make_line(journal, "8.00", date(2026, 1, 1), no=80000)
    make_line(journal, "1.00", jan, no=90000, parent_line_no=20000)  # Transfer Difference's child: not counted
    feb = make_journal(statement_no="2")
    decide(make_line(feb, "100.00", date(2026, 2, 1)), "high")
    ensure_bank_account(no="NBANK2", name="Sparebank", bank_account_no="12345678903")
    make_line(make_journal("NBANK2", "1"), "50.00", date(2026, 1, 10))
    reconciliation = make_journal(statement_no="R1", statement_type="bank_reconciliation")
    make_line(reconciliation, "100.00", jan)  # a bank reconciliation's line: not payment application
    return undecided


class FiguresTests:
    def test_it_counts_per_bank_account_and_month(self, decisions):
        rows = auto_application_by_month()
        assert [(r.bank_account_no, r.month) for r in rows] == [
            ("NBANK", date(2026, 1, 1)), ("NBANK", date(2026, 2, 1)), ("NBANK2", date(2026, 1, 1))]
        january = rows[0]
        assert (january.bank_account_name, january.lines, january.decided, january.applied) == ("Nordbank", 8, 7, 6)
        assert (january.high, january.high_text_mapping, january.medium, january.low, january.none) == (4, 1, 1, 0, 1)
        assert (january.accepted, january.changed, january.removed, january.pending, january.posted) == (4, 1, 1, 0, 2)
        assert (january.high_judged, january.high_accepted) == (4, 3)
        assert january.auto_application_rate == D("50.0")  # 4 of 8
        assert january.high_precision == D("75.0")  # 3 of 4
        february = rows[1]
        assert (february.lines, february.applied, february.pending, february.accepted) == (1, 1, 1, 0)
        assert february.auto_application_rate == D("0.0") and february.high_precision is None
        other = rows[2]
        assert (other.lines, other.decided, other.auto_application_rate, other.high_precision) == (
            1, 0, D("0.0"), None)

    def test_the_total_adds_the_counts_and_rates_them(self, decisions):
        totals = total(auto_application_by_month())
        assert (totals.bank_account_no, totals.month, totals.lines, totals.applied, totals.accepted) == (
            None, None, 10, 7, 4)
        assert totals.auto_application_rate == D("40.0") and totals.high_precision == D("75.0")
        assert total([]).auto_application_rate is None

    def test_it_filters_by_bank_account_and_transaction_date(self, decisions):
        nbank2 = BankAccount.objects.get(no="NBANK2")
        assert [r.bank_account_no for r in auto_application_by_month(bank_account=nbank2)] == ["NBANK2"]
        rows = auto_application_by_month(date_from=date(2026, 1, 2), date_to=date(2026, 1, 30))
        assert [(r.bank_account_no, r.lines, r.none) for r in rows] == [("NBANK", 6, 0), ("NBANK2", 1, 0)]
        assert auto_application_by_month(date_from=date(2027, 1, 1)) == []

    def test_it_takes_two_queries(self, decisions, django_assert_num_queries):
        with django_assert_num_queries(2):
            auto_application_by_month()

    def test_it_follows_the_journal_from_import_to_posting(self, fjord, journal, accountant):
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        post_invoice(fjord, "INV-1002", "500.00", date(2026, 1, 1), terms=False)
        first = make_line(journal, "980.00", date(2026, 1, 6), "Faktura INV-1001 Fjord Handel AS")
        second = make_line(journal, "500.00", date(2026, 1, 7), "Faktura INV-1002 Fjord Handel AS", no=20000)
        make_line(journal, "-25.00", date(2026, 1, 8), "NETTBANK GEBYR", no=30000)
        apply_automatically(journal=journal, today=TODAY)
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.match_confidence, second.match_confidence) == ("high", "high")
        remove_applications(lines=[second], user=accountant)
        [row] = auto_application_by_month()
        assert (row.lines, row.applied, row.high, row.none, row.pending, row.removed) == (3, 2, 2, 1, 1, 1)
        apply_automatically(journal=journal, today=TODAY)  # the removed line is applied again
        second.refresh_from_db()
        accept_applications(lines=[second], user=accountant)
        post_payment_journal(journal=journal, user=accountant, accepted_only=True)
        [row] = auto_application_by_month()
        assert (row.applied, row.accepted, row.removed, row.pending, row.posted) == (2, 1, 0, 1, 1)
        assert (row.auto_application_rate, row.high_precision) == (D("33.3"), D("100.0"))


class MatchReportViewTests:
    url = reverse("banking:match-report")

    def test_it_shows_the_months(self, client, auditor, decisions, django_assert_max_num_queries):
        client.force_login(auditor)
        for month in range(3, 13):  # more months and decisions, no more queries
            decide(make_line(make_journal(statement_no=f"M{month}"), "1.00", date(2025, month, 1)), "low")
        # Session, user, permissions, company and the bank account choices, then the report's two queries.
        with django_assert_max_num_queries(12):
            response = client.get(self.url)
        assert response.status_code == 200
        assert [r.bank_account_no for r in response.context["rows"]] == ["NBANK"] * 12 + ["NBANK2"]
        html = response.content.decode()
        assert "January 2026" in html and "February 2026" in html
        assert "50.0 %" in html and "75.0 %" in html and 'data-total="rate">20.0 %' in html  # 4 of 20
        assert 'id="export-xlsx"' in html and 'hx-get="' + self.url + '"' in html

    def test_it_filters(self, client, accountant, decisions):
        client.force_login(accountant)
        response = client.get(self.url, {"bank_account": "NBANK", "date_from": "2026-02-01"})
        assert [(r.bank_account_no, r.month) for r in response.context["rows"]] == [("NBANK", date(2026, 2, 1))]
        response = client.get(self.url, {"bank_account": "NOPE", "date_to": "not a date"})
        assert len(response.context["rows"]) == 3  # a field with an error filters nothing, and says so
        assert response.context["form"].errors.keys() == {"bank_account", "date_to"}

    def test_htmx_gets_the_report_region(self, client, auditor, decisions):
        client.force_login(auditor)
        response = client.get(self.url, {"bank_account": "NBANK2"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="match-report"')
        assert 'id="match-report-totals" hx-swap-oob="true"' in html and "<nav" not in html
        assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]

    def test_it_says_when_there_is_nothing(self, client, auditor, company):
        client.force_login(auditor)
        response = client.get(self.url)
        html = response.content.decode()
        assert "No statement lines in payment reconciliation journals match the filter." in html
        assert reverse("banking:journal-list") in html

    def test_it_exports_to_xlsx(self, client, auditor, decisions):
        client.force_login(auditor)
        response = client.get(self.url, {"format": "xlsx", "bank_account": "NBANK"})
        assert response["Content-Disposition"] == 'attachment; filename="auto-application-rate.xlsx"'
        values = list(load_workbook(BytesIO(response.content)).active.values)
        assert values[0] == ("Bank Account No.", "Bank Account Name", "Month", "Lines", "Applied Automatically",
                             "High", "High - Text-to-Account Mapping", "Medium", "Low", "None", "Accepted Unchanged",
                             "Changed", "Removed", "Pending", "Posted", "Auto-Application Rate (%)",
                             "Precision of High (%)")
        assert values[1][:5] == ("NBANK", "Nordbank", "2026-01", 8, 6)
        assert D(str(values[1][15])) == D("50.0") and D(str(values[1][16])) == D("75.0")
        assert values[3][:5] == ("Total", None, None, 9, 7) and len(values) == 4
        assert values[2][16] is None  # no High judged in February

    def test_permissions(self, client, clerk, decisions):
        assert client.get(self.url).status_code == 302  # to the login page
        client.force_login(User.objects.create_user("nobody"))
        assert client.get(self.url).status_code == 403
        client.force_login(clerk)  # clerks see the journals, so they see the report
        assert client.get(self.url).status_code == 200
        assert client.post(self.url).status_code == 405

    def test_it_is_linked_from_the_journals_and_the_menu(self, client, auditor, company):
        client.force_login(auditor)
        html = client.get(reverse("banking:journal-list")).content.decode()
        assert html.count(f'href="{self.url}"') == 2  # the action bar and the navigation pane
        client.force_login(User.objects.create_user("nobody"))
        assert f'href="{self.url}"' not in client.get(reverse("receivables:role-center")).content.decode()


class MatchReportCommandTests:
    def run(self, *args) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("match_report", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_it_prints_json(self, decisions):
        out, _err = self.run("--bank-account", "NBANK", "--from", "2026-01-01", "--to", "2026-01-31", "--json")
        data = json.loads(out)
        assert (data["bank_account"], data["from"], data["to"]) == ("NBANK", "2026-01-01", "2026-01-31")
        [january] = data["months"]
        assert january == {
            "bank_account": "NBANK", "month": "2026-01", "lines": 8, "decided": 7, "applied": 6, "high": 4,
            "high_text_mapping": 1, "medium": 1, "low": 0, "none": 1, "accepted": 4, "changed": 1, "removed": 1,
            "pending": 0, "posted": 2, "high_judged": 4, "high_accepted": 3, "auto_application_rate": "50.0",
            "high_precision": "75.0",
        }
        assert data["total"]["bank_account"] is None and data["total"]["lines"] == 8

    def test_it_prints_a_table(self, decisions):
        out, _err = self.run()
        lines = out.splitlines()
        assert lines[0].split()[:4] == ["Bank", "account", "Month", "Lines"]
        assert lines[1].split() == ["NBANK", "2026-01", "8", "6", "4", "1", "1", "0", "1", "4", "1", "1", "0", "2",
                                    "50.0", "75.0"]
        assert lines[3].split()[:2] == ["NBANK2", "2026-01"] and lines[3].split()[-1] == "-"
        assert lines[4].split()[:2] == ["Total", "10"] and len(lines) == 5

    def test_it_says_when_there_is_nothing(self, company):
        out, err = self.run()
        assert out == "" and "No statement lines" in err
        assert json.loads(self.run("--json")[0])["months"] == []

    def test_it_refuses_an_unknown_bank_account_or_date(self, company):
        with pytest.raises(CommandError, match="There is no bank account NOPE."):
            self.run("--bank-account", "NOPE")
        with pytest.raises(CommandError, match="'31.01.2026' is not a date"):
            self.run("--to", "31.01.2026")
