"""The rules of bank account reconciliation, one by one (spec section 7): scoring, matching,
suggesting, transferring, importing and each posting check."""
from __future__ import annotations

from decimal import Decimal

import pytest

from banking.bank_rec import BankRecError, posting
from banking.bank_rec.auto_match import (
    match_automatically,
    match_manually,
    remove_match,
    score,
)
from banking.bank_rec.importing import import_bank_statement
from banking.bank_rec.posting import post_reconciliation
from banking.bank_rec.suggest import suggest_lines
from banking.bank_rec.transfer import transfer_to_general_journal
from banking.bank_rec.worksheet import (
    add_line,
    create_reconciliation,
    delete_reconciliation,
    next_statement_no,
    totals,
    update_header,
)
from banking.importing import StatementAlreadyImported, import_statement
from banking.models import (
    BankAccountStatement,
    BankAccountStatementEntry,
    BankAccReconciliationLine,
    BankRecMatch,
)
from receivables.cash_receipts.journal import post_batch
from receivables.models import (
    BankAccount,
    BankAccountLedgerEntry,
    CheckLedgerEntry,
    GenJournalBatch,
)
from receivables.posting import PostingError
from receivables.posting.corrections import reverse_transaction
from tests.banking.bank_rec.support import (  # noqa: F401
    D,
    bank_entry,
    cheque_refund,
    nbank,
    scenario30,
)
from tests.banking.bank_rec.test_views import CAMT

ZERO = Decimal("0.00")


def line(**fields) -> BankAccReconciliationLine:
    """An unsaved statement line for scoring."""
    fields.setdefault("transaction_date", D(2026, 1, 6))
    fields.setdefault("statement_amount", Decimal("980.00"))
    return BankAccReconciliationLine(**fields)


def entry(**fields) -> BankAccountLedgerEntry:
    fields.setdefault("posting_date", D(2026, 1, 6))
    fields.setdefault("remaining_amount", Decimal("980.00"))
    fields.setdefault("document_no", "")
    fields.setdefault("description", "")
    return BankAccountLedgerEntry(**fields)


class ScoreTests:
    def test_amount_counts_13_and_the_same_date_1(self):
        assert score(line(), entry()) == 14
        assert score(line(statement_amount=Decimal("981.00")), entry()) == 1

    def test_the_unmatched_part_of_the_line_is_compared(self):
        assert score(line(statement_amount=Decimal("1000.00"), applied_amount=Decimal("20.00")), entry()) == 14

    def test_a_date_beyond_the_tolerance_scores_nothing(self):
        later = line(transaction_date=D(2026, 1, 8), description="BET-0042")
        assert score(later, entry(document_no="BET-0042"), tolerance_days=1) == 0
        assert score(later, entry(document_no="BET-0042"), tolerance_days=2) == 13 + 11

    def test_the_document_no_in_the_description_counts_11(self):
        assert score(line(statement_amount=1, description="Betaling faktura BET-0042 takk"),
                     entry(document_no="BET-0042")) == 11 + 1

    def test_a_document_no_shorter_than_4_characters_is_never_found(self):
        assert score(line(statement_amount=1, description="Ref 123 betalt"), entry(document_no="123")) == 1

    def test_the_external_document_no_counts_10(self):
        assert score(line(statement_amount=1, description="EXT-7788"),
                     entry(document_no="G00001", external_document_no="EXT-7788")) == 10 + 1

    def test_a_near_description_counts_its_nearness(self):
        near = score(line(statement_amount=1, description="Husleie januar"),
                     entry(document_no="G00001", description="Husleie januar 2026"))
        assert near == 10 + 1  # the shorter text is wholly in the other: nearness 10 of 10
        far = score(line(statement_amount=1, description="Strøm"), entry(description="Husleie januar"))
        assert far == 1

    def test_related_party_name_and_additional_info_are_scored_separately(self):
        scored = score(line(statement_amount=1, description="x", related_party_name="INV-5000",
                            additional_transaction_info="Ref INV-5000"), entry(document_no="INV-5000"))
        assert scored == 11 + 11 + 1


