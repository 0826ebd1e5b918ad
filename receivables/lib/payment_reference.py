"""Structured payment references: Norwegian KID and ISO 11649 RF creditor references (spec 11.1).

A KID is 2-25 digits whose last character is a check digit, MOD10 (Luhn) or, by agreement with
the bank, MOD11. The bank refuses a payment whose KID does not check, so a KID found in a
statement line identifies the invoice exactly; `find_references` pulls candidates out of free
bank text for payment matching.

MOD11 and the '-': the weighted sum (weights 2, 3, 4, 5, 6, 7 repeating from the right) leaves a
remainder r mod 11 and the check digit is 11 - r. r = 0 gives 11, written '0'; r = 1 gives 10,
which is no digit: KID writes it as '-' (the Nets/BBS rule), while Norwegian bank account numbers
simply never use such a body, which is why `mod11_check_digit` can return None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

# Messages: the numbers are typed in setup screens, so each names the value and the problem.
NOT_DIGITS = "'%(value)s' must contain only digits"
NUMBER_HAS_NO_DIGITS = "%(field)s '%(value)s' contains no digits to put in a KID"
NUMBER_TOO_LONG = (
    "%(field)s '%(value)s' has %(digits)d digits, more than the %(length)d set for the KID"
)
KID_TOO_LONG = "a KID has at most 25 digits; this setup makes %(digits)d"
UNKNOWN_KID_SETUP = "unknown KID setup '%(setup)s'"
UNKNOWN_ALGORITHM = "unknown KID check digit algorithm '%(algorithm)s'"
RF_BODY_INVALID = (
    "'%(body)s' cannot be an RF reference: it needs 1 to 21 letters or digits"
)

KID_MIN_LENGTH = 2
KID_MAX_LENGTH = 25
RF_MAX_BODY_LENGTH = 21
MOD11_TEN = "-"


class PaymentReferenceError(ValueError):
    """A KID or RF reference that cannot be built from the numbers given."""


class KidSetup(StrEnum):
    """NAV NO Sales & Receivables Setup, field KID Setup (the options we support)."""

    DOCUMENT_NO = "document_no"
    DOCUMENT_NO_CUSTOMER_NO = "document_no+customer_no"
    CUSTOMER_NO_DOCUMENT_NO = "customer_no+document_no"


class CheckDigitAlgorithm(StrEnum):
    MOD10 = "mod10"
    MOD11 = "mod11"


class ReferenceKind(StrEnum):
    KID = "kid"
    RF = "rf"


@dataclass(frozen=True, slots=True)
class Reference:
    kind: ReferenceKind
    value: str  # normalized: KID digits only; RF upper-case without spaces


def mod10_check_digit(body: str) -> str:
    """Luhn check digit: weights 2, 1, 2, 1 ... from the right, digits of products summed."""
    _require_digits(body)
    total = 0
    for index, char in enumerate(reversed(body)):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def mod11_check_digit(body: str, *, allow_dash: bool = True) -> str | None:
    """Norwegian MOD11 check digit: weights 2..7 from the right, 11 - (sum mod 11).

    Remainder 0 gives '0'. Remainder 1 gives 10, written '-' in a KID; with
    ``allow_dash=False`` (bank account numbers) there is no check digit for such a body: None.
    """
    check = _mod11_kid_check(body)
    if check == MOD11_TEN and not allow_dash:
        return None
    return check


def is_valid_kid(kid: str) -> bool:
    """2-25 characters, digits with a valid MOD10 or MOD11 last character ('-' only for MOD11).

    Takes the KID as stored, without spaces; `normalize_kid` strips what people type around it.
    """
    if not KID_MIN_LENGTH <= len(kid) <= KID_MAX_LENGTH:
        return False
    body, check = kid[:-1], kid[-1]
    if not _is_digits(body) or not (_is_digits(check) or check == MOD11_TEN):
        return False
    return check in (mod10_check_digit(body), mod11_check_digit(body))


def normalize_kid(value: str) -> str:
    """Drop the spaces and dots people and banks print inside a KID ('0000 0123 455')."""
    return re.sub(r"[\s.]", "", value)


def make_kid(
    *,
    document_no: str,
    customer_no: str = "",
    setup: str = KidSetup.DOCUMENT_NO,
    document_no_length: int = 10,
    customer_no_length: int = 0,
    algorithm: str = CheckDigitAlgorithm.MOD10,
) -> str:
    """Build the KID printed on an invoice, as NAV NO does from KID Setup and the lengths.

    Non-digits are dropped from the numbers ('SI-103032' -> '103032') and each is zero-padded on
    the left to its length; the check digit goes last. A MOD11 KID can end in '-'.
    """
    try:
        setup = KidSetup(setup)
    except ValueError:
        raise PaymentReferenceError(UNKNOWN_KID_SETUP % {"setup": setup}) from None
    try:
        algorithm = CheckDigitAlgorithm(algorithm)
    except ValueError:
        raise PaymentReferenceError(UNKNOWN_ALGORITHM % {"algorithm": algorithm}) from None

    document_part = _padded("Document No.", document_no, document_no_length)
    if setup is KidSetup.DOCUMENT_NO:
        body = document_part
    else:
        customer_part = _padded("Customer No.", customer_no, customer_no_length)
        if setup is KidSetup.DOCUMENT_NO_CUSTOMER_NO:
            body = document_part + customer_part
        else:
            body = customer_part + document_part

    if len(body) + 1 > KID_MAX_LENGTH:
        raise PaymentReferenceError(KID_TOO_LONG % {"digits": len(body) + 1})
    if algorithm is CheckDigitAlgorithm.MOD10:
        return body + mod10_check_digit(body)
    return body + _mod11_kid_check(body)


def is_valid_rf(reference: str) -> bool:
    """ISO 11649 creditor reference ('RF18 5390 0754 7034'); spaces and case do not matter."""
    return iso11649.is_valid(reference)


def normalize_rf(reference: str) -> str:
    return iso11649.compact(reference)


def make_rf(body: str) -> str:
    """The RF reference for `body` (1-21 letters or digits), compact: 'RF18539007547034'."""
    compact = re.sub(r"\s", "", body).upper()
    if not (1 <= len(compact) <= RF_MAX_BODY_LENGTH and compact.isascii() and compact.isalnum()):
        raise PaymentReferenceError(RF_BODY_INVALID % {"body": body})
    # ISO 11649 check digits are the ISO 7064 MOD 97-10 digits of body + 'RF' (the prefix is
    # moved to the end before checking, as for an IBAN).
    return "RF" + mod_97_10.calc_check_digits(compact + "RF") + compact


# RF: 'RF' and two check digits, then the body, printed compact or in groups of four.
_RF_START = re.compile(r"(?<![0-9A-Za-z])RF[0-9]{2}", re.IGNORECASE)
_RF_CHUNK = re.compile(r"[ ]?([0-9A-Za-z]+)")
# KID: digits in groups separated by one space or dot ('0000 0123 455', '1234.56.78903'), not
# glued to letters (an IBAN in the same text is not a KID) and not part of a date or an amount
# ('2026-01-15', '15/01', '1 000,50').
_DIGIT_RUN = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][,\-/])[0-9]+(?:[ .][0-9]+)*(?![0-9A-Za-z])(?![,.\-/][0-9])"
)
_KID_LABEL_GLUED = re.compile(r"(?<![0-9A-Za-z])(KID)(?=[0-9])", re.IGNORECASE)


def find_references(text: str) -> list[Reference]:
    """KID and RF references in free bank text, in order of appearance, each once.

    RF references count only when their check digits hold. KID candidates come from runs of
    digit groups ('0000 0123 455'): every join of neighbouring groups with 2-25 digits whose
    check digit holds, unless it lies inside a longer one that does. About one random number in
    five passes a MOD10 or MOD11 check, so a KID candidate is only a hint until it matches a KID
    we issued.
    """
    found: list[tuple[int, Reference]] = []  # (position in text, reference)
    rf_spans: list[tuple[int, int]] = []
    for start, end, value in _rf_candidates(text):
        if value is not None:
            found.append((start, Reference(ReferenceKind.RF, value)))
        rf_spans.append((start, end))

    masked = _mask(text, rf_spans)
    # 'KID00000123455' is common in bank text; keep the label from hiding the digits.
    masked = _KID_LABEL_GLUED.sub(lambda match: " " * len(match.group(1)), masked)
    for run in _DIGIT_RUN.finditer(masked):
        groups = re.split(r"[ .]", run.group())
        for first_group, kid in _kids_in_groups(groups):
            # Each separator is one character.
            position = run.start() + sum(len(group) + 1 for group in groups[:first_group])
            found.append((position, Reference(ReferenceKind.KID, kid)))

    unique: list[Reference] = []
    for _, reference in sorted(found, key=lambda item: item[0]):
        if reference not in unique:
            unique.append(reference)
    return unique


def _rf_candidates(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, value) of each RF-looking text; value None when no reading checks.

    The value is the longest body that checks. A failed one is still reported (without value)
    so its digits are not taken for a KID: 'RF17 5390 0754 7034' is a mistyped RF, not a KID.
    """
    candidates: list[tuple[int, int, str | None]] = []
    position = 0
    while match := _RF_START.search(text, position):
        prefix = match.group().upper()
        best: tuple[int, str] | None = None
        printed_end = match.end()  # where the groups printed like an RF body end
        body = ""
        cursor = match.end()
        # The first chunk may follow 'RF18' directly ('RF18539007547034') or after one space;
        # every later one follows one space.
        while chunk := _RF_CHUNK.match(text, cursor):
            spaced = chunk.group().startswith(" ")
            body += chunk.group(1).upper()
            if len(body) > RF_MAX_BODY_LENGTH:
                break
            cursor = chunk.end()
            # Printed RF bodies come in groups of four; a longer spaced chunk is other text.
            if printed_end == chunk.start() and (not spaced or len(chunk.group(1)) <= 4):
                printed_end = cursor
            if iso11649.is_valid(prefix + body):
                best = (cursor, prefix + body)
        if best is None:
            candidates.append((match.start(), printed_end, None))
            position = printed_end
        else:
            candidates.append((match.start(), best[0], best[1]))
            position = best[0]
    return candidates


