"""Issue 3 end to end: the cash receipt journal, applying, unapplying, re-applying and reversing."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from receivables.company.setup import ensure_bank_account, setup_company
from receivables.ledger.check import check_ledger
from receivables.models import (
    AccountType,
    CustLedgerEntry,
    Customer,
    CustomerPostingGroup,
    GenJournalBatch,
    PaymentTerms,
)
from tests.e2e.conftest import login, shot
from tests.posting_helpers import post_invoice

pytestmark = pytest.mark.e2e


@pytest.fixture
def books(transactional_db):
    setup_company(payment_tolerance_pct=Decimal("1"), max_payment_tolerance=Decimal("5"),
                  payment_discount_grace_period="5D")
    ensure_bank_account(no="NBANK", name="Nordbank")
    GenJournalBatch.objects.filter(template__name="CASHRCPT").update(
        bal_account_type=AccountType.BANK_ACCOUNT, bal_account_no="NBANK")
    customer = Customer.objects.create(no="C10000", name="Fjord Handel AS",
                                       posting_group=CustomerPostingGroup.objects.get(code="DOMESTIC"),
                                       payment_terms=PaymentTerms.objects.get(code="2%8D30D"))
    day = timezone.localdate() - timedelta(days=3)
    a = post_invoice(customer, "INV-A", "1000.00", day)
    b = post_invoice(customer, "INV-B", "500.00", day, terms=False)
    user = User.objects.create_user("anna", password="anna-pw-2026")
    user.groups.add(Group.objects.get(name="Accountant"))
    return a, b


def remaining(no: str) -> Decimal:
    return CustLedgerEntry.objects.get(document_no=no).remaining_amount


def test_payment_applied_to_two_invoices_unapplied_reapplied_and_a_wrong_one_reversed(books, live_server, page):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "anna", "anna-pw-2026")
    page.get_by_role("link", name="Cash Receipt Journals").click()
    page.get_by_role("link", name="DEFAULT").first.click()

    # Type a new line with the keyboard: account no., then Enter saves it.
    account = page.locator("input[name=new-account_no]")
    account.fill("C10000")
    account.press("Enter")
    expect(page.locator("input[name=form-0-description]")).to_have_value("Fjord Handel AS")

    page.get_by_role("link", name="Apply Entries").click()
    a, b = books
    page.locator(f"input[name=select_{a.pk}]").check()
    page.locator(f"input[name=amount_{a.pk}]").fill("1000.00")
    page.locator(f"input[name=select_{b.pk}]").check()
    page.locator(f"input[name=amount_{b.pk}]").fill("500.00")
    page.get_by_role("button", name="OK").click()
    amount = page.locator("input[name=form-0-amount]")
    expect(amount).to_have_value("-1,500.00")
    amount.fill("-1480.00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-field=total]")).to_have_text("-1,480.00")
    shot(page, "cash-receipt-journal")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("were posted")
    assert remaining("INV-A") == 0 and remaining("INV-B") == 0

    # Customer Ledger Entries: both invoices closed; the payment carries the discount.
    page.get_by_role("link", name="Customer Ledger Entries").click()
    expect(page.locator("#entry-list")).to_contain_text("INV-A")
    payment = CustLedgerEntry.objects.get(document_type="payment")
    page.get_by_role("link", name=payment.document_no).first.click()
    expect(page.locator("#details-title + .table-wrap")).to_contain_text("Payment Discount")
    shot(page, "payment-entry")

    page.get_by_role("link", name="Unapply Entries").first.click()
    page.get_by_role("button", name="Unapply").click()
    expect(page.locator("#messages")).to_contain_text("unapplied")
    assert remaining("INV-A") == Decimal("1000.00") and remaining("INV-B") == Decimal("500.00")
    expect(page.locator("[data-field=remaining-amount]")).to_have_text("-1,480.00")

    # Apply again from the posted payment.
    page.get_by_role("link", name="Apply Entries").click()
    page.locator(f"input[name=select_{a.pk}]").check()
    page.locator(f"input[name=select_{b.pk}]").check()
    page.get_by_role("button", name="Set Applies-to ID").click()
    expect(page.locator("[data-field=balance]")).to_have_text("0.00")
    expect(page.locator("[data-field=discount]")).to_have_text("-20.00")
    shot(page, "apply-entries")
    page.get_by_role("button", name="Post Application").click()
    expect(page.locator("#messages")).to_contain_text("application was posted")
    assert remaining("INV-A") == 0 and remaining("INV-B") == 0

    # A wrong payment, posted unapplied, is reversed.
    page.goto(f"{live_server.url}/journals/")
    page.get_by_role("link", name="DEFAULT").first.click()
    page.locator("input[name=new-account_no]").fill("C10000")
    page.locator("input[name=new-amount]").fill("-99.00")
    page.locator("input[name=new-amount]").press("Enter")
    expect(page.locator("input[name=form-0-amount]")).to_have_value("-99.00")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("were posted")
    wrong = CustLedgerEntry.objects.get(amount=Decimal("-99.00"))
    page.goto(f"{live_server.url}/ledger/customer/{wrong.pk}/")
    page.get_by_role("link", name="Reverse Transaction").click()
    page.get_by_role("button", name="Reverse").click()
    expect(page.locator("#messages")).to_contain_text("was reversed")
    wrong.refresh_from_db()
    assert wrong.reversed and not wrong.open
    assert check_ledger() == []