class MatchAutomaticallyTests:
    def test_pairs_are_one_to_one_and_the_best_wins(self, nbank):
        same_day = bank_entry("100.00", D(2026, 1, 5), document_no="A-1")
        next_day = bank_entry("100.00", D(2026, 1, 6), document_no="A-2")
        rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31))
        first = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100.00"))
        second = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100.00"))
        result = match_automatically(reconciliation=rec, tolerance_days=1)
        assert (result.matched, result.lines) == (2, 2)
        assert first.bank_rec_matches.get().bank_entry_id == same_day.pk
        assert second.bank_rec_matches.get().bank_entry_id == next_day.pk

    def test_a_score_of_2_or_less_is_no_candidate(self, nbank):
        bank_entry("100.00", D(2026, 1, 5), document_no="A-1")
        rec = create_reconciliation(bank_account=nbank)
        add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("99.00"))
        assert match_automatically(reconciliation=rec).matched == 0

    def test_entries_after_the_statement_date_and_cheque_lines_are_left_out(self, nbank, fjord):
        bank_entry("100.00", D(2026, 2, 2), document_no="A-1")
        _entry, check = cheque_refund(fjord, "250.00", D(2026, 1, 15), document_no="R-1", check_no="000200")
        rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31))
        add_line(reconciliation=rec, transaction_date=D(2026, 2, 2), statement_amount=Decimal("100.00"))
        add_line(reconciliation=rec, type="check_ledger_entry", transaction_date=D(2026, 1, 15),
                 statement_amount=Decimal("-250.00"), check_no="000200")
        assert match_automatically(reconciliation=rec, tolerance_days=5).matched == 0

    def test_entries_matched_on_another_worksheet_are_left_out(self, nbank):
        bank_entry("100.00", D(2026, 1, 5), document_no="A-1")
        first = create_reconciliation(bank_account=nbank)
        add_line(reconciliation=first, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100.00"))
        second = create_reconciliation(bank_account=nbank)
        add_line(reconciliation=second, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100.00"))
        assert match_automatically(reconciliation=first).matched == 1
        assert match_automatically(reconciliation=second).matched == 0

    def test_manual_matches_are_kept(self, scenario30):
        rec, (receipt, rent), (first, second) = scenario30
        match_manually(reconciliation=rec, line=second, bank_entries=[receipt.pk])  # a wrong match, on purpose
        result = match_automatically(reconciliation=rec, tolerance_days=3)
        assert (result.matched, result.new) == (1, 0)
        assert second.bank_rec_matches.get().bank_entry_id == receipt.pk


class MatchManuallyTests:
    def test_one_line_takes_several_entries(self, nbank):
        a = bank_entry("60.00", D(2026, 1, 5), document_no="A-1")
        b = bank_entry("40.00", D(2026, 1, 5), document_no="A-2")
        rec = create_reconciliation(bank_account=nbank)
        lump = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100.00"))
        assert len(match_manually(reconciliation=rec, line=lump, bank_entries=[a.pk, b.pk, a.pk])) == 2
        lump.refresh_from_db()
        assert (lump.applied_amount, lump.difference) == (Decimal("100.00"), ZERO)

    def test_a_difference_line_cannot_be_matched(self, scenario30):
        rec, (receipt, _rent), (first, _second) = scenario30
        first.type = "difference"
        first.save()
        with pytest.raises(BankRecError) as refused:
            match_manually(reconciliation=rec, line=first, bank_entries=[receipt.pk])
        assert refused.value.message == ("Statement line 10000 has the type Difference and cannot be matched to "
                                         "entries.")

    def test_lines_take_the_entries_of_their_type(self, nbank, fjord):
        entry_, check = cheque_refund(fjord, "250.00", D(2026, 1, 15), document_no="R-1", check_no="000200")
        rec = create_reconciliation(bank_account=nbank)
        bank_line = add_line(reconciliation=rec, transaction_date=D(2026, 1, 15), statement_amount=Decimal("-250"))
        check_line = add_line(reconciliation=rec, type="check_ledger_entry", transaction_date=D(2026, 1, 15),
                              statement_amount=Decimal("-250"))
        with pytest.raises(BankRecError, match="line 10000 has the type Bank Account Ledger Entry and can only be matched to entries of"):
            match_manually(reconciliation=rec, line=bank_line, check_entries=[check.pk])
        with pytest.raises(BankRecError, match="line 20000 has the type Check Ledger Entry and can only be matched to entries of"):
            match_manually(reconciliation=rec, line=check_line, bank_entries=[entry_.pk])
        match_manually(reconciliation=rec, line=check_line, check_entries=[check.pk])
        entry_.refresh_from_db()
        assert entry_.statement_status == "check_entry_applied"
        with pytest.raises(BankRecError, match="has check ledger entries matched to statement lines"):
            match_manually(reconciliation=rec, line=bank_line, bank_entries=[entry_.pk])

    def test_a_cheque_of_a_matched_bank_entry_is_refused(self, nbank, fjord):
        entry_, check = cheque_refund(fjord, "250.00", D(2026, 1, 15), document_no="R-1", check_no="000200")
        rec = create_reconciliation(bank_account=nbank)
        bank_line = add_line(reconciliation=rec, transaction_date=D(2026, 1, 15), statement_amount=Decimal("-250"))
        check_line = add_line(reconciliation=rec, type="check_ledger_entry", transaction_date=D(2026, 1, 15),
                              statement_amount=Decimal("-250"))
        match_manually(reconciliation=rec, line=bank_line, bank_entries=[entry_.pk])
        with pytest.raises(BankRecError) as refused:
            match_manually(reconciliation=rec, line=check_line, check_entries=[check.pk])
        assert refused.value.message == (f"Check Ledger Entry {check.pk} belongs to Bank Account Ledger Entry "
                                         f"{entry_.pk}, which is matched itself.")

    def test_an_entry_matched_elsewhere_is_refused_naming_the_line(self, nbank):
        a = bank_entry("100.00", D(2026, 1, 5), document_no="A-1")
        first = create_reconciliation(bank_account=nbank)
        line_a = add_line(reconciliation=first, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100"))
        match_manually(reconciliation=first, line=line_a, bank_entries=[a.pk])
        second = create_reconciliation(bank_account=nbank)
        line_b = add_line(reconciliation=second, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100"))
        with pytest.raises(BankRecError) as refused:
            match_manually(reconciliation=second, line=line_b, bank_entries=[a.pk])
        assert refused.value.message == (f"Bank Account Ledger Entry {a.pk} is already matched to statement line "
                                         f"10000 of statement {first.statement_no}.")

    def test_the_database_holds_one_match_per_entry(self, nbank):
        a = bank_entry("100.00", D(2026, 1, 5), document_no="A-1")
        rec = create_reconciliation(bank_account=nbank)
        line_a = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100"))
        line_b = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("100"))
        match_manually(reconciliation=rec, line=line_a, bank_entries=[a.pk])
        # As if a second user had read the entry before the first one's match was written.
        BankAccountLedgerEntry.objects.filter(pk=a.pk).update(statement_status="open")
        with pytest.raises(BankRecError, match="is already matched to statement line 10000"):
            match_manually(reconciliation=rec, line=line_b, bank_entries=[a.pk])
        assert BankRecMatch.objects.count() == 1

    def test_closed_and_foreign_entries_are_refused(self, nbank, company):
        from receivables.company.setup import ensure_bank_account

        other = ensure_bank_account(no="OBANK", name="Other", posting_group="BANK2")
        foreign = bank_entry("10.00", D(2026, 1, 5), document_no="F-1")
        BankAccountLedgerEntry.objects.filter(pk=foreign.pk).update(bank_account=other)
        closed = bank_entry("20.00", D(2026, 1, 5), document_no="C-1")
        BankAccountLedgerEntry.objects.filter(pk=closed.pk).update(open=False, remaining_amount=0)
        rec = create_reconciliation(bank_account=nbank)
        target = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("10"))
        with pytest.raises(BankRecError, match="belongs to bank account OBANK, not NBANK"):
            match_manually(reconciliation=rec, line=target, bank_entries=[foreign.pk])
        with pytest.raises(BankRecError, match=f"Bank Account Ledger Entry {closed.pk} is not open."):
            match_manually(reconciliation=rec, line=target, bank_entries=[closed.pk])
        with pytest.raises(BankRecError, match="Select one statement line and one or more entries"):
            match_manually(reconciliation=rec, line=target)

    def test_a_matched_bank_entry_cannot_be_reversed(self, scenario30):
        rec, (receipt, _rent), (first, _second) = scenario30
        match_manually(reconciliation=rec, line=first, bank_entries=[receipt.pk])
        with pytest.raises(PostingError, match="because the entry is closed"):
            reverse_transaction(transaction_no=receipt.transaction_no)

    def test_remove_match_frees_entry_and_cheque(self, nbank, fjord):
        entry_, check = cheque_refund(fjord, "250.00", D(2026, 1, 15), document_no="R-1", check_no="000200")
        rec = create_reconciliation(bank_account=nbank)
        check_line = add_line(reconciliation=rec, type="check_ledger_entry", transaction_date=D(2026, 1, 15),
                              statement_amount=Decimal("-250"))
        match_manually(reconciliation=rec, line=check_line, check_entries=[check.pk])
        assert remove_match(reconciliation=rec, lines=[check_line]) == 1
        check.refresh_from_db()
        entry_.refresh_from_db()
        check_line.refresh_from_db()
        assert (check.statement_status, check.statement_no, check.statement_line_no) == ("open", "", None)
        assert entry_.statement_status == "open" and check_line.applied_amount == ZERO


class SuggestLinesTests:
    def test_the_date_range_and_entries_on_a_statement(self, nbank):
        bank_entry("100.00", D(2025, 12, 31), document_no="OLD")
        jan = bank_entry("200.00", D(2026, 1, 10), document_no="JAN", description="Januar")
        bank_entry("300.00", D(2026, 2, 1), document_no="FEB")
        rec = create_reconciliation(bank_account=nbank)
        add_line(reconciliation=rec, transaction_date=D(2026, 1, 1), statement_amount=Decimal("1"))
        lines = suggest_lines(reconciliation=rec, starting_date=D(2026, 1, 1), ending_date=D(2026, 1, 31))
        assert [(x.line_no, x.document_no, x.description, x.statement_amount) for x in lines] == [
            (20000, "JAN", "Januar", Decimal("200.00"))]
        assert lines[0].bank_rec_matches.get().bank_entry_id == jan.pk
        assert suggest_lines(reconciliation=rec, starting_date=D(2026, 1, 1), ending_date=D(2026, 1, 31)) == []

    def test_include_checks_makes_a_line_per_cheque(self, nbank, fjord):
        entry_, first = cheque_refund(fjord, "1000.00", D(2026, 1, 15), document_no="R-1", check_no="000301")
        CheckLedgerEntry.objects.filter(pk=first.pk).update(amount=Decimal("600.00"))
        second = CheckLedgerEntry.objects.create(
            bank_account=nbank, bank_account_ledger_entry=entry_, posting_date=D(2026, 1, 15), document_no="R-1",
            check_no="000302", check_date=D(2026, 1, 16), amount=Decimal("400.00"))
        rec = create_reconciliation(bank_account=nbank)
        lines = suggest_lines(reconciliation=rec, include_checks=True)
        assert [(x.check_no, x.transaction_date, x.statement_amount) for x in lines] == [
            ("000301", D(2026, 1, 15), Decimal("-600.00")), ("000302", D(2026, 1, 16), Decimal("-400.00"))]
        assert {m.check_entry_id for m in BankRecMatch.objects.all()} == {first.pk, second.pk}


class PostingRuleTests:
    def test_the_statement_date_is_mandatory(self, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        update_header(reconciliation=rec, statement_no=rec.statement_no, statement_date=None,
                      balance_last_statement=Decimal("10000"), statement_ending_balance=Decimal("10680"))
        with pytest.raises(BankRecError) as refused:
            post_reconciliation(reconciliation=rec)
        assert refused.value.message == ("Statement Date must have a value in Bank Acc. Reconciliation: Bank Account "
                                         "No.=NBANK, Statement No.=BS0013. It cannot be zero or empty.")

    def test_unmatched_lines_make_the_application_incorrect(self, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=0)
        with pytest.raises(BankRecError) as refused:
            post_reconciliation(reconciliation=rec)
        assert refused.value.message == ("The application is not correct. The total amount applied is 980.00; it "
                                         "should be 680.00.")

    def test_a_difference_line_posts_without_closing_anything(self, scenario30, ledger_ok):
        rec, (receipt, rent), (first, second) = scenario30
        match_automatically(reconciliation=rec, tolerance_days=0)
        second.type = "difference"
        second.save()
        statement = post_reconciliation(reconciliation=rec)
        rent.refresh_from_db()
        assert rent.open and rent.statement_status == "open" and rent.remaining_amount == Decimal("-300.00")
        posted = statement.lines.get(line_no=20000)
        assert (posted.type, posted.applied_amount, posted.difference) == ("difference", ZERO, Decimal("-300.00"))
        ledger_ok()

    def test_the_line_applied_amount_must_be_what_its_entries_close(self, scenario30):
        rec, _entries, (first, _second) = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        BankAccReconciliationLine.objects.filter(pk=first.pk).update(applied_amount=Decimal("900.00"))
        messages = [p.message for p in posting.test_report(reconciliation=rec)]
        assert messages == [
            "Applied Amount must be equal to 980.00 in Bank Acc. Reconciliation Line: Statement Line No.=10000. "
            "Current value is 900.00.",
            "The total difference is 80.00. It must be 0.00.",
        ]

    def test_a_difference_line_with_an_applied_amount_is_a_total_difference(self, scenario30):
        rec, _entries, (first, second) = scenario30
        match_automatically(reconciliation=rec, tolerance_days=0)
        BankAccReconciliationLine.objects.filter(pk=second.pk).update(type="difference",
                                                                      applied_amount=Decimal("-50.00"))
        assert [p.message for p in posting.test_report(reconciliation=rec)] == [
            "The total difference is -250.00. It must be -300.00."]

    def test_an_entry_changed_since_matching_is_refused(self, scenario30):
        rec, (receipt, _rent), _lines = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        BankAccountLedgerEntry.objects.filter(pk=receipt.pk).update(remaining_amount=Decimal("900.00"))
        with pytest.raises(BankRecError) as refused:
            post_reconciliation(reconciliation=rec)
        assert refused.value.message == (
            f"The remaining amount of Bank Account Ledger Entry {receipt.pk} is 900.00, but statement line 10000 "
            "matched 980.00. Remove the match and match the entry again.")
        assert refused.value.line_no == 10000

    def test_a_statement_no_already_posted_is_refused(self, scenario30, nbank):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        BankAccountStatement.objects.create(bank_account=nbank, statement_no="BS0013", statement_date=D(2025, 12, 31))
        with pytest.raises(BankRecError, match="already has a statement with statement no. BS0013"):
            post_reconciliation(reconciliation=rec)

    def test_a_posted_worksheet_is_not_posted_twice(self, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        post_reconciliation(reconciliation=rec)
        with pytest.raises(BankRecError) as refused:
            post_reconciliation(reconciliation=rec)
        assert refused.value.message == "Bank account reconciliation BS0013 of bank account NBANK is already posted."
        with pytest.raises(BankRecError, match="already posted"):
            add_line(reconciliation=rec, transaction_date=D(2026, 2, 1), statement_amount=Decimal("1"))
        assert BankAccountStatement.objects.count() == 1

    def test_the_posted_statement_records_lines_and_closed_entries(self, scenario30, accountant):
        rec, (receipt, rent), _lines = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        statement = post_reconciliation(reconciliation=rec, user=accountant)
        assert (statement.statement_no, statement.statement_date, statement.balance_last_statement,
                statement.posted_by) == ("BS0013", D(2026, 1, 31), Decimal("10000.00"), accountant)
        assert sorted(BankAccountStatementEntry.objects.values_list("line__line_no", "bank_entry", "amount")) == [
            (10000, receipt.pk, Decimal("980.00")), (20000, rent.pk, Decimal("-300.00"))]
        receipt.refresh_from_db()
        assert receipt.statement_line_no == 10000
        with pytest.raises(PermissionError):
            statement.delete()

    def test_partial_cheques_keep_the_bank_entry_open_until_the_last(self, nbank, fjord, ledger_ok):
        entry_, first = cheque_refund(fjord, "1000.00", D(2026, 1, 15), document_no="R-1", check_no="000301")
        CheckLedgerEntry.objects.filter(pk=first.pk).update(amount=Decimal("600.00"))
        second = CheckLedgerEntry.objects.create(
            bank_account=nbank, bank_account_ledger_entry=entry_, posting_date=D(2026, 1, 15), document_no="R-1",
            check_no="000302", check_date=D(2026, 1, 15), amount=Decimal("400.00"))
        january = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31),
                                        statement_ending_balance=Decimal("9400.00"))
        cashed = add_line(reconciliation=january, type="check_ledger_entry", transaction_date=D(2026, 1, 20),
                          check_no="000301", statement_amount=Decimal("-600.00"))
        match_manually(reconciliation=january, line=cashed, check_entries=[first.pk])
        post_reconciliation(reconciliation=january)
        entry_.refresh_from_db()
        first.refresh_from_db()
        assert not first.open and first.statement_status == "closed"
        assert (entry_.open, entry_.remaining_amount, entry_.statement_status) == (True, Decimal("-400.00"), "open")
        february = create_reconciliation(bank_account=nbank, statement_date=D(2026, 2, 28),
                                         statement_ending_balance=Decimal("9000.00"))
        assert february.balance_last_statement == Decimal("9400.00")
        lines = suggest_lines(reconciliation=february, include_checks=True)
        assert [(x.check_no, x.statement_amount) for x in lines] == [("000302", Decimal("-400.00"))]
        post_reconciliation(reconciliation=february)
        entry_.refresh_from_db()
        assert (entry_.open, entry_.remaining_amount, entry_.statement_status, entry_.statement_no) == (
            False, ZERO, "closed", february.statement_no)
        assert BankAccount.objects.get(pk=nbank.pk).last_statement_no == february.statement_no
        ledger_ok()

    def test_cheques_beyond_the_bank_entry_are_refused(self, nbank, fjord):
        entry_, check = cheque_refund(fjord, "250.00", D(2026, 1, 15), document_no="R-1", check_no="000123")
        CheckLedgerEntry.objects.filter(pk=check.pk).update(amount=Decimal("300.00"))
        rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31),
                                    statement_ending_balance=Decimal("9700.00"))
        suggest_lines(reconciliation=rec, include_checks=True)
        with pytest.raises(BankRecError) as refused:
            post_reconciliation(reconciliation=rec)
        assert refused.value.message == (f"The cheques matched to Bank Account Ledger Entry {entry_.pk} add up to "
                                         "more than its remaining amount -250.00.")


