from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from receivables.lib.ticked_entries import read_ticked_entries


class ReadTickedEntriesTests:
    def test_it_reads_ticked_rows_in_order_with_their_amounts(self) -> None:
        data = {"select_3": "on", "amount_3": "", "select_1": "on", "amount_1": "1 234,50", "amount_2": "9"}
        with translation.override("nb"):
            ticked = read_ticked_entries(data, [1, 2, 3])
        assert ticked.pks == [1, 3]
        assert ticked.amounts == {1: Decimal("1234.50"), 3: None}
        assert ticked.typed() == {1: Decimal("1234.50")}
        assert ticked.errors == {}

    def test_an_amount_that_cannot_be_read_is_an_error_on_its_row(self) -> None:
        with translation.override("en"):
            ticked = read_ticked_entries({"select_5": "on", "amount_5": "-12,50"}, [5])
        assert ticked.pks == [5] and ticked.amounts[5] is None
        assert ticked.errors[5].startswith("“-12,50”: digits between thousand separators come in threes")
