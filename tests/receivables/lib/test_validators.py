from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN

from receivables.lib.payment_reference import mod11_check_digit
from receivables.lib.validators import (
    normalize_account_no,
    normalize_iban,
    validate_date_formula,
    validate_iban,
    validate_norwegian_account_no,
    validate_org_no,
)

if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
    # Lets this file run with `-p no:django` too: the validators only need gettext.
    settings.configure(USE_I18N=False)


def error_of(validator, value: str) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        validator(value)
    return raised.value


class NormalizeTests:
    @pytest.mark.parametrize(
        ("value", "normalized"),
        [
            ("no93 8601 1117 947", "NO9386011117947"),
            ("NO9386011117947", "NO9386011117947"),
            (" GB82 WEST 1234 5698 7654 32\n", "GB82WEST12345698765432"),
            ("", ""),
        ],
    )
    def test_normalize_iban_upper_cases_and_drops_spaces(self, value: str, normalized: str) -> None:
        assert normalize_iban(value) == normalized

    @pytest.mark.parametrize(
        ("value", "normalized"),
        [
            ("8601.11.17947", "86011117947"),
            ("8601 11 17947", "86011117947"),
            ("86011117947", "86011117947"),
            ("8601-11-17947", "86011117947"),
            ("", ""),
        ],
    )
    def test_normalize_account_no_keeps_only_digits(self, value: str, normalized: str) -> None:
        assert normalize_account_no(value) == normalized


class ValidateIbanTests:
    @pytest.mark.parametrize(
        "value",
        [
            "NO9386011117947",
            "no93 8601 1117 947",
            "NO93 8601 1117 947",
            "DE89370400440532013000",
            "GB82WEST12345698765432",
            "FR1420041010050500013M02606",
            "SE4550000000058398257466",
        ],
    )
    def test_it_accepts_valid_ibans(self, value: str) -> None:
        assert validate_iban(value) is None

    def test_it_asks_for_a_value_when_empty(self) -> None:
        error = error_of(validate_iban, "  ")

        assert error.code == "iban_empty"
        assert error.messages == ["Enter an IBAN."]

    @pytest.mark.parametrize(
        ("value", "code", "message"),
        [
            (
                "NO93-8601-1117947",
                "iban_characters",
                "'NO93-8601-1117947' is not a valid IBAN: "
                "it may contain only letters, digits and spaces.",
            ),
            (
                "12345",
                "iban_start",
                "'12345' is not a valid IBAN: "
                "it must start with a country code and two check digits, as in 'NO93'.",
            ),
            (
                "N",
                "iban_start",
                "'N' is not a valid IBAN: "
                "it must start with a country code and two check digits, as in 'NO93'.",
            ),
            (
                "XX9386011117947",
                "iban_country",
                "'XX9386011117947' is not a valid IBAN: unknown country code 'XX'.",
            ),
            (
                "NO938601111794",
                "iban_length",
                "'NO938601111794' is not a valid IBAN: "
                "an IBAN from NO has 15 characters, not 14.",
            ),
            (
                "NO93 8601 1117 9470",
                "iban_length",
                "'NO93 8601 1117 9470' is not a valid IBAN: "
                "an IBAN from NO has 15 characters, not 16.",
            ),
            (
                "NO9486011117947",
                "iban_check_digits",
                "'NO9486011117947' is not a valid IBAN: the check digits '94' do not match.",
            ),
            (
                "NO93860111179A7",
                "iban_structure",
                "'NO93860111179A7' is not a valid IBAN: "
                "the account part does not have the format used in NO.",
            ),
        ],
    )
    def test_it_names_the_problem(self, value: str, code: str, message: str) -> None:
        error = error_of(validate_iban, value)

        assert error.code == code
        assert error.messages == [message]

    def test_it_checks_the_norwegian_account_number_inside(self) -> None:
        # Right IBAN check digits around an account number whose MOD11 digit is wrong.
        value = str(IBAN.from_bban("NO", "86011117948", allow_invalid=True))
        assert value == "NO6686011117948"

        error = error_of(validate_iban, value)

        assert error.code == "iban_national_check_digit"
        assert error.messages == [
            "'NO6686011117948' is not a valid IBAN: "
            "the account number inside it fails its national check digit."
        ]


