from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from receivables.lib.amounts import AmountError, AmountField, parse_amount


class ParseAmountTests:
    @pytest.mark.parametrize(
        ("typed", "amount"),
        [
            ("1 234,50", "1234.50"), ("1234,50", "1234.50"), ("-12,50", "-12.50"), ("1\u00a0234\u00a0567,8", "1234567.8"),
            ("12", "12"), ("  7,05 ", "7.05"), ("+3,00", "3.00"), ("\u221212,50", "-12.50"), ("- 12,50", "-12.50"),
            (",5", "0.5"), ("1\u202f000", "1000"),
        ],
    )
    def test_it_reads_norwegian(self, typed: str, amount: str) -> None:
        assert parse_amount(typed, language="nb") == Decimal(amount)

    @pytest.mark.parametrize(
        ("typed", "amount"),
        [("1,234.50", "1234.50"), ("1234.50", "1234.50"), ("-12.50", "-12.50"), ("1,234,567", "1234567"), ("1 234.5", "1234.5")],
    )
    def test_it_reads_english(self, typed: str, amount: str) -> None:
        assert parse_amount(typed, language="en") == Decimal(amount)

    @pytest.mark.parametrize("typed", ["12,5,0", "1,23,4", "12,50", "-12,50", "1,2345.00", "12.5.0", "abc", "1e5", "12,", "1,234 567"])
    def test_it_refuses_what_english_cannot_read_one_way(self, typed: str) -> None:
        with pytest.raises(AmountError) as error:
            parse_amount(typed, language="en")
        assert "1,234.50" in error.value.message

    @pytest.mark.parametrize("typed", ["12,5,0", "12.50", "1.234,50", "1 23,4", "abc", "12 ,5", "--1"])
    def test_it_refuses_what_norwegian_cannot_read_one_way(self, typed: str) -> None:
        with pytest.raises(AmountError) as error:
            parse_amount(typed, language="nb")
        assert "1 234,50" in error.value.message

    def test_the_messages_say_what_was_expected(self) -> None:
        with translation.override("en"):
            with pytest.raises(AmountError) as error:
                parse_amount("12,50")
        assert error.value.message == (
            "“12,50”: digits between thousand separators come in threes, as in -1,234.50; "
            "leave the separators out if unsure."
        )
        with pytest.raises(AmountError) as error:
            parse_amount("12.50", language="nb")
        assert error.value.message == "“12.50”: use a comma as the decimal mark, as in -1 234,50."

    def test_blank_is_none(self) -> None:
        assert parse_amount("  ", language="nb") is None
        assert parse_amount(None, language="en") is None


class _Form(forms.Form):
    amount = AmountField(required=False)


class AmountFieldTests:
    @pytest.mark.parametrize(("language", "typed"), [("nb", "-12,50"), ("en", "-12.50")])
    def test_a_decimal_comma_is_not_a_thousand_separator(self, language: str, typed: str) -> None:
        with translation.override(language):
            form = _Form({"amount": typed})
            assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("-12.50")

    def test_it_refuses_with_the_parser_message(self) -> None:
        with translation.override("en"):
            form = _Form({"amount": "-12,50"})
            assert not form.is_valid()
            assert "as in -1,234.50" in form.errors["amount"][0]

    def test_too_many_decimals_are_refused_not_rounded(self) -> None:
        with translation.override("nb"):
            form = _Form({"amount": "12,345"})
            assert not form.is_valid()


amounts = st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(amount=amounts, language=st.sampled_from(["en", "nb"]))
def test_every_amount_the_app_formats_parses_back(amount: Decimal, language: str) -> None:
    with translation.override(language):
        shown = [
            formats.localize_input(amount),
            formats.number_format(amount, 2, use_l10n=True, force_grouping=True),
            Template('{{ a|floatformat:"2g" }}').render(Context({"a": amount})),
        ]
        # What the form's own input shows is what it reads back.
        bound = _Form(initial={"amount": amount})["amount"]
        shown.append(bound.field.widget.format_value(bound.value()))
        for text in shown:
            assert parse_amount(str(text)) == amount, text
