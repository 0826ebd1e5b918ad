"""Django admin for master data (the *Master data* group) and read-only views of the ledgers."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from receivables import models as m

admin.site.site_header = _("Receivables administration")
admin.site.site_title = _("Receivables")
admin.site.index_title = _("Master data")


@admin.register(m.CompanySetup)
class CompanySetupAdmin(admin.ModelAdmin):
    list_display = ["name", "lcy_code", "payment_tolerance_pct", "max_payment_tolerance", "payment_discount_grace_period"]
    fieldsets = [
        (_("Company"), {"fields": ["name", "address", "post_code", "city", "org_no", "lcy_code"]}),
        (_("Posting"), {"fields": ["allow_posting_from", "allow_posting_to", "amount_rounding_precision",
                                   "appln_rounding_precision", "appln_between_currencies"]}),
        (_("Application"), {"fields": [
            "pmt_disc_excl_vat", "payment_discount_grace_period", "payment_tolerance_pct", "max_payment_tolerance",
            "payment_tolerance_posting", "pmt_disc_tolerance_posting", "payment_tolerance_warning",
            "pmt_disc_tolerance_warning",
        ]}),
        (_("Accounts"), {"fields": ["sales_vat_account", "opening_balance_account", "realized_gains_account",
                                    "realized_losses_account"]}),
        (_("Numbering"), {"fields": ["customer_nos", "invoice_nos", "posted_invoice_nos", "credit_memo_nos",
                                     "posted_credit_memo_nos"]}),
        (_("KID"), {"fields": ["kid_setup", "kid_document_no_length", "kid_customer_no_length"]}),
    ]
    autocomplete_fields = ["sales_vat_account", "opening_balance_account", "realized_gains_account",
                           "realized_losses_account"]

    def has_add_permission(self, request) -> bool:
        # One company per database: the setup row is created by setup_company.
        return super().has_add_permission(request) and not m.CompanySetup.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ExchangeRateInline(admin.TabularInline):
    model = m.CurrencyExchangeRate
    extra = 0


@admin.register(m.Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "amount_rounding_precision"]
    search_fields = ["code", "description"]
    inlines = [ExchangeRateInline]


@admin.register(m.NoSeries)
class NoSeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "starting_no", "ending_no", "last_no_used", "last_date_used"]
    search_fields = ["code", "description"]


@admin.register(m.GLAccount)
class GLAccountAdmin(admin.ModelAdmin):
    list_display = ["no", "name", "account_type", "income_balance", "direct_posting", "blocked"]
    list_filter = ["account_type", "income_balance", "direct_posting", "blocked"]
    search_fields = ["no", "name"]


@admin.register(m.CustomerPostingGroup)
class CustomerPostingGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "receivables_account"]
    search_fields = ["code", "description"]
    autocomplete_fields = [
        "receivables_account", "payment_disc_debit_acc", "payment_disc_credit_acc", "payment_tolerance_debit_acc",
        "payment_tolerance_credit_acc", "interest_account", "additional_fee_account", "add_fee_per_line_account",
        "debit_curr_appln_rndg_acc", "credit_curr_appln_rndg_acc",
    ]


@admin.register(m.VendorPostingGroup)
class VendorPostingGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "payables_account"]
    search_fields = ["code", "description"]
    autocomplete_fields = [
        "payables_account", "payment_disc_debit_acc", "payment_disc_credit_acc", "payment_tolerance_debit_acc",
        "payment_tolerance_credit_acc", "debit_curr_appln_rndg_acc", "credit_curr_appln_rndg_acc",
    ]


@admin.register(m.BankAccountPostingGroup)
class BankAccountPostingGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "gl_account"]
    search_fields = ["code"]
    autocomplete_fields = ["gl_account"]


@admin.register(m.PaymentTerms)
class PaymentTermsAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "due_date_calculation", "discount_date_calculation", "discount_pct"]
    search_fields = ["code", "description"]


@admin.register(m.PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "bal_account_type", "bal_account_no"]
    search_fields = ["code", "description"]


class CustomerBankAccountInline(admin.TabularInline):
    model = m.CustomerBankAccount
    extra = 0
    fields = ["code", "name", "bank_account_no", "iban", "swift_code"]


@admin.register(m.Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["no", "name", "city", "posting_group", "payment_terms", "application_method", "blocked"]
    list_filter = ["posting_group", "payment_terms", "application_method", "blocked", "country_code"]
    search_fields = ["no", "name", "org_no", "city", "email", "bank_accounts__bank_account_no",
                     "bank_accounts__iban"]
    inlines = [CustomerBankAccountInline]
    fieldsets = [
        (_("General"), {"fields": ["no", "name", "name_2", "org_no", "blocked"]}),
        (_("Address & contact"), {"fields": ["address", "address_2", "post_code", "city", "country_code", "email",
                                             "phone_no", "language_code"]}),
        (_("Invoicing"), {"fields": ["posting_group", "currency", "credit_limit"]}),
        (_("Payments"), {"fields": ["payment_terms", "payment_method", "application_method",
                                    "block_payment_tolerance", "reminder_terms_code", "fin_charge_terms_code"]}),
    ]


class VendorBankAccountInline(admin.TabularInline):
    model = m.VendorBankAccount
    extra = 0
    fields = ["code", "name", "bank_account_no", "iban", "swift_code"]


@admin.register(m.Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["no", "name", "city", "posting_group", "payment_terms", "blocked"]
    list_filter = ["posting_group", "payment_terms", "blocked"]
    search_fields = ["no", "name", "org_no", "bank_accounts__bank_account_no", "bank_accounts__iban"]
    inlines = [VendorBankAccountInline]


@admin.register(m.BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ["no", "name", "bank_account_no", "iban", "currency", "posting_group", "last_statement_no",
                    "balance_last_statement"]
    search_fields = ["no", "name", "bank_account_no", "iban"]
    list_filter = ["posting_group", "currency", "blocked"]


@admin.register(m.SourceCode, m.ReasonCode)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["code", "description"]
    search_fields = ["code", "description"]


class BatchInline(admin.TabularInline):
    model = m.GenJournalBatch
    extra = 0


@admin.register(m.GenJournalTemplate)
class GenJournalTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "type", "source_code"]
    list_filter = ["type"]
    inlines = [BatchInline]


@admin.register(m.GenJournalBatch)
class GenJournalBatchAdmin(admin.ModelAdmin):
    list_display = ["template", "name", "description", "no_series", "bal_account_type", "bal_account_no"]
    list_filter = ["template"]
    search_fields = ["name", "description"]


@admin.register(m.UserSetup)
class UserSetupAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "allow_posting_from", "allow_posting_to"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Posted entries: visible to whoever may view them, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.CustLedgerEntry)
class CustLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["entry_no", "customer", "posting_date", "document_type", "document_no", "amount",
                    "remaining_amount", "due_date", "open"]
    list_filter = ["open", "document_type"]
    search_fields = ["document_no", "customer__no", "customer__name", "payment_reference"]
    list_select_related = ["customer"]


@admin.register(m.VendorLedgerEntry)
class VendorLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["entry_no", "vendor", "posting_date", "document_type", "document_no", "amount",
                    "remaining_amount", "due_date", "open"]
    list_filter = ["open", "document_type"]
    search_fields = ["document_no", "vendor__no", "vendor__name"]
    list_select_related = ["vendor"]


@admin.register(m.GLEntry)
class GLEntryAdmin(ReadOnlyAdmin):
    list_display = ["entry_no", "gl_account", "posting_date", "document_no", "description", "amount",
                    "transaction_no"]
    search_fields = ["document_no", "gl_account__no"]
    list_select_related = ["gl_account"]


@admin.register(m.BankAccountLedgerEntry)
class BankAccountLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["entry_no", "bank_account", "posting_date", "document_no", "amount", "remaining_amount",
                    "open", "statement_status"]
    list_filter = ["open", "statement_status", "bank_account"]
    search_fields = ["document_no"]
