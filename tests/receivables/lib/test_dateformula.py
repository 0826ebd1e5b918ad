from __future__ import annotations

import calendar
import os
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from receivables.lib.dateformula import (
    DateFormula,
    DateFormulaError,
    DateOutOfRange,
    Term,
    TermKind,
    Unit,
    calc_date,
    parse,
    validate_date_formula,
)

if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
    # Lets this file run with `-p no:django` too: the validator only needs gettext.
    settings.configure(USE_I18N=False)

# Dates hypothesis may pick: far enough from year 1 and 9999 that a few years either way fit.
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


class ParseTests:
    @pytest.mark.parametrize(
        ("formula", "normalized"),
        [
            ("30D", "30D"),
            ("<CM+1M>", "CM+1M"),
            ("cm + 1m", "CM+1M"),
            (" < 1M + CM > ", "1M+CM"),
            ("+1M", "1M"),
            ("-CM", "-CM"),
            ("<-1D>", "-1D"),
            ("0D", "0D"),
            ("wd1", "WD1"),
            ("-WD2", "-WD2"),
            ("D15", "D15"),
            ("CQ+1M-10D", "CQ+1M-10D"),
            ("+CD-CD", "CD-CD"),
            ("2W", "2W"),
            ("1Y", "1Y"),
            ("1q", "1Q"),
        ],
    )
    def test_it_gives_the_normalized_english_text(self, formula: str, normalized: str) -> None:
        assert str(parse(formula)) == normalized

    @pytest.mark.parametrize(
        ("norwegian", "english"),
        [
            ("LM", "CM"),
            ("-lm", "-CM"),
            ("1U", "1W"),
            ("LU", "CW"),
            ("2K", "2Q"),
            ("LK", "CQ"),
            ("1Å", "1Y"),
            ("1å+lå", "1Y+CY"),
            ("LD", "CD"),
            ("<LM+1M>", "CM+1M"),
        ],
    )
    def test_it_reads_norwegian_units_and_stores_english(self, norwegian: str, english: str) -> None:
        assert str(parse(norwegian)) == english

    def test_it_keeps_the_terms_in_order(self) -> None:
        assert parse("1M+CM-WD2").terms == (
            Term(TermKind.SHIFT, Unit.MONTH, 1),
            Term(TermKind.CURRENT, Unit.MONTH),
            Term(TermKind.NEXT, Unit.WEEKDAY, 2, negative=True),
        )

    @pytest.mark.parametrize("blank", ["", "   ", "<>", "< >"])
    def test_it_reads_blank_text_as_the_empty_formula(self, blank: str) -> None:
        formula = parse(blank)

        assert formula == DateFormula()
        assert str(formula) == ""
        assert not formula

    def test_a_formula_with_terms_is_true(self) -> None:
        assert parse("0D")

    @pytest.mark.parametrize(
        ("formula", "message"),
        [
            ("3X", "'3X' is not a valid date formula: unknown unit 'X' at position 2"),
            ("3x", "'3x' is not a valid date formula: unknown unit 'X' at position 2"),
            ("1D+3X", "'1D+3X' is not a valid date formula: unknown unit 'X' at position 5"),
            ("1 D + 3 X", "'1 D + 3 X' is not a valid date formula: unknown unit 'X' at position 9"),
            ("30", "'30' is not a valid date formula: missing unit after '30' at position 3"),
            ("C", "'C' is not a valid date formula: missing unit after 'C' at position 2"),
            ("L", "'L' is not a valid date formula: missing unit after 'L' at position 2"),
            ("CX", "'CX' is not a valid date formula: unknown unit 'X' at position 2"),
            ("1D+", "'1D+' is not a valid date formula: expected a term after '+' at position 4"),
            ("-", "'-' is not a valid date formula: expected a term after '-' at position 2"),
            (
                "1d  -  ",
                "'1d  -  ' is not a valid date formula: expected a term after '-' at position 6",
            ),
            (
                "1D2M",
                "'1D2M' is not a valid date formula: expected '+' or '-' before '2' at position 3",
            ),
            ("CMCY", "'CMCY' is not a valid date formula: expected '+' or '-' before 'C' at position 3"),
            ("1D*", "'1D*' is not a valid date formula: unexpected '*' at position 3"),
            ("1D+-2D", "'1D+-2D' is not a valid date formula: unexpected '-' at position 4"),
            ("?", "'?' is not a valid date formula: unexpected '?' at position 1"),
            ("WD", "'WD' is not a valid date formula: missing number after 'WD' at position 3"),
            ("D", "'D' is not a valid date formula: missing number after 'D' at position 2"),
            ("WDX", "'WDX' is not a valid date formula: missing number after 'WD' at position 3"),
            (
                "WD0",
                "'WD0' is not a valid date formula: "
                "weekday must be 1 (Monday) to 7 (Sunday), not 0, at position 3",
            ),
            (
                "WD8",
                "'WD8' is not a valid date formula: "
                "weekday must be 1 (Monday) to 7 (Sunday), not 8, at position 3",
            ),
            (
                "D0",
                "'D0' is not a valid date formula: "
                "day of the month must be 1 to 31, not 0, at position 2",
            ),
            (
                "D32",
                "'D32' is not a valid date formula: "
                "day of the month must be 1 to 31, not 32, at position 2",
            ),
            (
                "M3",
                "'M3' is not a valid date formula: "
                "'M' needs a number before it, as in '1M', at position 1",
            ),
            (
                "k",
                "'k' is not a valid date formula: "
                "'K' needs a number before it, as in '1K', at position 1",
            ),
            (
                "2WD",
                "'2WD' is not a valid date formula: "
                "'WD' takes its number after it, as in 'WD1', at position 2",
            ),
            (
                "CWD",
                "'CWD' is not a valid date formula: 'C' cannot be combined with 'WD' at position 1",
            ),
            (
                "<1D",
                "'<1D' is not a valid date formula: '<' at position 1 is never closed with '>'",
            ),
            ("<", "'<' is not a valid date formula: '<' at position 1 is never closed with '>'"),
            (
                "1D>",
                "'1D>' is not a valid date formula: '>' at position 3 has no '<' before it",
            ),
            ("<<1D>", "'<<1D>' is not a valid date formula: unexpected '<' at position 2"),
        ],
    )
    def test_it_names_the_problem_and_its_position(self, formula: str, message: str) -> None:
        with pytest.raises(DateFormulaError) as raised:
            parse(formula)

        assert str(raised.value) == message

    def test_the_error_keeps_formula_template_and_values_apart(self) -> None:
        with pytest.raises(DateFormulaError) as raised:
            parse("3X")

        assert raised.value.formula == "3X"
        assert raised.value.problem == "unknown unit '%(unit)s' at position %(position)d"
        assert raised.value.params == {"unit": "X", "position": 2}


