"""NAV date formulas (`DateFormula`, `CalcDate`) such as `14D`, `1M+CM` or `<-CM>`.

Payment terms, grace periods and reminder levels store a formula and compute due dates from it
(spec 0 and 1.2): ``calc_date("1M+CM", document_date)``. The rules follow NAV's CALCDATE:

* A formula is up to any number of terms, each with an optional sign, read left to right; every
  term is applied to the result of the one before it. Between terms the sign is required here
  (NAV's grammar lets it out, but then ``D11D`` could be ``D1+1D`` or ``D11+D``).
* ``<n><unit>`` moves by n units: D day, W week (7 days), M month, Q quarter (3 months), Y year.
  Months and years clamp to the end of a shorter month (2026-01-31 + 1M = 2026-02-28) and do not
  remember that the start was a month end: NAV's own example ``<CQ+1M-10D>`` from 1996-05-21
  gives 1996-07-20 (06-30 + 1M = 07-30, not 07-31).
* ``C<unit>`` is the current period: its last day, or with ``-`` its first day (``-CM`` = the 1st
  of the month). Weeks run Monday to Sunday. ``CD`` leaves the date alone.
* ``WD<n>`` is the next weekday n (1 = Monday ... 7 = Sunday) and ``D<n>`` the next n-th day of a
  month; with ``-`` the previous one. NAV's example ``<-WD2>`` from Tuesday 1996-05-21 gives
  1996-05-14, so the base date itself never counts; we mirror that forward (Tuesday + ``WD2`` =
  the Tuesday after) [unverified for the forward direction]. ``D31`` in a shorter month lands on
  its last day [unverified].
* Because terms are applied in order, ``CM+1M`` and ``1M+CM`` differ: from 2026-02-15, ``CM+1M``
  is 02-28 + 1M = 2026-03-28 while ``1M+CM`` is 03-15 -> 2026-03-31. Use ``1M+CM`` for "end of
  next month". From 2026-01-15 both give 2026-02-28.
* Case and spaces do not matter, ``<...>`` around the formula is accepted (NAV writes the
  language-independent form that way), and the Norwegian letters a user of the NO client types
  are read too: U (uke) = W, K (kvartal) = Q, Å (år) = Y, L (løpende) = C. ``str()`` gives the
  English form, which is what we store.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NoReturn

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def gettext_noop(message: str) -> str:
    """Mark a message for makemessages (it extracts by this name) without reading settings.

    Django's own gettext_noop looks up USE_I18N, so importing this module would need configured
    settings; date formulas are pure and also run in scripts and plain tests.
    """
    return message


# Messages: English here so the domain error reads the same everywhere (logs, shell, tests);
# validate_date_formula translates them when it shows them to a user.
INVALID_FORMULA = gettext_noop("'%(formula)s' is not a valid date formula: %(problem)s")
OUT_OF_CALENDAR = gettext_noop(
    "'%(formula)s' cannot be applied to %(base)s: the result is outside the calendar"
)
UNKNOWN_UNIT = gettext_noop("unknown unit '%(unit)s' at position %(position)d")
MISSING_UNIT = gettext_noop("missing unit after '%(after)s' at position %(position)d")
MISSING_NUMBER = gettext_noop("missing number after '%(unit)s' at position %(position)d")
NUMBER_BEFORE_UNIT = gettext_noop(
    "'%(unit)s' needs a number before it, as in '1%(unit)s', at position %(position)d"
)
NUMBER_AFTER_UNIT = gettext_noop(
    "'%(unit)s' takes its number after it, as in '%(unit)s1', at position %(position)d"
)
NO_CURRENT_WEEKDAY = gettext_noop(
    "'%(prefix)s' cannot be combined with 'WD' at position %(position)d"
)
WEEKDAY_OUT_OF_RANGE = gettext_noop(
    "weekday must be 1 (Monday) to 7 (Sunday), not %(number)d, at position %(position)d"
)
DAY_OUT_OF_RANGE = gettext_noop(
    "day of the month must be 1 to 31, not %(number)d, at position %(position)d"
)
EXPECTED_SIGN = gettext_noop("expected '+' or '-' before '%(char)s' at position %(position)d")
EXPECTED_TERM = gettext_noop("expected a term after '%(sign)s' at position %(position)d")
UNEXPECTED_CHARACTER = gettext_noop("unexpected '%(char)s' at position %(position)d")
UNCLOSED_BRACKET = gettext_noop("'<' at position %(position)d is never closed with '>'")
UNOPENED_BRACKET = gettext_noop("'>' at position %(position)d has no '<' before it")


class DateFormulaError(ValueError):
    """A formula that does not parse.

    Keeps the problem's template and values apart so the Django validator can translate the
    template before filling it in; ``str()`` is the English message.
    """

    def __init__(self, formula: str, problem: str, **params: object) -> None:
        self.formula = formula
        self.problem = problem
        self.params = params
        super().__init__(INVALID_FORMULA % {"formula": formula, "problem": problem % params})


class DateOutOfRange(ValueError):
    """A valid formula whose result falls outside year 1..9999 for this base date."""

    def __init__(self, formula: DateFormula, base: date) -> None:
        super().__init__(OUT_OF_CALENDAR % {"formula": formula, "base": base.isoformat()})


class Unit(StrEnum):
    DAY = "D"
    WEEKDAY = "WD"
    WEEK = "W"
    MONTH = "M"
    QUARTER = "Q"
    YEAR = "Y"


class TermKind(StrEnum):
    SHIFT = "shift"  # 30D: move by a number of units
    NEXT = "next"  # WD1, D15: on to the next (with '-': the previous) weekday / day of month
    CURRENT = "current"  # CM: to the end (with '-': the start) of the current period


# Letters as typed, upper-cased; Norwegian ones map to the English unit we store.
_UNIT_LETTERS: dict[str, Unit] = {
    "D": Unit.DAY,
    "W": Unit.WEEK,
    "U": Unit.WEEK,  # uke
    "M": Unit.MONTH,
    "Q": Unit.QUARTER,
    "K": Unit.QUARTER,  # kvartal
    "Y": Unit.YEAR,
    "Å": Unit.YEAR,  # år
}
_CURRENT_PREFIXES = frozenset({"C", "L"})  # L = løpende
_DIGITS = frozenset("0123456789")
_MAX_DAY_OF_MONTH = 31


@dataclass(frozen=True, slots=True)
class Term:
    kind: TermKind
    unit: Unit
    number: int = 0
    negative: bool = False

    def __str__(self) -> str:
        """The term in English, without its sign."""
        if self.kind is TermKind.SHIFT:
            return f"{self.number}{self.unit}"
        if self.kind is TermKind.NEXT:
            return f"{self.unit}{self.number}"
        return f"C{self.unit}"

    def apply(self, day: date) -> date:
        if self.kind is TermKind.SHIFT:
            return _shift(day, self.unit, -self.number if self.negative else self.number)
        if self.kind is TermKind.NEXT:
            if self.unit is Unit.WEEKDAY:
                return _next_weekday(day, self.number, backwards=self.negative)
            return _next_day_of_month(day, self.number, backwards=self.negative)
        if self.negative:
            return _period_start(day, self.unit)
        return _period_end(day, self.unit)


@dataclass(frozen=True, slots=True)
class DateFormula:
    terms: tuple[Term, ...] = ()

    def __str__(self) -> str:
        """The normalized English text, e.g. ``1M+CM`` or ``-CM``; empty for no terms."""
        parts = []
        for index, term in enumerate(self.terms):
            sign = "-" if term.negative else ("+" if index else "")
            parts.append(f"{sign}{term}")
        return "".join(parts)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def apply(self, base: date) -> date:
        day = base
        try:
            for term in self.terms:
                day = term.apply(day)
        except (OverflowError, ValueError):
            # date() refuses years outside 1..9999; say which formula did it.
            raise DateOutOfRange(self, base) from None
        return day


def parse(formula: str) -> DateFormula:
    """Parse a NAV date formula; blank text is the empty formula (CalcDate returns the base)."""
    return _Parser(formula).parse()


def calc_date(formula: str | DateFormula, base: date) -> date:
    """NAV's CalcDate: the date `formula` gives from `base`."""
    if isinstance(formula, str):
        formula = parse(formula)
    return formula.apply(base)


