"""The banking app's tables. Statement imports, reconciliations and matching rules join them later."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BalSourceType(models.TextChoices):
    """NAV's Bal. Source Type option on table 1251."""

    GL_ACCOUNT = "gl_account", _("G/L Account")
    CUSTOMER = "customer", _("Customer")
    VENDOR = "vendor", _("Vendor")
    BANK_ACCOUNT = "bank_account", _("Bank Account")


class TextToAccountMapping(models.Model):
    """NAV table 1251 "Text-to-Account Mapping": statement text that always posts to the same account.

    With Bal. Source Type *G/L Account* the debit or credit account is used (by the sign of the
    statement amount); with a customer, vendor or bank account type the Bal. Source No. is.
    """

    mapping_text = models.CharField(_("mapping text"), max_length=250, unique=True)
    debit_acc_no = models.CharField(_("debit acc. no."), max_length=20, blank=True)
    credit_acc_no = models.CharField(_("credit acc. no."), max_length=20, blank=True)
    bal_source_type = models.CharField(
        _("bal. source type"), max_length=20, choices=BalSourceType.choices, default=BalSourceType.GL_ACCOUNT
    )
    bal_source_no = models.CharField(_("bal. source no."), max_length=20, blank=True)

    class Meta:
        verbose_name = _("text-to-account mapping")
        verbose_name_plural = _("text-to-account mappings")
        ordering = ["mapping_text"]

    def __str__(self) -> str:
        return self.mapping_text


# Statement imports and reconciliation journals live in their own module; importing them here
# registers them with the banking app.
from banking.models.bank_rec import (  # noqa: E402, F401
    BankAccountStatement,
    BankAccountStatementEntry,
    BankAccountStatementLine,
    BankRecMatch,
)
from banking.models.matching import (  # noqa: E402, F401
    AmountMatched,
    AppliedPaymentEntry,
    DocNoMatched,
    MatchDecision,
    PaymentApplicationRule,
    RelatedPartyMatched,
)
from banking.models.statements import (  # noqa: E402, F401
    BankAccReconciliation,
    BankAccReconciliationLine,
    BankFeed,
    CsvStatementFormat,
    ImportedStatement,
    MatchConfidence,
    ReconciliationLineType,
    StatementImport,
    StatementType,
)