def _kids_in_groups(groups: list[str]) -> list[tuple[int, str]]:
    """(first group, KID) for the maximal joins of neighbouring groups that pass the check.

    'Maximal': a reading inside a longer valid reading is dropped ('0000' inside
    '0000 0123 455'), but overlapping readings are both kept, since either may be the KID.
    """
    valid: list[tuple[int, int, str]] = []
    for start in range(len(groups)):
        candidate = ""
        for stop in range(start + 1, len(groups) + 1):
            candidate += groups[stop - 1]
            if len(candidate) > KID_MAX_LENGTH:
                break
            if is_valid_kid(candidate):
                valid.append((start, stop, candidate))
    return [
        (start, value)
        for start, stop, value in valid
        if not any(
            (outer_start, outer_stop) != (start, stop) and outer_start <= start < stop <= outer_stop
            for outer_start, outer_stop, _ in valid
        )
    ]


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans (same length, so later positions stay put)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _padded(field: str, number: str, length: int) -> str:
    digits = re.sub(r"[^0-9]", "", number)
    if not digits:
        raise PaymentReferenceError(NUMBER_HAS_NO_DIGITS % {"field": field, "value": number})
    if len(digits) > length:
        raise PaymentReferenceError(
            NUMBER_TOO_LONG
            % {"field": field, "value": number, "digits": len(digits), "length": length}
        )
    return digits.zfill(length)


def _mod11_kid_check(body: str) -> str:
    _require_digits(body)
    total = sum(int(char) * (index % 6 + 2) for index, char in enumerate(reversed(body)))
    check = (11 - total % 11) % 11
    return MOD11_TEN if check == 10 else str(check)


def _is_digits(value: str) -> bool:
    # str.isdigit() also accepts '²' and other non-ASCII digits.
    return value.isascii() and value.isdigit()


def _require_digits(body: str) -> None:
    if not body or not _is_digits(body):
        raise PaymentReferenceError(NOT_DIGITS % {"value": body})

