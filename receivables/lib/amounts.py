"""Amounts typed by people: one parser for every form, grid and upload field.

The user's language decides what a comma means. In Norwegian it is the decimal
mark (`1 234,50`, `1234,50`, `-12,50`); in English it separates thousands
(`1,234.50`, `1234.50`). What could be read two ways, or is malformed for the
language (`12,5,0`, `1,23,4`, `12,50` in English, `12.50` in Norwegian), is
refused with a message that shows how to type it; it is never reinterpreted.
Django's own localized DecimalField drops every thousand separator it sees, so
`-12,50` typed in English became -1,250.00: that is why this exists.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Spaces people and the browser's own formatting put between thousands.
_SPACES = "\u0020\u00a0\u202f\u2009"
_MINUS = "-\u2212"

# Per language: the decimal mark and the characters that may group thousands.
_DECIMAL_MARK = {"nb": ",", "en": "."}
_GROUPING = {"nb": _SPACES, "en": "," + _SPACES}

NOT_AN_AMOUNT = _("“%(value)s” is not an amount. Type it as %(example)s.")
WRONG_DECIMAL_MARK = _("“%(value)s”: use %(mark)s as the decimal mark, as in %(example)s.")
BAD_GROUPS = _(
    "“%(value)s”: digits between thousand separators come in threes, as in %(example)s; "
    "leave the separators out if unsure."
)
_MARK_NAMES = {",": _("a comma"), ".": _("a point")}


class AmountError(ValueError):
    """An amount that cannot be read unambiguously; `message` says how to type it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def language_of(language: str | None = None) -> str:
    """The parsing rules to use: Norwegian for any Norwegian, English otherwise."""
    code = (language or translation.get_language() or "en").lower()
    return "nb" if code.split("-")[0] in {"nb", "no", "nn"} else "en"


def example(language: str | None = None) -> str:
    """How an amount looks in the language, e.g. `-1 234,50` or `-1,234.50`."""
    with translation.override(language_of(language)):
        return number_format(Decimal("-1234.50"), 2, use_l10n=True, force_grouping=True).replace("\u00a0", " ")


def parse_amount(raw: str | None, *, language: str | None = None) -> Decimal | None:
    """The amount in `raw`, or None when it is blank; AmountError when it cannot be read."""
    text = (raw or "").strip()
    if not text:
        return None
    lang = language_of(language)
    mark, grouping = _DECIMAL_MARK[lang], _GROUPING[lang]
    params = {"value": text, "example": example(lang)}

    sign = ""
    if text[0] in _MINUS + "+":
        sign, text = ("-" if text[0] in _MINUS else ""), text[1:].lstrip(_SPACES)
    if not text or not re.fullmatch(r"[0-9" + re.escape(_SPACES + ".,") + r"]+", text):
        raise AmountError(NOT_AN_AMOUNT % params)

    other_mark = "," if mark == "." else "."
    if other_mark in text and other_mark not in grouping:
        raise AmountError(WRONG_DECIMAL_MARK % {**params, "mark": _MARK_NAMES[mark]})
    if text.count(mark) > 1:
        raise AmountError(NOT_AN_AMOUNT % params)
    whole, _sep, fraction = text.partition(mark)
    if not fraction and _sep or any(ch in fraction for ch in grouping):
        raise AmountError(NOT_AN_AMOUNT % params)
    groups = re.split("[" + re.escape(grouping) + "]", whole)
    if len(groups) > 1:
        separators = set(re.findall("[" + re.escape(grouping) + "]", whole))
        mixed = len(separators) > 1 and not separators <= set(_SPACES)
        if mixed or not (1 <= len(groups[0]) <= 3) or any(len(group) != 3 for group in groups[1:]):
            raise AmountError(BAD_GROUPS % params)
    digits = "".join(groups) or ("0" if fraction else "")
    if not digits:
        raise AmountError(NOT_AN_AMOUNT % params)
    try:
        return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")
    except InvalidOperation:  # pragma: no cover - the pattern above admits only digits here
        raise AmountError(NOT_AN_AMOUNT % params) from None


class AmountField(forms.DecimalField):
    """A DecimalField that reads what the user typed with `parse_amount`.

    Shown localized (`1 234,50` in Norwegian) in a text box, so what the form
    shows is always what it reads back.
    """

    def __init__(self, *, max_digits: int = 20, decimal_places: int = 2, **kwargs) -> None:
        kwargs.setdefault("localize", True)
        attrs = {"inputmode": "decimal", "autocomplete": "off", "class": "num"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            amount = parse_amount(str(value))
        except AmountError as error:
            raise ValidationError(error.message, code="invalid") from None
        return amount


def amount_or_error(raw: str | None) -> tuple[Decimal | None, str]:
    """For grids that read cells outside a form: (amount, "") or (None, the message)."""
    try:
        return parse_amount(raw), ""
    except AmountError as error:
        return None, error.message

