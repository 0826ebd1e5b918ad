"""Money helpers: Decimal only, rounded half-up to a currency's precision."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def round_amount(value: Decimal, precision: Decimal = CENT) -> Decimal:
    """Round like NAV's Round(x, precision, '='): to a multiple of `precision`, half away from zero."""
    if precision == 0:
        return value
    return (value / precision).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * precision


def to_decimal(value: object) -> Decimal:
    """Parse a user or file value into Decimal; floats are refused so no binary rounding sneaks in."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value).strip())


def parse_typed_amount(raw: str) -> Decimal | None:
    """An amount typed in a form cell: spaces (also non-breaking) dropped, comma or dot as decimal mark.

    Blank gives None; anything else that is not a number raises decimal.InvalidOperation.
    """
    cleaned = raw.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    return Decimal(cleaned) if cleaned else None


def is_zero(value: Decimal) -> bool:
    return value == 0


def sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)
