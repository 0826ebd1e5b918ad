"""Issue 4 in the browser: upload a statement of each format and see its lines."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from banking.models import BankAccReconciliation
from receivables.company.setup import ensure_bank_account, setup_company
from receivables.models import Currency
from tests.e2e.conftest import login, shot
from tests.samples import SAMPLES

pytestmark = pytest.mark.e2e
FILES = [
    ("ofx/ofxparse-checking.ofx", "USD", "auto", "3"),
    ("camt053/iso20022js-nordea-example_camt.xml", "EUR", "auto", None),
    ("mt940/wolph-jejik-ing.sta", "EUR", "auto", "7"),
    ("csv/reds-dcu-Main_Checking_Account_Transactions.csv", "USD", "csv:dcu", None),
]


@pytest.fixture
def clerk_user(transactional_db):
    setup_company()
    user = User.objects.create_user("carl", password="carl-pw-2026")
    user.groups.add(Group.objects.get(name="Clerk"))
    return user


@pytest.mark.parametrize(("sample", "currency", "format", "lines"), FILES, ids=[f[0] for f in FILES])
def test_a_clerk_uploads_a_statement_and_sees_its_lines(clerk_user, live_server, page, sample, currency, format, lines):
    bank = ensure_bank_account(no=f"B{currency}", name=f"Bank {currency}",
                               currency=Currency.objects.get_or_create(code=currency)[0])
    login(page, live_server, "carl", "carl-pw-2026")
    page.get_by_role("link", name="Payment Reconciliation Journals").click()
    page.get_by_role("link", name="Import Bank Statement").first.click()
    page.get_by_label("Bank Account").select_option(str(bank.pk))
    page.get_by_label("Format").select_option(format)
    page.get_by_label("Statement file").set_input_files(str(SAMPLES / sample))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#messages")).to_contain_text("lines imported")
    journal = BankAccReconciliation.objects.get()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(min(journal.lines.count(), 100))
    if lines:
        assert journal.lines.count() == int(lines)
    first = journal.lines.order_by("line_no").first()
    expect(page.locator("main table")).to_contain_text(first.transaction_text[:20] or first.related_party_name[:20])
    shot(page, "import-" + Path(sample).stem)
