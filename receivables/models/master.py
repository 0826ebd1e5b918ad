"""Master data: chart of accounts, posting groups, terms, customers, vendors, bank accounts."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .fields import (
    MoneyField,
    validate_bank_account_no,
    validate_date_formula,
    validate_iban,
    validate_org_no,
)


class AccountType(models.TextChoices):
    """Journal line account types (NAV's Gen. Journal Account Type, the ones AR uses)."""

    GL_ACCOUNT = "gl_account", _("G/L Account")
    CUSTOMER = "customer", _("Customer")
    VENDOR = "vendor", _("Vendor")
    BANK_ACCOUNT = "bank_account", _("Bank Account")


class GLAccount(models.Model):
    class IncomeBalance(models.TextChoices):
        INCOME_STATEMENT = "income_statement", _("Income Statement")
        BALANCE_SHEET = "balance_sheet", _("Balance Sheet")

    class Kind(models.TextChoices):
        POSTING = "posting", _("Posting")
        HEADING = "heading", _("Heading")

    no = models.CharField(_("no."), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    account_type = models.CharField(_("account type"), max_length=10, choices=Kind.choices, default=Kind.POSTING)
    income_balance = models.CharField(
        _("income/balance"), max_length=20, choices=IncomeBalance.choices, default=IncomeBalance.BALANCE_SHEET
    )
    direct_posting = models.BooleanField(_("direct posting"), default=True)
    blocked = models.BooleanField(_("blocked"), default=False)

    class Meta:
        verbose_name = _("G/L account")
        verbose_name_plural = _("G/L accounts")
        ordering = ["no"]

    def __str__(self) -> str:
        return f"{self.no} {self.name}"


def _gl(verbose: str, **kwargs) -> models.ForeignKey:
    return models.ForeignKey(
        GLAccount, models.PROTECT, related_name="+", verbose_name=verbose, null=True, blank=True, **kwargs
    )


class PartyPostingGroup(models.Model):
    """Shared accounts of customer and vendor posting groups (NAV tables 92 and 93)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    payment_disc_debit_acc = _gl(_("payment disc. debit acc."))
    payment_disc_credit_acc = _gl(_("payment disc. credit acc."))
    payment_tolerance_debit_acc = _gl(_("payment tolerance debit acc."))
    payment_tolerance_credit_acc = _gl(_("payment tolerance credit acc."))
    debit_curr_appln_rndg_acc = _gl(_("debit curr. appln. rndg. acc."))
    credit_curr_appln_rndg_acc = _gl(_("credit curr. appln. rndg. acc."))

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CustomerPostingGroup(PartyPostingGroup):
    receivables_account = models.ForeignKey(
        GLAccount, models.PROTECT, related_name="+", verbose_name=_("receivables account")
    )
    interest_account = _gl(_("interest account"))
    additional_fee_account = _gl(_("additional fee account"))
    add_fee_per_line_account = _gl(_("add. fee per line account"))

    class Meta(PartyPostingGroup.Meta):
        verbose_name = _("customer posting group")
        verbose_name_plural = _("customer posting groups")

    @property
    def control_account(self) -> GLAccount:
        return self.receivables_account


class VendorPostingGroup(PartyPostingGroup):
    payables_account = models.ForeignKey(
        GLAccount, models.PROTECT, related_name="+", verbose_name=_("payables account")
    )

    class Meta(PartyPostingGroup.Meta):
        verbose_name = _("vendor posting group")
        verbose_name_plural = _("vendor posting groups")

    @property
    def control_account(self) -> GLAccount:
        return self.payables_account


class BankAccountPostingGroup(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    gl_account = models.ForeignKey(GLAccount, models.PROTECT, related_name="+", verbose_name=_("G/L bank account"))

    class Meta:
        verbose_name = _("bank account posting group")
        verbose_name_plural = _("bank account posting groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PaymentTerms(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    due_date_calculation = models.CharField(
        _("due date calculation"), max_length=32, blank=True, validators=[validate_date_formula]
    )
    discount_date_calculation = models.CharField(
        _("discount date calculation"), max_length=32, blank=True, validators=[validate_date_formula]
    )
    discount_pct = models.DecimalField(_("discount %"), max_digits=6, decimal_places=3, default=0)
    calc_pmt_disc_on_cr_memos = models.BooleanField(_("calc. pmt. disc. on cr. memos"), default=False)

    class Meta:
        verbose_name = _("payment terms")
        verbose_name_plural = _("payment terms")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_pct__gte=0, discount_pct__lte=100), name="discount_pct_0_to_100"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.discount_pct and not self.discount_date_calculation:
            raise ValidationError(
                {"discount_date_calculation": _("A discount % needs a discount date calculation.")}
            )


class PaymentMethod(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    bal_account_type = models.CharField(
        _("bal. account type"), max_length=20, choices=AccountType.choices, blank=True
    )
    bal_account_no = models.CharField(_("bal. account no."), max_length=20, blank=True)

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Blocked(models.TextChoices):
    NONE = "", _("(none)")
    SHIP = "ship", _("Ship")
    INVOICE = "invoice", _("Invoice")
    ALL = "all", _("All")


class ApplicationMethod(models.TextChoices):
    MANUAL = "manual", _("Manual")
    APPLY_TO_OLDEST = "apply_to_oldest", _("Apply to Oldest")


class Party(models.Model):
    """Fields customers and vendors share."""

    no = models.CharField(_("no."), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    name_2 = models.CharField(_("name 2"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=100, blank=True)
    address_2 = models.CharField(_("address 2"), max_length=100, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    country_code = models.CharField(_("country/region code"), max_length=2, blank=True)
    org_no = models.CharField(_("organisation no."), max_length=20, blank=True, validators=[validate_org_no])
    email = models.EmailField(_("email"), blank=True)
    phone_no = models.CharField(_("phone no."), max_length=30, blank=True)
    currency = models.ForeignKey(
        "receivables.Currency", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("currency")
    )
    payment_terms = models.ForeignKey(
        PaymentTerms, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("payment terms")
    )
    payment_method = models.ForeignKey(
        PaymentMethod, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("payment method")
    )
    application_method = models.CharField(
        _("application method"), max_length=20, choices=ApplicationMethod.choices, default=ApplicationMethod.MANUAL
    )
    block_payment_tolerance = models.BooleanField(_("block payment tolerance"), default=False)
    blocked = models.CharField(_("blocked"), max_length=10, choices=Blocked.choices, blank=True)
    language_code = models.CharField(_("language code"), max_length=10, blank=True)

    class Meta:
        abstract = True
        ordering = ["no"]

    def __str__(self) -> str:
        return f"{self.no} {self.name}"


class Customer(Party):
    posting_group = models.ForeignKey(
        CustomerPostingGroup, models.PROTECT, related_name="customers", verbose_name=_("customer posting group")
    )
    # Codes of the reminders app's terms; kept as codes so `receivables` does not import `reminders`.
    reminder_terms_code = models.CharField(_("reminder terms code"), max_length=20, blank=True)
    fin_charge_terms_code = models.CharField(_("fin. charge terms code"), max_length=20, blank=True)
    credit_limit = MoneyField(_("credit limit (LCY)"))

    class Meta(Party.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def get_absolute_url(self) -> str:
        return reverse("receivables:customer-card", args=[self.no])


class Vendor(Party):
    posting_group = models.ForeignKey(
        VendorPostingGroup, models.PROTECT, related_name="vendors", verbose_name=_("vendor posting group")
    )

    class Meta(Party.Meta):
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")


class PartyBankAccount(models.Model):
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100, blank=True)
    bank_account_no = models.CharField(
        _("bank account no."), max_length=34, blank=True, validators=[validate_bank_account_no]
    )
    iban = models.CharField(_("IBAN"), max_length=42, blank=True, validators=[validate_iban])
    swift_code = models.CharField(_("SWIFT code"), max_length=11, blank=True)
    # Normalized copies, indexed, so payment matching finds a payer's account without scanning.
    bank_account_digits = models.CharField(max_length=34, blank=True, db_index=True, editable=False)
    iban_normalized = models.CharField(max_length=42, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.iban or self.bank_account_no or self.code

    def normalize(self) -> None:
        from receivables.lib.validators import normalize_account_no, normalize_iban

        self.bank_account_digits = normalize_account_no(self.bank_account_no)
        self.iban_normalized = normalize_iban(self.iban)

    def save(self, *args, **kwargs) -> None:
        # Keeping the lookup copies in step is storage, not a business rule.
        self.normalize()
        super().save(*args, **kwargs)


class CustomerBankAccount(PartyBankAccount):
    customer = models.ForeignKey(Customer, models.CASCADE, related_name="bank_accounts", verbose_name=_("customer"))

    class Meta:
        verbose_name = _("customer bank account")
        verbose_name_plural = _("customer bank accounts")
        constraints = [models.UniqueConstraint(fields=["customer", "code"], name="unique_customer_bank_account_code")]


class VendorBankAccount(PartyBankAccount):
    vendor = models.ForeignKey(Vendor, models.CASCADE, related_name="bank_accounts", verbose_name=_("vendor"))

    class Meta:
        verbose_name = _("vendor bank account")
        verbose_name_plural = _("vendor bank accounts")
        constraints = [models.UniqueConstraint(fields=["vendor", "code"], name="unique_vendor_bank_account_code")]


class MatchToleranceType(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage")
    AMOUNT = "amount", _("Amount")


class BankAccount(models.Model):
    no = models.CharField(_("no."), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    bank_account_no = models.CharField(
        _("bank account no."), max_length=34, blank=True, validators=[validate_bank_account_no]
    )
    iban = models.CharField(_("IBAN"), max_length=42, blank=True, validators=[validate_iban])
    swift_code = models.CharField(_("SWIFT code"), max_length=11, blank=True)
    currency = models.ForeignKey(
        "receivables.Currency", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("currency")
    )
    posting_group = models.ForeignKey(
        BankAccountPostingGroup, models.PROTECT, related_name="bank_accounts",
        verbose_name=_("bank acc. posting group"),
    )
    last_statement_no = models.CharField(_("last statement no."), max_length=35, blank=True)
    balance_last_statement = MoneyField(_("balance last statement"))
    last_payment_statement_no = models.CharField(_("last payment statement no."), max_length=35, blank=True)
    match_tolerance_type = models.CharField(
        _("match tolerance type"), max_length=12, choices=MatchToleranceType.choices,
        default=MatchToleranceType.AMOUNT,
    )
    match_tolerance_value = models.DecimalField(_("match tolerance value"), max_digits=20, decimal_places=2, default=0)
    blocked = models.BooleanField(_("blocked"), default=False)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["no"]

    def __str__(self) -> str:
        return f"{self.no} {self.name}"

    def clean(self) -> None:
        if self.match_tolerance_value < 0:
            raise ValidationError({"match_tolerance_value": _("The match tolerance cannot be negative.")})
        if self.match_tolerance_type == MatchToleranceType.PERCENTAGE and self.match_tolerance_value >= 100:
            raise ValidationError({"match_tolerance_value": _("A percentage tolerance must be below 100.")})
