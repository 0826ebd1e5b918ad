"""Company-wide setup: the general ledger / sales & receivables setup, currencies, number series."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import MoneyField, validate_date_formula


class TolerancePosting(models.TextChoices):
    TOLERANCE_ACCOUNTS = "tolerance_accounts", _("Payment Tolerance Accounts")
    DISCOUNT_ACCOUNTS = "discount_accounts", _("Payment Discount Accounts")


class ApplnBetweenCurrencies(models.TextChoices):
    NONE = "none", _("None")
    ALL = "all", _("All")


class KidSetup(models.TextChoices):
    DO_NOT_USE = "", _("Do not use")
    DOCUMENT_NO = "document_no", _("Document No.")
    DOCUMENT_NO_CUSTOMER_NO = "document_no+customer_no", _("Document No.+Customer No.")
    CUSTOMER_NO_DOCUMENT_NO = "customer_no+document_no", _("Customer No.+Document No.")


class CompanySetup(models.Model):
    """NAV's Company Information + General Ledger Setup + Sales & Receivables Setup, one row."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=100, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    org_no = models.CharField(_("organisation no."), max_length=20, blank=True)
    lcy_code = models.CharField(_("LCY code"), max_length=10, default="NOK")
    amount_rounding_precision = models.DecimalField(
        _("amount rounding precision"), max_digits=10, decimal_places=5, default=Decimal("0.01")
    )
    appln_rounding_precision = models.DecimalField(
        _("appln. rounding precision"), max_digits=10, decimal_places=5, default=Decimal("0")
    )
    allow_posting_from = models.DateField(_("allow posting from"), null=True, blank=True)
    allow_posting_to = models.DateField(_("allow posting to"), null=True, blank=True)
    # Application fields (NAV G/L Setup, "Application" FastTab).
    pmt_disc_excl_vat = models.BooleanField(_("pmt. disc. excl. VAT"), default=False)
    payment_discount_grace_period = models.CharField(
        _("payment discount grace period"), max_length=32, blank=True, validators=[validate_date_formula]
    )
    payment_tolerance_pct = models.DecimalField(
        _("payment tolerance %"), max_digits=6, decimal_places=3, default=Decimal("0")
    )
    max_payment_tolerance = MoneyField(_("max. payment tolerance amount"))
    payment_tolerance_posting = models.CharField(
        _("payment tolerance posting"),
        max_length=20,
        choices=TolerancePosting.choices,
        default=TolerancePosting.TOLERANCE_ACCOUNTS,
    )
    pmt_disc_tolerance_posting = models.CharField(
        _("pmt. disc. tolerance posting"),
        max_length=20,
        choices=TolerancePosting.choices,
        default=TolerancePosting.TOLERANCE_ACCOUNTS,
    )
    payment_tolerance_warning = models.BooleanField(_("payment tolerance warning"), default=False)
    pmt_disc_tolerance_warning = models.BooleanField(_("pmt. disc. tolerance warning"), default=False)
    appln_between_currencies = models.CharField(
        _("appln. between currencies"),
        max_length=10,
        choices=ApplnBetweenCurrencies.choices,
        default=ApplnBetweenCurrencies.NONE,
    )
    # Accounts the engine needs that NAV keeps in other setup tables.
    sales_vat_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("sales VAT account"),
    )
    opening_balance_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("opening balance account"),
    )
    realized_gains_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("realized gains account"),
    )
    realized_losses_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("realized losses account"),
    )
    # Number series used by documents (Sales & Receivables Setup).
    invoice_nos = models.ForeignKey(
        "receivables.NoSeries", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("invoice nos."),
    )
    posted_invoice_nos = models.ForeignKey(
        "receivables.NoSeries", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("posted invoice nos."),
    )
    credit_memo_nos = models.ForeignKey(
        "receivables.NoSeries", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("credit memo nos."),
    )
    posted_credit_memo_nos = models.ForeignKey(
        "receivables.NoSeries", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("posted credit memo nos."),
    )
    customer_nos = models.ForeignKey(
        "receivables.NoSeries", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("customer nos."),
    )
    # KID (Norwegian localisation, spec 11.1).
    kid_setup = models.CharField(_("KID setup"), max_length=30, choices=KidSetup.choices, blank=True)
    kid_document_no_length = models.PositiveSmallIntegerField(_("KID document no. length"), default=10)
    kid_customer_no_length = models.PositiveSmallIntegerField(_("KID customer no. length"), default=0)
    # The running transaction number: locking this row serializes postings (like NAV's lock on G/L Entry).
    last_transaction_no = models.BigIntegerField(_("last transaction no."), default=0, editable=False)

    class Meta:
        verbose_name = _("company setup")
        verbose_name_plural = _("company setup")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def get(cls) -> CompanySetup:
        setup = cls.objects.select_related(
            "sales_vat_account", "opening_balance_account", "realized_gains_account", "realized_losses_account"
        ).first()
        if setup is None:
            setup = cls.objects.create(name="My Company")
        return setup

    def is_posting_date_allowed(self, posting_date: date, user=None) -> bool:
        low, high = self.allow_posting_from, self.allow_posting_to
        user_setup = getattr(user, "user_setup", None) if user is not None and user.pk else None
        if user_setup is not None and (user_setup.allow_posting_from or user_setup.allow_posting_to):
            low, high = user_setup.allow_posting_from, user_setup.allow_posting_to
        return (low is None or posting_date >= low) and (high is None or posting_date <= high)


