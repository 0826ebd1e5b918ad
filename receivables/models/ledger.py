"""The ledgers. Append-only: only the posting engine (receivables.posting) writes them.

Rows are never edited or deleted, except the working fields NAV also changes on posted entries:
applies-to ID / amount to apply, and the derived remaining amount, open and closed-by fields,
which always equal what the detailed entries say (checked by `manage.py check_ledger`).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import MoneyField
from .master import AccountType


class DocumentType(models.TextChoices):
    BLANK = "", _("(blank)")
    PAYMENT = "payment", _("Payment")
    INVOICE = "invoice", _("Invoice")
    CREDIT_MEMO = "credit_memo", _("Credit Memo")
    FINANCE_CHARGE_MEMO = "finance_charge_memo", _("Finance Charge Memo")
    REMINDER = "reminder", _("Reminder")
    REFUND = "refund", _("Refund")


class DetailedEntryType(models.TextChoices):
    INITIAL_ENTRY = "initial_entry", _("Initial Entry")
    APPLICATION = "application", _("Application")
    REALIZED_LOSS = "realized_loss", _("Realized Loss")
    REALIZED_GAIN = "realized_gain", _("Realized Gain")
    PAYMENT_DISCOUNT = "payment_discount", _("Payment Discount")
    APPLN_ROUNDING = "appln_rounding", _("Appln. Rounding")
    CORRECTION_OF_REMAINING_AMOUNT = "correction_of_remaining_amount", _("Correction of Remaining Amount")
    PAYMENT_TOLERANCE = "payment_tolerance", _("Payment Tolerance")
    PAYMENT_DISCOUNT_TOLERANCE = "payment_discount_tolerance", _("Payment Discount Tolerance")


class EntryGuard(models.Model):
    """Posted rows have no delete path: corrections are new entries."""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("Posted ledger entries cannot be deleted; post a correction instead.")


class GLRegister(EntryGuard):
    """One row per posting run: who, when, from which source, and the entry ranges it wrote."""

    created_at = models.DateTimeField(_("creation date"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    source_code = models.CharField(_("source code"), max_length=20, blank=True)
    journal_batch_name = models.CharField(_("journal batch name"), max_length=40, blank=True)
    from_entry_no = models.BigIntegerField(_("from entry no."), null=True, blank=True)
    to_entry_no = models.BigIntegerField(_("to entry no."), null=True, blank=True)
    from_transaction_no = models.BigIntegerField(_("from transaction no."), null=True, blank=True)
    to_transaction_no = models.BigIntegerField(_("to transaction no."), null=True, blank=True)

    class Meta:
        verbose_name = _("G/L register")
        verbose_name_plural = _("G/L registers")
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.pk)


class PostedEntry(EntryGuard):
    entry_no = models.BigAutoField(_("entry no."), primary_key=True)
    posting_date = models.DateField(_("posting date"), db_index=True)
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices, blank=True)
    document_no = models.CharField(_("document no."), max_length=35, db_index=True)
    external_document_no = models.CharField(_("external document no."), max_length=35, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    transaction_no = models.BigIntegerField(_("transaction no."), db_index=True)
    register = models.ForeignKey(GLRegister, models.PROTECT, related_name="+", verbose_name=_("G/L register"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    source_code = models.CharField(_("source code"), max_length=20, blank=True)
    reason_code = models.CharField(_("reason code"), max_length=20, blank=True)
    # Where the entry came from: the journal it was posted from (blank for documents and applications).
    journal_template_name = models.CharField(_("journal template name"), max_length=20, blank=True)
    journal_batch_name = models.CharField(_("journal batch name"), max_length=20, blank=True)
    journal_line_no = models.IntegerField(_("journal line no."), null=True, blank=True)
    reversed = models.BooleanField(_("reversed"), default=False)

    class Meta:
        abstract = True
        ordering = ["entry_no"]


class GLEntry(PostedEntry):
    gl_account = models.ForeignKey(
        "receivables.GLAccount", models.PROTECT, related_name="entries", verbose_name=_("G/L account")
    )
    amount = MoneyField(_("amount"))
    debit_amount = MoneyField(_("debit amount"))
    credit_amount = MoneyField(_("credit amount"))
    source_type = models.CharField(_("source type"), max_length=20, choices=AccountType.choices, blank=True)
    source_no = models.CharField(_("source no."), max_length=20, blank=True)
    bal_account_type = models.CharField(_("bal. account type"), max_length=20, choices=AccountType.choices, blank=True)
    bal_account_no = models.CharField(_("bal. account no."), max_length=20, blank=True)
    # True for G/L written by an application (discount, tolerance, rounding, gains/losses): unapply reverses
    # these, and Reverse Transaction leaves them to unapply.
    from_application = models.BooleanField(_("from application"), default=False)
    correction = models.BooleanField(_("correction"), default=False)
    reversed_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed by entry no.")
    )
    reversed_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed entry no.")
    )

    class Meta(PostedEntry.Meta):
        verbose_name = _("G/L entry")
        verbose_name_plural = _("G/L entries")
        indexes = [models.Index(fields=["gl_account", "posting_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount=models.F("debit_amount") - models.F("credit_amount")),
                name="gl_entry_amount_is_debit_minus_credit",
            )
        ]


class PartyLedgerEntry(PostedEntry):
    """Shared fields of Cust. Ledger Entry (table 21) and Vendor Ledger Entry (table 25)."""

    document_date = models.DateField(_("document date"))
    currency_code = models.CharField(_("currency code"), max_length=10, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    pmt_discount_date = models.DateField(_("pmt. discount date"), null=True, blank=True)
    pmt_disc_tolerance_date = models.DateField(_("pmt. disc. tolerance date"), null=True, blank=True)
    original_pmt_disc_possible = MoneyField(_("original pmt. disc. possible"))
    remaining_pmt_disc_possible = MoneyField(_("remaining pmt. disc. possible"))
    pmt_disc_given_lcy = MoneyField(_("pmt. disc. given (LCY)"))
    max_payment_tolerance = MoneyField(_("max. payment tolerance"))
    accepted_payment_tolerance = MoneyField(_("accepted payment tolerance"))
    accepted_pmt_disc_tolerance = models.BooleanField(_("accepted pmt. disc. tolerance"), default=False)
    pmt_tolerance_lcy = MoneyField(_("pmt. tolerance (LCY)"))
    # Amounts. Original amount is fixed at posting; remaining amounts are derived from the detailed entries.
    amount = MoneyField(_("amount"))
    amount_lcy = MoneyField(_("amount (LCY)"))
    remaining_amount = MoneyField(_("remaining amount"))
    remaining_amount_lcy = MoneyField(_("remaining amt. (LCY)"))
    open = models.BooleanField(_("open"), default=True, db_index=True)
    positive = models.BooleanField(_("positive"), default=True)
    closed_at_date = models.DateField(_("closed at date"), null=True, blank=True)
    closed_by_amount = MoneyField(_("closed by amount"))
    closed_by_amount_lcy = MoneyField(_("closed by amount (LCY)"))
    # Working fields for applying posted entries (Apply Entries page).
    applies_to_id = models.CharField(_("applies-to ID"), max_length=50, blank=True, db_index=True)
    amount_to_apply = MoneyField(_("amount to apply"))
    applying_entry = models.BooleanField(_("applying entry"), default=False)
    on_hold = models.CharField(_("on hold"), max_length=3, blank=True)
    payment_method_code = models.CharField(_("payment method code"), max_length=20, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=50, blank=True, db_index=True)
    bal_account_type = models.CharField(_("bal. account type"), max_length=20, choices=AccountType.choices, blank=True)
    bal_account_no = models.CharField(_("bal. account no."), max_length=20, blank=True)

    class Meta(PostedEntry.Meta):
        abstract = True


class CustLedgerEntry(PartyLedgerEntry):
    customer = models.ForeignKey(
        "receivables.Customer", models.PROTECT, related_name="ledger_entries", verbose_name=_("customer")
    )
    posting_group = models.ForeignKey(
        "receivables.CustomerPostingGroup", models.PROTECT, related_name="+", verbose_name=_("customer posting group")
    )
    sales_lcy = MoneyField(_("sales (LCY)"))
    last_issued_reminder_level = models.PositiveSmallIntegerField(_("last issued reminder level"), default=0)
    calculate_interest = models.BooleanField(_("calculate interest"), default=False)
    closing_interest_calculated = models.BooleanField(_("closing interest calculated"), default=False)
    closed_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by entry no.")
    )
    reversed_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed by entry no.")
    )
    reversed_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed entry no.")
    )

    class Meta(PartyLedgerEntry.Meta):
        verbose_name = _("customer ledger entry")
        verbose_name_plural = _("customer ledger entries")
        permissions = [("apply_entries", _("Can apply, unapply and reverse entries"))]
        indexes = [
            models.Index(fields=["customer", "open", "due_date"]),
            models.Index(fields=["open", "remaining_amount"]),
        ]

    def __str__(self) -> str:
        return f"{self.entry_no} {self.document_no}"


class VendorLedgerEntry(PartyLedgerEntry):
    vendor = models.ForeignKey(
        "receivables.Vendor", models.PROTECT, related_name="ledger_entries", verbose_name=_("vendor")
    )
    posting_group = models.ForeignKey(
        "receivables.VendorPostingGroup", models.PROTECT, related_name="+", verbose_name=_("vendor posting group")
    )
    purchase_lcy = MoneyField(_("purchase (LCY)"))
    closed_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by entry no.")
    )
    reversed_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed by entry no.")
    )
    reversed_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed entry no.")
    )

    class Meta(PartyLedgerEntry.Meta):
        verbose_name = _("vendor ledger entry")
        verbose_name_plural = _("vendor ledger entries")
        indexes = [
            models.Index(fields=["vendor", "open", "due_date"]),
            models.Index(fields=["open", "remaining_amount"]),
        ]

    def __str__(self) -> str:
        return f"{self.entry_no} {self.document_no}"


class DetailedLedgerEntry(EntryGuard):
    """Shared fields of Detailed Cust. Ledg. Entry (379) and Detailed Vendor Ledg. Entry (380)."""

    entry_no = models.BigAutoField(_("entry no."), primary_key=True)
    entry_type = models.CharField(_("entry type"), max_length=40, choices=DetailedEntryType.choices)
    posting_date = models.DateField(_("posting date"))
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices, blank=True)
    document_no = models.CharField(_("document no."), max_length=35)
    amount = MoneyField(_("amount"))
    amount_lcy = MoneyField(_("amount (LCY)"))
    debit_amount_lcy = MoneyField(_("debit amount (LCY)"))
    credit_amount_lcy = MoneyField(_("credit amount (LCY)"))
    currency_code = models.CharField(_("currency code"), max_length=10, blank=True)
    transaction_no = models.BigIntegerField(_("transaction no."), db_index=True)
    application_no = models.BigIntegerField(_("application no."), null=True, blank=True)
    unapplied = models.BooleanField(_("unapplied"), default=False)
    remaining_pmt_disc_possible = MoneyField(_("remaining pmt. disc. possible"))
    max_payment_tolerance = MoneyField(_("max. payment tolerance"))
    initial_entry_due_date = models.DateField(_("initial entry due date"), null=True, blank=True)
    initial_document_type = models.CharField(
        _("initial document type"), max_length=20, choices=DocumentType.choices, blank=True
    )
    ledger_entry_amount = models.BooleanField(_("ledger entry amount"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["entry_no"]


class DetailedCustLedgEntry(DetailedLedgerEntry):
    cust_ledger_entry = models.ForeignKey(
        CustLedgerEntry, models.PROTECT, related_name="detailed_entries", verbose_name=_("cust. ledger entry no.")
    )
    customer = models.ForeignKey("receivables.Customer", models.PROTECT, related_name="+", verbose_name=_("customer"))
    applied_entry = models.ForeignKey(
        CustLedgerEntry, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("applied cust. ledger entry no."),
    )
    unapplied_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unapplied by entry no.")
    )

    class Meta(DetailedLedgerEntry.Meta):
        verbose_name = _("detailed cust. ledg. entry")
        verbose_name_plural = _("detailed cust. ledg. entries")
        indexes = [models.Index(fields=["cust_ledger_entry", "entry_type"])]


class DetailedVendorLedgEntry(DetailedLedgerEntry):
    vendor_ledger_entry = models.ForeignKey(
        VendorLedgerEntry, models.PROTECT, related_name="detailed_entries", verbose_name=_("vendor ledger entry no.")
    )
    vendor = models.ForeignKey("receivables.Vendor", models.PROTECT, related_name="+", verbose_name=_("vendor"))
    applied_entry = models.ForeignKey(
        VendorLedgerEntry, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("applied vend. ledger entry no."),
    )
    unapplied_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unapplied by entry no.")
    )

    class Meta(DetailedLedgerEntry.Meta):
        verbose_name = _("detailed vendor ledg. entry")
        verbose_name_plural = _("detailed vendor ledg. entries")
        indexes = [models.Index(fields=["vendor_ledger_entry", "entry_type"])]


class StatementStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BANK_ACC_ENTRY_APPLIED = "bank_acc_entry_applied", _("Bank Acc. Entry Applied")
    CHECK_ENTRY_APPLIED = "check_entry_applied", _("Check Entry Applied")
    CLOSED = "closed", _("Closed")


class BankAccountLedgerEntry(PostedEntry):
    bank_account = models.ForeignKey(
        "receivables.BankAccount", models.PROTECT, related_name="ledger_entries", verbose_name=_("bank account")
    )
    currency_code = models.CharField(_("currency code"), max_length=10, blank=True)
    amount = MoneyField(_("amount"))
    amount_lcy = MoneyField(_("amount (LCY)"))
    remaining_amount = MoneyField(_("remaining amount"))
    open = models.BooleanField(_("open"), default=True, db_index=True)
    statement_status = models.CharField(
        _("statement status"), max_length=30, choices=StatementStatus.choices, default=StatementStatus.OPEN
    )
    statement_no = models.CharField(_("statement no."), max_length=35, blank=True)
    statement_line_no = models.IntegerField(_("statement line no."), null=True, blank=True)
    bal_account_type = models.CharField(_("bal. account type"), max_length=20, choices=AccountType.choices, blank=True)
    bal_account_no = models.CharField(_("bal. account no."), max_length=20, blank=True)
    reversed_by_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed by entry no.")
    )
    reversed_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reversed entry no.")
    )

    class Meta(PostedEntry.Meta):
        verbose_name = _("bank account ledger entry")
        verbose_name_plural = _("bank account ledger entries")
        indexes = [models.Index(fields=["bank_account", "open"])]


class CheckLedgerEntry(EntryGuard):
    class EntryStatus(models.TextChoices):
        PRINTED = "printed", _("Printed")
        VOIDED = "voided", _("Voided")
        POSTED = "posted", _("Posted")
        FINANCIALLY_VOIDED = "financially_voided", _("Financially Voided")

    entry_no = models.BigAutoField(_("entry no."), primary_key=True)
    bank_account = models.ForeignKey(
        "receivables.BankAccount", models.PROTECT, related_name="check_entries", verbose_name=_("bank account")
    )
    bank_account_ledger_entry = models.ForeignKey(
        BankAccountLedgerEntry, models.PROTECT, related_name="check_entries",
        verbose_name=_("bank account ledger entry no."),
    )
    posting_date = models.DateField(_("posting date"))
    document_no = models.CharField(_("document no."), max_length=35)
    check_no = models.CharField(_("check no."), max_length=20)
    check_date = models.DateField(_("check date"))
    amount = MoneyField(_("amount"))
    description = models.CharField(_("description"), max_length=100, blank=True)
    entry_status = models.CharField(
        _("entry status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.POSTED
    )
    open = models.BooleanField(_("open"), default=True)
    statement_status = models.CharField(
        _("statement status"), max_length=30, choices=StatementStatus.choices, default=StatementStatus.OPEN
    )
    statement_no = models.CharField(_("statement no."), max_length=35, blank=True)
    statement_line_no = models.IntegerField(_("statement line no."), null=True, blank=True)

    class Meta:
        verbose_name = _("check ledger entry")
        verbose_name_plural = _("check ledger entries")
        ordering = ["entry_no"]
