"""Django validators for master data: IBAN, Norwegian bank account number, organisation number.

Each validator names what is wrong (length, characters, check digits) so a clerk can fix the
typo without guessing; the normalize_* helpers give the form we store and compare on (payment
matching compares a statement's counterparty account with the customer's bank accounts).
"""
from __future__ import annotations

import re
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from stdnum.no import orgnr

from receivables.lib.dateformula import validate_date_formula
from receivables.lib.payment_reference import mod11_check_digit

IBAN_EMPTY = _("Enter an IBAN.")
IBAN_INVALID_CHARACTERS = _(
    "'%(value)s' is not a valid IBAN: it may contain only letters, digits and spaces."
)
IBAN_BAD_START = _(
    "'%(value)s' is not a valid IBAN: it must start with a country code and two check digits, "
    "as in 'NO93'."
)
IBAN_UNKNOWN_COUNTRY = _("'%(value)s' is not a valid IBAN: unknown country code '%(country)s'.")
IBAN_WRONG_LENGTH = _(
    "'%(value)s' is not a valid IBAN: an IBAN from %(country)s has %(expected)d characters, "
    "not %(length)d."
)
IBAN_INVALID_STRUCTURE = _(
    "'%(value)s' is not a valid IBAN: the account part does not have the format used in "
    "%(country)s."
)
IBAN_WRONG_CHECK_DIGITS = _(
    "'%(value)s' is not a valid IBAN: the check digits '%(check_digits)s' do not match."
)
IBAN_WRONG_NATIONAL_CHECK_DIGIT = _(
    "'%(value)s' is not a valid IBAN: the account number inside it fails its national check digit."
)
ACCOUNT_NO_INVALID_CHARACTERS = _(
    "'%(value)s' is not a valid Norwegian account number: it may contain only digits, dots and "
    "spaces."
)
ACCOUNT_NO_WRONG_LENGTH = _(
    "'%(value)s' is not a valid Norwegian account number: it has %(length)d digits, not 11."
)
ACCOUNT_NO_WRONG_CHECK_DIGIT = _(
    "'%(value)s' is not a valid Norwegian account number: the check digit (MOD11) does not match."
)
ORG_NO_INVALID_CHARACTERS = _(
    "'%(value)s' is not a valid organisation number: it may contain only digits and spaces."
)
ORG_NO_WRONG_LENGTH = _(
    "'%(value)s' is not a valid organisation number: it has %(length)d digits, not 9."
)
ORG_NO_WRONG_CHECK_DIGIT = _(
    "'%(value)s' is not a valid organisation number: the check digit (MOD11) does not match."
)

ACCOUNT_NO_LENGTH = 11
ORG_NO_LENGTH = 9
_IBAN_CHARACTERS = re.compile(r"[A-Z0-9]*")
_IBAN_START = re.compile(r"[A-Z]{2}[0-9]{2}")
_ACCOUNT_NO_CHARACTERS = re.compile(r"[0-9. ]*")
_ORG_NO_CHARACTERS = re.compile(r"[0-9 ]*")


def normalize_iban(value: str) -> str:
    """Upper case without spaces: 'no93 8601 1117 947' -> 'NO9386011117947'."""
    return re.sub(r"\s", "", value).upper()


def normalize_account_no(value: str) -> str:
    """Digits only: '8601.11.17947' -> '86011117947'."""
    return re.sub(r"[^0-9]", "", value)


def validate_iban(value: str) -> None:
    iban = normalize_iban(value)
    params = {"value": value, "country": iban[:2], "length": len(iban)}
    if not iban:
        raise ValidationError(IBAN_EMPTY, code="iban_empty")
    if not _IBAN_CHARACTERS.fullmatch(iban):
        raise ValidationError(IBAN_INVALID_CHARACTERS, code="iban_characters", params=params)
    if not _IBAN_START.match(iban):
        raise ValidationError(IBAN_BAD_START, code="iban_start", params=params)
    try:
        # Countries without a registered national check-digit algorithm are accepted as they are;
        # schwifty says so with a warning, which is no news to us.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", iban_errors.NationalChecksumNotVerified)
            IBAN(iban, validate_bban=True)
    except iban_errors.InvalidCountryCode:
        raise ValidationError(IBAN_UNKNOWN_COUNTRY, code="iban_country", params=params) from None
    except iban_errors.InvalidLength:
        expected = IBAN(iban, allow_invalid=True).spec.iban_length
        raise ValidationError(
            IBAN_WRONG_LENGTH, code="iban_length", params={**params, "expected": expected}
        ) from None
    except iban_errors.InvalidChecksumDigits:
        raise ValidationError(
            IBAN_WRONG_CHECK_DIGITS,
            code="iban_check_digits",
            params={**params, "check_digits": iban[2:4]},
        ) from None
    except iban_errors.InvalidBBANChecksum:
        raise ValidationError(
            IBAN_WRONG_NATIONAL_CHECK_DIGIT, code="iban_national_check_digit", params=params
        ) from None
    except iban_errors.SchwiftyException:
        # InvalidStructure and the bank/branch/account code errors: the BBAN's shape is wrong.
        raise ValidationError(
            IBAN_INVALID_STRUCTURE, code="iban_structure", params=params
        ) from None


def validate_norwegian_account_no(value: str) -> None:
    """11 digits, dots and spaces allowed ('8601.11.17947'), MOD11 check digit last."""
    if not _ACCOUNT_NO_CHARACTERS.fullmatch(value):
        raise ValidationError(
            ACCOUNT_NO_INVALID_CHARACTERS, code="account_no_characters", params={"value": value}
        )
    digits = normalize_account_no(value)
    if len(digits) != ACCOUNT_NO_LENGTH:
        raise ValidationError(
            ACCOUNT_NO_WRONG_LENGTH,
            code="account_no_length",
            params={"value": value, "length": len(digits)},
        )
    # A body whose MOD11 check would be 10 is never issued as an account number: None never
    # matches the last digit.
    if mod11_check_digit(digits[:-1], allow_dash=False) != digits[-1]:
        raise ValidationError(
            ACCOUNT_NO_WRONG_CHECK_DIGIT, code="account_no_check_digit", params={"value": value}
        )


def validate_org_no(value: str) -> None:
    """Norwegian organisasjonsnummer: 9 digits ('923 609 016'), MOD11 check digit last."""
    if not _ORG_NO_CHARACTERS.fullmatch(value):
        raise ValidationError(
            ORG_NO_INVALID_CHARACTERS, code="org_no_characters", params={"value": value}
        )
    digits = normalize_account_no(value)
    if len(digits) != ORG_NO_LENGTH:
        raise ValidationError(
            ORG_NO_WRONG_LENGTH,
            code="org_no_length",
            params={"value": value, "length": len(digits)},
        )
    if not orgnr.is_valid(digits):
        raise ValidationError(
            ORG_NO_WRONG_CHECK_DIGIT, code="org_no_check_digit", params={"value": value}
        )


__all__ = [
    "normalize_account_no",
    "normalize_iban",
    "validate_date_formula",
    "validate_iban",
    "validate_norwegian_account_no",
    "validate_org_no",
]
