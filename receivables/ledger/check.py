"""The ledger invariants of DESIGN.md section 5, checked with a few aggregate queries.

Used by `manage.py check_ledger` and after posting in tests. Returns readable problems naming
the entries that break an invariant; an empty list means the books are consistent.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from receivables.lib.aggregates import MoneySum
from receivables.models import (
    BankAccountLedgerEntry,
    BankAccountPostingGroup,
    CustLedgerEntry,
    CustomerPostingGroup,
    DetailedCustLedgEntry,
    DetailedVendorLedgEntry,
    GLEntry,
    VendorLedgerEntry,
    VendorPostingGroup,
)

ZERO = Decimal("0")


def check_ledger(*, limit: int = 50) -> list[str]:
    problems: list[str] = []
    problems += _transactions_balance(limit)
    problems += _remaining_matches_details(CustLedgerEntry, DetailedCustLedgEntry, "cust_ledger_entry", "Cust.", limit)
    problems += _remaining_matches_details(
        VendorLedgerEntry, DetailedVendorLedgEntry, "vendor_ledger_entry", "Vendor", limit
    )
    problems += _over_applied(CustLedgerEntry, "Cust.", limit)
    problems += _over_applied(VendorLedgerEntry, "Vendor", limit)
    problems += _control_accounts(limit)
    return problems


def _transactions_balance(limit: int) -> list[str]:
    rows = (
        GLEntry.objects.values("transaction_no")
        .annotate(total=MoneySum("amount"))
        .order_by("transaction_no")
    )
    problems = []
    for row in rows.iterator(chunk_size=5000):
        if row["total"] != 0:
            problems.append(f"1. Transaction {row['transaction_no']}: G/L entries sum to {row['total']}, not 0.")
            if len(problems) >= limit:
                break
    return problems


def _remaining_matches_details(entry_model, detail_model, fk: str, label: str, limit: int) -> list[str]:
    sums = {
        row[fk]: (row["amount"], row["amount_lcy"])
        for row in detail_model.objects.values(fk).annotate(amount=MoneySum("amount"), amount_lcy=MoneySum("amount_lcy"))
    }
    problems = []
    for entry_no, remaining, remaining_lcy, is_open in entry_model.objects.values_list(
        "entry_no", "remaining_amount", "remaining_amount_lcy", "open"
    ).iterator(chunk_size=5000):
        amount, amount_lcy = sums.get(entry_no, (ZERO, ZERO))
        if remaining != amount or remaining_lcy != amount_lcy:
            problems.append(
                f"2. {label} Ledger Entry {entry_no}: remaining amount {remaining} (LCY {remaining_lcy}) but its "
                f"detailed entries sum to {amount} (LCY {amount_lcy})."
            )
        elif is_open != (remaining != 0):
            problems.append(f"2. {label} Ledger Entry {entry_no}: open is {is_open} with remaining amount {remaining}.")
        if len(problems) >= limit:
            break
    return problems


def _over_applied(entry_model, label: str, limit: int) -> list[str]:
    problems = []
    for entry_no, amount, remaining in entry_model.objects.values_list(
        "entry_no", "amount", "remaining_amount"
    ).iterator(chunk_size=5000):
        if remaining * amount < 0 or abs(remaining) > abs(amount):
            problems.append(
                f"4. {label} Ledger Entry {entry_no}: over-applied, remaining amount {remaining} against amount "
                f"{amount}."
            )
            if len(problems) >= limit:
                break
    return problems


def _gl_balance(account_ids: set[int]) -> dict[int, Decimal]:
    rows = GLEntry.objects.filter(gl_account_id__in=account_ids).values("gl_account_id").annotate(total=MoneySum("amount"))
    return defaultdict(Decimal, {row["gl_account_id"]: row["total"] for row in rows})


def _control_accounts(limit: int) -> list[str]:
    expected: dict[int, Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    for group_model, entry_model, field_name in (
        (CustomerPostingGroup, CustLedgerEntry, "receivables_account"),
        (VendorPostingGroup, VendorLedgerEntry, "payables_account"),
    ):
        totals = dict(
            entry_model.objects.values("posting_group_id")
            .annotate(total=MoneySum("remaining_amount_lcy"))
            .values_list("posting_group_id", "total")
        )
        for group in group_model.objects.select_related(field_name):
            account = getattr(group, field_name)
            expected[account.pk] += totals.get(group.pk) or ZERO
            names[account.pk] = f"{account.no} ({group_model._meta.verbose_name} {group.code})"
    bank_totals = dict(
        BankAccountLedgerEntry.objects.values("bank_account__posting_group_id")
        .annotate(total=MoneySum("amount_lcy"))
        .values_list("bank_account__posting_group_id", "total")
    )
    for group in BankAccountPostingGroup.objects.select_related("gl_account"):
        expected[group.gl_account_id] += bank_totals.get(group.pk) or ZERO
        names[group.gl_account_id] = f"{group.gl_account.no} (bank account posting group {group.code})"
    balances = _gl_balance(set(expected))
    problems = []
    for account_id, total in expected.items():
        if balances[account_id] != total:
            problems.append(
                f"3. G/L account {names[account_id]}: balance {balances[account_id]} but the ledger entries say "
                f"{total}."
            )
    return problems[:limit]
