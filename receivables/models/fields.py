"""Field helpers shared by the models: money columns and lazily imported validators."""
from __future__ import annotations

from decimal import Decimal

from django.db import models


def MoneyField(verbose_name: str | None = None, **kwargs) -> models.DecimalField:  # noqa: N802
    """An amount column: Decimal with 2 decimals (currency precision is applied when rounding)."""
    kwargs.setdefault("max_digits", 20)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("default", Decimal("0"))
    return models.DecimalField(verbose_name, **kwargs)


def validate_date_formula(value: str) -> None:
    from receivables.lib.dateformula import validate_date_formula as validate

    validate(value)


def validate_iban(value: str) -> None:
    from receivables.lib.validators import validate_iban as validate

    validate(value)


def validate_bank_account_no(value: str) -> None:
    """A Norwegian account number (11 digits) is checked; foreign numbers are taken as given."""
    from receivables.lib.validators import (
        normalize_account_no,
        validate_norwegian_account_no,
    )

    if len(normalize_account_no(value)) == 11:
        validate_norwegian_account_no(value)


def validate_org_no(value: str) -> None:
    from receivables.lib.validators import validate_org_no as validate

    validate(value)
