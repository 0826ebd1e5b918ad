"""Matching reasons are shown in the user's language, built from their code and parameters."""
from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from banking.matching.reasons import MESSAGES, reason_text
from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchDecision,
)
from banking.payment_journal.auto_apply import apply_automatically
from receivables.models import BankAccount
from tests.posting_helpers import post_invoice


class ReasonTextTests:
    def test_a_reason_is_built_from_its_code_and_params(self) -> None:
        reason = {"code": "amount_exact", "text": "Amount 980.00 equals the remaining amount 980.00",
                  "params": {"amount": "980.00", "remaining": "980.00"}}
        assert reason_text(reason) == "Amount 980.00 equals the remaining amount 980.00"
        with translation.override("nb"):
            assert reason_text(reason) == "Beløpet 980.00 er lik restbeløpet 980.00"

    def test_codes_in_the_params_are_words_of_the_language(self) -> None:
        reason = {"code": "iban", "text": "…", "params": {"account": "NO9386011117947", "party_no": "C10000",
                                                          "kind": "customer"}}
        with translation.override("nb"):
            assert reason_text(reason) == "Betalerens IBAN NO9386011117947 er en bankkonto for kunde C10000"
        rule = {"code": "rule", "text": "…", "params": {"confidence": "high", "priority": "1",
                                                        "related_party": "fully", "doc_no": "yes",
                                                        "amount": "one_match"}}
        assert reason_text(rule) == ("Rule High (priority 1): related party fully matched, document no. matched, "
                                     "amount incl. tolerance one match")

    def test_learned_reasons_say_what_was_learned(self) -> None:
        by_account = {"code": "learned", "params": {"account": "15031234567", "party_no": "C1", "kind": "customer"}}
        by_text = {"code": "learned", "params": {"text_key": "husleie", "party_no": "V1", "kind": "vendor"}}
        assert reason_text(by_account) == "Payments from account 15031234567 were applied to customer C1 before"
        assert reason_text(by_text) == "Text 'husleie' was applied to vendor V1 before"

    def test_unknown_codes_and_missing_params_keep_the_stored_sentence(self) -> None:
        assert reason_text({"code": "something_new", "text": "Stored", "params": {}}) == "Stored"
        assert reason_text({"code": "amount_exact", "text": "Stored", "params": {}}) == "Stored"

    @pytest.mark.django_db
    def test_every_reason_the_matcher_gives_has_a_sentence(self, fjord) -> None:
        post_invoice(fjord, "INV-1001", "1000.00", date(2026, 1, 1))
        post_invoice(fjord, "INV-1002", "500.00", date(2026, 1, 2))
        journal = BankAccReconciliation.objects.create(bank_account=BankAccount.objects.get(no="NBANK"),
                                                       statement_type="payment_application", statement_no="1")
        texts = ["Faktura INV-1001 Fjord Handel AS", "Fjord Handel", "betaling 1500", "gebyr"]
        for n, (text, amount) in enumerate(zip(texts, ["980.00", "500.00", "1500.00", "-25.00"], strict=True)):
            BankAccReconciliationLine.objects.create(
                reconciliation=journal, bank_account=journal.bank_account, line_no=10000 * (n + 1),
                transaction_date=date(2026, 1, 6), transaction_text=text, statement_amount=amount)
        apply_automatically(journal=journal, today=date(2026, 1, 31))
        reasons = [r for d in MatchDecision.objects.all() for r in d.reasons]
        assert reasons
        for reason in reasons:
            code = reason["code"]
            key = ("learned_text" if "text_key" in reason["params"] else "learned_account") if code == "learned" \
                else code
            assert key in MESSAGES, code
            # The parameters fit the sentence (otherwise the stored English text would be shown).
            assert reason_text({**reason, "text": "STORED"}) != "STORED", reason
