"""What one transaction of a posting run needs to know, passed to every step instead of globals."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from receivables.lib.money import round_amount
from receivables.models import CompanySetup, Currency

from .errors import NO_EXCHANGE_RATE, UNKNOWN_CURRENCY, PostingError
from .writer import LedgerWriter


@dataclass
class Rates:
    """Exchange rates by currency and date, read once per run."""

    lcy_code: str
    _currencies: dict[str, Currency] = field(default_factory=dict)
    _cache: dict[tuple[str, date], Decimal] = field(default_factory=dict)

    def currency(self, code: str) -> Currency | None:
        if not code or code == self.lcy_code:
            return None
        if code not in self._currencies:
            currency = Currency.objects.filter(code=code).first()
            if currency is None:
                raise PostingError(UNKNOWN_CURRENCY % {"code": code}, field="currency_code")
            self._currencies[code] = currency
        return self._currencies[code]

    def lcy_per_unit(self, code: str, on: date) -> Decimal:
        currency = self.currency(code)
        if currency is None:
            return Decimal("1")
        key = (code, on)
        if key not in self._cache:
            rate = currency.exchange_rates.filter(starting_date__lte=on).order_by("-starting_date").first()
            if rate is None:
                raise PostingError(NO_EXCHANGE_RATE % {"code": code, "date": on}, field="currency_code")
            self._cache[key] = rate.lcy_per_unit
        return self._cache[key]

    def to_lcy(self, code: str, on: date, amount: Decimal) -> Decimal:
        if not code or code == self.lcy_code:
            return amount
        return round_amount(amount * self.lcy_per_unit(code, on))

    def precision(self, code: str) -> Decimal:
        currency = self.currency(code)
        return currency.amount_rounding_precision if currency else Decimal("0.01")


@dataclass
class TransactionContext:
    setup: CompanySetup
    writer: LedgerWriter
    rates: Rates
    user: object
    source_code: str
    transaction_no: int
    posting_date: date
    document_no: str
    document_type: str = ""
    journal_template_name: str = ""
    journal_batch_name: str = ""
    journal_line_no: int | None = None
    reason_code: str = ""

    def entry_fields(self) -> dict:
        """Fields every ledger row written in this transaction carries."""
        return {
            "posting_date": self.posting_date,
            "document_no": self.document_no,
            "transaction_no": self.transaction_no,
            "user": self.user if getattr(self.user, "pk", None) else None,
            "source_code": self.source_code,
            "reason_code": self.reason_code,
            "journal_template_name": self.journal_template_name,
            "journal_batch_name": self.journal_batch_name,
            "journal_line_no": self.journal_line_no,
        }
