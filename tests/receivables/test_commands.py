from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from receivables.models import (
    CompanySetup,
    CustLedgerEntry,
    Customer,
    GLAccount,
    PaymentTerms,
)
from tests.posting_helpers import post_invoice


@pytest.mark.django_db
class SetupCompanyTests:
    def test_it_is_idempotent_and_takes_the_application_options(self):
        call_command("setup_company", "--name", "Test AS", stderr=StringIO())
        call_command("setup_company", "--payment-tolerance-pct", "1", "--max-payment-tolerance", "5",
                     "--payment-discount-grace-period", "5D", stderr=StringIO())
        setup = CompanySetup.objects.get()
        assert setup.name == "Test AS"
        assert (setup.payment_tolerance_pct, setup.max_payment_tolerance, setup.payment_discount_grace_period) == (
            Decimal("1"), Decimal("5"), "5D"
        )
        assert GLAccount.objects.filter(no="1500").count() == 1
        assert PaymentTerms.objects.get(code="2%8D30D").discount_pct == 2
        assert not GLAccount.objects.get(no="1500").direct_posting

    def test_it_refuses_a_bad_grace_period(self):
        with pytest.raises(CommandError, match="'5X' is not a valid date formula"):
            call_command("setup_company", "--payment-discount-grace-period", "5X", stderr=StringIO())

    def test_demo_data_is_consistent_and_created_once(self):
        out = StringIO()
        call_command("setup_company", "--demo", "--today", "2026-11-23", stdout=out, stderr=StringIO())
        assert "Log in as 'demo' with password 'receivables-demo'" in out.getvalue()
        customers = Customer.objects.count()
        assert customers == 200
        assert CustLedgerEntry.objects.filter(open=True, due_date__lt=date(2026, 11, 23), positive=True).exists()
        call_command("setup_company", "--demo", stdout=StringIO(), stderr=StringIO())
        assert Customer.objects.count() == customers
        call_command("check_ledger", stderr=StringIO())


class CheckLedgerTests:
    def test_it_passes_a_consistent_ledger(self, fjord):
        post_invoice(fjord, "INV-1", "100.00", date(2026, 1, 1))
        out = StringIO()
        call_command("check_ledger", "--json", stdout=out)
        assert json.loads(out.getvalue()) == {"ok": True, "problems": []}

    def test_it_names_a_broken_entry_and_exits_non_zero(self, fjord):
        entry = post_invoice(fjord, "INV-1", "100.00", date(2026, 1, 1))
        # Simulate corruption behind the engine's back (the model has no edit path for amounts).
        CustLedgerEntry.objects.filter(pk=entry.pk).update(
            remaining_amount=Decimal("90.00"), remaining_amount_lcy=Decimal("90.00")
        )
        err = StringIO()
        with pytest.raises(CommandError) as error:
            call_command("check_ledger", stderr=err)
        assert error.value.returncode == 1
        assert f"2. Cust. Ledger Entry {entry.pk}: remaining amount 90.00 (LCY 90.00) but its detailed entries sum to 100.00" in err.getvalue()
        assert "3. G/L account 1500" in err.getvalue()