class WorksheetRuleTests:
    def test_the_next_statement_no_skips_numbers_in_use(self, nbank):
        create_reconciliation(bank_account=nbank)
        assert next_statement_no(nbank) == "BS0014"
        nbank.last_statement_no = ""
        assert next_statement_no(nbank) == "1"
        nbank.last_statement_no = "ABC"
        assert next_statement_no(nbank) == "ABC1"

    def test_a_blocked_bank_gets_no_worksheet(self, nbank):
        nbank.blocked = True
        with pytest.raises(BankRecError, match="Bank account NBANK is blocked."):
            create_reconciliation(bank_account=nbank)

    def test_a_new_statement_no_is_stamped_on_the_matched_entries(self, scenario30):
        rec, (receipt, _rent), _lines = scenario30
        match_automatically(reconciliation=rec)
        update_header(reconciliation=rec, statement_no="2026-01", statement_date=D(2026, 1, 31),
                      balance_last_statement=Decimal("10000"), statement_ending_balance=Decimal("10680"))
        receipt.refresh_from_db()
        assert receipt.statement_no == "2026-01"

    def test_totals(self, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec)
        figures = totals(rec)
        assert (figures.total_balance, figures.balance_to_reconcile, figures.ending_balance_difference,
                figures.lines) == (Decimal("10680.00"), Decimal("-300.00"), ZERO, 2)

    def test_deleting_a_worksheet_frees_its_entries(self, scenario30):
        rec, (receipt, rent), _lines = scenario30
        match_automatically(reconciliation=rec, tolerance_days=3)
        delete_reconciliation(reconciliation=rec)
        assert not BankRecMatch.objects.exists()
        assert set(BankAccountLedgerEntry.objects.values_list("statement_status", "statement_no")) == {("open", "")}


