"""Statement imports and the reconciliation journals they feed (NAV tables 273/274 and 1241-1260).

Imported through `banking.models`, so Django registers them with the banking app.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from receivables.models.fields import MoneyField


class StatementType(models.TextChoices):
    BANK_RECONCILIATION = "bank_reconciliation", _("Bank Reconciliation")
    PAYMENT_APPLICATION = "payment_application", _("Payment Application")


class ReconciliationLineType(models.TextChoices):
    """What a bank account reconciliation line is matched to (NAV's Type on table 274)."""

    BANK_ACCOUNT_LEDGER_ENTRY = "bank_account_ledger_entry", _("Bank Account Ledger Entry")
    CHECK_LEDGER_ENTRY = "check_ledger_entry", _("Check Ledger Entry")
    DIFFERENCE = "difference", _("Difference")


class MatchConfidence(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    HIGH_TEXT_MAPPING = "high_text_mapping", _("High - Text-to-Account Mapping")
    MANUAL = "manual", _("Manual")
    ACCEPTED = "accepted", _("Accepted")


def _column_list(value: str) -> list[int | str]:
    return [int(part) if part.strip().isdigit() else part.strip() for part in value.split(",") if part.strip()]


def _column(value: str) -> int | str | None:
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


class CsvStatementFormat(models.Model):
    """A saved CSV column mapping, like NAV's data exchange definitions. Columns by 0-based index or header name."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    delimiter = models.CharField(_("delimiter"), max_length=1, default=";")
    encoding = models.CharField(_("encoding"), max_length=20, default="utf-8-sig")
    fallback_encoding = models.CharField(_("fallback encoding"), max_length=20, blank=True)
    header_lines = models.PositiveSmallIntegerField(_("header lines"), default=1)
    date_format = models.CharField(_("date format"), max_length=30, default="%d.%m.%Y")
    decimal_separator = models.CharField(_("decimal separator"), max_length=4, default=",")
    thousands_separator = models.CharField(_("thousands separator"), max_length=1, blank=True)
    amount_column = models.CharField(_("amount column"), max_length=60, blank=True)
    debit_column = models.CharField(_("debit column (money out)"), max_length=60, blank=True)
    credit_column = models.CharField(_("credit column (money in)"), max_length=60, blank=True)
    booking_date_column = models.CharField(_("booking date column"), max_length=60, default="0")
    value_date_column = models.CharField(_("value date column"), max_length=60, blank=True)
    text_columns = models.CharField(_("text columns"), max_length=200, blank=True,
                                    help_text=_("Comma-separated column indexes or names."))
    party_name_column = models.CharField(_("payer/payee name column"), max_length=60, blank=True)
    party_account_column = models.CharField(_("payer/payee account column"), max_length=60, blank=True)
    reference_column = models.CharField(_("reference column"), max_length=60, blank=True)
    transaction_id_column = models.CharField(_("transaction ID column"), max_length=60, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    currency_column = models.CharField(_("currency column"), max_length=60, blank=True)
    balance_column = models.CharField(_("balance column"), max_length=60, blank=True)
    fee_column = models.CharField(_("fee column"), max_length=60, blank=True)
    opening_balance_column = models.CharField(_("opening balance column"), max_length=60, blank=True)
    closing_balance_column = models.CharField(_("closing balance column"), max_length=60, blank=True)
    skip_sections = models.TextField(_("skip sections"), blank=True,
                                     help_text=_("One section heading per line; rows under it are not imported."))
    skip_rows_without_date = models.BooleanField(_("skip rows without a date"), default=True)

    class Meta:
        verbose_name = _("CSV statement format")
        verbose_name_plural = _("CSV statement formats")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def to_mapping(self):
        from banking.statements.csv import CsvMapping

        return CsvMapping(
            code=self.code, name=self.name, delimiter=self.delimiter, encoding=self.encoding,
            fallback_encoding=self.fallback_encoding, header_lines=self.header_lines, date_format=self.date_format,
            decimal_separator=self.decimal_separator, thousands_separator=self.thousands_separator,
            amount_column=_column(self.amount_column), debit_column=_column(self.debit_column),
            credit_column=_column(self.credit_column), booking_date_column=_column(self.booking_date_column) or 0,
            value_date_column=_column(self.value_date_column), text_columns=tuple(_column_list(self.text_columns)),
            party_name_column=_column(self.party_name_column),
            party_account_column=_column(self.party_account_column), reference_column=_column(self.reference_column),
            transaction_id_column=_column(self.transaction_id_column), currency=self.currency,
            currency_column=_column(self.currency_column), balance_column=_column(self.balance_column),
            fee_column=_column(self.fee_column), opening_balance_column=_column(self.opening_balance_column),
            closing_balance_column=_column(self.closing_balance_column),
            skip_sections=tuple(line.strip() for line in self.skip_sections.splitlines() if line.strip()),
            skip_rows_without_date=self.skip_rows_without_date,
        )

    def clean(self) -> None:
        try:
            self.to_mapping()
        except (ValueError, LookupError) as error:
            raise ValidationError(str(error)) from None


class BankFeed(models.Model):
    """Where the nightly job finds a bank account's statement files (`manage.py import_bank_feeds`)."""

    bank_account = models.OneToOneField(
        "receivables.BankAccount", models.CASCADE, related_name="feed", verbose_name=_("bank account")
    )
    folder = models.CharField(_("feed folder"), max_length=500)
    format = models.CharField(_("format"), max_length=30, default="auto",
                              help_text=_("auto, ofx, camt, mt940 or csv:CODE"))
    auto_post_confidence = models.CharField(
        _("auto-post confidence"), max_length=20, choices=MatchConfidence.choices, blank=True,
        help_text=_("Lines applied with this confidence or better are posted by the nightly job. Blank: never."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("bank feed")
        verbose_name_plural = _("bank feeds")

    def __str__(self) -> str:
        return f"{self.bank_account.no}: {self.folder}"


class StatementImport(models.Model):
    """One imported file, kept as it came, with who imported it and when."""

    bank_account = models.ForeignKey(
        "receivables.BankAccount", models.PROTECT, related_name="statement_imports", verbose_name=_("bank account")
    )
    # A file is imported once into each kind of worksheet: into a payment reconciliation journal to apply
    # and post the payments, and again into a bank account reconciliation after Post Payments Only.
    statement_type = models.CharField(_("statement type"), max_length=30, choices=StatementType.choices,
                                      default=StatementType.PAYMENT_APPLICATION)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    format = models.CharField(_("format"), max_length=20)
    size = models.PositiveBigIntegerField(_("size"))
    content = models.BinaryField(_("original file"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    transactions = models.PositiveIntegerField(_("transactions"), default=0)
    skipped = models.PositiveIntegerField(_("skipped as already imported"), default=0)

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "statement_type", "sha256"],
                                    name="one_import_per_file_account_and_type")
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"


class BankAccReconciliation(models.Model):
    """A payment reconciliation journal or a bank account reconciliation (NAV table 273)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        POSTED = "posted", _("Posted")

    bank_account = models.ForeignKey(
        "receivables.BankAccount", models.PROTECT, related_name="reconciliations", verbose_name=_("bank account")
    )
    statement_type = models.CharField(_("statement type"), max_length=30, choices=StatementType.choices)
    statement_no = models.CharField(_("statement no."), max_length=35)
    statement_date = models.DateField(_("statement date"), null=True, blank=True)
    balance_last_statement = MoneyField(_("balance last statement"))
    statement_ending_balance = MoneyField(_("statement ending balance"))
    statement_import = models.ForeignKey(
        StatementImport, models.PROTECT, null=True, blank=True, related_name="journals", verbose_name=_("import")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank acc. reconciliation")
        verbose_name_plural = _("bank acc. reconciliations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "statement_type", "statement_no"], name="one_statement_no_per_account_and_type"
            )
        ]
        permissions = [("import_statement", _("Can import bank statements")),
                       ("post_payment_journal", _("Can post payment reconciliation journals"))]

    def __str__(self) -> str:
        return f"{self.bank_account.no} {self.statement_no}"


class ImportedStatement(models.Model):
    """One statement of an imported file: what makes a statement "already imported"."""

    statement_import = models.ForeignKey(
        StatementImport, models.CASCADE, related_name="statements", verbose_name=_("import")
    )
    bank_account = models.ForeignKey(
        "receivables.BankAccount", models.PROTECT, related_name="+", verbose_name=_("bank account")
    )
    statement_id = models.CharField(_("statement ID"), max_length=140, blank=True)
    sequence = models.CharField(_("sequence"), max_length=35, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    opening_balance = models.DecimalField(_("opening balance"), max_digits=20, decimal_places=5, null=True, blank=True)
    opening_date = models.DateField(_("opening date"), null=True, blank=True)
    closing_balance = models.DecimalField(_("closing balance"), max_digits=20, decimal_places=5, null=True, blank=True)
    closing_date = models.DateField(_("closing date"), null=True, blank=True)
    transactions = models.PositiveIntegerField(_("transactions"), default=0)

    class Meta:
        verbose_name = _("imported statement")
        verbose_name_plural = _("imported statements")
        # Checked against earlier imports in banking.importing (under a lock on the bank account): some
        # banks repeat one statement id for every statement in a file, so it cannot be unique in the table.
        indexes = [models.Index(fields=["bank_account", "statement_id", "sequence"])]


class BankAccReconciliationLine(models.Model):
    """A statement line (NAV table 274): what the bank says, and what it is applied to."""

    reconciliation = models.ForeignKey(
        BankAccReconciliation, models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    bank_account = models.ForeignKey(
        "receivables.BankAccount", models.PROTECT, related_name="+", verbose_name=_("bank account")
    )
    imported_statement = models.ForeignKey(
        ImportedStatement, models.SET_NULL, null=True, blank=True, related_name="lines", verbose_name=_("statement")
    )
    line_no = models.IntegerField(_("line no."))
    transaction_date = models.DateField(_("transaction date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    transaction_text = models.CharField(_("transaction text"), max_length=500, blank=True)
    related_party_name = models.CharField(_("related-party name"), max_length=140, blank=True)
    related_party_iban = models.CharField(_("related-party IBAN"), max_length=42, blank=True)
    related_party_bank_acc_no = models.CharField(_("related-party bank acc. no."), max_length=50, blank=True)
    related_party_address = models.CharField(_("related-party address"), max_length=250, blank=True)
    statement_amount = MoneyField(_("statement amount"))
    applied_amount = MoneyField(_("applied amount"))
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    account_type = models.CharField(_("account type"), max_length=20, blank=True)
    account_no = models.CharField(_("account no."), max_length=20, blank=True)
    match_confidence = models.CharField(
        _("match confidence"), max_length=20, choices=MatchConfidence.choices, default=MatchConfidence.NONE
    )
    transaction_id = models.CharField(_("transaction ID"), max_length=140, blank=True)
    end_to_end_id = models.CharField(_("end-to-end ID"), max_length=140, blank=True)
    creditor_reference = models.CharField(_("payment reference"), max_length=50, blank=True)
    bank_transaction_code = models.CharField(_("bank transaction code"), max_length=50, blank=True)
    entry_reference = models.CharField(_("entry reference"), max_length=140, blank=True)
    match_quality = models.IntegerField(_("match quality"), default=0)
    description = models.CharField(_("description"), max_length=100, blank=True)
    parent_line_no = models.IntegerField(_("parent line no."), null=True, blank=True)
    reconciled = models.BooleanField(_("reconciled"), default=False)
    posted = models.BooleanField(_("posted"), default=False)
    # Bank account reconciliation (statement type Bank Reconciliation) only.
    type = models.CharField(_("type"), max_length=30, choices=ReconciliationLineType.choices,
                            default=ReconciliationLineType.BANK_ACCOUNT_LEDGER_ENTRY)
    document_no = models.CharField(_("document no."), max_length=35, blank=True)
    check_no = models.CharField(_("check no."), max_length=20, blank=True)
    additional_transaction_info = models.CharField(_("additional transaction info"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("bank acc. reconciliation line")
        verbose_name_plural = _("bank acc. reconciliation lines")
        ordering = ["reconciliation", "line_no"]
        # Overlapping files are recognised by (transaction id, date, amount) in banking.importing, under a
        # lock on the bank account; banks reuse ids across days (ASN puts the payer's IBAN there), so the
        # id alone cannot be unique.
        indexes = [models.Index(fields=["bank_account", "transaction_id"])]

    def __str__(self) -> str:
        return f"{self.line_no} {self.transaction_text[:40]}"

    @property
    def difference(self):
        return self.statement_amount - self.applied_amount
