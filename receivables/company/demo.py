"""The demo company: customers, vendors, two bank accounts and a year of invoices and payments.

Everything is posted through the posting engine (invoices as sales documents, payments as cash
receipts applied to them), so the demo ledgers obey the same invariants as real ones. Seeded, so
the same date gives the same company.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

from receivables.company.setup import ensure_bank_account
from receivables.lib.money import round_amount
from receivables.lib.numbering import next_no
from receivables.lib.payment_reference import mod11_check_digit
from receivables.models import (
    AccountType,
    Customer,
    CustomerBankAccount,
    CustomerPostingGroup,
    DocumentType,
    GenJournalBatch,
    GenJournalLine,
    GLAccount,
    PaymentTerms,
    SalesDocumentType,
    SalesHeader,
    SalesLine,
    Vendor,
    VendorBankAccount,
    VendorPostingGroup,
)
from receivables.posting import post
from receivables.sales.posting import post_sales_documents

NAMES = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_names.json").read_text(encoding="utf-8"))
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "receivables-demo"


@dataclass
class DemoSummary:
    customers: int
    vendors: int
    invoices: int
    payments: int
    created: bool


def _account_no(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(1200, 9899)}{rng.randint(10, 99)}{rng.randint(1000, 9999)}"
        check = mod11_check_digit(body, allow_dash=False)
        if check is not None:
            return body + check


def _org_no(rng: random.Random) -> str:
    # Organisation numbers use the same MOD11 weights (2..7 from the right) as account numbers.
    while True:
        body = str(rng.randint(91000000, 99999999))
        check = mod11_check_digit(body, allow_dash=False)
        if check is not None:
            return body + check


def _customers(rng: random.Random, count: int) -> list[Customer]:
    group = CustomerPostingGroup.objects.get(code="DOMESTIC")
    terms = {t.code: t for t in PaymentTerms.objects.all()}
    names = {"Fjord Handel AS"}
    customers = [
        Customer(no="C10000", name="Fjord Handel AS", posting_group=group, payment_terms=terms["2%8D30D"],
                 address="Fjordgata 1", post_code="5003", city="Bergen", country_code="NO",
                 org_no=_org_no(rng), email="post@fjordhandel.example")
    ]
    while len(customers) < count:
        name = f"{rng.choice(NAMES['prefixes'])} {rng.choice(NAMES['trades'])} {rng.choice(NAMES['legal_forms'])}"
        if name in names:
            continue
        names.add(name)
        post_code, city = rng.choice(NAMES["cities"])
        no = f"C{10000 + 10 * len(customers)}"
        customers.append(
            Customer(
                no=no, name=name, posting_group=group,
                payment_terms=terms[rng.choices(["30D", "14D", "2%8D30D", "1%14D30D"], [50, 25, 15, 10])[0]],
                address=f"{rng.choice(NAMES['streets'])} {rng.randint(1, 120)}", post_code=post_code, city=city,
                country_code="NO", org_no=_org_no(rng),
                email=f"faktura@{name.split()[0].lower()}{len(customers)}.example",
                reminder_terms_code="NO", fin_charge_terms_code="NO",
            )
        )
    customers[0].reminder_terms_code = "NO"
    customers[0].fin_charge_terms_code = "NO"
    Customer.objects.bulk_create(customers)
    customers = list(Customer.objects.select_related("payment_terms").order_by("no"))
    accounts = []
    for customer in customers:
        if rng.random() < 0.8:
            account = CustomerBankAccount(customer=customer, code="MAIN", name="Driftskonto",
                                          bank_account_no=_account_no(rng))
            account.normalize()
            accounts.append(account)
    CustomerBankAccount.objects.bulk_create(accounts)
    return customers


def _vendors(rng: random.Random) -> list[Vendor]:
    group = VendorPostingGroup.objects.get(code="DOMESTIC")
    terms = PaymentTerms.objects.get(code="30D")
    vendors = []
    for index, name in enumerate(NAMES["vendors"]):
        post_code, city = rng.choice(NAMES["cities"])
        vendors.append(Vendor(no=f"L{10000 + 10 * index}", name=name, posting_group=group, payment_terms=terms,
                              post_code=post_code, city=city, country_code="NO", org_no=_org_no(rng)))
    Vendor.objects.bulk_create(vendors)
    vendors = list(Vendor.objects.order_by("no"))
    accounts = []
    for vendor in vendors:
        account = VendorBankAccount(vendor=vendor, code="MAIN", bank_account_no=_account_no(rng))
        account.normalize()
        accounts.append(account)
    VendorBankAccount.objects.bulk_create(accounts)
    return vendors


def demo_user() -> User:
    user, _ = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"first_name": "Demo", "is_staff": True})
    user.set_password(DEMO_PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(*Group.objects.filter(name__in=["Accountant", "Master data"]))
    return user


@transaction.atomic
def create_demo_data(*, today: date, seed: int = 2026, customers: int = 200) -> DemoSummary:
    """Create the demo company's data once; a second run changes nothing."""
    if Customer.objects.exists():
        return DemoSummary(Customer.objects.count(), Vendor.objects.count(), 0, 0, created=False)
    rng = random.Random(seed)
    ensure_bank_account(no="NBANK", name="DNB Driftskonto", bank_account_no="12345678903",
                        iban="NO9312345678903", last_statement_no="0", posting_group="BANK")
    ensure_bank_account(no="SBANK", name="SpareBank 1 Driftskonto", bank_account_no="42001234561",
                        posting_group="BANK2")
    GenJournalBatch.objects.filter(template__name__in=["CASHRCPT", "PMTREG"]).update(
        bal_account_type=AccountType.BANK_ACCOUNT, bal_account_no="NBANK"
    )
    user = demo_user()
    all_customers = _customers(rng, customers)
    vendors = _vendors(rng)
    revenue = GLAccount.objects.get(no="3000")
    start = today - timedelta(days=365)

    headers = []
    for month in range(12):
        for customer in rng.sample(all_customers, k=min(len(all_customers), 130)):
            day = start + timedelta(days=30 * month + rng.randint(0, 29))
            if day > today:
                continue
            header = SalesHeader(document_type=SalesDocumentType.INVOICE, no="", customer=customer,
                                 posting_date=day, document_date=day)
            header.unsaved_lines = [
                SalesLine(line_no=10000 * (i + 1), description=rng.choice(NAMES["products"]), gl_account=revenue,
                          quantity=Decimal(rng.randint(1, 10)),
                          unit_price=Decimal(rng.randrange(200, 6000, 50)), vat_pct=Decimal("25"))
                for i in range(rng.randint(1, 3))
            ]
            headers.append(header)
    headers.sort(key=lambda h: h.posting_date)
    documents = post_sales_documents(headers=headers, user=user)

    payment_lines = []
    for document in documents:
        entry = document.cust_ledger_entry
        behaviour = rng.random()
        if behaviour < 0.58:  # pays in full, with the discount when in time
            if entry.pmt_discount_date and rng.random() < 0.6:
                paid_on = entry.posting_date + timedelta(days=rng.randint(2, 7))
                amount = entry.amount - entry.original_pmt_disc_possible
            else:
                paid_on = entry.due_date + timedelta(days=rng.randint(-12, 6))
                amount = entry.amount
        elif behaviour < 0.70:  # pays late
            paid_on = entry.due_date + timedelta(days=rng.randint(10, 45))
            amount = entry.amount
        elif behaviour < 0.78:  # pays half
            paid_on = entry.due_date + timedelta(days=rng.randint(0, 20))
            amount = round_amount(entry.amount / 2)
        elif entry.due_date < today - timedelta(days=75) and rng.random() < 0.85:
            # Most old invoices get paid in the end; what is left is the real collection work.
            paid_on = entry.due_date + timedelta(days=rng.randint(20, 70))
            amount = entry.amount
        else:
            continue
        if paid_on > today:
            continue
        payment_lines.append((paid_on, entry, amount))
    payment_lines.sort(key=lambda p: p[0])
    numbers = next_no("CASHRCPT", count=len(payment_lines))
    lines = [
        GenJournalLine(
            posting_date=paid_on, document_type=DocumentType.PAYMENT, document_no=no,
            account_type=AccountType.CUSTOMER, account_no=entry.customer.no, description=entry.customer.name,
            amount=-amount, bal_account_type=AccountType.BANK_ACCOUNT,
            bal_account_no="NBANK" if rng.random() < 0.75 else "SBANK", applies_to_doc_no=entry.document_no,
            external_document_no=entry.payment_reference,
        )
        for (paid_on, entry, amount), no in zip(payment_lines, numbers, strict=True)
    ]
    post(lines, user=user, source_code="CASHRECJNL")
    _vendor_activity(rng, vendors, today, user)
    return DemoSummary(len(all_customers), len(vendors), len(documents), len(lines), created=True)