class TransferTests:
    def test_a_fee_goes_to_the_journal_and_its_bank_entry_is_matched_afterwards(self, nbank, ledger_ok):
        rec = create_reconciliation(bank_account=nbank, statement_date=D(2026, 1, 31),
                                    statement_ending_balance=Decimal("9975.00"))
        fee = add_line(reconciliation=rec, transaction_date=D(2026, 1, 5), statement_amount=Decimal("-25.00"),
                       description="NETTBANK GEBYR")
        batch = GenJournalBatch.objects.get(template__name="GENERAL", name="DEFAULT")
        [journal_line] = transfer_to_general_journal(reconciliation=rec, batch=batch)
        assert (journal_line.document_no, journal_line.amount, journal_line.account_no) == (
            "G00001", Decimal("25.00"), "")
        journal_line.account_no = "7770"
        journal_line.save()
        post_batch(batch)
        new_entry = BankAccountLedgerEntry.objects.get()
        assert new_entry.amount == Decimal("-25.00")
        assert match_automatically(reconciliation=rec).matched == 1
        post_reconciliation(reconciliation=rec)
        fee.refresh_from_db()
        new_entry.refresh_from_db()
        assert fee.posted and not new_entry.open
        ledger_ok()

    def test_only_lines_without_entries_are_transferred(self, scenario30):
        rec = scenario30[0]
        match_automatically(reconciliation=rec, tolerance_days=3)
        batch = GenJournalBatch.objects.get(template__name="GENERAL", name="DEFAULT")
        with pytest.raises(BankRecError, match="There are no statement lines without entries to transfer."):
            transfer_to_general_journal(reconciliation=rec, batch=batch)


