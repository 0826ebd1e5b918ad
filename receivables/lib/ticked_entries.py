"""The ticked rows of an apply window (Apply Entries, Apply to a journal line, Payment Application).

Each candidate entry is a row with a tick box `select_<pk>` and an amount box `amount_<pk>`;
a blank amount means "what paying the entry in full takes", decided by the process, not here.
Amounts go through the one amount parser, so a comma means what it means in the user's language.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from receivables.lib.amounts import amount_or_error


@dataclass(frozen=True, slots=True)
class TickedEntries:
    amounts: dict[int, Decimal | None] = field(default_factory=dict)  # pk -> typed amount, None when blank
    errors: dict[int, str] = field(default_factory=dict)  # pk -> what is wrong with its amount

    @property
    def pks(self) -> list[int]:
        return list(self.amounts)

    def typed(self) -> dict[int, Decimal]:
        """Only the rows with an amount typed."""
        return {pk: amount for pk, amount in self.amounts.items() if amount is not None}


def read_ticked_entries(data: Mapping[str, str], candidates: Iterable[int]) -> TickedEntries:
    """The ticked candidates, in the candidates' order, with their typed amounts or errors."""
    result = TickedEntries()
    for pk in candidates:
        if not data.get(f"select_{pk}"):
            continue
        amount, error = amount_or_error(data.get(f"amount_{pk}", ""))
        result.amounts[pk] = amount
        if error:
            result.errors[pk] = error
    return result
