"""Setting up a company: chart of accounts (NS 4102), posting groups, terms, number series, journals.

Idempotent: running it again updates what it owns and leaves everything else alone.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from receivables.models import (
    AccountType,
    BankAccount,
    BankAccountPostingGroup,
    CompanySetup,
    CustomerPostingGroup,
    GenJournalBatch,
    GenJournalTemplate,
    GLAccount,
    KidSetup,
    NoSeries,
    PaymentMethod,
    PaymentTerms,
    SourceCode,
    TemplateType,
    VendorPostingGroup,
)

IS = GLAccount.IncomeBalance.INCOME_STATEMENT
BS = GLAccount.IncomeBalance.BALANCE_SHEET

# Norwegian standard chart of accounts (NS 4102): the accounts receivables work touches.
CHART = [
    ("1500", "Kundefordringer", BS),
    ("1900", "Kontanter", BS),
    ("1920", "Bankinnskudd", BS),
    ("1921", "Bankinnskudd, driftskonto 2", BS),
    ("2050", "Annen egenkapital", BS),
    ("2090", "Inngående balanse (åpningsbalanse)", BS),
    ("2400", "Leverandørgjeld", BS),
    ("2700", "Utgående merverdiavgift", BS),
    ("2710", "Inngående merverdiavgift", BS),
    ("3000", "Salgsinntekt, avgiftspliktig", IS),
    ("3045", "Betalingstoleranse, inntekt", IS),
    ("3095", "Purregebyr og andre gebyrer", IS),
    ("4000", "Innkjøp av varer", IS),
    ("6300", "Leie lokale", IS),
    ("7140", "Kontantrabatt", IS),
    ("7145", "Betalingstoleranse, kostnad", IS),
    ("7770", "Bank- og kortgebyrer", IS),
    ("8050", "Renteinntekt", IS),
    ("8060", "Valutagevinst (agio)", IS),
    ("8150", "Rentekostnad", IS),
    ("8160", "Valutatap (disagio)", IS),
]

CONTROL_ACCOUNTS = {"1500", "1920", "1921", "2400"}

NO_SERIES = [
    ("CUST", "Customers", "C10000"),
    ("VEND", "Vendors", "L10000"),
    ("S-INV", "Sales invoices", "SI-0001"),
    ("S-CR", "Sales credit memos", "SC-0001"),
    ("P-INV", "Posted sales invoices", "103001"),
    ("P-CR", "Posted sales credit memos", "104001"),
    ("CASHRCPT", "Cash receipts", "CR00001"),
    ("PAYMENT", "Payments", "PM00001"),
    ("GENJNL", "General journal", "G00001"),
    ("PMTREG", "Payment registration", "PR0001"),
    ("PMTRECON", "Payment reconciliation", "PRJ00001"),
    ("OPENING", "Opening entries", "OPEN00001"),
]

SOURCE_CODES = [
    ("CASHRECJNL", "Cash Receipt Journal"),
    ("PAYMENTJNL", "Payment Journal"),
    ("GENJNL", "General Journal"),
    ("SALES", "Sales"),
    ("SALESAPPL", "Sales Entry Application"),
    ("UNAPPSALES", "Unapplied Sales Entry Appln."),
    ("PURCHAPPL", "Purchase Entry Application"),
    ("UNAPPPURCH", "Unapplied Purch. Entry Appln."),
    ("REVERSAL", "Reversal Entry"),
    ("PAYMTRECON", "Payment Reconciliation Journal"),
    ("PAYMTREG", "Payment Registration"),
    ("OPENING", "Opening Entries"),
]

PAYMENT_TERMS = [
    ("14D", "Net 14 days", "14D", "", Decimal("0")),
    ("30D", "Net 30 days", "30D", "", Decimal("0")),
    ("CM", "Current month", "CM", "", Decimal("0")),
    ("2%8D30D", "2% 8 days, net 30 days", "30D", "8D", Decimal("2")),
    ("1%14D30D", "1% 14 days, net 30 days", "30D", "14D", Decimal("1")),
]


def _account(no: str) -> GLAccount:
    return GLAccount.objects.get(no=no)


@transaction.atomic
def setup_company(
    *,
    name: str = "CRONUS Norge AS",
    lcy: str = "NOK",
    payment_tolerance_pct: Decimal | None = None,
    max_payment_tolerance: Decimal | None = None,
    payment_discount_grace_period: str | None = None,
) -> CompanySetup:
    """Create or update the company and everything a receivables department needs to start posting."""
    for no, account_name, income_balance in CHART:
        GLAccount.objects.update_or_create(
            no=no,
            defaults={
                "name": account_name,
                "income_balance": income_balance,
                # Control accounts are posted only through their subledgers, so the ledgers and G/L agree.
                "direct_posting": no not in CONTROL_ACCOUNTS,
            },
        )
    series = {}
    for code, description, starting_no in NO_SERIES:
        series[code], _ = NoSeries.objects.get_or_create(
            code=code, defaults={"description": description, "starting_no": starting_no}
        )
    for code, description in SOURCE_CODES:
        SourceCode.objects.update_or_create(code=code, defaults={"description": description})
    for code, description, due, discount_date, pct in PAYMENT_TERMS:
        PaymentTerms.objects.update_or_create(
            code=code,
            defaults={
                "description": description, "due_date_calculation": due,
                "discount_date_calculation": discount_date, "discount_pct": pct,
            },
        )
    CustomerPostingGroup.objects.update_or_create(
        code="DOMESTIC",
        defaults={
            "description": "Domestic customers",
            "receivables_account": _account("1500"),
            "payment_disc_debit_acc": _account("7140"),
            "payment_disc_credit_acc": _account("7140"),
            "payment_tolerance_debit_acc": _account("7145"),
            "payment_tolerance_credit_acc": _account("3045"),
            "interest_account": _account("8050"),
            "additional_fee_account": _account("3095"),
            "add_fee_per_line_account": _account("3095"),
            "debit_curr_appln_rndg_acc": _account("8160"),
            "credit_curr_appln_rndg_acc": _account("8060"),
        },
    )
    VendorPostingGroup.objects.update_or_create(
        code="DOMESTIC",
        defaults={
            "description": "Domestic vendors",
            "payables_account": _account("2400"),
            "payment_disc_debit_acc": _account("7140"),
            "payment_disc_credit_acc": _account("7140"),
            "payment_tolerance_debit_acc": _account("7145"),
            "payment_tolerance_credit_acc": _account("3045"),
            "debit_curr_appln_rndg_acc": _account("8160"),
            "credit_curr_appln_rndg_acc": _account("8060"),
        },
    )
    BankAccountPostingGroup.objects.update_or_create(
        code="BANK", defaults={"description": "Bank accounts", "gl_account": _account("1920")}
    )
    BankAccountPostingGroup.objects.update_or_create(
        code="BANK2", defaults={"description": "Second operating account", "gl_account": _account("1921")}
    )
    PaymentMethod.objects.update_or_create(code="BANK", defaults={"description": "Bank transfer"})
    PaymentMethod.objects.update_or_create(
        code="CASH",
        defaults={"description": "Cash", "bal_account_type": AccountType.GL_ACCOUNT, "bal_account_no": "1900"},
    )
    PaymentMethod.objects.update_or_create(code="CHECK", defaults={"description": "Cheque"})

    setup = CompanySetup.objects.first() or CompanySetup(name=name)
    setup.name = name
    setup.lcy_code = lcy
    setup.sales_vat_account = _account("2700")
    setup.opening_balance_account = _account("2090")
    setup.realized_gains_account = _account("8060")
    setup.realized_losses_account = _account("8160")
    setup.invoice_nos = series["S-INV"]
    setup.posted_invoice_nos = series["P-INV"]
    setup.credit_memo_nos = series["S-CR"]
    setup.posted_credit_memo_nos = series["P-CR"]
    setup.customer_nos = series["CUST"]
    if not setup.kid_setup:
        setup.kid_setup = KidSetup.DOCUMENT_NO
    if payment_tolerance_pct is not None:
        setup.payment_tolerance_pct = payment_tolerance_pct
    if max_payment_tolerance is not None:
        setup.max_payment_tolerance = max_payment_tolerance
    if payment_discount_grace_period is not None:
        setup.payment_discount_grace_period = payment_discount_grace_period
    setup.full_clean(exclude=["last_transaction_no"])
    setup.save()

    templates = [
        ("CASHRCPT", "Cash receipts", TemplateType.CASH_RECEIPTS, "CASHRECJNL", "CASHRCPT"),
        ("PAYMENT", "Payments", TemplateType.PAYMENTS, "PAYMENTJNL", "PAYMENT"),
        ("GENERAL", "General", TemplateType.GENERAL, "GENJNL", "GENJNL"),
        ("PMTREG", "Payment registration", TemplateType.CASH_RECEIPTS, "PAYMTREG", "PMTREG"),
    ]
    for template_name, description, template_type, source_code, series_code in templates:
        template, _ = GenJournalTemplate.objects.update_or_create(
            name=template_name,
            defaults={"description": description, "type": template_type, "source_code": source_code},
        )
        GenJournalBatch.objects.get_or_create(
            template=template,
            name="DEFAULT",
            defaults={"description": description, "no_series": series[series_code]},
        )
    return setup


def ensure_bank_account(*, no: str, name: str, posting_group: str = "BANK", **fields) -> BankAccount:
    bank, _ = BankAccount.objects.update_or_create(
        no=no,
        defaults={"name": name, "posting_group": BankAccountPostingGroup.objects.get(code=posting_group), **fields},
    )
    return bank
