"""Text normalization shared by the index and the engine: names, bank accounts, document numbers.

Everything here is deterministic and cheap; the index stores the normalized forms of the open
entries and parties once, and each statement line is normalized the same way.
"""
from __future__ import annotations

import re
import unicodedata

# Legal-form words dropped from names before comparing them (Nordic, German, Dutch, British,
# American, Finnish, French...). Single tokens after punctuation was turned into spaces; "A/S"
# and "I/S" are joined first so that they drop too.
LEGAL_FORMS = frozenset(
    """
    as asa ans da ba sa nuf ks iks sf bl hf ehf ohf sameie
    ab hb kb ek oy oyj ky tmi
    aps is amba smba
    gmbh mbh ag kg ohg ug ev co kgaa
    bv nv vof cv
    ltd limited plc llp llc inc corp corporation company
    sarl sas srl spa sl slu sro se oü ou
    """.split()
)

# Words of payment texts that are never part of a name: they must not pull in candidate parties.
STOPWORDS = frozenset(
    """
    og and und et the of for fra from til to av by i pa på med with
    faktura fakt fakturanr fakturanummer invoice inv inv. rechnung lasku faktnr nr no nummer number
    kid ref referanse reference betaling betalt payment pmt innbetaling utbetaling overforing
    overføring transfer giro nettbank mobilbank vipps kreditnota credit note kunde kundenr
    customer delbetaling rest restbelop avdrag belop beløp sum total mnd month januar februar
    mars april mai juni juli august september oktober november desember
    """.split()
)