class CalcDateTests:
    @pytest.mark.parametrize(
        ("formula", "base", "expected"),
        [
            ("30D", date(2026, 1, 15), date(2026, 2, 14)),
            ("14D", date(2026, 1, 15), date(2026, 1, 29)),
            ("5D", date(2026, 12, 29), date(2027, 1, 3)),
            ("0D", date(2026, 1, 15), date(2026, 1, 15)),
            ("-1D", date(2026, 3, 1), date(2026, 2, 28)),
            ("2W", date(2026, 1, 15), date(2026, 1, 29)),
            ("-1W", date(2026, 1, 5), date(2025, 12, 29)),
            # Months clamp to the end of a shorter month, as NAV does.
            ("1M", date(2026, 1, 15), date(2026, 2, 15)),
            ("1M", date(2026, 1, 31), date(2026, 2, 28)),
            ("1M", date(2024, 1, 31), date(2024, 2, 29)),
            ("1M", date(2026, 4, 30), date(2026, 5, 30)),
            ("-1M", date(2026, 3, 31), date(2026, 2, 28)),
            ("1Q", date(2026, 11, 30), date(2027, 2, 28)),
            ("1Y", date(2026, 2, 10), date(2027, 2, 10)),
            ("1Y", date(2024, 2, 29), date(2025, 2, 28)),
            ("CD", date(2026, 1, 15), date(2026, 1, 15)),
            ("-CD", date(2026, 1, 15), date(2026, 1, 15)),
            ("CW", date(2026, 1, 15), date(2026, 1, 18)),  # Thursday -> Sunday
            ("-CW", date(2026, 1, 15), date(2026, 1, 12)),  # Thursday -> Monday
            ("CW", date(2026, 1, 18), date(2026, 1, 18)),
            ("-CW", date(2026, 1, 12), date(2026, 1, 12)),
            ("CM", date(2026, 1, 15), date(2026, 1, 31)),
            ("CM", date(2024, 2, 3), date(2024, 2, 29)),
            ("-CM", date(2026, 2, 10), date(2026, 2, 1)),
            ("<CQ>", date(2026, 2, 10), date(2026, 3, 31)),
            ("CQ", date(2026, 11, 5), date(2026, 12, 31)),
            ("CQ", date(2026, 4, 1), date(2026, 6, 30)),
            ("-CQ", date(2026, 2, 10), date(2026, 1, 1)),
            ("-CQ", date(2026, 9, 30), date(2026, 7, 1)),
            ("CY", date(2026, 2, 10), date(2026, 12, 31)),
            ("-CY", date(2026, 2, 10), date(2026, 1, 1)),
            ("CM+10D", date(2026, 1, 15), date(2026, 2, 10)),
            ("-CM+1M", date(2026, 1, 15), date(2026, 2, 1)),
            ("-1M-CM", date(2026, 3, 15), date(2026, 2, 1)),
            ("LM+1U", date(2026, 1, 15), date(2026, 2, 7)),
        ],
    )
    def test_it_calculates_like_nav(self, formula: str, base: date, expected: date) -> None:
        assert calc_date(formula, base) == expected

    @pytest.mark.parametrize(
        ("formula", "expected"),
        [
            # The example in NAV's CALCDATE help, reference date 1996-05-21 (a Tuesday).
            ("<CQ+1M-10D>", date(1996, 7, 20)),  # 06-30 + 1M = 07-30: no month-end memory
            ("<-WD2>", date(1996, 5, 14)),  # the base's own Tuesday does not count
            ("<CM+30D>", date(1996, 6, 30)),
        ],
    )
    def test_it_reproduces_the_nav_help_examples(self, formula: str, expected: date) -> None:
        assert calc_date(formula, date(1996, 5, 21)) == expected

    def test_it_applies_terms_left_to_right(self) -> None:
        # From mid-January both orders land on Feb 28 ...
        assert calc_date("CM+1M", date(2026, 1, 15)) == date(2026, 2, 28)
        assert calc_date("1M+CM", date(2026, 1, 15)) == date(2026, 2, 28)
        # ... but CM+1M moves Feb 28 by a month (Mar 28); 1M+CM is the end of next month.
        assert calc_date("CM+1M", date(2026, 2, 15)) == date(2026, 3, 28)
        assert calc_date("1M+CM", date(2026, 2, 15)) == date(2026, 3, 31)

    @pytest.mark.parametrize(
        ("formula", "base", "expected"),
        [
            ("WD1", date(2026, 1, 15), date(2026, 1, 19)),  # Thursday -> next Monday
            ("WD4", date(2026, 1, 15), date(2026, 1, 22)),  # Thursday -> the Thursday after
            ("WD5", date(2026, 1, 15), date(2026, 1, 16)),
            ("WD7", date(2026, 1, 15), date(2026, 1, 18)),
            ("WD2", date(1996, 5, 21), date(1996, 5, 28)),
            ("-WD1", date(2026, 1, 15), date(2026, 1, 12)),
            ("-WD4", date(2026, 1, 15), date(2026, 1, 8)),
            ("-WD5", date(2026, 1, 15), date(2026, 1, 9)),
        ],
    )
    def test_it_moves_to_the_next_or_previous_weekday(
        self, formula: str, base: date, expected: date
    ) -> None:
        assert calc_date(formula, base) == expected

    @pytest.mark.parametrize(
        ("formula", "base", "expected"),
        [
            ("D15", date(2026, 1, 10), date(2026, 1, 15)),
            ("D15", date(2026, 1, 15), date(2026, 2, 15)),
            ("D15", date(2026, 12, 20), date(2027, 1, 15)),
            ("D31", date(2026, 2, 10), date(2026, 2, 28)),  # a short month gives its last day
            ("D31", date(2026, 2, 28), date(2026, 3, 31)),
            ("-D15", date(2026, 1, 20), date(2026, 1, 15)),
            ("-D15", date(2026, 1, 10), date(2025, 12, 15)),
            ("-D31", date(2026, 3, 10), date(2026, 2, 28)),
        ],
    )
    def test_it_moves_to_the_next_or_previous_day_of_month(
        self, formula: str, base: date, expected: date
    ) -> None:
        assert calc_date(formula, base) == expected

    @pytest.mark.parametrize("blank", ["", "  ", "<>"])
    def test_an_empty_formula_returns_the_base_date(self, blank: str) -> None:
        assert calc_date(blank, date(2026, 1, 15)) == date(2026, 1, 15)

    def test_it_accepts_a_parsed_formula(self) -> None:
        assert calc_date(parse("1M+CM"), date(2026, 1, 15)) == date(2026, 2, 28)

    def test_a_parsed_formula_applies_itself(self) -> None:
        assert parse("14D").apply(date(2026, 1, 15)) == date(2026, 1, 29)

    def test_it_raises_when_the_result_leaves_the_calendar(self) -> None:
        with pytest.raises(DateOutOfRange) as raised:
            calc_date("<1D>", date(9999, 12, 31))

        assert str(raised.value) == (
            "'1D' cannot be applied to 9999-12-31: the result is outside the calendar"
        )

    def test_a_huge_number_leaves_the_calendar_too(self) -> None:
        with pytest.raises(DateOutOfRange):
            calc_date("-99999999999999999999Y", date(2026, 1, 1))

    def test_an_invalid_formula_raises_before_calculating(self) -> None:
        with pytest.raises(DateFormulaError):
            calc_date("3X", date(2026, 1, 15))


