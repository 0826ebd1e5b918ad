from __future__ import annotations
import pytest
from tests.e2e.conftest import login, shot
from tests.e2e.test_cash_receipts import books  # noqa
pytestmark = pytest.mark.e2e

def test_baseline(books, live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    login(page, live_server, "anna", "anna-pw-2026")
    page.goto(f"{live_server.url}/journals/")
    page.get_by_role("link", name="DEFAULT").first.click()
    account = page.locator("input[name=new-account_no]")
    account.fill("C10000")
    account.press("Enter")
    page.wait_for_timeout(500)
    shot(page, "baseline-1280")
    page.locator("input[name=form-0-amount]").fill("abc")
    page.get_by_role("button", name="Save").click()
    page.wait_for_timeout(800)
    shot(page, "baseline-bad-amount")
    print(page.locator("#journal-form").inner_html()[:3000])