_TRANSLITERATE = str.maketrans(
    {
        "æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u", "ß": "ss",
        "é": "e", "è": "e", "ê": "e", "á": "a", "à": "a", "ó": "o", "ò": "o", "ô": "o",
        "í": "i", "ú": "u", "ç": "c", "ñ": "n", "þ": "th", "ð": "d",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SLASH_FORMS = re.compile(r"\b([ai])\s*/\s*s\b")


def fold(text: str) -> str:
    """Lower case, Nordic letters spelled the way banks without them print them ('ø' -> 'o')."""
    text = text.casefold().translate(_TRANSLITERATE)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text


def name_tokens(name: str) -> list[str]:
    """Folded word tokens of a name without legal forms: 'Fjord Handel A/S' -> ['fjord', 'handel']."""
    folded = _SLASH_FORMS.sub(" ", fold(name))
    return [token for token in _NON_ALNUM.sub(" ", folded).split() if token not in LEGAL_FORMS]


def normalize_name(name: str) -> str:
    return " ".join(name_tokens(name))


def text_tokens(text: str) -> list[str]:
    """Word tokens of a payment text for name comparison: folded, without digits or legal forms."""
    return [token for token in name_tokens(text) if token.isalpha()]  # tokens are a-z and 0-9 only


def learned_text_key(text: str, party_name: str = "") -> str:
    """The key a manual application is remembered by (`LearnedHint.text_key`).

    The payer's name when one is given, else the text, without numbers (which change from
    payment to payment); legal forms, case and punctuation do not matter. The engine looks a
    line up under both its text and its payer name, so either may be stored.
    """
    source = party_name if party_name.strip() else text
    return " ".join(text_tokens(source))


def is_specific_text_key(key: str) -> bool:
    """A learned text must say more than 'Betaling' or 'Overforing': one word that is not a
    payment word, of three letters or more."""
    return any(len(token) >= 3 and token not in STOPWORDS for token in key.split())


# --- bank accounts -----------------------------------------------------------------------------

_NOT_ACCOUNT_CHARACTER = re.compile(r"[^A-Z0-9]")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
MIN_ACCOUNT_KEY = 6
IBAN = "iban"
ACCOUNT_NO = "account_no"


def bank_keys(value: str) -> list[tuple[str, str]]:
    """(key, how) pairs for an IBAN or account number, stripped to A-Z/0-9 as NAV does.

    An IBAN gives itself ("iban") and its domestic part, the BBAN ("account_no"), so that a payer
    IBAN NO93 8601 1117 947 finds a customer whose card only has account 8601.11.17947.
    """
    if not value:
        return []
    compact = _NOT_ACCOUNT_CHARACTER.sub("", value.upper())
    if len(compact) < MIN_ACCOUNT_KEY:
        return []
    if _IBAN_SHAPE.match(compact):
        return [(compact, IBAN), (compact[4:], ACCOUNT_NO)]
    return [(compact, ACCOUNT_NO)]


# --- document numbers --------------------------------------------------------------------------

MIN_DOC_KEY = 4  # NAV: a document no. shorter than 4 characters is never searched for
_DOC_STRIP = re.compile(r"[^A-Z0-9]")
_NON_DIGIT = re.compile(r"[^0-9]")
# Dates and amounts in bank text are not document numbers: '2026-01-15', '15.01.26', '1 000,50'.
_DATE_OR_AMOUNT = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"[0-9]{1,4}[-./][0-9]{1,2}[-./][0-9]{1,4}"
    r"|[0-9]{1,3}(?:[ .][0-9]{3})+,[0-9]{2}"
    r"|[0-9]+[.,][0-9]{2}"
    r")(?![0-9A-Za-z])"
)
_RUN = re.compile(r"[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)*")
_PART_SPLIT = re.compile(r"[-_/.]")
_CHUNK = re.compile(r"[A-Za-z]+|[0-9]+")


def doc_key(document_no: str) -> str:
    """'INV-1001' -> 'INV1001'; '' when too short to be searched for."""
    key = document_no.upper()
    if not (key.isalnum() and key.isascii()):
        key = _DOC_STRIP.sub("", key)
    return key if len(key) >= MIN_DOC_KEY else ""


def digits_key(document_no: str) -> str:
    """'INV-1001' -> '1001'; '' when the number has fewer than 4 digits."""
    digits = _NON_DIGIT.sub("", document_no)
    return digits if len(digits) >= MIN_DOC_KEY else ""


def doc_keys_in_text(text: str) -> set[str]:
    """Every string in `text` that could be a document number, as `doc_key` forms.

    Finds numbers glued to words ('Faktura10321' -> '10321'), lists ('10321/10322 og 10330'),
    prefixed numbers written with or without separators ('INV-1001', 'INV 1001', 'inv1001'), and
    the parts of compound numbers ('SI-2026-0042'). Dates and amounts are masked first.
    """
    masked = _DATE_OR_AMOUNT.sub(" ", text)
    keys: set[str] = set()
    previous_letters = ""
    for run_match in _RUN.finditer(masked):
        run = run_match.group().upper()
        keys.add(_DOC_STRIP.sub("", run))
        parts = _PART_SPLIT.split(run)
        for index, part in enumerate(parts):
            keys.add(part)
            chunks = _CHUNK.findall(part)
            if len(chunks) > 1:
                keys.update(chunks)
            if index + 1 < len(parts):
                keys.add(part + parts[index + 1])
                if index + 2 < len(parts):
                    keys.add(part + parts[index + 1] + parts[index + 2])
        # 'INV 1001': a short word followed by a number is also read as one number.
        if previous_letters and run[0].isdigit():
            keys.add(previous_letters + _DOC_STRIP.sub("", run))
        previous_letters = run if run.isalpha() and len(run) <= 5 else ""
    return {key for key in keys if len(key) >= MIN_DOC_KEY}


# --- NAV string nearness (codeunit 1251 Record Match Mgt.) -----------------------------------

NEARNESS_THRESHOLD = 4


def nearness(first: str, second: str, threshold: int = NEARNESS_THRESHOLD) -> int:
    """NAV's CalculateStringNearness with factor 100: 0-100.

    Upper-case both; repeatedly take the longest common substring (the first one in `first` when
    several are equally long) while it has at least `threshold` characters, delete it from both
    and add its length; return 100 x matched DIV length of the shorter string.
    """
    first = first.upper()
    second = second.upper()
    shorter = min(len(first), len(second)) or 1
    total = 0
    while True:
        common = _longest_common_substring(first, second, threshold)
        if not common:
            break
        total += len(common)
        first = first.replace(common, "", 1)
        second = second.replace(common, "", 1)
    return 100 * total // shorter


def _longest_common_substring(first: str, second: str, threshold: int) -> str:
    """Longest substring of `first` found in `second` with >= threshold characters, else ''.

    The earliest in `first` among equally long ones (as NAV). Each start position only asks
    whether a substring longer than the best so far occurs (str `in`, in C), so the work is
    about one search per character of `first` plus the extensions.
    """
    best_start, best_length = -1, threshold - 1
    limit = len(first)
    start = 0
    while start + best_length < limit:
        length = best_length + 1
        if first[start : start + length] in second:
            while start + length < limit and first[start : start + length + 1] in second:
                length += 1
            best_start, best_length = start, length
        start += 1
    return first[best_start : best_start + best_length] if best_start >= 0 else ""
