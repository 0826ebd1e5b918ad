"""Bank Account Reconciliation in the browser: create a worksheet, import the bank's statement, match
automatically, fix a match by hand, post, and see the bank entries closed (spec section 7, scenario 30)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from banking.models import BankAccountStatement
from receivables.company.setup import ensure_bank_account, setup_company
from receivables.ledger.check import check_ledger
from receivables.models import BankAccount, BankAccountLedgerEntry, GLEntry
from tests.banking.bank_rec.support import D, bank_entry
from tests.banking.bank_rec.test_views import CAMT
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def books(transactional_db, tmp_path):
    setup_company()
    ensure_bank_account(no="NBANK", name="Nordbank", bank_account_no="15031234567",
                        balance_last_statement=Decimal("10000.00"), last_statement_no="12")
    receipt = bank_entry("980.00", D(2026, 1, 6), document_no="BET-001", description="Innbetaling Fjord")
    rent = bank_entry("-300.00", D(2026, 1, 10), document_no="HUSL-01", description="Husleie januar")
    path = tmp_path / "statement-2026-01.xml"
    path.write_text(CAMT)
    user = User.objects.create_user("anna", password="anna-pw-2026")
    user.groups.add(Group.objects.get(name="Accountant"))
    return path, receipt, rent


def test_create_import_match_post_and_see_the_entries_closed(books, live_server, page):
    path, receipt, rent = books
    page.on("dialog", lambda dialog: dialog.accept())
    gl_before = GLEntry.objects.count()
    login(page, live_server, "anna", "anna-pw-2026")

    page.get_by_role("link", name="Bank Account Reconciliations").click()
    expect(page.get_by_text("There are no open bank account reconciliations.")).to_be_visible()
    page.get_by_role("link", name="New").first.click()
    # Choosing the bank account fetches its defaults (htmx): the last statement no. incremented.
    page.get_by_label("Bank Account No.").select_option(label="NBANK Nordbank")
    expect(page.get_by_label("Statement No.")).to_have_value("13")
    expect(page.get_by_label("Balance Last Statement")).to_have_value("10,000.00")
    page.get_by_label("Statement Ending Balance").fill("10,680.00")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#messages")).to_contain_text("Bank account reconciliation 13 was created.")
    expect(page.get_by_text("No statement lines yet.")).to_be_visible()

    # Import Bank Statement opens in the worksheet and uploads with htmx.
    page.get_by_role("link", name="Import Bank Statement").click()
    page.get_by_label("Statement file").set_input_files(str(path))
    page.locator("#dialog").get_by_role("button", name="Import").click()
    expect(page.locator("#messages")).to_contain_text("2 lines imported")
    expect(page.locator("tr[data-line='20000']")).to_contain_text("Husleie")
    expect(page.locator("[data-total='total-balance']")).to_have_text("10,680.00")

    page.get_by_role("link", name="Match Automatically").click()
    expect(page.get_by_label("Transaction Date Tolerance (Days)")).to_be_focused()
    page.get_by_label("Transaction Date Tolerance (Days)").fill("3")
    shot(page, "bank-rec-match-automatically")
    page.locator("#dialog").get_by_role("button", name="OK").click()
    expect(page.locator("#messages")).to_contain_text("2 reconciliation lines out of 2 are matched.")
    expect(page.locator("tr[data-line='10000'] [data-field='applied-entries']")).to_contain_text(str(receipt.pk))
    expect(page.locator("[data-total='balance-to-reconcile']")).to_have_text("0.00")
    shot(page, "bank-rec-matched")

    # Undo one match and make it again by hand: the line on the left, the entry in the fact box.
    page.locator("tr[data-line='20000'] input[name=line]").check()
    page.get_by_role("button", name="Remove Match").click()
    expect(page.locator("#messages")).to_contain_text("The matches of 1 line(s) were removed.")
    expect(page.locator("[data-total='balance-to-reconcile']")).to_have_text("-300.00")
    page.locator("tr[data-line='20000'] input[name=line]").check()
    page.locator(f"[data-entry='{rent.pk}'] input[name=entry]").check()
    page.get_by_role("button", name="Match Manually").click()
    expect(page.locator("#messages")).to_contain_text("Line 20000 was matched to 1 entries.")
    expect(page.locator("tr[data-line='20000'] [data-field='difference']")).to_have_text("0.00")

    page.get_by_role("link", name="Test Report").click()
    expect(page.locator("#dialog")).to_contain_text("No problems found")

    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("was posted as bank account statement 13")
    expect(page.get_by_role("heading", name="Bank Account Statement")).to_be_visible()
    shot(page, "bank-rec-posted")

    for entry in (receipt, rent):
        entry.refresh_from_db()
        assert (entry.open, entry.remaining_amount, entry.statement_status, entry.statement_no) == (
            False, Decimal("0.00"), "closed", "13")
    bank = BankAccount.objects.get(no="NBANK")
    assert (bank.last_statement_no, bank.balance_last_statement) == ("13", Decimal("10680.00"))
    assert BankAccountStatement.objects.get().lines.count() == 2
    assert not BankAccountLedgerEntry.objects.filter(open=True).exists()
    assert GLEntry.objects.count() == gl_before
    assert check_ledger() == []

    page.get_by_role("link", name="Bank Account Ledger Entries").first.click()
    expect(page.locator("main")).to_contain_text("Closed")
