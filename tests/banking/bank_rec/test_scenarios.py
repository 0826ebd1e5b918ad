"""Acceptance scenarios F (spec section 12, numbers 30-32) with their exact amounts."""
from __future__ import annotations

from decimal import Decimal

import pytest

from banking.bank_rec import BankRecError
from banking.bank_rec.auto_match import match_automatically
from banking.bank_rec.posting import post_reconciliation
from banking.bank_rec.suggest import suggest_lines
from banking.bank_rec.worksheet import create_reconciliation
from banking.models import BankAccountStatement, BankAccReconciliation
from receivables.models import (
    BankAccount,
    BankAccountLedgerEntry,
    CheckLedgerEntry,
    GLEntry,
)
from tests.banking.bank_rec.support import D, cheque_refund, nbank, scenario30  # noqa: F401


class Scenario30Tests:
    def test_it_matches_only_the_same_date_pair_with_tolerance_0(self, scenario30):
        rec, (receipt, rent), (first, second) = scenario30
        result = match_automatically(reconciliation=rec, tolerance_days=0)
        assert (result.matched, result.lines) == (1, 2)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.applied_amount == Decimal("980.00") and first.difference == 0
        assert second.applied_amount == 0 and second.difference == Decimal("-300.00")
        receipt.refresh_from_db()
        assert (receipt.statement_status, receipt.statement_no, receipt.statement_line_no) == (
            "bank_acc_entry_applied", rec.statement_no, first.line_no)

    def test_it_matches_both_with_tolerance_3(self, scenario30):
        rec, (receipt, rent), (first, second) = scenario30
        result = match_automatically(reconciliation=rec, tolerance_days=3)
        assert (result.matched, result.lines) == (2, 2)
        second.refresh_from_db()
        assert second.applied_amount == Decimal("-300.00")
        assert list(second.bank_rec_matches.values_list("bank_entry", flat=True)) == [rent.pk]

    def test_a_second_run_keeps_the_first_match_and_adds_the_other(self, scenario30):
        rec, (receipt, rent), (first, second) = scenario30
        match_automatically(reconciliation=rec, tolerance_days=0)
        result = match_automatically(reconciliation=rec, tolerance_days=3)
        assert (result.matched, result.new) == (2, 1)
        assert first.bank_rec_matches.get().bank_entry_id == receipt.pk

    def test_posting_closes_both_entries_and_updates_the_bank(self, scenario30, accountant, ledger_ok):
        rec, (receipt, rent), _lines = scenario30
        gl_before = GLEntry.objects.count()
        match_automatically(reconciliation=rec, tolerance_days=3)
        statement = post_reconciliation(reconciliation=rec, user=accountant)
        for entry in (receipt, rent):
            entry.refresh_from_db()
            assert (entry.open, entry.remaining_amount, entry.statement_status, entry.statement_no) == (
                False, Decimal("0.00"), "closed", rec.statement_no)
        bank = BankAccount.objects.get(no="NBANK")
        assert rec.statement_no == "BS0013"  # the bank's last statement no. BS0012, incremented
        assert (bank.last_statement_no, bank.balance_last_statement) == ("BS0013", Decimal("10680.00"))
        assert statement.statement_ending_balance == Decimal("10680.00")
        assert [(line.statement_amount, line.applied_amount, line.applied_entries)
                for line in statement.lines.all()] == [(Decimal("980.00"), Decimal("980.00"), 1),
                                                      (Decimal("-300.00"), Decimal("-300.00"), 1)]
        assert GLEntry.objects.count() == gl_before  # no G/L entries
        rec.refresh_from_db()
        assert rec.status == BankAccReconciliation.Status.POSTED
        assert not rec.lines.filter(posted=False).exists()
        ledger_ok()


class Scenario31Tests:
    def test_an_ending_balance_that_is_not_the_total_balance_is_refused(self, scenario30, ledger_ok):
        rec, (receipt, rent), _lines = scenario30
        rec.statement_ending_balance = Decimal("10600.00")
        rec.save()
        match_automatically(reconciliation=rec, tolerance_days=3)
        with pytest.raises(BankRecError) as refused:
            post_reconciliation(reconciliation=rec)
        assert refused.value.message == "Statement Ending Balance is not equal to Total Balance."
        receipt.refresh_from_db()
        assert receipt.open and receipt.statement_status == "bank_acc_entry_applied"
        assert not BankAccountStatement.objects.exists()
        assert BankAccount.objects.get(no="NBANK").balance_last_statement == Decimal("10000.00")
        ledger_ok()


class Scenario32Tests:
    def test_include_checks_suggests_a_check_line_and_posting_closes_cheque_and_bank_entry(
            self, nbank, fjord, ledger_ok):
        entry, check = cheque_refund(fjord, "250.00", D(2026, 1, 15), document_no="REF-01", check_no="000123")
        rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31),
                                    statement_ending_balance=Decimal("9750.00"))
        lines = suggest_lines(reconciliation=rec, starting_date=D(2026, 1, 1), ending_date=D(2026, 1, 31),
                              include_checks=True)
        assert len(lines) == 1
        line = rec.lines.get()
        assert (line.type, line.check_no, line.statement_amount, line.applied_amount) == (
            "check_ledger_entry", "000123", Decimal("-250.00"), Decimal("-250.00"))
        check.refresh_from_db()
        assert check.statement_status == "check_entry_applied"
        post_reconciliation(reconciliation=rec)
        check.refresh_from_db()
        entry.refresh_from_db()
        assert (check.open, check.statement_status, check.statement_no) == (False, "closed", rec.statement_no)
        assert (entry.open, entry.remaining_amount, entry.statement_status) == (False, Decimal("0.00"), "closed")
        ledger_ok()

    def test_without_include_checks_the_bank_entry_is_suggested_and_closes_its_cheque(self, nbank, fjord):
        entry, check = cheque_refund(fjord, "250.00", D(2026, 1, 15), document_no="REF-01", check_no="000123")
        rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31),
                                    statement_ending_balance=Decimal("9750.00"))
        suggest_lines(reconciliation=rec, ending_date=D(2026, 1, 31))
        assert rec.lines.get().type == "bank_account_ledger_entry"
        post_reconciliation(reconciliation=rec)
        check.refresh_from_db()
        assert not check.open and check.statement_status == "closed"
        assert not BankAccountLedgerEntry.objects.get(pk=entry.pk).open
        assert CheckLedgerEntry.objects.filter(open=True).count() == 0
