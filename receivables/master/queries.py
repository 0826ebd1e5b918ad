"""Reads behind the master-data and ledger windows: balances as annotations, statistics as one aggregate.

Every list gets its figures in the same query as its rows (an annotation over a LEFT JOIN, grouped by
the row), never a query per row. Money is summed with MoneySum, exact on SQLite too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Max, Q, QuerySet, Value

from receivables.lib.aggregates import MoneySum
from receivables.models import (
    BankAccount,
    BankAccountLedgerEntry,
    CustLedgerEntry,
    Customer,
    DocumentType,
    GLEntry,
    GLRegister,
    Vendor,
    VendorLedgerEntry,
)

ZERO = Decimal("0.00")


class MoneyTotal(MoneySum):
    """MoneySum that reads 0.00 instead of None when no row matches.

    A customer without entries then sorts, filters ("with balance only") and prints as a zero balance on
    every backend; a bare NULL would sort first on SQLite and last on PostgreSQL. The COALESCE goes
    around MoneySum's own SQL, so its exact cents arithmetic on SQLite is kept.
    """

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"COALESCE({sql}, 0)", params


def _search(qs: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    q = q.strip()
    if not q:
        return qs
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": q})
    return qs.filter(condition)


# ---------------------------------------------------------------- customers

def customers_with_balances(today: date) -> QuerySet[Customer]:
    """Customers with NAV's Balance (LCY), Balance Due (LCY) and the overdue part, as annotations.

    Balance Due is NAV's: open entries due on or before the work date (payments included, they are
    due on their posting date). Overdue is what the role center counts: open debit entries due before it.
    """
    open_ = Q(ledger_entries__open=True)
    remaining = "ledger_entries__remaining_amount_lcy"
    return Customer.objects.annotate(
        balance=MoneyTotal(remaining, filter=open_),
        balance_due=MoneyTotal(remaining, filter=open_ & Q(ledger_entries__due_date__lte=today)),
        overdue=MoneyTotal(
            remaining, filter=open_ & Q(ledger_entries__due_date__lt=today, ledger_entries__positive=True)
        ),
    )


def search_customers(qs: QuerySet[Customer], q: str) -> QuerySet[Customer]:
    return _search(qs, q, ("no", "name", "city", "org_no"))


def with_balance_only(qs: QuerySet) -> QuerySet:
    """Rows whose `balance` annotation is not zero.

    In SQL a MoneySum is in cents on SQLite, so zero is the only amount to compare it with; and an
    integer literal, because SQLite would compare the number with Django's Decimal parameter as text.
    """
    return qs.exclude(balance=Value(0))


@dataclass(frozen=True)
class CustomerStatistics:
    balance: Decimal
    balance_due: Decimal
    overdue: Decimal
    sales_this_year: Decimal
    payments_this_year: Decimal
    open_invoices: int
    last_payment_date: date | None


def customer_statistics(customer: Customer, today: date) -> CustomerStatistics:
    """The Customer Statistics fact box in one aggregate query.

    Payments this year follow NAV's Payments (LCY): payment entries posted this year, sign turned so
    money received reads positive. A reversed payment and its reversal cancel out, as in NAV; the last
    payment date skips reversed payments.
    """
    this_year = Q(posting_date__gte=date(today.year, 1, 1), posting_date__lte=today)
    payment = Q(document_type=DocumentType.PAYMENT)
    figures = CustLedgerEntry.objects.filter(customer=customer).aggregate(
        balance=MoneySum("remaining_amount_lcy", filter=Q(open=True)),
        balance_due=MoneySum("remaining_amount_lcy", filter=Q(open=True, due_date__lte=today)),
        overdue=MoneySum("remaining_amount_lcy", filter=Q(open=True, positive=True, due_date__lt=today)),
        sales=MoneySum("sales_lcy", filter=this_year),
        payments=MoneySum(F("amount_lcy") * -1, filter=this_year & payment),
        open_invoices=Count("entry_no", filter=Q(open=True, document_type=DocumentType.INVOICE)),
        last_payment=Max("posting_date", filter=payment & Q(reversed=False)),
    )
    return CustomerStatistics(
        balance=figures["balance"] or ZERO,
        balance_due=figures["balance_due"] or ZERO,
        overdue=figures["overdue"] or ZERO,
        sales_this_year=figures["sales"] or ZERO,
        payments_this_year=figures["payments"] or ZERO,
        open_invoices=figures["open_invoices"],
        last_payment_date=figures["last_payment"],
    )


# ---------------------------------------------------------------- vendors

def vendors_with_balances(today: date) -> QuerySet[Vendor]:
    """Vendors with Balance (LCY) and Balance Due (LCY) as NAV shows them: what we owe reads positive."""
    open_ = Q(ledger_entries__open=True)
    owed = F("ledger_entries__remaining_amount_lcy") * -1
    return Vendor.objects.annotate(
        balance=MoneyTotal(owed, filter=open_),
        balance_due=MoneyTotal(owed, filter=open_ & Q(ledger_entries__due_date__lte=today)),
    )


def search_vendors(qs: QuerySet[Vendor], q: str) -> QuerySet[Vendor]:
    return _search(qs, q, ("no", "name", "city", "org_no"))


@dataclass(frozen=True)
class VendorStatistics:
    balance: Decimal
    balance_due: Decimal
    open_invoices: int
    last_payment_date: date | None


def vendor_statistics(vendor: Vendor, today: date) -> VendorStatistics:
    owed = F("remaining_amount_lcy") * -1
    figures = VendorLedgerEntry.objects.filter(vendor=vendor).aggregate(
        balance=MoneySum(owed, filter=Q(open=True)),
        balance_due=MoneySum(owed, filter=Q(open=True, due_date__lte=today)),
        open_invoices=Count("entry_no", filter=Q(open=True, document_type=DocumentType.INVOICE)),
        last_payment=Max("posting_date", filter=Q(document_type=DocumentType.PAYMENT, reversed=False)),
    )
    return VendorStatistics(
        balance=figures["balance"] or ZERO,
        balance_due=figures["balance_due"] or ZERO,
        open_invoices=figures["open_invoices"],
        last_payment_date=figures["last_payment"],
    )


# ---------------------------------------------------------------- bank accounts

def bank_accounts_with_balances() -> QuerySet[BankAccount]:
    """Bank accounts with Balance (LCY): every bank ledger entry, open or reconciled."""
    return BankAccount.objects.select_related("currency").annotate(
        balance_lcy=MoneyTotal("ledger_entries__amount_lcy")
    )


def search_bank_accounts(qs: QuerySet[BankAccount], q: str) -> QuerySet[BankAccount]:
    return _search(qs, q, ("no", "name", "bank_account_no", "iban"))


def bank_ledger_entries(
    *, bank_account: BankAccount | None = None, status: str = "", date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[BankAccountLedgerEntry]:
    qs = BankAccountLedgerEntry.objects.select_related("bank_account")
    if bank_account is not None:
        qs = qs.filter(bank_account=bank_account)
    if status == "open":
        qs = qs.filter(open=True)
    elif status == "closed":
        qs = qs.filter(open=False)
    return _in_period(qs, date_from, date_to)


def bank_entry_totals(qs: QuerySet[BankAccountLedgerEntry]) -> dict[str, Decimal]:
    figures = qs.order_by().aggregate(amount=MoneySum("amount_lcy"), remaining=MoneySum("remaining_amount"))
    return {key: value or ZERO for key, value in figures.items()}


# ---------------------------------------------------------------- general ledger

def gl_registers() -> QuerySet[GLRegister]:
    return GLRegister.objects.select_related("user")


def gl_entries(
    *, account_no: str = "", register: int | None = None, document_no: str = "", transaction_no: int | None = None,
    date_from: date | None = None, date_to: date | None = None,
) -> QuerySet[GLEntry]:
    qs = GLEntry.objects.select_related("gl_account")
    if account_no:
        qs = qs.filter(gl_account__no=account_no)
    if register is not None:
        qs = qs.filter(register_id=register)
    if document_no:
        qs = qs.filter(document_no=document_no)
    if transaction_no is not None:
        qs = qs.filter(transaction_no=transaction_no)
    return _in_period(qs, date_from, date_to)


def gl_totals(qs: QuerySet[GLEntry]) -> dict[str, Decimal]:
    """Debit, credit and balance (debit - credit) of the filtered entries."""
    figures = qs.order_by().aggregate(
        debit=MoneySum("debit_amount"), credit=MoneySum("credit_amount"), balance=MoneySum("amount")
    )
    return {key: value or ZERO for key, value in figures.items()}


def _in_period(qs: QuerySet, date_from: date | None, date_to: date | None) -> QuerySet:
    if date_from:
        qs = qs.filter(posting_date__gte=date_from)
    if date_to:
        qs = qs.filter(posting_date__lte=date_to)
    return qs