class ImportOntoWorksheetTests:
    def test_lines_are_added_after_the_typed_ones_and_match(self, scenario30):
        rec, (receipt, rent), _lines = scenario30
        rec.lines.all().delete()
        add_line(reconciliation=rec, transaction_date=D(2026, 1, 2), statement_amount=Decimal("0.00"))
        result = import_bank_statement(reconciliation=rec, data=CAMT.encode(), filename="jan.xml")
        assert result.imported == 2
        assert list(rec.lines.values_list("line_no", flat=True)) == [10000, 20000, 30000]
        assert match_automatically(reconciliation=rec, tolerance_days=3).matched == 2
        assert rec.lines.get(line_no=20000).bank_rec_matches.get().bank_entry_id == receipt.pk

    def test_a_file_imported_into_a_payment_journal_imports_here_once(self, scenario30):
        """NAV's Post Payments Only, then Bank Acc. Reconciliation: the same statement goes into both windows.
        Within one kind of worksheet it is still imported once."""
        rec = scenario30[0]
        rec.lines.all().delete()
        import_statement(bank_account=rec.bank_account, data=CAMT.encode(), filename="jan.xml")
        assert import_bank_statement(reconciliation=rec, data=CAMT.encode(), filename="jan.xml").imported == 2
        with pytest.raises(StatementAlreadyImported, match="jan.xml was already imported"):
            import_bank_statement(reconciliation=rec, data=CAMT.encode(), filename="jan.xml")
        # The same statement in another file is refused too (its statement id), and so is the file in a
        # second payment journal.
        renamed = CAMT.replace("<MsgId>BR-1</MsgId>", "<MsgId>BR-1b</MsgId>")
        with pytest.raises(StatementAlreadyImported, match="Statement BR-2026-01"):
            import_bank_statement(reconciliation=rec, data=renamed.encode(), filename="jan-b.xml")
        with pytest.raises(StatementAlreadyImported):
            import_statement(bank_account=rec.bank_account, data=CAMT.encode(), filename="jan.xml")
        assert rec.lines.count() == 2
