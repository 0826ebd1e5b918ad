"""Sales documents: unposted invoices / credit memos and their posted, read-only copies."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import MoneyField


class SalesDocumentType(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_MEMO = "credit_memo", _("Credit Memo")


class SalesHeader(models.Model):
    document_type = models.CharField(_("document type"), max_length=20, choices=SalesDocumentType.choices)
    no = models.CharField(_("no."), max_length=20)
    customer = models.ForeignKey(
        "receivables.Customer", models.PROTECT, related_name="+", verbose_name=_("sell-to customer")
    )
    posting_date = models.DateField(_("posting date"))
    document_date = models.DateField(_("document date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms = models.ForeignKey(
        "receivables.PaymentTerms", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("payment terms"),
    )
    currency_code = models.CharField(_("currency code"), max_length=10, blank=True)
    external_document_no = models.CharField(_("external document no."), max_length=35, blank=True)
    applies_to_doc_no = models.CharField(_("applies-to doc. no."), max_length=35, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("sales document")
        verbose_name_plural = _("sales documents")
        ordering = ["document_type", "no"]
        constraints = [models.UniqueConstraint(fields=["document_type", "no"], name="unique_sales_document_no")]

    def __str__(self) -> str:
        return self.no


class SalesLine(models.Model):
    header = models.ForeignKey(SalesHeader, models.CASCADE, related_name="lines", verbose_name=_("document"))
    line_no = models.IntegerField(_("line no."))
    description = models.CharField(_("description"), max_length=100)
    gl_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, related_name="+", verbose_name=_("G/L account")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=5, default=1)
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=20, decimal_places=5, default=0)
    vat_pct = models.DecimalField(_("VAT %"), max_digits=6, decimal_places=3, default=25)

    class Meta:
        verbose_name = _("sales line")
        verbose_name_plural = _("sales lines")
        ordering = ["header", "line_no"]


class PostedSalesDocument(models.Model):
    """Posted invoice or credit memo header. Read-only: no edit path after posting."""

    document_type = models.CharField(_("document type"), max_length=20, choices=SalesDocumentType.choices)
    no = models.CharField(_("no."), max_length=20)
    pre_assigned_no = models.CharField(_("pre-assigned no."), max_length=20, blank=True)
    customer = models.ForeignKey(
        "receivables.Customer", models.PROTECT, related_name="posted_sales_documents", verbose_name=_("customer")
    )
    customer_name = models.CharField(_("name"), max_length=100)
    customer_address = models.CharField(_("address"), max_length=200, blank=True)
    posting_date = models.DateField(_("posting date"))
    document_date = models.DateField(_("document date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    pmt_discount_date = models.DateField(_("pmt. discount date"), null=True, blank=True)
    payment_discount_pct = models.DecimalField(_("payment discount %"), max_digits=6, decimal_places=3, default=0)
    currency_code = models.CharField(_("currency code"), max_length=10, blank=True)
    external_document_no = models.CharField(_("external document no."), max_length=35, blank=True)
    amount = MoneyField(_("amount"))
    amount_including_vat = MoneyField(_("amount including VAT"))
    payment_reference = models.CharField(_("payment reference (KID)"), max_length=50, blank=True)
    cust_ledger_entry = models.OneToOneField(
        "receivables.CustLedgerEntry", models.PROTECT, related_name="posted_document",
        verbose_name=_("cust. ledger entry"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("posted by")
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("posted sales document")
        verbose_name_plural = _("posted sales documents")
        ordering = ["-posting_date", "-no"]
        constraints = [
            models.UniqueConstraint(fields=["document_type", "no"], name="unique_posted_sales_document_no")
        ]

    def __str__(self) -> str:
        return self.no

    def delete(self, *args, **kwargs):
        raise PermissionError("Posted documents cannot be deleted.")


class PostedSalesLine(models.Model):
    document = models.ForeignKey(
        PostedSalesDocument, models.PROTECT, related_name="lines", verbose_name=_("document")
    )
    line_no = models.IntegerField(_("line no."))
    description = models.CharField(_("description"), max_length=100)
    gl_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, related_name="+", verbose_name=_("G/L account")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=5)
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=20, decimal_places=5)
    vat_pct = models.DecimalField(_("VAT %"), max_digits=6, decimal_places=3)
    amount = MoneyField(_("amount"))
    amount_including_vat = MoneyField(_("amount including VAT"))

    class Meta:
        verbose_name = _("posted sales line")
        verbose_name_plural = _("posted sales lines")
        ordering = ["document", "line_no"]
