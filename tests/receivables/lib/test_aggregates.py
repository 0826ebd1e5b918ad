from __future__ import annotations

from datetime import date
from decimal import Decimal

from receivables.lib.aggregates import MoneySum
from receivables.models import GLAccount, GLEntry, GLRegister


class MoneySumTests:
    def test_it_sums_cents_exactly(self, company):
        register = GLRegister.objects.create()
        account = GLAccount.objects.get(no="3000")
        amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("-0.30"), Decimal("0.01"), Decimal("1234567890.29")] * 50
        GLEntry.objects.bulk_create(
            GLEntry(gl_account=account, posting_date=date(2026, 1, 1), document_no="X", transaction_no=1,
                    register=register, amount=a, debit_amount=max(a, Decimal(0)), credit_amount=max(-a, Decimal(0)))
            for a in amounts
        )
        total = GLEntry.objects.aggregate(total=MoneySum("amount"))["total"]
        assert total == sum(amounts) == Decimal("61728394515.00")
        assert str(total) == "61728394515.00"

    def test_it_returns_none_for_no_rows(self, company):
        assert GLEntry.objects.aggregate(total=MoneySum("amount"))["total"] is None

    def test_it_sums_with_a_filter(self, company):
        from django.db.models import Q

        register = GLRegister.objects.create()
        account = GLAccount.objects.get(no="3000")
        GLEntry.objects.bulk_create(
            GLEntry(gl_account=account, posting_date=date(2026, 1, d), document_no="X", transaction_no=d,
                    register=register, amount=Decimal("0.10"), debit_amount=Decimal("0.10"))
            for d in (1, 2, 3)
        )
        totals = GLEntry.objects.aggregate(
            early=MoneySum("amount", filter=Q(posting_date__lt=date(2026, 1, 3))), all=MoneySum("amount")
        )
        assert totals == {"early": Decimal("0.20"), "all": Decimal("0.30")}