def validate_date_formula(value: str) -> None:
    """Django validator for fields that hold a date formula (Due Date Calculation, Grace Period)."""
    try:
        parse(value)
    except DateFormulaError as error:
        # Translate the outer template and the problem separately: the problem text is a
        # parameter of the outer one.
        problem = gettext(error.problem) % error.params
        raise ValidationError(
            gettext(INVALID_FORMULA),
            code="invalid_date_formula",
            params={"formula": value, "problem": problem},
        ) from None


class _Parser:
    """Left-to-right reader over the formula's non-blank characters, positions 1-based."""

    def __init__(self, formula: str) -> None:
        self.formula = formula
        self.chars: list[tuple[str, int]] = []
        self.index = 0

    def parse(self) -> DateFormula:
        self.chars = self._significant_chars()
        terms: list[Term] = []
        while self.index < len(self.chars):
            terms.append(self._term(first=not terms))
        return DateFormula(tuple(terms))

    def _significant_chars(self) -> list[tuple[str, int]]:
        chars = [
            (char.upper(), position)
            for position, char in enumerate(self.formula, start=1)
            if not char.isspace()
        ]
        if chars and chars[0][0] == "<":
            if chars[-1][0] != ">" or len(chars) == 1:
                self._fail(UNCLOSED_BRACKET, position=chars[0][1])
            return chars[1:-1]
        if chars and chars[-1][0] == ">":
            self._fail(UNOPENED_BRACKET, position=chars[-1][1])
        return chars

    def _term(self, *, first: bool) -> Term:
        char, position = self._peek()
        negative = False
        if char in "+-":
            negative = char == "-"
            self.index += 1
            if self.index >= len(self.chars):
                self._fail(EXPECTED_TERM, sign=char, position=self._end_position())
            char, position = self._peek()
        elif not first and _starts_term(char):
            self._fail(EXPECTED_SIGN, char=char, position=position)

        if char in _DIGITS:
            return self._shift_term(negative)
        if char in _CURRENT_PREFIXES:
            return self._current_term(negative)
        if char in _UNIT_LETTERS:
            return self._next_term(negative)
        self._fail(UNEXPECTED_CHARACTER, char=char, position=position)

    def _shift_term(self, negative: bool) -> Term:
        number_text = self._digits()
        if self.index >= len(self.chars):
            self._fail(MISSING_UNIT, after=number_text, position=self._end_position())
        unit, typed, position = self._unit()
        if unit is Unit.WEEKDAY:
            self._fail(NUMBER_AFTER_UNIT, unit=typed, position=position)
        return Term(TermKind.SHIFT, unit, int(number_text), negative)

    def _current_term(self, negative: bool) -> Term:
        prefix, prefix_position = self._peek()
        self.index += 1
        if self.index >= len(self.chars):
            self._fail(MISSING_UNIT, after=prefix, position=self._end_position())
        unit, _, _ = self._unit()
        if unit is Unit.WEEKDAY:
            self._fail(NO_CURRENT_WEEKDAY, prefix=prefix, position=prefix_position)
        return Term(TermKind.CURRENT, unit, 0, negative)

    def _next_term(self, negative: bool) -> Term:
        unit, typed, position = self._unit()
        if unit not in (Unit.DAY, Unit.WEEKDAY):
            self._fail(NUMBER_BEFORE_UNIT, unit=typed, position=position)
        if self.index >= len(self.chars) or self._peek()[0] not in _DIGITS:
            self._fail(MISSING_NUMBER, unit=typed, position=self._current_position())
        number_position = self._peek()[1]
        number = int(self._digits())
        if unit is Unit.WEEKDAY and not 1 <= number <= 7:
            self._fail(WEEKDAY_OUT_OF_RANGE, number=number, position=number_position)
        if unit is Unit.DAY and not 1 <= number <= _MAX_DAY_OF_MONTH:
            self._fail(DAY_OUT_OF_RANGE, number=number, position=number_position)
        return Term(TermKind.NEXT, unit, number, negative)

    def _unit(self) -> tuple[Unit, str, int]:
        """The unit at the cursor, as stored and as typed (for messages), and its position."""
        char, position = self._peek()
        following = self.chars[self.index + 1][0] if self.index + 1 < len(self.chars) else ""
        # WD before W: the two-letter unit wins.
        if char == "W" and following == "D":
            self.index += 2
            return Unit.WEEKDAY, "WD", position
        if char in _UNIT_LETTERS:
            self.index += 1
            return _UNIT_LETTERS[char], char, position
        self._fail(UNKNOWN_UNIT, unit=char, position=position)

    def _digits(self) -> str:
        start = self.index
        while self.index < len(self.chars) and self.chars[self.index][0] in _DIGITS:
            self.index += 1
        return "".join(char for char, _ in self.chars[start : self.index])

    def _peek(self) -> tuple[str, int]:
        return self.chars[self.index]

    def _current_position(self) -> int:
        if self.index < len(self.chars):
            return self.chars[self.index][1]
        return self._end_position()

    def _end_position(self) -> int:
        """Where the next character would be: just after the last significant one."""
        return self.chars[-1][1] + 1 if self.chars else 1

    def _fail(self, problem: str, **params: object) -> NoReturn:
        raise DateFormulaError(self.formula, problem, **params)


