"""The matching engine (banking.matching) on hand-made statements: no database.

Spec section 6.3/6.4 and acceptance scenarios 23, 25, 26, 27 and 42; then one test per signal
issue 5 asks for, per restraint rule, for conflicts between lines, and for the kinds of payment
(combined, partial, discount, vendor, refunds). Expected confidences, scores and applications
are exact.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from banking.matching import (
    LearnedHint,
    MatchInputs,
    MatchSettings,
    OpenEntry,
    Party,
    Rule,
    StatementLine,
    TextMapping,
    build_index,
    default_rules,
    learned_text_key,
    match_statement,
    nearness,
    tolerance_range,
)
from banking.matching.normalize import doc_keys_in_text, name_tokens
from receivables.lib.payment_reference import make_kid

TODAY = date(2026, 1, 31)
FJORD = Party("customer", "C10000", "Fjord Handel AS", account_nos=("15031234567",))
IDENTITY_CODES = {"kid", "rf", "doc_no_in_text", "ext_doc_no_in_text", "iban", "account_no", "learned"}


def inv_1001(**changes) -> OpenEntry:
    """Base invoice INV-1001 of scenario A1: 1,000.00, 2 % discount to 01-09, grace to 01-14."""
    fields = dict(
        entry_no=1, kind="customer", party_no="C10000", document_type="invoice",
        document_no="INV-1001", posting_date=date(2026, 1, 1), due_date=date(2026, 1, 31),
        remaining_amount=Decimal("1000.00"), remaining_pmt_disc_possible=Decimal("20.00"),
        pmt_discount_date=date(2026, 1, 9), pmt_disc_tolerance_date=date(2026, 1, 14),
    )
    fields.update(changes)
    return OpenEntry(**fields)


def invoice(entry_no: int, party_no: str, amount: str, document_no: str = "", **changes) -> OpenEntry:
    fields = dict(
        entry_no=entry_no, kind="customer", party_no=party_no, document_type="invoice",
        document_no=document_no or str(10000 + entry_no), posting_date=date(2026, 1, 2),
        due_date=date(2026, 1, 2 + entry_no % 25), remaining_amount=Decimal(amount),
    )
    fields.update(changes)
    return OpenEntry(**fields)


def line(amount: str, text: str = "", on: date = date(2026, 1, 25), line_id: int = 1, **fields) -> StatementLine:
    return StatementLine(line_id, on, Decimal(amount), text, **fields)


def decide(lines, entries, parties=(FJORD,), settings=None, mappings=(), hints=()):
    if isinstance(lines, StatementLine):
        lines = [lines]
    return match_statement(
        lines, MatchInputs(list(entries), list(parties), list(mappings), list(hints)),
        settings or MatchSettings(), today=TODAY,
    )


def one(*args, **kwargs):
    [decision] = decide(*args, **kwargs)
    return decision


def applied(decision) -> list[tuple[int, Decimal, Decimal]]:
    return [(a.entry_no, a.amount, a.discount_taken) for a in decision.applications]


def codes(decision) -> set[str]:
    return {reason.code for reason in decision.reasons}


class RuleMatrixTests:
    def test_it_seeds_the_25_nav_rules_with_their_scores(self) -> None:
        rules = default_rules()
        assert len(rules) == 25
        assert [(r.confidence, r.priority) for r in rules][:3] == [("high", 1), ("high", 2), ("high", 3)]
        assert rules[0].direct_debit == "yes"
        assert {r.score for r in rules if r.confidence == "high"} == set(range(3989, 3999 + 1))
        assert {r.score for r in rules if r.confidence == "medium"} == set(range(2991, 2999 + 1))
        assert {r.score for r in rules if r.confidence == "low"} == set(range(1995, 1999 + 1))
        assert Rule("fully", "no", "multiple_matches", "medium", 3).score == 2997

    def test_it_computes_nav_nearness(self) -> None:
        assert nearness("Faktura INV-1001 Fjord Handel", "Fjord Handel AS") == 80
        assert nearness("Faktura INV-1001 Fjord Handel AS", "Fjord Handel AS") == 100
        assert nearness("abc", "abc") == 0  # shorter than the 4-character threshold
        assert nearness("HANDEL FJORD", "Fjord Handel") == 91  # 'HANDEL' then 'FJORD': 11 of 12


class ScenarioTests:
    def test_it_applies_scenario_23_at_high_4_with_the_discount(self) -> None:
        decision = one(line("980.00", "Faktura INV-1001 Fjord Handel AS", on=date(2026, 1, 6)), [inv_1001()])
        assert (decision.confidence, decision.score) == ("high", 3996)
        assert (decision.account_type, decision.account_no) == ("customer", "C10000")
        assert applied(decision) == [(1, Decimal("980.00"), Decimal("20.00"))]
        assert decision.applied_amount == Decimal("980.00")
        assert {"doc_no_in_text", "name_exact", "amount_with_discount"} <= codes(decision)

    def test_it_applies_scenario_23_at_80_nearness_at_high_8(self) -> None:
        decision = one(line("980.00", "Faktura INV-1001 Fjord Handel", on=date(2026, 1, 6)), [inv_1001()])
        assert (decision.confidence, decision.score) == ("high", 3992)
        assert decision.reasons[0].params["related_party"] == "partially"
        assert applied(decision) == [(1, Decimal("980.00"), Decimal("20.00"))]

    def test_it_applies_scenario_25_by_payer_account_at_high_9(self) -> None:
        decision = one(line("1000.00", "Transfer fra kunde", party_account="1503.12.34567"), [inv_1001()])
        assert (decision.confidence, decision.score) == ("high", 3991)
        assert applied(decision) == [(1, Decimal("1000.00"), Decimal("0.00"))]
        assert "account_no" in codes(decision)

    @pytest.mark.parametrize("other_party", ["C10000", "C20000"])
    def test_it_makes_scenario_25_medium_3_when_another_entry_has_the_amount(self, other_party) -> None:
        other = invoice(2, other_party, "1000.00", due_date=date(2026, 2, 20))
        parties = (FJORD, Party("customer", "C20000", "Vestland Bygg AS"))
        decision = one(
            line("1000.00", "Transfer fra kunde", party_account="1503.12.34567"), [inv_1001(), other], parties
        )
        assert (decision.confidence, decision.score) == ("medium", 2997)
        assert applied(decision) == [(1, Decimal("1000.00"), Decimal("0.00"))]  # the older one of C10000

    def test_it_applies_scenario_26_within_the_tolerance_at_high_4(self) -> None:
        settings = MatchSettings(tolerance_type="amount", tolerance_value=Decimal("5"))
        decision = one(line("996.00", "Faktura INV-1001 Fjord Handel AS"), [inv_1001()], settings=settings)
        assert (decision.confidence, decision.score) == ("high", 3996)
        assert applied(decision) == [(1, Decimal("996.00"), Decimal("0.00"))]
        assert "amount_within_tolerance" in codes(decision)

    def test_it_applies_scenario_26_outside_the_tolerance_at_medium_2(self) -> None:
        settings = MatchSettings(tolerance_type="amount", tolerance_value=Decimal("5"))
        decision = one(line("994.00", "Faktura INV-1001 Fjord Handel AS"), [inv_1001()], settings=settings)
        assert (decision.confidence, decision.score) == ("medium", 2998)
        assert applied(decision) == [(1, Decimal("994.00"), Decimal("0.00"))]
        assert "partial_payment" in codes(decision)

    def test_it_computes_the_tolerance_ranges_of_6_4(self) -> None:
        amount5 = MatchSettings(tolerance_type="amount", tolerance_value=Decimal("5"))
        percent1 = MatchSettings(tolerance_type="percentage", tolerance_value=Decimal("1"))
        assert tolerance_range(99600, amount5) == (99100, 100100)
        assert tolerance_range(99400, amount5) == (98900, 99900)
        assert tolerance_range(300, amount5) == (0, 800)  # clamped at zero
        assert tolerance_range(-300, amount5) == (-800, 0)
        assert tolerance_range(100000, percent1) == (99010, 101010)  # 1000/1.01, 1000/0.99
        assert tolerance_range(-100000, percent1) == (-101010, -99010)
        assert tolerance_range(100000, MatchSettings()) == (100000, 100000)

    def test_it_maps_scenario_27_bank_fee_to_the_credit_account(self) -> None:
        mapping = TextMapping("GEBYR", "gl_account", debit_account_no="7771", credit_account_no="7770")
        decision = one(line("-25.00", "NETTBANK GEBYR"), [inv_1001()], mappings=[mapping])
        assert (decision.confidence, decision.score) == ("high_text_mapping", 3000)
        assert (decision.account_type, decision.account_no) == ("gl_account", "7770")
        assert decision.applications == []
        money_in = one(line("25.00", "Retur gebyr"), [], mappings=[mapping])
        assert (money_in.account_type, money_in.account_no) == ("gl_account", "7771")

    def test_it_maps_text_to_a_customer_account(self) -> None:
        mapping = TextMapping("Husleie Storgata", "customer", bal_source_no="C10000")
        decision = one(line("12000.00", "HUSLEIE STORGATA 5 MARS"), [], mappings=[mapping])
        assert (decision.confidence, decision.account_type, decision.account_no) == (
            "high_text_mapping", "customer", "C10000")

    def test_a_high_match_overrides_a_text_mapping_but_a_mapping_beats_medium(self) -> None:
        mapping = TextMapping("FJORD", "gl_account", debit_account_no="3000", credit_account_no="3000")
        high = one(line("980.00", "Faktura INV-1001 Fjord Handel AS", on=date(2026, 1, 6)), [inv_1001()],
                   mappings=[mapping])
        assert (high.confidence, high.account_type) == ("high", "customer")
        assert "text_mapping_overridden" in codes(high)
        medium = one(line("500.00", "Faktura INV-1001 Fjord Handel AS"), [inv_1001()], mappings=[mapping])
        assert (medium.confidence, medium.account_no) == ("high_text_mapping", "3000")

    def test_it_applies_scenario_42_by_kid_although_the_doc_no_rule_would_not(self) -> None:
        kid = make_kid(document_no="12345", document_no_length=10)
        assert kid == "00000123455"
        entry = invoice(7, "C10000", "1500.00", "12345", payment_reference=kid)
        assert "12345" not in doc_keys_in_text("KID 00000123455")
        decision = one(line("1500.00", "KID 00000123455"), [entry])
        assert (decision.confidence, decision.score) == ("high", 3996)
        assert applied(decision) == [(7, Decimal("1500.00"), Decimal("0.00"))]
        kid_reason = next(reason for reason in decision.reasons if reason.code == "kid")
        assert kid_reason.text == "KID 00000123455 matches invoice 12345"
        assert "doc_no_in_text" not in codes(decision)


class SignalTests:
    def test_it_reads_a_structured_kid_and_an_rf_reference(self) -> None:
        entries = [
            invoice(1, "C10000", "700.00", "5001", payment_reference="00000050013"),
            invoice(2, "C10000", "800.00", "5002", payment_reference="RF18539007547034"),
        ]
        by_kid = one(line("700.00", creditor_reference="0000 0050 013"), entries)
        assert (by_kid.confidence, applied(by_kid)) == ("high", [(1, Decimal("700.00"), Decimal("0.00"))])
        by_rf = one(line("800.00", "Ref RF18 5390 0754 7034 takk"), entries)
        assert (by_rf.confidence, applied(by_rf)) == ("high", [(2, Decimal("800.00"), Decimal("0.00"))])
        assert "rf" in codes(by_rf)

    @pytest.mark.parametrize("text", ["Faktura10321", "faktura nr:10321", "FAKT.10321", "Betaling 10321 takk"])
    def test_it_finds_document_numbers_glued_to_words(self, text) -> None:
        decision = one(line("640.00", text), [invoice(1, "C10000", "640.00", "10321")])
        assert applied(decision) == [(1, Decimal("640.00"), Decimal("0.00"))]
        assert "doc_no_in_text" in codes(decision)
        assert (decision.confidence, decision.score) == ("medium", 2994)  # no party: Medium 6

    @pytest.mark.parametrize("text", ["INV-1001", "inv 1001", "INV1001", "Faktura 1001"])
    def test_it_finds_prefixed_document_numbers_in_several_spellings(self, text) -> None:
        decision = one(line("1000.00", text), [inv_1001()])
        assert applied(decision) == [(1, Decimal("1000.00"), Decimal("0.00"))]
        assert "doc_no_in_text" in codes(decision)

    def test_it_ignores_dates_and_amounts_in_the_text(self) -> None:
        keys = doc_keys_in_text("Betalt 2026-01-15 kr 1 000,50 og 1001.00")
        assert not {"2026", "1000", "1001", "0115"} & keys

    def test_it_finds_a_customers_external_document_no(self) -> None:
        entry = invoice(1, "C10000", "2500.00", "10400", external_document_no="PO-4711")
        decision = one(line("2500.00", "Deres ordre PO-4711", party_name="Fjord Handel AS"), [entry])
        assert (decision.confidence, decision.score) == ("high", 3996)
        assert "ext_doc_no_in_text" in codes(decision)

    def test_it_matches_the_payer_iban_and_the_account_inside_it(self) -> None:
        by_iban = Party("customer", "C30000", "Nordlys Media AS", ibans=("NO93 8601 1117 947",))
        by_account = Party("customer", "C40000", "Sol Optikk AS", account_nos=("8601.11.17948",))
        entries = [invoice(1, "C30000", "450.00"), invoice(2, "C40000", "375.00")]
        first = one(line("450.00", party_iban="NO9386011117947"), entries, (by_iban, by_account))
        assert (first.confidence, first.score, first.account_no) == ("high", 3991, "C30000")
        assert "iban" in codes(first)
        second = one(line("375.00", party_iban="NO6686011117948"), entries, (by_iban, by_account))
        assert (second.confidence, second.account_no) == ("high", "C40000")
        assert "account_no" in codes(second)

    @pytest.mark.parametrize(
        "payer, level",
        [
            ("FJORD HANDEL", "fully"),  # case and legal form
            ("Fjord Handel A/S", "fully"),
            ("Handel Fjord AS", "fully"),  # word order
            ("Fjrod Handel AS", "partially"),  # a typo
            ("Fjord Handl", "partially"),
        ],
    )
    def test_it_compares_payer_names_tolerantly(self, payer, level) -> None:
        decision = one(line("1000.00", party_name=payer), [inv_1001()])
        assert decision.reasons[0].params["related_party"] == level
        expected = ("high", 3991) if level == "fully" else ("medium", 2992)
        assert (decision.confidence, decision.score) == expected
        assert applied(decision) == [(1, Decimal("1000.00"), Decimal("0.00"))]

    def test_it_normalizes_names_without_legal_forms_and_nordic_letters(self) -> None:
        assert name_tokens("Bjørk & Sønner A/S") == ["bjork", "sonner"]
        assert name_tokens("Müller GmbH & Co. KG") == ["muller"]

    def test_it_applies_one_payment_to_several_invoices_named_in_the_text(self) -> None:
        entries = [
            invoice(1, "C10000", "100.00", "10321", due_date=date(2026, 1, 20)),
            invoice(2, "C10000", "200.00", "10322", due_date=date(2026, 1, 10)),
            invoice(3, "C10000", "300.00", "10330", due_date=date(2026, 1, 15)),
            invoice(4, "C10000", "600.00", "10999"),
        ]
        decision = one(line("600.00", "Faktura 10321/10322 og 10330", party_name="Fjord Handel AS"), entries)
        assert (decision.confidence, decision.score) == ("high", 3997)  # Fully, Yes-Multiple, Multiple
        assert applied(decision) == [
            (2, Decimal("200.00"), Decimal("0.00")), (3, Decimal("300.00"), Decimal("0.00")), (1, Decimal("100.00"), Decimal("0.00"))
        ]

    def test_it_notes_invoices_left_out_when_the_amount_is_insufficient(self) -> None:
        entries = [
            invoice(1, "C10000", "100.00", "10321", due_date=date(2026, 1, 10)),
            invoice(2, "C10000", "200.00", "10322", due_date=date(2026, 1, 20)),
        ]
        decision = one(line("80.00", "Faktura 10321 10322", party_name="Fjord Handel AS"), entries)
        assert (decision.confidence, decision.score) == ("medium", 2999)  # Fully, Yes-Multiple
        assert applied(decision) == [(1, Decimal("80.00"), Decimal("0.00"))]
        notes = [r.text for r in decision.reasons if r.code == "insufficient_amount"]
        assert notes == [
            "Document No. 10322 was not applied because the transaction amount was insufficient."
        ]

    def test_it_finds_a_combined_payment_as_a_sum_of_the_customers_entries(self) -> None:
        parties = (Party("customer", "C10000", "Fjord Handel AS", ibans=("NO9386011117947",)),)
        entries = [
            invoice(1, "C10000", "120.00"), invoice(2, "C10000", "245.50"),
            invoice(3, "C10000", "310.25"), invoice(4, "C10000", "999.00"),
        ]
        decision = one(line("555.75", "Betaling", party_iban="NO9386011117947"), entries, parties)
        assert (decision.confidence, decision.score) == ("high", 3991)
        assert sorted(applied(decision)) == [(2, Decimal("245.50"), Decimal("0.00")), (3, Decimal("310.25"), Decimal("0.00"))]
        assert "amount_sum_of_entries" in codes(decision)

    def test_it_does_not_look_for_sums_among_entries_of_unknown_payers(self) -> None:
        entries = [invoice(1, "C10000", "120.00"), invoice(2, "C10000", "245.50")]
        decision = one(line("365.50", "Betaling"), entries)
        assert decision.confidence == "none"

    def test_it_applies_a_partial_payment_by_kid_at_medium(self) -> None:
        entry = inv_1001(payment_reference="00000010017")
        decision = one(line("400.00", "KID 00000010017", on=date(2026, 1, 5)), [entry])
        assert (decision.confidence, decision.score) == ("medium", 2998)  # Fully, Yes, (any amount)
        assert applied(decision) == [(1, Decimal("400.00"), Decimal("0.00"))]  # partial: never a discount
        assert {"kid", "partial_payment"} <= codes(decision)

    @pytest.mark.parametrize(
        "on, amount, expected, confidence",
        [
            (date(2026, 1, 9), "980.00", (1, Decimal("980.00"), Decimal("20.00")), "high"),  # by the discount date
            (date(2026, 1, 12), "980.00", (1, Decimal("980.00"), Decimal("20.00")), "high"),  # late discount (grace)
            (date(2026, 1, 20), "980.00", (1, Decimal("980.00"), Decimal("0.00")), "medium"),  # too late: partial
            (date(2026, 1, 6), "1000.00", (1, Decimal("1000.00"), Decimal("0.00")), "high"),  # paid in full anyway
        ],
    )
    def test_it_takes_the_payment_discount_only_in_time(self, on, amount, expected, confidence) -> None:
        decision = one(line(amount, "INV-1001", on=on, party_name="Fjord Handel AS"), [inv_1001()])
        assert decision.confidence == confidence
        assert applied(decision) == [expected]

    def test_it_applies_a_vendor_payment_by_the_vendors_invoice_number(self) -> None:
        vendor = Party("vendor", "V20000", "Kontorleverandoren AS", ibans=("NO8330001234567",))
        bill = OpenEntry(
            50, "vendor", "V20000", "invoice", "PI-50", external_document_no="88123",
            posting_date=date(2026, 1, 3), due_date=date(2026, 1, 17), remaining_amount=Decimal("-4375.00"),
        )
        decision = one(
            line("-4375.00", "Faktura 88123", party_name="Kontorleverandoren AS", party_iban="NO8330001234567"),
            [bill, inv_1001(remaining_amount=Decimal("4375.00"))], (FJORD, vendor),
        )
        assert (decision.confidence, decision.account_type, decision.account_no) == ("high", "vendor", "V20000")
        assert applied(decision) == [(50, Decimal("-4375.00"), Decimal("0.00"))]

    def test_it_refunds_a_customer_credit_memo_with_money_out(self) -> None:
        credit = OpenEntry(
            60, "customer", "C10000", "credit_memo", "KR-0060", posting_date=date(2026, 1, 10),
            due_date=date(2026, 1, 10), remaining_amount=Decimal("-250.00"),
        )
        decision = one(
            line("-250.00", "Tilbakebetaling kreditnota KR-0060", party_name="Fjord Handel AS"),
            [credit, inv_1001(remaining_amount=Decimal("250.00"))],
        )
        assert (decision.confidence, decision.account_type) == ("high", "customer")
        assert applied(decision) == [(60, Decimal("-250.00"), Decimal("0.00"))]

    def test_it_applies_a_refund_from_a_vendor_to_its_credit_memo(self) -> None:
        vendor = Party("vendor", "V20000", "Kontorleverandoren AS")
        credit = OpenEntry(
            61, "vendor", "V20000", "credit_memo", "PCM-61", external_document_no="K-2231",
            posting_date=date(2026, 1, 10), remaining_amount=Decimal("120.00"),
        )
        bill = OpenEntry(62, "vendor", "V20000", "invoice", "PI-62", remaining_amount=Decimal("-120.00"))
        decision = one(line("120.00", "Kreditnota K-2231", party_name="Kontorleverandoren AS"),
                       [credit, bill], (vendor,))
        assert (decision.confidence, decision.account_type) == ("high", "vendor")
        assert applied(decision) == [(61, Decimal("120.00"), Decimal("0.00"))]

    def test_money_in_never_pays_a_vendor_invoice_nor_money_out_a_customer_invoice(self) -> None:
        vendor = Party("vendor", "V20000", "Fjord Handel AS")
        bill = OpenEntry(70, "vendor", "V20000", "invoice", "INV-7070", remaining_amount=Decimal("-1000.00"))
        money_in = one(line("1000.00", "INV-7070"), [bill], (vendor,))
        assert money_in.confidence == "none"
        money_out = one(line("-1000.00", "INV-1001 Fjord Handel AS"), [inv_1001()])
        assert money_out.applications == []

    def test_it_skips_entries_posted_after_the_transaction_or_in_another_currency(self) -> None:
        later = one(line("1000.00", "INV-1001", on=date(2025, 12, 31)), [inv_1001()])
        assert later.confidence == "none"
        euro = one(line("1000.00", "INV-1001"), [inv_1001(currency="EUR")])
        assert euro.confidence == "none"
        nok = one(line("1000.00", "INV-1001"), [inv_1001(currency="NOK")])
        assert applied(nok) == [(1, Decimal("1000.00"), Decimal("0.00"))]

    def test_it_uses_what_was_learned_from_manual_applications(self) -> None:
        other = Party("customer", "C50000", "Havbris Eiendom AS")
        entries = [invoice(1, "C50000", "12000.00"), invoice(2, "C50000", "8000.00", due_date=date(2026, 2, 1))]
        by_account = one(
            line("12000.00", "Leie", party_iban="NO0212345678901"), entries, (FJORD, other),
            hints=[LearnedHint("customer", "C50000", payer_iban_or_account="NO02 1234 5678 901")],
        )
        assert (by_account.confidence, by_account.score, by_account.account_no) == ("high", 3991, "C50000")
        assert "learned" in codes(by_account)
        key = learned_text_key("Husleie Storgata 5 mars 2026")
        assert key == "husleie storgata mars"
        by_text = one(
            line("12000.00", "Husleie Storgata 5 mars 2026"), entries, (FJORD, other),
            hints=[LearnedHint("customer", "C50000", text_key=key)],
        )
        assert (by_text.confidence, by_text.score, by_text.account_no) == ("medium", 2992, "C50000")
        assert applied(by_text) == [(1, Decimal("12000.00"), Decimal("0.00"))]


    def test_it_finds_a_learned_text_under_the_text_or_the_payer_name(self) -> None:
        other = Party("customer", "C50000", "Havbris Eiendom AS")
        entries = [invoice(1, "C50000", "12000.00")]
        hints = [LearnedHint("customer", "C50000", text_key=learned_text_key("Husleie Storgata 5"))]
        named = one(line("12000.00", "Husleie Storgata 5", party_name="OLA NORDMANN"), entries,
                    (FJORD, other), hints=hints)
        assert (named.account_no, "learned" in codes(named)) == ("C50000", True)

    def test_an_account_learned_for_two_parties_identifies_neither(self) -> None:
        parties = (FJORD, Party("customer", "C50000", "Havbris Eiendom AS"))
        entries = [invoice(1, "C50000", "12000.00")]
        hints = [LearnedHint("customer", c, payer_iban_or_account="NO0212345678901") for c in ("C50000", "C10000")]
        decision = one(line("12000.00", "Vipps", party_iban="NO0212345678901"), entries, parties, hints=hints)
        assert "learned" not in codes(decision) and decision.confidence == "low"

    def test_it_ignores_generic_or_ambiguous_learned_texts(self) -> None:
        parties = (FJORD, Party("customer", "C50000", "Havbris Eiendom AS"))
        entries = [invoice(1, "C50000", "12000.00"), invoice(2, "C10000", "12000.00")]
        generic = [LearnedHint("customer", "C50000", text_key=learned_text_key("Betaling"))]
        both = [LearnedHint("customer", c, text_key=learned_text_key("Leie mars")) for c in ("C50000", "C10000")]
        for hints, text in ((generic, "Betaling"), (both, "Leie mars")):
            decision = one(line("12000.00", text), entries, parties, hints=hints)
            assert "learned" not in codes(decision) and decision.confidence == "low"


class RestraintTests:
    def test_an_amount_alone_is_low(self) -> None:
        decision = one(line("1000.00", "Overforing", party_name="OLA NORDMANN"), [inv_1001()])
        assert (decision.confidence, decision.score) == ("low", 1996)  # No, No, One Match
        assert "amount_only" in codes(decision)

    def test_an_amount_alone_is_never_high_even_when_a_rule_says_so(self) -> None:
        rules = default_rules() + [Rule("no", "no", "one_match", "high", 12)]
        decision = one(line("1000.00", "Overforing"), [inv_1001()], settings=MatchSettings(rules=rules))
        assert decision.confidence == "low"

    def test_an_amount_shared_by_many_entries_is_no_candidate(self) -> None:
        entries = [invoice(n, f"C{n}", "500.00") for n in range(1, 6)]
        parties = [Party("customer", f"C{n}", f"Kunde {n} AS") for n in range(1, 6)]
        assert one(line("500.00", "Overforing"), entries, parties).confidence == "none"

    def test_equal_evidence_for_two_customers_is_never_high(self) -> None:
        parties = (Party("customer", "C1", "Nordlys AS"), Party("customer", "C2", "Nordlys AS"))
        entries = [invoice(1, "C1", "1000.00"), invoice(2, "C2", "1000.00")]
        decision = one(line("1000.00", party_name="NORDLYS AS"), entries, parties)
        assert decision.confidence == "low"
        assert "multiple_parties" in codes(decision)
        assert {c.party_no for c in decision.candidates} == {"C1", "C2"}

    def test_a_namesake_without_the_amount_does_not_block(self) -> None:
        parties = (Party("customer", "C1", "Nordlys AS"), Party("customer", "C2", "Nordlys AS"))
        entries = [invoice(1, "C1", "1000.00"), invoice(2, "C2", "700.00")]
        decision = one(line("1000.00", party_name="NORDLYS AS"), entries, parties)
        assert (decision.confidence, decision.score, decision.account_no) == ("medium", 2992, "C1")

    def test_an_account_on_two_customers_cards_identifies_neither_fully(self) -> None:
        parties = (
            Party("customer", "C1", "Berg Holding AS", ibans=("NO9386011117947",)),
            Party("customer", "C2", "Berg Eiendom AS", ibans=("NO9386011117947",)),
        )
        entries = [invoice(1, "C1", "1000.00"), invoice(2, "C2", "2000.00")]
        decision = one(line("1000.00", party_iban="NO9386011117947"), entries, parties)
        assert (decision.confidence, decision.score, decision.account_no) == ("medium", 2992, "C1")
        assert "multiple_parties" in codes(decision)

    def test_the_longer_name_in_the_text_wins_over_the_name_it_contains(self) -> None:
        parties = (Party("customer", "C1", "Fjord Handel AS"), Party("customer", "C2", "Fjord Handel Bergen AS"))
        entries = [invoice(1, "C1", "750.00"), invoice(2, "C2", "750.00")]
        decision = one(line("750.00", "Betaling fra Fjord Handel Bergen AS"), entries, parties)
        assert decision.account_no == "C2"
        assert decision.confidence != "high"

    def test_a_payer_name_fitting_two_customers_is_not_fully_for_the_wrong_one(self) -> None:
        parties = (Party("customer", "C1", "Fjord Handel AS"), Party("customer", "C2", "Fjord Handel Bergen AS"))
        entries = [invoice(1, "C1", "640.00"), invoice(2, "C2", "910.00")]
        decision = one(line("910.00", party_name="FJORD HANDEL"), entries, parties)
        assert decision.account_no == "C2"
        assert decision.confidence != "high"

    def test_a_short_name_inside_a_longer_word_is_no_evidence(self) -> None:
        parties = (Party("customer", "C1", "Berg AS"), FJORD)
        entries = [invoice(1, "C1", "450.00"), invoice(2, "C10000", "450.00")]
        decision = one(line("450.00", "Bergen Transport betaling"), entries, parties)
        assert decision.confidence == "low"
        assert not codes(decision) & {"name_exact", "name_similar"}

    def test_a_mistyped_number_without_other_evidence_is_not_high(self) -> None:
        entries = [invoice(1, "C10000", "640.00", "10321"), invoice(2, "C20000", "990.00", "10231")]
        parties = (FJORD, Party("customer", "C20000", "Vestland Bygg AS"))
        decision = one(line("640.00", "Faktura 10231"), entries, parties)
        assert decision.confidence != "high"


class ConflictTests:
    def test_two_lines_for_one_invoice_the_better_evidence_wins(self) -> None:
        entry = inv_1001(payment_reference="00000010017")
        weak = line("1000.00", "Faktura INV-1001", line_id=1)
        strong = line("1000.00", "KID 00000010017", line_id=2, party_name="Fjord Handel AS")
        first, second = decide([weak, strong], [entry])
        assert (second.confidence, applied(second)) == ("high", [(1, Decimal("1000.00"), Decimal("0.00"))])
        assert (first.confidence, first.applications) == ("none", [])
        assert "conflict_lost" in codes(first)
        assert first.conflict_with == [2] and second.conflict_with == [1]

    def test_the_losing_line_falls_back_to_its_next_candidate_at_most_medium(self) -> None:
        entries = [
            inv_1001(payment_reference="00000010017"),
            invoice(2, "C10000", "1000.00", "INV-1002", due_date=date(2026, 2, 28)),
        ]
        strong = line("1000.00", "KID 00000010017", line_id=1)
        other = line("1000.00", "INV-1001", line_id=2, party_name="Fjord Handel AS")
        first, second = decide([strong, other], entries)
        assert applied(first) == [(1, Decimal("1000.00"), Decimal("0.00"))]
        assert applied(second) == [(2, Decimal("1000.00"), Decimal("0.00"))]
        assert second.confidence in ("medium", "low")
        assert "conflict_lost" in codes(second) and second.conflict_with == [1]

    def test_two_instalments_share_an_invoice_without_conflict(self) -> None:
        first, second = decide(
            [line("600.00", "INV-1001 del 1", line_id=1), line("400.00", "INV-1001 rest", line_id=2)],
            [inv_1001(pmt_discount_date=None, remaining_pmt_disc_possible=Decimal("0"))],
        )
        assert applied(first) == [(1, Decimal("600.00"), Decimal("0.00"))]
        assert applied(second) == [(1, Decimal("400.00"), Decimal("0.00"))]
        assert first.conflict_with == second.conflict_with == []

    def test_a_line_gets_only_what_is_left_of_an_invoice(self) -> None:
        first, second = decide(
            [line("700.00", "INV-1001", line_id=1, party_name="Fjord Handel AS"),
             line("700.00", "INV-1001", line_id=2)],
            [inv_1001(pmt_discount_date=None, remaining_pmt_disc_possible=Decimal("0"))],
        )
        assert applied(first) == [(1, Decimal("700.00"), Decimal("0.00"))]
        assert applied(second) == [(1, Decimal("300.00"), Decimal("0.00"))]
        assert "conflict_partial" in codes(second) and second.confidence in ("medium", "low")

    def test_an_entry_is_never_claimed_beyond_its_remaining_amount(self) -> None:
        lines = [line("1000.00", "INV-1001", line_id=n) for n in range(1, 5)]
        decisions = decide(lines, [inv_1001(pmt_discount_date=None, remaining_pmt_disc_possible=Decimal("0"))])
        assert sum(d.applied_amount for d in decisions) == Decimal("1000.00")
        assert [d.confidence for d in decisions].count("none") == 3


class DecisionTests:
    def test_a_zero_line_and_an_unknown_line_get_none(self) -> None:
        zero, unknown = decide([line("0.00", "INV-1001", line_id=1), line("13.37", "?", line_id=2)], [inv_1001()])
        assert (zero.confidence, zero.score, zero.account_type) == ("none", 0, "")
        assert unknown.confidence == "none" and unknown.candidates == []

    def test_every_decision_keeps_its_candidates_and_serializes_to_json(self) -> None:
        decision = one(line("980.00", "Faktura INV-1001 Fjord Handel AS", on=date(2026, 1, 6)), [inv_1001()])
        [candidate] = decision.candidates
        assert (candidate.kind, candidate.party_no, candidate.entry_nos, candidate.score) == (
            "customer", "C10000", (1,), 3996)
        data = json.loads(json.dumps(decision.as_dict()))
        assert data["applications"] == [{"entry_no": 1, "amount": "980.00", "discount_taken": "20.00"}]
        assert data["candidates"][0]["rule"] == "high 4"

    def test_it_refuses_two_lines_with_one_id(self) -> None:
        with pytest.raises(ValueError, match="statement line 7 is given twice"):
            decide([line("1.00", line_id=7), line("2.00", line_id=7)], [inv_1001()])

    def test_an_index_can_be_built_once_and_reused(self) -> None:
        index = build_index([inv_1001()], [FJORD])
        settings = MatchSettings()
        first = match_statement([line("1000.00", "INV-1001")], index, settings, today=TODAY)
        again = match_statement([line("1000.00", "INV-1001")], index, settings, today=TODAY)
        assert applied(first[0]) == applied(again[0]) == [(1, Decimal("1000.00"), Decimal("0.00"))]

    def test_high_decisions_name_their_identity_evidence(self) -> None:
        decision = one(line("980.00", "Faktura INV-1001 Fjord Handel AS", on=date(2026, 1, 6)), [inv_1001()])
        assert codes(decision) & IDENTITY_CODES
