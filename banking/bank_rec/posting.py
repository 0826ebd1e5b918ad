"""Test Report and Post (NAV codeunit 370 "Bank Acc. Reconciliation Post"; spec section 7).

Posting checks everything first (the Test Report shows every problem at once, posting refuses on
the first), then in one transaction, under locks on the bank account and the worksheet:

* each Bank Account Ledger Entry line closes its matched bank entries (Remaining Amount 0, Open
  false, Statement Status Closed, statement no. and line no. stamped) and their open cheques;
* each Check Ledger Entry line closes its cheque and reduces the cheque's bank entry by it,
  closing the bank entry when nothing remains (a partial cheque leaves the rest open);
* Difference lines close nothing;
* the bank card's Last Statement No. and Balance Last Statement take the statement's;
* the lines are kept as a posted Bank Account Statement, with the entries each line closed, and
  the worksheet is marked posted.

No G/L entries: the bank ledger already is what the G/L says; this only proves it against the bank.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.formats import number_format

from banking.models import (
    BankAccountStatement,
    BankAccountStatementEntry,
    BankAccountStatementLine,
    BankAccReconciliation,
    BankAccReconciliationLine,
    BankRecMatch,
    ReconciliationLineType,
    StatementType,
)
from receivables.lib.bulk import update_rows
from receivables.lib.money import ZERO
from receivables.models import (
    BankAccount,
    BankAccountLedgerEntry,
    CheckLedgerEntry,
    StatementStatus,
)

from .errors import (
    ALREADY_POSTED,
    APPLICATION_NOT_CORRECT,
    CHECK_MORE_THAN_REMAINING,
    DIFFERENCE_LINE,
    ENDING_BALANCE_NOT_TOTAL,
    ENTRY_NOT_OPEN,
    LINE_APPLIED_AMOUNT,
    MATCHED_AMOUNT_CHANGED,
    NOT_A_BANK_RECONCILIATION,
    STATEMENT_DATE_MISSING,
    STATEMENT_NO_TAKEN,
    TOTAL_DIFFERENCE,
    WRONG_ENTRY_KIND,
    BankRecError,
)
from .matches import bank_label, check_label
from .worksheet import line_text

DIFFERENCE = ReconciliationLineType.DIFFERENCE
CHECK = ReconciliationLineType.CHECK_LEDGER_ENTRY
CLOSE_FIELDS = ["open", "remaining_amount", "statement_status", "statement_no", "statement_line_no"]


@dataclass(frozen=True)
class Problem:
    message: str
    line_no: int | None = None


def money(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _load(reconciliation: BankAccReconciliation, *, lock: bool):
    if lock:
        # Lock the entries this posting closes before reading them, so a reversal or another
        # worksheet cannot change them between the checks and the writes (on PostgreSQL; SQLite's
        # IMMEDIATE transactions serialize writers anyway).
        mine = {"bank_rec_matches__line__reconciliation": reconciliation}
        list(BankAccountLedgerEntry.objects.select_for_update(of=("self",)).filter(
            Q(bank_rec_matches__line__reconciliation=reconciliation)
            | Q(check_entries__bank_rec_matches__line__reconciliation=reconciliation)).values_list("pk"))
        list(CheckLedgerEntry.objects.select_for_update(of=("self",)).filter(**mine).values_list("pk"))
    lines = list(reconciliation.lines.order_by("line_no"))
    found = BankRecMatch.objects.filter(line__reconciliation=reconciliation).select_related(
        "bank_entry", "check_entry__bank_account_ledger_entry").order_by("pk")
    by_line: dict[int, list[BankRecMatch]] = defaultdict(list)
    for match in found:
        by_line[match.line_id].append(match)
    return lines, by_line


def problems(reconciliation: BankAccReconciliation, lines: list[BankAccReconciliationLine],
             by_line: dict[int, list[BankRecMatch]]) -> list[Problem]:
    """Every reason the worksheet cannot be posted, in the order NAV would meet them."""
    found: list[Problem] = []
    rec = reconciliation
    if rec.statement_type != StatementType.BANK_RECONCILIATION:
        return [Problem(NOT_A_BANK_RECONCILIATION % {"no": rec.statement_no})]
    if rec.status != BankAccReconciliation.Status.OPEN:
        return [Problem(ALREADY_POSTED % {"no": rec.statement_no, "bank": rec.bank_account.no})]
    if not rec.statement_date:
        found.append(Problem(STATEMENT_DATE_MISSING % {"bank": rec.bank_account.no, "no": rec.statement_no}))
    if BankAccountStatement.objects.filter(bank_account=rec.bank_account_id, statement_no=rec.statement_no).exists():
        found.append(Problem(STATEMENT_NO_TAKEN % {"bank": rec.bank_account.no, "no": rec.statement_no}))
    total = sum((line.statement_amount for line in lines), ZERO)
    if rec.statement_ending_balance != rec.balance_last_statement + total:
        found.append(Problem(ENDING_BALANCE_NOT_TOTAL))
    applied_total = difference_lines = line_differences = ZERO
    cheques_per_entry: dict[int, Decimal] = defaultdict(Decimal)
    remaining_of: dict[int, Decimal] = {}
    for line in lines:
        line_matches = by_line.get(line.pk, [])
        line_differences += line.statement_amount - line.applied_amount
        if line.type == DIFFERENCE:
            difference_lines += line.statement_amount
            if line_matches:
                found.append(Problem(DIFFERENCE_LINE % {"line": line.line_no}, line.line_no))
            continue
        closed = ZERO
        for match in line_matches:
            problem = _match_problem(rec, line, match)
            if problem:
                found.append(Problem(problem, line.line_no))
                continue
            closed += match.amount
            if match.check_entry_id:
                bank_entry = match.check_entry.bank_account_ledger_entry
                cheques_per_entry[bank_entry.pk] += match.amount
                remaining_of[bank_entry.pk] = bank_entry.remaining_amount
        if line.applied_amount != closed:
            found.append(Problem(LINE_APPLIED_AMOUNT % {"expected": money(closed), "line": line.line_no,
                                                          "applied": money(line.applied_amount)}, line.line_no))
        applied_total += closed
    for entry_no, amount in cheques_per_entry.items():
        remaining = remaining_of[entry_no]
        if abs(amount) > abs(remaining) or (amount and remaining and (amount > 0) != (remaining > 0)):
            found.append(Problem(CHECK_MORE_THAN_REMAINING % {"entry": entry_no, "remaining": money(remaining)}))
    if total != applied_total + difference_lines:
        found.append(Problem(APPLICATION_NOT_CORRECT % {"applied": money(applied_total + difference_lines),
                                                          "total": money(total)}))
    elif line_differences != difference_lines:
        found.append(Problem(TOTAL_DIFFERENCE % {"difference": money(line_differences),
                                                   "expected": money(difference_lines)}))
    return found


def _match_problem(rec: BankAccReconciliation, line: BankAccReconciliationLine, match: BankRecMatch) -> str:
    if match.bank_entry_id:
        entry = match.bank_entry
        if line.type == CHECK:
            return WRONG_ENTRY_KIND % {"line": line.line_no, "type": line.get_type_display()}
        if entry.bank_account_id != rec.bank_account_id or not entry.open:
            return ENTRY_NOT_OPEN % {"table": bank_label(), "entry": entry.pk}
        if entry.remaining_amount != match.amount:
            return MATCHED_AMOUNT_CHANGED % {"entry": entry.pk, "remaining": money(entry.remaining_amount),
                                               "line": line.line_no, "amount": money(match.amount)}
        return ""
    check = match.check_entry
    if line.type != CHECK:
        return WRONG_ENTRY_KIND % {"line": line.line_no, "type": line.get_type_display()}
    if check.bank_account_id != rec.bank_account_id or not check.open:
        return ENTRY_NOT_OPEN % {"table": check_label(), "entry": check.pk}
    if not check.bank_account_ledger_entry.open:
        return ENTRY_NOT_OPEN % {"table": bank_label(), "entry": check.bank_account_ledger_entry_id}
    return ""


def test_report(*, reconciliation: BankAccReconciliation) -> list[Problem]:
    """The Bank Acc. Recon. - Test report: every problem at once; nothing is written."""
    rec = BankAccReconciliation.objects.select_related("bank_account").get(pk=reconciliation.pk)
    lines, by_line = _load(rec, lock=False)
    return problems(rec, lines, by_line)


def post_reconciliation(*, reconciliation: BankAccReconciliation, user=None) -> BankAccountStatement:
    """Post the worksheet (see the module docstring). Refused with a BankRecError; then nothing is written."""
    with transaction.atomic():
        # Lock order: the bank account, then the worksheet (as creating a worksheet does), so two
        # postings for one bank run one after the other and the card's balance is never lost.
        bank = BankAccount.objects.select_for_update().get(pk=reconciliation.bank_account_id)
        rec = BankAccReconciliation.objects.select_for_update(of=("self",)).select_related("bank_account").get(
            pk=reconciliation.pk)
        lines, by_line = _load(rec, lock=True)
        found = problems(rec, lines, by_line)
        if found:
            raise BankRecError(found[0].message, line_no=found[0].line_no)
        statement = BankAccountStatement.objects.create(
            bank_account=bank, statement_no=rec.statement_no, statement_date=rec.statement_date,
            balance_last_statement=rec.balance_last_statement,
            statement_ending_balance=rec.statement_ending_balance, reconciliation=rec,
            posted_by=user if getattr(user, "pk", None) else None,
        )
        posted_lines = BankAccountStatementLine.objects.bulk_create([
            BankAccountStatementLine(
                statement=statement, line_no=line.line_no, type=line.type, transaction_date=line.transaction_date,
                value_date=line.value_date, document_no=line.document_no, check_no=line.check_no,
                description=line_text(line)[:500], related_party_name=line.related_party_name,
                additional_transaction_info=line.additional_transaction_info,
                statement_amount=line.statement_amount, applied_amount=line.applied_amount,
                difference=line.statement_amount - line.applied_amount,
                applied_entries=len(by_line.get(line.pk, [])),
            )
            for line in lines
        ])
        posted_by_no = {posted.line_no: posted for posted in posted_lines}
        closed_bank: dict[int, BankAccountLedgerEntry] = {}
        closed_checks: dict[int, CheckLedgerEntry] = {}
        reduced: dict[int, BankAccountLedgerEntry] = {}
        records = []
        for line in lines:
            for match in by_line.get(line.pk, []):
                records.append(BankAccountStatementEntry(
                    line=posted_by_no[line.line_no], bank_entry_id=match.bank_entry_id,
                    check_entry_id=match.check_entry_id, amount=match.amount))
                if match.bank_entry_id:
                    closed_bank[match.bank_entry_id] = _close(match.bank_entry, rec.statement_no, line.line_no)
                else:
                    check = _close(match.check_entry, rec.statement_no, line.line_no)
                    closed_checks[check.pk] = check
                    bank_entry = reduced.setdefault(check.bank_account_ledger_entry_id,
                                                    check.bank_account_ledger_entry)
                    bank_entry.remaining_amount -= match.amount
                    if bank_entry.remaining_amount == 0:
                        _close(bank_entry, rec.statement_no, line.line_no)
        BankAccountStatementEntry.objects.bulk_create(records)
        # A bank entry closed in full takes its cheques with it.
        for check in CheckLedgerEntry.objects.select_for_update().filter(
                bank_account_ledger_entry__in=list(closed_bank), open=True):
            entry = closed_bank[check.bank_account_ledger_entry_id]
            closed_checks[check.pk] = _close(check, rec.statement_no, entry.statement_line_no)
        _reopen_partial(reduced.values(), rec)
        update_rows(BankAccountLedgerEntry, [*closed_bank.values(), *reduced.values()], CLOSE_FIELDS)
        update_rows(CheckLedgerEntry, list(closed_checks.values()),
                    ["open", "statement_status", "statement_no", "statement_line_no"])
        bank.last_statement_no = rec.statement_no
        bank.balance_last_statement = rec.statement_ending_balance
        bank.save(update_fields=["last_statement_no", "balance_last_statement"])
        rec.lines.update(posted=True, reconciled=True)
        rec.status = BankAccReconciliation.Status.POSTED
        rec.save(update_fields=["status"])
        return statement


def _close(entry, statement_no: str, line_no: int):
    entry.open = False
    if isinstance(entry, BankAccountLedgerEntry):
        entry.remaining_amount = ZERO
    entry.statement_status = StatementStatus.CLOSED
    entry.statement_no = statement_no
    entry.statement_line_no = line_no
    return entry


def _reopen_partial(entries, rec: BankAccReconciliation) -> None:
    """A bank entry a partial cheque reduced stays open for the next statement; it is back to Open
    unless another worksheet still has one of its cheques matched."""
    partial = [entry for entry in entries if entry.open]
    if not partial:
        return
    elsewhere = set(BankRecMatch.objects.filter(
        check_entry__bank_account_ledger_entry__in=[e.pk for e in partial]
    ).exclude(line__reconciliation=rec).exclude(line__posted=True).values_list(
        "check_entry__bank_account_ledger_entry", flat=True))
    for entry in partial:
        if entry.pk not in elsewhere:
            entry.statement_status = StatementStatus.OPEN
            entry.statement_no = ""
            entry.statement_line_no = None
