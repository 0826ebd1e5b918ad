"""Exact money sums in SQL, on SQLite too.

SQLite keeps DecimalField values as floating point and SUM()s them in floating point, so a plain
Sum of amounts can come back as 0.00999999999999979. Summing whole cents is exact: every amount
times 100, rounded, is an integer-valued float, and their sum stays exact up to 2**53 cents.
PostgreSQL sums NUMERIC exactly and gets the plain SUM.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Sum

CENTS = Decimal("100")
CENT = Decimal("0.01")


class MoneySum(Sum):
    """Sum of an amount column, exact on every backend. Returns None for no rows, like Sum.

    Do not wrap it in Coalesce: the wrapper would skip the cents conversion. Use `or ZERO` instead.
    """

    def __init__(self, *expressions, **extra) -> None:
        extra.setdefault("output_field", DecimalField(max_digits=20, decimal_places=2))
        super().__init__(*expressions, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="%(function)s(ROUND(%(distinct)s%(expressions)s * 100)%(order_by)s)%(filter)s", **extra_context
        )

    def get_db_converters(self, connection):
        converters = super().get_db_converters(connection)
        if connection.vendor == "sqlite":
            converters.append(
                lambda value, expression, conn: None if value is None else (Decimal(value) / CENTS).quantize(CENT)
            )
        return converters
