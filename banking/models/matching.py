"""Applying statement lines: the rule matrix, applied entries and the kept decisions (NAV 1252, 1294)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banking.models.statements import BankAccReconciliationLine, MatchConfidence
from receivables.models.fields import MoneyField


class RelatedPartyMatched(models.TextChoices):
    NOT_CONSIDERED = "not_considered", _("Not Considered")
    FULLY = "fully", _("Fully")
    PARTIALLY = "partially", _("Partially")
    NO = "no", _("No")


class DocNoMatched(models.TextChoices):
    NOT_CONSIDERED = "not_considered", _("Not Considered")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    YES_MULTIPLE = "yes_multiple", _("Yes - Multiple")


class AmountMatched(models.TextChoices):
    NOT_CONSIDERED = "not_considered", _("Not Considered")
    ONE_MATCH = "one_match", _("One Match")
    MULTIPLE_MATCHES = "multiple_matches", _("Multiple Matches")
    NO_MATCHES = "no_matches", _("No Matches")


class PaymentApplicationRule(models.Model):
    """One row of the matrix: observed evidence -> confidence and priority. Editable in the admin."""

    match_confidence = models.CharField(_("match confidence"), max_length=20, choices=[
        (MatchConfidence.HIGH, MatchConfidence.HIGH.label), (MatchConfidence.MEDIUM, MatchConfidence.MEDIUM.label),
        (MatchConfidence.LOW, MatchConfidence.LOW.label),
    ])
    priority = models.PositiveSmallIntegerField(_("priority"))
    related_party_matched = models.CharField(_("related party matched"), max_length=20,
                                             choices=RelatedPartyMatched.choices)
    doc_no_matched = models.CharField(_("doc. no./ext. doc. no. matched"), max_length=20, choices=DocNoMatched.choices)
    amount_matched = models.CharField(_("amount incl. tolerance matched"), max_length=20,
                                      choices=AmountMatched.choices)

    class Meta:
        verbose_name = _("payment application rule")
        verbose_name_plural = _("payment application rules")
        ordering = ["-match_confidence", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["match_confidence", "priority"], name="one_rule_per_confidence_priority")
        ]

    def __str__(self) -> str:
        return f"{self.get_match_confidence_display()} {self.priority}"

    @property
    def score(self) -> int:
        level = {MatchConfidence.LOW: 1, MatchConfidence.MEDIUM: 2, MatchConfidence.HIGH: 3}[self.match_confidence]
        return (level + 1) * 1000 - self.priority


class AppliedPaymentEntry(models.Model):
    """A statement line applied to one open customer or vendor ledger entry (NAV table 1294)."""

    line = models.ForeignKey(BankAccReconciliationLine, models.CASCADE, related_name="applications",
                             verbose_name=_("statement line"))
    account_type = models.CharField(_("account type"), max_length=20)
    account_no = models.CharField(_("account no."), max_length=20)
    applies_to_entry_no = models.BigIntegerField(_("applies-to entry no."))
    applied_amount = MoneyField(_("applied amount"))
    applied_pmt_discount = MoneyField(_("applied pmt. discount"))
    match_confidence = models.CharField(_("match confidence"), max_length=20, choices=MatchConfidence.choices)
    quality = models.IntegerField(_("quality"), default=0)
    document_no = models.CharField(_("document no."), max_length=35, blank=True)

    class Meta:
        verbose_name = _("applied payment entry")
        verbose_name_plural = _("applied payment entries")
        constraints = [
            models.UniqueConstraint(fields=["line", "account_type", "applies_to_entry_no"],
                                    name="one_application_per_line_and_entry")
        ]


class MatchDecision(models.Model):
    """What automatic application decided for a line and why, and what the user did with it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        CHANGED = "changed", _("Changed")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded by a later Apply Automatically")

    line = models.ForeignKey(BankAccReconciliationLine, models.CASCADE, related_name="decisions",
                             verbose_name=_("statement line"))
    bank_account = models.ForeignKey("receivables.BankAccount", models.PROTECT, related_name="+",
                                     verbose_name=_("bank account"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=10, default="automatic")
    match_confidence = models.CharField(_("match confidence"), max_length=20, choices=MatchConfidence.choices)
    score = models.IntegerField(_("score"), default=0)
    account_type = models.CharField(_("account type"), max_length=20, blank=True)
    account_no = models.CharField(_("account no."), max_length=20, blank=True)
    applications = models.JSONField(_("applications"), default=list)
    candidates = models.JSONField(_("candidates"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))

    class Meta:
        verbose_name = _("match decision")
        verbose_name_plural = _("match decisions")
        indexes = [models.Index(fields=["bank_account", "created_at"])]