def _vendor_activity(rng: random.Random, vendors: list[Vendor], today: date, user) -> None:
    """Monthly vendor invoices and their payments, so the vendor windows are not empty."""
    invoices, payments = [], []
    numbers = iter(next_no("PAYMENT", count=len(vendors) * 12))
    for vendor in vendors:
        for month in range(12):
            day = today - timedelta(days=30 * (12 - month)) + timedelta(days=rng.randint(0, 10))
            amount = Decimal(rng.randrange(1000, 40000, 25))
            doc = f"{vendor.no}-{month + 1:02d}"
            invoices.append(
                GenJournalLine(
                    posting_date=day, document_date=day, document_type=DocumentType.INVOICE, document_no=doc,
                    external_document_no=f"F{rng.randint(10000, 99999)}", account_type=AccountType.VENDOR,
                    account_no=vendor.no, description=vendor.name, amount=-amount, due_date=day + timedelta(days=30),
                    bal_account_type=AccountType.GL_ACCOUNT, bal_account_no=rng.choice(["4000", "6300"]),
                )
            )
            paid_on = day + timedelta(days=rng.randint(20, 35))
            if paid_on <= today:
                payments.append(
                    GenJournalLine(
                        posting_date=paid_on, document_type=DocumentType.PAYMENT, document_no=next(numbers),
                        account_type=AccountType.VENDOR, account_no=vendor.no, description=vendor.name,
                        amount=amount, applies_to_doc_no=doc, bal_account_type=AccountType.BANK_ACCOUNT,
                        bal_account_no="NBANK",
                    )
                )
    post(invoices, user=user, source_code="PAYMENTJNL")
    payments.sort(key=lambda line: line.posting_date)
    post(payments, user=user, source_code="PAYMENTJNL")
