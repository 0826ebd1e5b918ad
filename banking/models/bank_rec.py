"""Bank account reconciliation: matches of statement lines to ledger entries, and the posted
Bank Account Statement (NAV tables 275/276) with the entries each of its lines closed.

Imported through `banking.models`, so Django registers them with the banking app.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from banking.models.statements import BankAccReconciliationLine, ReconciliationLineType
from receivables.models.fields import MoneyField


class BankRecMatch(models.Model):
    """A statement line matched to one open bank account ledger entry or one check ledger entry.

    NAV keeps the link on the entry itself (Statement Status *Bank Acc. Entry Applied*, Statement
    No., Statement Line No.); the entry is stamped the same way here, and this row is what the
    database can hold to one match per entry across every open worksheet.
    """

    line = models.ForeignKey(BankAccReconciliationLine, models.CASCADE, related_name="bank_rec_matches",
                             verbose_name=_("statement line"))
    bank_entry = models.ForeignKey("receivables.BankAccountLedgerEntry", models.PROTECT, null=True, blank=True,
                                   related_name="bank_rec_matches", verbose_name=_("bank account ledger entry"))
    check_entry = models.ForeignKey("receivables.CheckLedgerEntry", models.PROTECT, null=True, blank=True,
                                    related_name="bank_rec_matches", verbose_name=_("check ledger entry"))
    # What the match closes, in the statement's sign: the bank entry's remaining amount, or minus
    # the cheque's amount (NAV's check ledger entries carry the cheque amount as a positive figure).
    amount = MoneyField(_("applied amount"))
    automatic = models.BooleanField(_("matched automatically"), default=False)
    score = models.IntegerField(_("score"), default=0)

    class Meta:
        verbose_name = _("bank reconciliation match")
        verbose_name_plural = _("bank reconciliation matches")
        ordering = ["line", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bank_entry__isnull=False, check_entry__isnull=True)
                | models.Q(bank_entry__isnull=True, check_entry__isnull=False),
                name="bank_rec_match_one_entry",
            ),
            # A bank entry is closed in full when its match is posted, and a cheque is closed when
            # its match is posted, so neither can ever be matched twice, open or posted.
            models.UniqueConstraint(fields=["bank_entry"], condition=models.Q(bank_entry__isnull=False),
                                    name="bank_entry_matched_once"),
            models.UniqueConstraint(fields=["check_entry"], condition=models.Q(check_entry__isnull=False),
                                    name="check_entry_matched_once"),
        ]


class PostedGuard(models.Model):
    """Posted statements are a record: no delete path (the admin is read-only too)."""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("Posted bank account statements cannot be deleted.")


class BankAccountStatement(PostedGuard):
    """A posted bank account reconciliation (NAV table 275 "Bank Account Statement")."""

    bank_account = models.ForeignKey("receivables.BankAccount", models.PROTECT, related_name="statements",
                                     verbose_name=_("bank account"))
    statement_no = models.CharField(_("statement no."), max_length=35)
    statement_date = models.DateField(_("statement date"))
    balance_last_statement = MoneyField(_("balance last statement"))
    statement_ending_balance = MoneyField(_("statement ending balance"))
    reconciliation = models.OneToOneField("banking.BankAccReconciliation", models.PROTECT, null=True, blank=True,
                                          related_name="posted_statement", verbose_name=_("reconciliation"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("posted by"))
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank account statement")
        verbose_name_plural = _("bank account statements")
        ordering = ["bank_account", "-statement_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "statement_no"], name="one_statement_per_account_and_no")
        ]
        permissions = [("post_bank_reconciliation", _("Can post bank account reconciliations"))]

    def __str__(self) -> str:
        return f"{self.bank_account.no} {self.statement_no}"

    def get_absolute_url(self) -> str:
        return reverse("bank_rec:statement", args=[self.pk])


class BankAccountStatementLine(PostedGuard):
    """A line of a posted statement (NAV table 276), as it was when posted."""

    statement = models.ForeignKey(BankAccountStatement, models.PROTECT, related_name="lines",
                                  verbose_name=_("statement"))
    line_no = models.IntegerField(_("statement line no."))
    type = models.CharField(_("type"), max_length=30, choices=ReconciliationLineType.choices)
    transaction_date = models.DateField(_("transaction date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    document_no = models.CharField(_("document no."), max_length=35, blank=True)
    check_no = models.CharField(_("check no."), max_length=20, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    related_party_name = models.CharField(_("related-party name"), max_length=140, blank=True)
    additional_transaction_info = models.CharField(_("additional transaction info"), max_length=250, blank=True)
    statement_amount = MoneyField(_("statement amount"))
    applied_amount = MoneyField(_("applied amount"))
    difference = MoneyField(_("difference"))
    applied_entries = models.PositiveIntegerField(_("applied entries"), default=0)

    class Meta:
        verbose_name = _("bank account statement line")
        verbose_name_plural = _("bank account statement lines")
        ordering = ["statement", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "line_no"], name="one_posted_line_per_statement_and_no")
        ]

    def __str__(self) -> str:
        return f"{self.line_no} {self.description[:40]}"


class BankAccountStatementEntry(PostedGuard):
    """An entry a posted statement line closed (or, for a partial cheque, reduced)."""

    line = models.ForeignKey(BankAccountStatementLine, models.PROTECT, related_name="entries",
                             verbose_name=_("statement line"))
    bank_entry = models.ForeignKey("receivables.BankAccountLedgerEntry", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("bank account ledger entry"))
    check_entry = models.ForeignKey("receivables.CheckLedgerEntry", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("check ledger entry"))
    amount = MoneyField(_("applied amount"))

    class Meta:
        verbose_name = _("bank account statement entry")
        verbose_name_plural = _("bank account statement entries")
        ordering = ["line", "pk"]
