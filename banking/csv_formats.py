"""The built-in CSV statement mappings (banking.statements.csv_presets) as rows users can edit."""
from __future__ import annotations

from banking.statements.csv_presets import CSV_PRESETS


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def seed_csv_formats(model) -> None:
    """Create the preset formats that are missing; rows users changed are left alone."""
    for code, mapping in CSV_PRESETS.items():
        model.objects.get_or_create(
            code=code,
            defaults={
                "name": mapping.name, "delimiter": mapping.delimiter, "encoding": mapping.encoding,
                "fallback_encoding": mapping.fallback_encoding, "header_lines": mapping.header_lines,
                "date_format": mapping.date_format, "decimal_separator": mapping.decimal_separator,
                "thousands_separator": mapping.thousands_separator, "amount_column": _text(mapping.amount_column),
                "debit_column": _text(mapping.debit_column), "credit_column": _text(mapping.credit_column),
                "booking_date_column": _text(mapping.booking_date_column),
                "value_date_column": _text(mapping.value_date_column), "text_columns": _text(mapping.text_columns),
                "party_name_column": _text(mapping.party_name_column),
                "party_account_column": _text(mapping.party_account_column),
                "reference_column": _text(mapping.reference_column),
                "transaction_id_column": _text(mapping.transaction_id_column), "currency": mapping.currency,
                "currency_column": _text(mapping.currency_column), "balance_column": _text(mapping.balance_column),
                "fee_column": _text(mapping.fee_column),
                "opening_balance_column": _text(mapping.opening_balance_column),
                "closing_balance_column": _text(mapping.closing_balance_column),
                "skip_sections": "\n".join(mapping.skip_sections),
                "skip_rows_without_date": mapping.skip_rows_without_date,
            },
        )
