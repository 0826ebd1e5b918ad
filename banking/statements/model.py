"""The format-neutral result of reading a bank statement file.

Every parser in this package turns a file's bytes into one `ParsedFile`. Nothing
here knows about Django or the database: staging the lines as journal lines is
the next step of the bank import pipeline.

Conventions shared by all formats:

- Money is `Decimal`, exactly as written in the file (no rounding, no float).
- `Transaction.amount` is signed from the account holder's side: money in is
  positive, money out negative.
- An account identifier is kept as the file gives it in `account_number` /
  `party_account`; when that identifier is a valid IBAN it is also copied to
  `account_iban` / `party_iban`.
- An empty string means "not in the file"; `None` is used only for the dates and
  balances, where an empty string would not type-check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

FORMATS = ("ofx", "camt053", "camt054", "camt052", "mt940", "csv")


@dataclass(frozen=True, slots=True)
class Transaction:
    booking_date: date
    value_date: date | None
    amount: Decimal
    currency: str
    transaction_id: str
    end_to_end_id: str = ""
    party_name: str = ""
    party_iban: str = ""
    party_account: str = ""
    party_address: str = ""
    text: str = ""
    creditor_reference: str = ""
    bank_transaction_code: str = ""
    entry_reference: str = ""


@dataclass(frozen=True, slots=True)
class Statement:
    account_iban: str
    account_number: str
    currency: str
    statement_id: str
    sequence: str
    opening_balance: Decimal | None
    opening_date: date | None
    closing_balance: Decimal | None
    closing_date: date | None
    transactions: list[Transaction] = field(default_factory=list)

    @property
    def credits(self) -> Decimal:
        """Money in, as a positive sum."""
        return sum((t.amount for t in self.transactions if t.amount > 0), Decimal(0))

    @property
    def debits(self) -> Decimal:
        """Money out, as a positive sum."""
        return -sum((t.amount for t in self.transactions if t.amount < 0), Decimal(0))


@dataclass(frozen=True, slots=True)
class ParsedFile:
    format: str
    statements: list[Statement] = field(default_factory=list)
