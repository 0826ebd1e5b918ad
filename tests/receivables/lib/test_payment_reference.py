from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649

from receivables.lib.payment_reference import (
    PaymentReferenceError,
    Reference,
    ReferenceKind,
    find_references,
    is_valid_kid,
    is_valid_rf,
    make_kid,
    make_rf,
    mod10_check_digit,
    mod11_check_digit,
    normalize_kid,
    normalize_rf,
)

digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=24)


def kid(value: str) -> Reference:
    return Reference(ReferenceKind.KID, value)


def rf(value: str) -> Reference:
    return Reference(ReferenceKind.RF, value)


class Mod10CheckDigitTests:
    @pytest.mark.parametrize(
        ("body", "check"),
        [
            # Spec 11.1, verified KIDs.
            ("0000012345", "5"),
            ("00000000000000103032", "9"),
            # The textbook Luhn example 79927398713.
            ("7992739871", "3"),
            ("1", "8"),
            ("0", "0"),
            ("000000000", "0"),
            # 5*2 = 10 counts as 1 + 0.
            ("5", "9"),
        ],
    )
    def test_it_computes_the_luhn_digit(self, body: str, check: str) -> None:
        assert mod10_check_digit(body) == check

    @pytest.mark.parametrize("body", ["", "12a4", " 123", "12.3", "١٢٣"])
    def test_it_refuses_anything_but_digits(self, body: str) -> None:
        with pytest.raises(PaymentReferenceError) as raised:
            mod10_check_digit(body)

        assert str(raised.value) == f"'{body}' must contain only digits"


class Mod11CheckDigitTests:
    @pytest.mark.parametrize(
        ("body", "check"),
        [
            # 8601.11.17947 is a valid Norwegian account number (python-stdnum's example).
            ("8601111794", "7"),
            # 6*2 + 5*3 + 4*4 + 3*5 + 2*6 + 1*7 + 3*2 + 2*3 + 5*4 + 1*5 = 108; 108 mod 11 = 9 -> 2.
            ("1503123456", "2"),
            ("00103032", "9"),
            ("11", "6"),
            # Remainder 0: the check is 11, written 0.
            ("0000000000", "0"),
            ("14", "0"),  # 4*2 + 1*3 = 11
        ],
    )
    def test_it_computes_the_weighted_digit(self, body: str, check: str) -> None:
        assert mod11_check_digit(body) == check

    def test_remainder_one_gives_a_dash_in_a_kid(self) -> None:
        # 6*2 = 12, 12 mod 11 = 1, 11 - 1 = 10: no digit.
        assert mod11_check_digit("0000000006") == "-"

    def test_remainder_one_gives_no_check_digit_for_account_numbers(self) -> None:
        assert mod11_check_digit("0000000006", allow_dash=False) is None

    def test_allow_dash_changes_nothing_else(self) -> None:
        assert mod11_check_digit("8601111794", allow_dash=False) == "7"

    def test_it_refuses_anything_but_digits(self) -> None:
        with pytest.raises(PaymentReferenceError) as raised:
            mod11_check_digit("86O1")

        assert str(raised.value) == "'86O1' must contain only digits"


class IsValidKidTests:
    @pytest.mark.parametrize(
        "value",
        [
            "00000123455",  # spec 11.1, MOD10
            "000000000000001030329",  # spec 11.1, MOD10
            "79927398713",  # MOD10
            "18",  # shortest: one digit and its check
            "86011117947",  # MOD11 only: MOD10 would end in 1
            "0000000006-",  # MOD11 with '-' for 10
            "0000000000000000001030329",  # 25 characters
        ],
    )
    def test_it_accepts_a_kid_whose_check_digit_holds(self, value: str) -> None:
        assert is_valid_kid(value)

    @pytest.mark.parametrize(
        "value",
        [
            "00000123456",  # wrong check digit
            "00000123454",
            "1",  # too short
            "",
            "00000000000000000000000000",  # 26 characters
            "0000 0123 455",  # spaces belong to printing, not to the KID
            "00000123455 ",
            "0000012345X",
            "000000000-",  # '-' only where MOD11 gives 10
            "-",
            "0-",
            "١٨",  # Arabic-Indic digits
        ],
    )
    def test_it_refuses_anything_else(self, value: str) -> None:
        assert not is_valid_kid(value)

    def test_a_mod10_only_kid_is_accepted(self) -> None:
        assert mod11_check_digit("7992739871") == "6"
        assert is_valid_kid("79927398713")

    def test_normalize_kid_drops_spaces_and_dots(self) -> None:
        assert normalize_kid(" 0000 0123.455 ") == "00000123455"


