"""Issue 2 end to end: log in, see the demo company's numbers, switch language, edit a customer in the admin."""
from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from receivables.company.demo import DEMO_PASSWORD, DEMO_USERNAME, create_demo_data
from receivables.company.setup import setup_company
from receivables.ledger.check import check_ledger
from receivables.models import Customer
from receivables.role_center.figures import cues
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(transactional_db):
    setup_company()
    create_demo_data(today=timezone.localdate(), customers=25)


def test_newcomer_logs_in_sees_figures_and_edits_a_customer(demo, live_server, page):
    login(page, live_server, DEMO_USERNAME, DEMO_PASSWORD)
    expected = cues(timezone.localdate())
    total = page.locator("[data-cue=total-receivables]")
    assert total.inner_text().replace(",", "").replace("\u00a0", "") == f"{expected.total_receivables:.2f}"
    shot(page, "role-center")

    page.get_by_label("Language").select_option("nb")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nb"
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Bytt språk").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto(f"{live_server.url}/admin/receivables/customer/")
    page.get_by_role("link", name="C10000").first.click()
    page.get_by_label("Name:", exact=True).fill("Fjord Handel Bergen AS")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Customer.objects.get(no="C10000").name == "Fjord Handel Bergen AS"

    page.get_by_role("link", name="C10000").first.click()
    page.locator("input[name=bank_accounts-0-iban]").fill("NO93 8601 1117 948")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist").first).to_contain_text("check digits")
    shot(page, "admin-customer-error")
    assert check_ledger() == []