class Currency(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    description = models.CharField(_("description"), max_length=50, blank=True)
    amount_rounding_precision = models.DecimalField(
        _("amount rounding precision"), max_digits=10, decimal_places=5, default=Decimal("0.01")
    )
    payment_tolerance_pct = models.DecimalField(
        _("payment tolerance %"), max_digits=6, decimal_places=3, default=Decimal("0")
    )
    max_payment_tolerance = MoneyField(_("max. payment tolerance amount"))
    realized_gains_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("realized gains acc."),
    )
    realized_losses_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("realized losses acc."),
    )

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CurrencyExchangeRate(models.Model):
    """NAV: Exchange Rate Amount units of the currency = Relational Exch. Rate Amount units of LCY."""

    currency = models.ForeignKey(Currency, models.CASCADE, related_name="exchange_rates", verbose_name=_("currency"))
    starting_date = models.DateField(_("starting date"))
    exchange_rate_amount = models.DecimalField(
        _("exchange rate amount"), max_digits=20, decimal_places=6, default=Decimal("1")
    )
    relational_exch_rate_amount = models.DecimalField(
        _("relational exch. rate amount"), max_digits=20, decimal_places=6
    )

    class Meta:
        verbose_name = _("currency exchange rate")
        verbose_name_plural = _("currency exchange rates")
        ordering = ["currency", "-starting_date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "starting_date"], name="one_rate_per_currency_and_date"),
            models.CheckConstraint(condition=models.Q(exchange_rate_amount__gt=0), name="exchange_rate_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(relational_exch_rate_amount__gt=0), name="relational_exch_rate_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.starting_date}"

    @property
    def lcy_per_unit(self) -> Decimal:
        return self.relational_exch_rate_amount / self.exchange_rate_amount


_TRAILING_NUMBER = re.compile(r"(\d+)(?!.*\d)")


def increment_no(no: str) -> str:
    """NAV's IncStr: increase the last number in the string, keeping its width ("INV0099" -> "INV0100")."""
    match = _TRAILING_NUMBER.search(no)
    if match is None:
        raise ValueError(no)
    digits = match.group(1)
    bumped = str(int(digits) + 1).zfill(len(digits))
    return no[: match.start()] + bumped + no[match.end() :]


class NoSeries(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    starting_no = models.CharField(_("starting no."), max_length=20)
    ending_no = models.CharField(_("ending no."), max_length=20, blank=True)
    last_no_used = models.CharField(_("last no. used"), max_length=20, blank=True)
    last_date_used = models.DateField(_("last date used"), null=True, blank=True)
    manual_nos = models.BooleanField(_("manual nos."), default=False)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if not _TRAILING_NUMBER.search(self.starting_no or ""):
            raise ValidationError({"starting_no": _("The starting no. must end in a number, such as INV0001.")})

    def peek_next(self) -> str:
        return increment_no(self.last_no_used) if self.last_no_used else self.starting_no


class SourceCode(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("source code")
        verbose_name_plural = _("source codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ReasonCode(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("reason code")
        verbose_name_plural = _("reason codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class UserSetup(models.Model):
    """Per-user settings: language and NAV's per-user posting window."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="user_setup")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    allow_posting_from = models.DateField(_("allow posting from"), null=True, blank=True)
    allow_posting_to = models.DateField(_("allow posting to"), null=True, blank=True)

    class Meta:
        verbose_name = _("user setup")
        verbose_name_plural = _("user setup")

    def __str__(self) -> str:
        return str(self.user)
