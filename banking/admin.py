"""Django admin for the banking app's master data."""
from __future__ import annotations

from django.contrib import admin

from banking.models import TextToAccountMapping
from receivables.admin import ReadOnlyAdmin


@admin.register(TextToAccountMapping)
class TextToAccountMappingAdmin(admin.ModelAdmin):
    list_display = ["mapping_text", "debit_acc_no", "credit_acc_no", "bal_source_type", "bal_source_no"]
    list_filter = ["bal_source_type"]
    search_fields = ["mapping_text", "debit_acc_no", "credit_acc_no", "bal_source_no"]


from banking.models import BankFeed, CsvStatementFormat, StatementImport  # noqa: E402


@admin.register(CsvStatementFormat)
class CsvStatementFormatAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "delimiter", "encoding", "date_format", "decimal_separator"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name"]}),
        ("File", {"fields": ["delimiter", "encoding", "fallback_encoding", "header_lines", "date_format",
                             "decimal_separator", "thousands_separator", "currency", "skip_sections",
                             "skip_rows_without_date"]}),
        ("Columns", {"fields": ["booking_date_column", "value_date_column", "amount_column", "debit_column",
                                "credit_column", "text_columns", "party_name_column", "party_account_column",
                                "reference_column", "transaction_id_column", "currency_column", "balance_column",
                                "fee_column", "opening_balance_column", "closing_balance_column"]}),
    ]


@admin.register(BankFeed)
class BankFeedAdmin(admin.ModelAdmin):
    list_display = ["bank_account", "folder", "format", "auto_post_confidence", "enabled"]
    list_filter = ["enabled"]


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    """Imported files are a record: visible, never changed here."""

    list_display = ["filename", "bank_account", "statement_type", "format", "transactions", "skipped", "imported_by",
                    "imported_at"]
    list_filter = ["bank_account", "statement_type", "format"]
    exclude = ["content"]


from banking.models import BankAccountStatement, BankAccountStatementLine  # noqa: E402


class BankAccountStatementLineInline(admin.TabularInline):
    model = BankAccountStatementLine
    fields = ["line_no", "type", "transaction_date", "document_no", "check_no", "description", "statement_amount",
              "applied_amount", "difference", "applied_entries"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BankAccountStatement)
class BankAccountStatementAdmin(ReadOnlyAdmin):
    """Posted bank account reconciliations are a record: visible, never changed here."""

    list_display = ["bank_account", "statement_no", "statement_date", "balance_last_statement",
                    "statement_ending_balance", "posted_by", "posted_at"]
    list_filter = ["bank_account"]
    search_fields = ["statement_no"]
    inlines = [BankAccountStatementLineInline]
