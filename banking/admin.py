"""Django admin for the banking app's master data."""
from __future__ import annotations

from django.contrib import admin

from banking.models import TextToAccountMapping


@admin.register(TextToAccountMapping)
class TextToAccountMappingAdmin(admin.ModelAdmin):
    list_display = ["mapping_text", "debit_acc_no", "credit_acc_no", "bal_source_type", "bal_source_no"]
    list_filter = ["bal_source_type"]
    search_fields = ["mapping_text", "debit_acc_no", "credit_acc_no", "bal_source_no"]