class DateFormulaPropertyTests:
    @given(days=st.integers(min_value=-20_000, max_value=20_000), base=dates)
    def test_n_days_is_base_plus_n_days(self, days: int, base: date) -> None:
        assert calc_date(f"{days}D", base) == base + timedelta(days=days)

    @given(weeks=st.integers(min_value=0, max_value=2_000), base=dates)
    def test_n_weeks_is_seven_n_days(self, weeks: int, base: date) -> None:
        assert calc_date(f"{weeks}W", base) == calc_date(f"{7 * weeks}D", base)

    @given(base=dates)
    def test_cm_is_the_last_and_minus_cm_the_first_day_of_the_month(self, base: date) -> None:
        last_day = calendar.monthrange(base.year, base.month)[1]

        assert calc_date("CM", base) == base.replace(day=last_day)
        assert calc_date("-CM", base) == base.replace(day=1)

    @given(base=dates)
    def test_1m_plus_cm_is_the_end_of_the_next_month(self, base: date) -> None:
        result = calc_date("1M+CM", base)

        assert result + timedelta(days=1) == calc_date("-CM", result) + timedelta(
            days=calendar.monthrange(result.year, result.month)[1]
        )
        assert (result.year * 12 + result.month) - (base.year * 12 + base.month) == 1

    @given(base=dates, weekday=st.integers(min_value=1, max_value=7))
    def test_wd_lands_on_that_weekday_within_a_week(self, base: date, weekday: int) -> None:
        forward = calc_date(f"WD{weekday}", base)
        backward = calc_date(f"-WD{weekday}", base)

        assert forward.isoweekday() == weekday == backward.isoweekday()
        assert 1 <= (forward - base).days <= 7
        assert 1 <= (base - backward).days <= 7

    @given(
        terms=st.lists(
            st.one_of(
                st.tuples(
                    st.sampled_from(["", "+", "-"]),
                    st.integers(min_value=0, max_value=99).map(str),
                    st.sampled_from(["D", "W", "M", "Q", "Y", "U", "K", "Å", "d", "m"]),
                ).map("".join),
                st.tuples(
                    st.sampled_from(["", "+", "-"]),
                    st.sampled_from(["C", "L", "c"]),
                    st.sampled_from(["D", "W", "M", "Q", "Y", "U", "K", "Å"]),
                ).map("".join),
                st.tuples(
                    st.sampled_from(["", "+", "-"]),
                    st.sampled_from(["WD", "wd"]),
                    st.integers(min_value=1, max_value=7).map(str),
                ).map("".join),
            ),
            min_size=1,
            max_size=4,
        ),
        base=dates,
    )
    def test_the_normalized_text_means_the_same(self, terms: list[str], base: date) -> None:
        # Every term after the first needs its sign.
        text = terms[0] + "".join(term if term[0] in "+-" else "+" + term for term in terms[1:])
        formula = parse(text)

        assert parse(str(formula)) == formula
        assert str(parse(f"<{formula}>")) == str(formula)
        assert calc_date(str(formula), base) == calc_date(text, base)


class ValidateDateFormulaTests:
    @pytest.mark.parametrize("formula", ["", "14D", "<1M+CM>", "LM", "-WD2"])
    def test_it_accepts_valid_formulas(self, formula: str) -> None:
        assert validate_date_formula(formula) is None

    def test_it_raises_a_validation_error_naming_the_problem(self) -> None:
        with pytest.raises(ValidationError) as raised:
            validate_date_formula("3X")

        assert raised.value.code == "invalid_date_formula"
        assert raised.value.messages == [
            "'3X' is not a valid date formula: unknown unit 'X' at position 2"
        ]
