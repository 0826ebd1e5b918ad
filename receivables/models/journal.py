"""General journals: templates, batches and lines. The cash receipt journal is a template type."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import MoneyField
from .ledger import DocumentType
from .master import AccountType


class TemplateType(models.TextChoices):
    GENERAL = "general", _("General")
    CASH_RECEIPTS = "cash_receipts", _("Cash Receipts")
    PAYMENTS = "payments", _("Payments")
    PAYMENT_RECONCILIATION = "payment_reconciliation", _("Payment Reconciliation")


class GenJournalTemplate(models.Model):
    name = models.CharField(_("name"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=TemplateType.choices, default=TemplateType.GENERAL)
    source_code = models.CharField(_("source code"), max_length=20, blank=True)
    force_doc_balance = models.BooleanField(_("force doc. balance"), default=True)

    class Meta:
        verbose_name = _("gen. journal template")
        verbose_name_plural = _("gen. journal templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GenJournalBatch(models.Model):
    template = models.ForeignKey(
        GenJournalTemplate, models.CASCADE, related_name="batches", verbose_name=_("journal template")
    )
    name = models.CharField(_("name"), max_length=20)
    description = models.CharField(_("description"), max_length=100, blank=True)
    no_series = models.ForeignKey(
        "receivables.NoSeries", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("no. series")
    )
    bal_account_type = models.CharField(
        _("bal. account type"), max_length=20, choices=AccountType.choices, blank=True
    )
    bal_account_no = models.CharField(_("bal. account no."), max_length=20, blank=True)
    reason_code = models.CharField(_("reason code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("gen. journal batch")
        verbose_name_plural = _("gen. journal batches")
        ordering = ["template", "name"]
        constraints = [models.UniqueConstraint(fields=["template", "name"], name="unique_batch_per_template")]

    def __str__(self) -> str:
        return f"{self.template.name} {self.name}"


class GenJournalLine(models.Model):
    """A journal line. Also built unsaved, in memory, by every process that posts."""

    batch = models.ForeignKey(
        GenJournalBatch, models.CASCADE, related_name="lines", null=True, blank=True, verbose_name=_("journal batch")
    )
    line_no = models.IntegerField(_("line no."), default=0)
    posting_date = models.DateField(_("posting date"))
    document_date = models.DateField(_("document date"), null=True, blank=True)
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices, blank=True)
    document_no = models.CharField(_("document no."), max_length=35)
    external_document_no = models.CharField(_("external document no."), max_length=35, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=20, choices=AccountType.choices, default=AccountType.GL_ACCOUNT
    )
    account_no = models.CharField(_("account no."), max_length=20, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    currency_code = models.CharField(_("currency code"), max_length=10, blank=True)
    amount = MoneyField(_("amount"))
    amount_lcy = MoneyField(_("amount (LCY)"), null=True, blank=True, default=None)
    bal_account_type = models.CharField(
        _("bal. account type"), max_length=20, choices=AccountType.choices, blank=True
    )
    bal_account_no = models.CharField(_("bal. account no."), max_length=20, blank=True)
    applies_to_doc_type = models.CharField(
        _("applies-to doc. type"), max_length=20, choices=DocumentType.choices, blank=True
    )
    applies_to_doc_no = models.CharField(_("applies-to doc. no."), max_length=35, blank=True)
    applies_to_id = models.CharField(_("applies-to ID"), max_length=50, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    pmt_discount_date = models.DateField(_("pmt. discount date"), null=True, blank=True)
    payment_discount_pct = models.DecimalField(_("payment discount %"), max_digits=6, decimal_places=3, default=0)
    pmt_discount_amount = MoneyField(_("pmt. discount amount"))
    payment_terms_code = models.CharField(_("payment terms code"), max_length=20, blank=True)
    payment_method_code = models.CharField(_("payment method code"), max_length=20, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=50, blank=True)
    on_hold = models.CharField(_("on hold"), max_length=3, blank=True)
    reason_code = models.CharField(_("reason code"), max_length=20, blank=True)
    sales_lcy = MoneyField(_("sales/purch. (LCY)"))
    check_no = models.CharField(_("check no."), max_length=20, blank=True)
    created_by = models.ForeignKey(
        "auth.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("gen. journal line")
        verbose_name_plural = _("gen. journal lines")
        ordering = ["batch", "line_no"]
        permissions = [
            ("post_journal", _("Can post journals and documents")),
            ("register_payments", _("Can register payments and prepare journal lines")),
        ]
        indexes = [models.Index(fields=["batch", "line_no"])]

    def __str__(self) -> str:
        return f"{self.line_no} {self.document_no}"