class MakeKidTests:
    def test_it_makes_the_spec_example_from_a_document_no(self) -> None:
        assert make_kid(document_no="12345", document_no_length=10) == "00000123455"

    def test_it_makes_the_spec_example_with_length_20(self) -> None:
        assert make_kid(document_no="103032", document_no_length=20) == "000000000000001030329"

    def test_it_defaults_to_document_no_length_10_and_mod10(self) -> None:
        assert make_kid(document_no="12345") == "00000123455"

    def test_it_drops_non_digits_from_the_numbers(self) -> None:
        assert make_kid(document_no="SI-12345") == "00000123455"

    def test_it_puts_the_customer_no_after_the_document_no(self) -> None:
        kid_value = make_kid(
            document_no="12345",
            customer_no="C-42",
            setup="document_no+customer_no",
            customer_no_length=5,
        )

        assert kid_value == "0000012345000421"
        assert is_valid_kid(kid_value)

    def test_it_puts_the_customer_no_before_the_document_no(self) -> None:
        kid_value = make_kid(
            document_no="12345",
            customer_no="C-42",
            setup="customer_no+document_no",
            customer_no_length=5,
        )

        assert kid_value == "0004200000123457"
        assert is_valid_kid(kid_value)

    def test_document_no_setup_ignores_the_customer_no(self) -> None:
        assert make_kid(document_no="12345", customer_no="999") == "00000123455"

    def test_it_makes_a_mod11_kid(self) -> None:
        assert make_kid(document_no="8601111794", algorithm="mod11") == "86011117947"
        assert make_kid(document_no="8601111794", algorithm="mod10") == "86011117941"

    def test_a_mod11_kid_can_end_in_a_dash(self) -> None:
        assert make_kid(document_no="6", algorithm="mod11") == "0000000006-"

    def test_it_allows_exactly_25_digits(self) -> None:
        kid_value = make_kid(
            document_no="1",
            customer_no="1",
            setup="customer_no+document_no",
            document_no_length=20,
            customer_no_length=4,
        )

        assert len(kid_value) == 25
        assert is_valid_kid(kid_value)

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (
                {"document_no": "ABC"},
                "Document No. 'ABC' contains no digits to put in a KID",
            ),
            (
                {"document_no": ""},
                "Document No. '' contains no digits to put in a KID",
            ),
            (
                {"document_no": "12345678901"},
                "Document No. '12345678901' has 11 digits, more than the 10 set for the KID",
            ),
            (
                {"document_no": "1", "customer_no": "C-42", "setup": "document_no+customer_no"},
                "Customer No. 'C-42' has 2 digits, more than the 0 set for the KID",
            ),
            (
                {
                    "document_no": "1",
                    "customer_no": "",
                    "setup": "customer_no+document_no",
                    "customer_no_length": 5,
                },
                "Customer No. '' contains no digits to put in a KID",
            ),
            (
                {
                    "document_no": "1",
                    "customer_no": "1",
                    "setup": "document_no+customer_no",
                    "document_no_length": 20,
                    "customer_no_length": 5,
                },
                "a KID has at most 25 digits; this setup makes 26",
            ),
            (
                {"document_no": "1", "document_no_length": 25},
                "a KID has at most 25 digits; this setup makes 26",
            ),
            (
                {"document_no": "1", "setup": "document_type+document_no"},
                "unknown KID setup 'document_type+document_no'",
            ),
            (
                {"document_no": "1", "algorithm": "mod97"},
                "unknown KID check digit algorithm 'mod97'",
            ),
        ],
    )
    def test_it_refuses_what_cannot_become_a_kid(self, arguments: dict, message: str) -> None:
        with pytest.raises(PaymentReferenceError) as raised:
            make_kid(**arguments)

        assert str(raised.value) == message

    @given(
        document_no=digit_strings,
        customer_no=digit_strings,
        setup=st.sampled_from(["document_no", "document_no+customer_no", "customer_no+document_no"]),
        algorithm=st.sampled_from(["mod10", "mod11"]),
        spare_document_digits=st.integers(min_value=0, max_value=3),
        spare_customer_digits=st.integers(min_value=0, max_value=3),
    )
    def test_what_it_makes_always_validates(
        self,
        document_no: str,
        customer_no: str,
        setup: str,
        algorithm: str,
        spare_document_digits: int,
        spare_customer_digits: int,
    ) -> None:
        document_no_length = len(document_no) + spare_document_digits
        customer_no_length = len(customer_no) + spare_customer_digits
        body_length = document_no_length + (customer_no_length if setup != "document_no" else 0)
        try:
            kid_value = make_kid(
                document_no=document_no,
                customer_no=customer_no,
                setup=setup,
                document_no_length=document_no_length,
                customer_no_length=customer_no_length,
                algorithm=algorithm,
            )
        except PaymentReferenceError as error:
            assert body_length + 1 > 25
            assert str(error) == f"a KID has at most 25 digits; this setup makes {body_length + 1}"
            return

        document_part = document_no.zfill(document_no_length)
        customer_part = customer_no.zfill(customer_no_length)
        expected_body = {
            "document_no": document_part,
            "document_no+customer_no": document_part + customer_part,
            "customer_no+document_no": customer_part + document_part,
        }[setup]
        assert kid_value[:-1] == expected_body
        assert is_valid_kid(kid_value)


