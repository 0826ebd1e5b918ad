"""Issue 5 in the browser: import, Apply Automatically, fix a line by hand, map a fee, accept, post and reconcile."""
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
    BankAccountLedgerEntry,
    CustLedgerEntry,
    Customer,
    CustomerPostingGroup,
    PaymentTerms,
)
from tests.e2e.conftest import login, shot
from tests.posting_helpers import post_invoice

pytestmark = pytest.mark.e2e

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>E2E</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>E2E-1</Id><ElctrncSeqNb>1</ElctrncSeqNb>
<Acct><Id><IBAN>NO9386011117947</IBAN></Id><Ccy>NOK</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">1455.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
{entries}
</Stmt></BkToCstmrStmt></Document>"""
ENTRY = """<Ntry><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>
<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls><Refs><AcctSvcrRef>{ref}</AcctSvcrRef></Refs>
<RltdPties><Dbtr><Nm>{party}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""


@pytest.fixture
def books(transactional_db, tmp_path):
    setup_company()
    ensure_bank_account(no="NBANK", name="Nordbank", iban="NO9386011117947")
    group = CustomerPostingGroup.objects.get(code="DOMESTIC")
    fjord = Customer.objects.create(no="C10000", name="Fjord Handel AS", posting_group=group,
                                    payment_terms=PaymentTerms.objects.get(code="30D"))
    vik = Customer.objects.create(no="C10010", name="Vik Consult AS", posting_group=group,
                                  payment_terms=PaymentTerms.objects.get(code="30D"))
    day = timezone.localdate() - timedelta(days=2)
    a = post_invoice(fjord, "INV-1001", "1000.00", day - timedelta(days=10))
    b = post_invoice(vik, "INV-2002", "480.00", day - timedelta(days=10))
    entries = "".join([
        ENTRY.format(amount="1000.00", ind="CRDT", day=day, ref="R1", party="Fjord Handel AS",
                     text="Faktura INV-1001"),
        ENTRY.format(amount="480.00", ind="CRDT", day=day, ref="R2", party="Ola Nordmann", text="Betaling"),
        ENTRY.format(amount="25.00", ind="DBIT", day=day, ref="R3", party="", text="NETTBANK GEBYR"),
    ])
    path = tmp_path / "statement.xml"
    path.write_text(CAMT.format(day=day, entries=entries))
    user = User.objects.create_user("anna", password="anna-pw-2026")
    user.groups.add(Group.objects.get(name="Accountant"))
    return path, a, b


def test_import_apply_fix_map_accept_post_and_reconcile(books, live_server, page):
    path, a, b = books
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "anna", "anna-pw-2026")
    page.get_by_role("link", name="Payment Reconciliation Journals").click()
    page.get_by_role("link", name="Import Bank Statement").first.click()
    page.get_by_label("Bank Account").select_option(label="NBANK Nordbank")
    page.get_by_label("Statement file").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#messages")).to_contain_text("3 lines imported")

    page.get_by_role("button", name="Apply Automatically").click()
    expect(page.locator("#messages")).to_contain_text("payment lines out of 3 are applied")
    first = page.locator("tr[data-line='10000']")
    expect(first).to_contain_text("C10000")
    expect(first.locator(".badge--high")).to_be_visible()
    first.locator("summary").click()
    expect(first.locator("details li").first).to_be_visible()
    shot(page, "payment-journal-applied")

    # The second line (paid by someone else, no reference) is applied by hand to Vik Consult's invoice.
    second = page.locator("tr[data-line='20000']")
    second.get_by_role("link", name="Apply Manually").click()
    page.locator("input[name=account_no]").fill("C10010")
    page.get_by_role("button", name="Show open entries").click()
    # The applied amount and the difference follow the ticks as they are made.
    tick = page.locator(f"input[name=select_{b.pk}]")
    tick.uncheck()
    expect(page.locator("[data-field=difference]")).to_have_text("480.00")
    tick.check()
    expect(page.locator("[data-field=applied]")).to_have_text("480.00")
    expect(page.locator("[data-field=difference]")).to_have_text("0.00")
    page.locator(f"input[name=amount_{b.pk}]").fill("400")
    expect(page.locator("[data-field=difference]")).to_have_text("80.00")
    page.locator(f"input[name=amount_{b.pk}]").fill("")
    shot(page, "payment-application")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator("tr[data-line='20000']")).to_contain_text("C10010")

    # The fee line goes to bank fees through a text mapping.
    page.locator("tr[data-line='30000']").get_by_role("link", name="Map Text to Account").click()
    page.get_by_label("Mapping Text").fill("GEBYR")
    page.locator("input[name=account_no]").fill("7770")
    page.get_by_role("button", name="OK").click()
    expect(page.locator("tr[data-line='30000']")).to_contain_text("7770")

    for row in ("10000", "20000", "30000"):
        page.locator(f"tr[data-line='{row}'] input[name=line]").check()
    page.get_by_role("button", name="Accept Applications").click()
    expect(page.locator("#messages")).to_contain_text("3 line(s) accepted")
    page.get_by_role("link", name="Test Report").click()
    expect(page.locator("main")).to_contain_text("No problems found: the payments can be posted.")
    page.get_by_role("link", name="Close").click()
    page.get_by_role("button", name="Post Payments and Reconcile").click()
    expect(page.locator("#messages")).to_contain_text("The payments were posted")
    shot(page, "payment-journal-posted")

    assert not CustLedgerEntry.objects.filter(pk__in=[a.pk, b.pk], open=True).exists()
    bank_entries = BankAccountLedgerEntry.objects.all()
    assert bank_entries.count() == 3 and not bank_entries.filter(open=True).exists()
    assert sum((e.amount for e in bank_entries), Decimal(0)) == Decimal("1455.00")
    assert check_ledger() == []