class ValidateNorwegianAccountNoTests:
    @pytest.mark.parametrize(
        "value",
        ["86011117947", "8601.11.17947", "8601 11 17947", " 8601.11.17947 ", "1503.12.34562"],
    )
    def test_it_accepts_valid_account_numbers(self, value: str) -> None:
        assert validate_norwegian_account_no(value) is None

    @pytest.mark.parametrize(
        ("value", "code", "message"),
        [
            (
                "1503.12.34567",
                "account_no_check_digit",
                "'1503.12.34567' is not a valid Norwegian account number: "
                "the check digit (MOD11) does not match.",
            ),
            (
                "86011117948",
                "account_no_check_digit",
                "'86011117948' is not a valid Norwegian account number: "
                "the check digit (MOD11) does not match.",
            ),
            (
                # The body's MOD11 check would be 10: no such account number exists.
                "00000000060",
                "account_no_check_digit",
                "'00000000060' is not a valid Norwegian account number: "
                "the check digit (MOD11) does not match.",
            ),
            (
                "8601-11-17947",
                "account_no_characters",
                "'8601-11-17947' is not a valid Norwegian account number: "
                "it may contain only digits, dots and spaces.",
            ),
            (
                "NO9386011117947",
                "account_no_characters",
                "'NO9386011117947' is not a valid Norwegian account number: "
                "it may contain only digits, dots and spaces.",
            ),
            (
                "8601.11.1794",
                "account_no_length",
                "'8601.11.1794' is not a valid Norwegian account number: "
                "it has 10 digits, not 11.",
            ),
            (
                "860111179470",
                "account_no_length",
                "'860111179470' is not a valid Norwegian account number: "
                "it has 12 digits, not 11.",
            ),
            (
                "",
                "account_no_length",
                "'' is not a valid Norwegian account number: it has 0 digits, not 11.",
            ),
        ],
    )
    def test_it_names_the_problem(self, value: str, code: str, message: str) -> None:
        error = error_of(validate_norwegian_account_no, value)

        assert error.code == code
        assert error.messages == [message]

    @given(body=st.text(alphabet="0123456789", min_size=10, max_size=10))
    def test_a_body_with_its_mod11_digit_validates_and_any_other_digit_does_not(
        self, body: str
    ) -> None:
        check = mod11_check_digit(body, allow_dash=False)
        for digit in "0123456789":
            if digit == check:
                assert validate_norwegian_account_no(body + digit) is None
            else:
                with pytest.raises(ValidationError):
                    validate_norwegian_account_no(body + digit)


class ValidateOrgNoTests:
    @pytest.mark.parametrize("value", ["923609016", "923 609 016", "988077917", "988 077 917"])
    def test_it_accepts_valid_organisation_numbers(self, value: str) -> None:
        assert validate_org_no(value) is None

    @pytest.mark.parametrize(
        ("value", "code", "message"),
        [
            (
                "923609017",
                "org_no_check_digit",
                "'923609017' is not a valid organisation number: "
                "the check digit (MOD11) does not match.",
            ),
            (
                "988 077 918",
                "org_no_check_digit",
                "'988 077 918' is not a valid organisation number: "
                "the check digit (MOD11) does not match.",
            ),
            (
                "92360901",
                "org_no_length",
                "'92360901' is not a valid organisation number: it has 8 digits, not 9.",
            ),
            (
                "",
                "org_no_length",
                "'' is not a valid organisation number: it has 0 digits, not 9.",
            ),
            (
                "923-609-016",
                "org_no_characters",
                "'923-609-016' is not a valid organisation number: "
                "it may contain only digits and spaces.",
            ),
            (
                "NO 923 609 016 MVA",
                "org_no_characters",
                "'NO 923 609 016 MVA' is not a valid organisation number: "
                "it may contain only digits and spaces.",
            ),
        ],
    )
    def test_it_names_the_problem(self, value: str, code: str, message: str) -> None:
        error = error_of(validate_org_no, value)

        assert error.code == code
        assert error.messages == [message]


class ValidateDateFormulaReexportTests:
    def test_it_is_available_with_the_other_master_data_validators(self) -> None:
        error = error_of(validate_date_formula, "3X")

        assert error.code == "invalid_date_formula"
        assert error.messages == ["'3X' is not a valid date formula: unknown unit 'X' at position 2"]