class RfReferenceTests:
    @pytest.mark.parametrize(
        "value",
        ["RF18539007547034", "RF18 5390 0754 7034", "rf18 5390 0754 7034", "RF18 5390 0754 70Y"],
    )
    def test_it_accepts_valid_references(self, value: str) -> None:
        assert is_valid_rf(value)

    @pytest.mark.parametrize(
        "value",
        ["RF17 5390 0754 7034", "RF18", "RF", "", "XX18539007547034", "RF185390075470341234567890"],
    )
    def test_it_refuses_invalid_references(self, value: str) -> None:
        assert not is_valid_rf(value)

    def test_it_makes_the_iso_example(self) -> None:
        assert make_rf("539007547034") == "RF18539007547034"

    def test_it_ignores_spaces_and_case_in_the_body(self) -> None:
        assert make_rf("5390 0754 70y") == "RF185390075470Y"

    def test_normalize_rf_removes_spaces_and_upper_cases(self) -> None:
        assert normalize_rf("rf18 5390 0754 7034") == "RF18539007547034"

    @pytest.mark.parametrize("body", ["", "   ", "1234567890123456789012", "12-34", "ÆØÅ"])
    def test_it_refuses_a_body_that_cannot_be_a_reference(self, body: str) -> None:
        with pytest.raises(PaymentReferenceError) as raised:
            make_rf(body)

        assert str(raised.value) == (
            f"'{body}' cannot be an RF reference: it needs 1 to 21 letters or digits"
        )

    @given(body=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21))
    def test_what_it_makes_always_validates(self, body: str) -> None:
        reference = make_rf(body)

        assert is_valid_rf(reference)
        assert iso11649.is_valid(reference)
        assert reference.endswith(body)


class FindReferencesTests:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("KID 00000123455", [kid("00000123455")]),
            ("KID:00000123455", [kid("00000123455")]),
            ("KID00000123455.", [kid("00000123455")]),
            ("kid 0000 0123 455 faktura", [kid("00000123455")]),
            ("KID 0000.0123.455", [kid("00000123455")]),
            ("Betaling 000000000000001030329 takk", [kid("000000000000001030329")]),
            ("KID 00000123455, KID 000000000000001030329", [
                kid("00000123455"),
                kid("000000000000001030329"),
            ]),
            # The same KID twice is reported once.
            ("00000123455 / 00000123455", [kid("00000123455")]),
            # Wrong check digit: not a KID.
            ("KID 00000123456", []),
            # Dates and amounts are not read as KIDs.
            ("Innbetaling 2026-01-15 kr 1 000,50", []),
            ("15/01", []),
            # Digits glued to letters (an IBAN, an invoice no. like SI103032) are not KIDs.
            ("fra NO9386011117947", []),
            ("RF18 5390 0754 7034", [rf("RF18539007547034")]),
            ("ref rf18539007547034 takk", [rf("RF18539007547034")]),
            ("RF18 5390 0754 7034 FAKTURA 12", [rf("RF18539007547034")]),
            ("RF18 5390 0754 70Y betalt", [rf("RF185390075470Y")]),
            # A mistyped RF is no reference, and its digits are not read as a KID.
            ("RF17 5390 0754 7034", []),
            ("RF17 5390 0754 7034 KID 00000123455", [kid("00000123455")]),
            ("RF12 KID 00000123455", [kid("00000123455")]),
            ("RF12 00000123455 0754", [kid("00000123455")]),
            (
                "Ref RF18539007547034, KID 000000000000001030329",
                [rf("RF18539007547034"), kid("000000000000001030329")],
            ),
            (
                "KID 000000000000001030329 RF18 5390 0754 7034",
                [kid("000000000000001030329"), rf("RF18539007547034")],
            ),
            ("", []),
            ("Husleie januar", []),
        ],
    )
    def test_it_finds_checked_references_in_bank_text(
        self, text: str, expected: list[Reference]
    ) -> None:
        assert find_references(text) == expected

    def test_an_rf_references_digits_are_not_read_as_a_kid(self) -> None:
        # 539007547034's own digits do not pass as a KID elsewhere in the text.
        assert [ref.kind for ref in find_references("RF18 5390 0754 7034")] == [ReferenceKind.RF]

    def test_it_offers_every_maximal_reading_of_a_spaced_run(self) -> None:
        # Groups 12345|0000|0123|455: '123450000' and '00000123455' both check and overlap, so
        # both are offered; '0000', '0123455' and '455' check too but lie inside a longer one.
        assert find_references("12345 0000 0123 455") == [
            kid("123450000"),
            kid("00000123455"),
        ]

    def test_it_reads_the_groups_when_the_whole_run_does_not_check(self) -> None:
        assert find_references("00000123455 000000000000001030329") == [
            kid("00000123455"),
            kid("000000000000001030329"),
        ]

    def test_a_references_kind_compares_as_text(self) -> None:
        assert find_references("KID 00000123455")[0].kind == "kid"

    @given(
        document_no=st.text(alphabet="0123456789", min_size=1, max_size=10),
        before=st.sampled_from(["", "KID ", "Betaling KID: ", "Faktura 2026-01-15 KID "]),
        after=st.sampled_from(["", " takk", ". Beløp 1 000,50", ", mvh"]),
    )
    def test_it_finds_every_kid_we_issue(self, document_no: str, before: str, after: str) -> None:
        issued = make_kid(document_no=document_no)

        assert kid(issued) in find_references(f"{before}{issued}{after}")