def _starts_term(char: str) -> bool:
    return char in _DIGITS or char in _CURRENT_PREFIXES or char in _UNIT_LETTERS


def _shift(day: date, unit: Unit, number: int) -> date:
    if unit is Unit.DAY:
        return day + timedelta(days=number)
    if unit is Unit.WEEK:
        return day + timedelta(weeks=number)
    if unit is Unit.MONTH:
        return day + relativedelta(months=number)
    if unit is Unit.QUARTER:
        return day + relativedelta(months=3 * number)
    return day + relativedelta(years=number)


def _next_weekday(day: date, weekday: int, *, backwards: bool) -> date:
    if backwards:
        return day - timedelta(days=(day.isoweekday() - weekday - 1) % 7 + 1)
    return day + timedelta(days=(weekday - day.isoweekday() - 1) % 7 + 1)


def _next_day_of_month(day: date, number: int, *, backwards: bool) -> date:
    candidate = _day_in_month(day.year, day.month, number)
    if backwards:
        if candidate < day:
            return candidate
        previous = day.replace(day=1) - timedelta(days=1)
        return _day_in_month(previous.year, previous.month, number)
    if candidate > day:
        return candidate
    following = day.replace(day=1) + relativedelta(months=1)
    return _day_in_month(following.year, following.month, number)


def _day_in_month(year: int, month: int, number: int) -> date:
    return date(year, month, min(number, calendar.monthrange(year, month)[1]))


def _period_start(day: date, unit: Unit) -> date:
    if unit is Unit.DAY:
        return day
    if unit is Unit.WEEK:
        return day - timedelta(days=day.isoweekday() - 1)
    if unit is Unit.MONTH:
        return day.replace(day=1)
    if unit is Unit.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _period_end(day: date, unit: Unit) -> date:
    if unit is Unit.DAY:
        return day
    if unit is Unit.WEEK:
        return day + timedelta(days=7 - day.isoweekday())
    if unit is Unit.MONTH:
        return _day_in_month(day.year, day.month, _MAX_DAY_OF_MONTH)
    if unit is Unit.QUARTER:
        return _day_in_month(day.year, (day.month - 1) // 3 * 3 + 3, _MAX_DAY_OF_MONTH)
    return date(day.year, 12, 31)
