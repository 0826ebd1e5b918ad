"""Properties of Apply Automatically on random small statements (hypothesis, no database).

Whatever the statement: no open entry is claimed beyond its remaining amount, a line never
applies more than its amount nor to entries of another account or sign, a discount is taken
only in time and on a fully settled entry, every High decision names identity evidence, and
the result does not depend on chance (same input, same decisions; conflicts are mutual).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banking.matching import (
    MatchInputs,
    MatchSettings,
    OpenEntry,
    Party,
    StatementLine,
    match_statement,
    nearness,
)
from receivables.lib.payment_reference import make_kid

START = date(2026, 1, 1)
NAMES = ["Fjord Handel AS", "Fjord Handel Bergen AS", "Nordlys AS", "Nordlys AS", "Berg Bygg ANS", "Vik Data"]
AMOUNTS = ["100.00", "250.00", "1000.00", "333.33", "1250.00", "980.00"]
IDENTITY = {"kid", "rf", "doc_no_in_text", "ext_doc_no_in_text", "iban", "account_no", "learned"}
AMOUNT_EVIDENCE = {"amount_exact", "amount_with_discount", "amount_within_tolerance", "amount_sum_of_entries"}
PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def companies(draw):
    customers = draw(st.integers(1, 4))
    vendors = draw(st.integers(0, 2))
    parties = []
    ibans = {}
    for number in range(customers + vendors):
        kind = "customer" if number < customers else "vendor"
        no = f"{'C' if kind == 'customer' else 'V'}{number + 1}"
        iban = f"NO93860111179{number:02d}"
        ibans[(kind, no)] = iban
        on_card = draw(st.booleans())
        parties.append(Party(kind, no, draw(st.sampled_from(NAMES)), ibans=(iban,) if on_card else ()))
    entries = []
    for entry_no in range(1, draw(st.integers(1, 10)) + 1):
        party = draw(st.sampled_from(parties))
        amount = Decimal(draw(st.sampled_from(AMOUNTS)))
        credit = draw(st.integers(0, 5)) == 0
        # NAV signs: customer invoice +, credit memo -; vendor invoice -, credit memo +.
        sign = (1 if party.kind == "customer" else -1) * (-1 if credit else 1)
        document_no = f"{10000 + entry_no}"
        discount = draw(st.booleans()) and not credit
        posting = START + timedelta(days=draw(st.integers(0, 10)))
        entries.append(OpenEntry(
            entry_no, party.kind, party.no, "credit_memo" if credit else "invoice", document_no,
            external_document_no=draw(st.sampled_from(["", f"EXT-{entry_no}"])),
            payment_reference=make_kid(document_no=document_no) if draw(st.booleans()) else "",
            posting_date=posting, due_date=posting + timedelta(days=30),
            remaining_amount=sign * amount,
            remaining_pmt_disc_possible=(
                sign * (amount * 2 / 100).quantize(Decimal("0.01")) if discount else Decimal("0")
            ),
            pmt_discount_date=posting + timedelta(days=8) if discount else None,
            pmt_disc_tolerance_date=posting + timedelta(days=13) if discount else None,
        ))
    lines = []
    for line_id in range(1, draw(st.integers(1, 6)) + 1):
        entry = draw(st.sampled_from(entries))
        party = next(p for p in parties if (p.kind, p.no) == (entry.kind, entry.party_no))
        how = draw(st.sampled_from(["full", "partial", "discount", "pair", "random"]))
        amount = entry.remaining_amount
        if how == "partial":
            amount = (amount / 3).quantize(Decimal("0.01"))
        elif how == "discount":
            amount -= entry.remaining_pmt_disc_possible
        elif how == "pair":
            amount += draw(st.sampled_from(entries)).remaining_amount
        elif how == "random":
            amount = Decimal(draw(st.integers(-200_000, 200_000))) / 100
        text = draw(st.sampled_from([
            "", entry.document_no, f"Faktura {entry.document_no}", f"KID {entry.payment_reference}",
            entry.external_document_no, f"{party.name} {entry.document_no}", "Betaling",
        ]))
        lines.append(StatementLine(
            line_id, entry.posting_date + timedelta(days=draw(st.integers(0, 20))), amount, text,
            party_name=draw(st.sampled_from(["", party.name, party.name.upper(), "Ola Nordmann"])),
            party_iban=ibans[(party.kind, party.no)] if draw(st.booleans()) else "",
        ))
    tolerance = draw(st.sampled_from([("amount", "0"), ("amount", "5"), ("percentage", "1")]))
    match_settings = MatchSettings(tolerance_type=tolerance[0], tolerance_value=Decimal(tolerance[1]))
    return parties, entries, lines, match_settings


def _run(company):
    parties, entries, lines, match_settings = company
    return match_statement(lines, MatchInputs(entries, parties), match_settings, today=date(2026, 3, 1))


@PROPERTY_SETTINGS
@given(companies())
def test_no_entry_is_claimed_beyond_its_remaining_amount(company) -> None:
    _parties, entries, _lines, _settings = company
    claimed: dict[int, Decimal] = defaultdict(Decimal)
    for decision in _run(company):
        for application in decision.applications:
            claimed[application.entry_no] += abs(application.amount) + abs(application.discount_taken)
    remaining = {entry.entry_no: abs(entry.remaining_amount) for entry in entries}
    assert all(claimed[entry_no] <= remaining[entry_no] for entry_no in claimed)


@PROPERTY_SETTINGS
@given(companies())
def test_a_line_applies_at_most_its_amount_to_its_own_account_and_sign(company) -> None:
    _parties, entries, lines, _settings = company
    by_no = {entry.entry_no: entry for entry in entries}
    amounts = {line.line_id: line.amount for line in lines}
    dates = {line.line_id: line.date for line in lines}
    for decision in _run(company):
        amount = amounts[decision.line_id]
        assert abs(decision.applied_amount) <= abs(amount)
        for application in decision.applications:
            entry = by_no[application.entry_no]
            assert (entry.kind, entry.party_no) == (decision.account_type, decision.account_no)
            assert application.amount * amount > 0 and entry.remaining_amount * amount > 0
            assert entry.posting_date <= dates[decision.line_id]
            if application.discount_taken:
                assert dates[decision.line_id] <= entry.pmt_disc_tolerance_date
                assert abs(application.amount + application.discount_taken) == abs(entry.remaining_amount)


@PROPERTY_SETTINGS
@given(companies())
def test_every_high_decision_names_identity_evidence(company) -> None:
    for decision in _run(company):
        if decision.confidence != "high":
            continue
        codes = {reason.code for reason in decision.reasons}
        named = bool(codes & {"name_exact", "name_similar"}) and bool(codes & AMOUNT_EVIDENCE)
        assert codes & IDENTITY or named, codes
        # A name fitting several parties is no identity: something else must have decided.
        assert "multiple_parties" not in codes or codes & IDENTITY


@PROPERTY_SETTINGS
@given(companies())
def test_the_result_is_deterministic_and_conflicts_are_mutual(company) -> None:
    first = [decision.as_dict() for decision in _run(company)]
    assert first == [decision.as_dict() for decision in _run(company)]
    conflicts = {d["line_id"]: set(d["conflict_with"]) for d in first}
    for line_id, others in conflicts.items():
        assert all(line_id in conflicts[other] for other in others)


def _nav_longest_common_substring(first: str, second: str) -> str:
    """Codeunit 1251 GetLongestCommonSubstring, transcribed loop for loop (1-based in C/AL)."""
    result = ""
    i = 1
    while i + len(result) - 1 <= len(first):
        j = 1
        while j + i - 1 <= len(first) and j <= len(second):
            candidate = first[i - 1 : i - 1 + j]
            buffer = candidate if candidate in second else ""
            if len(buffer) > len(result):
                result = buffer
            j += 1
        i += 1
    return result


def _nav_nearness(first: str, second: str, threshold: int = 4) -> int:
    """Codeunit 1251 CalculateStringNearness with normalizing factor 100."""
    first, second = first.upper(), second.upper()
    shorter = min(len(first), len(second)) or 1
    total = 0
    common = _nav_longest_common_substring(first, second)
    while len(common) >= threshold:
        total += len(common)
        first = first.replace(common, "", 1)
        second = second.replace(common, "", 1)
        common = _nav_longest_common_substring(first, second)
    return 100 * total // shorter


@PROPERTY_SETTINGS
@given(st.text("ABCDE -", max_size=24), st.text("ABCDE -", max_size=40))
def test_nearness_is_navs_string_nearness(first, second) -> None:
    assert nearness(first, second) == _nav_nearness(first, second)
