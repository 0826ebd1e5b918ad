"""Where matches are kept: the match rows, the line's applied amount, and NAV's stamps on the entries.

NAV links a statement line and an entry by stamping the entry: Statement Status *Bank Acc. Entry
Applied* (or *Check Entry Applied*), Statement No., Statement Line No. The stamps are kept here too,
because the ledger pages show them and a stamped bank entry cannot be reversed; the `BankRecMatch`
rows are what the database holds to one match per entry. Every change goes through this module, so
the two always agree. Callers hold the worksheet's lock (`worksheet.locked`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    BankRecMatch,
    ReconciliationLineType,
)
from receivables.lib.aggregates import MoneySum
from receivables.lib.bulk import update_rows
from receivables.lib.money import ZERO
from receivables.models import BankAccountLedgerEntry, CheckLedgerEntry, StatementStatus

from .errors import (
    CHECK_NOT_POSTED,
    CHECK_OF_MATCHED_ENTRY,
    DIFFERENCE_LINE,
    ENTRY_ALREADY_MATCHED,
    ENTRY_NOT_OPEN,
    ENTRY_OTHER_BANK,
    ENTRY_WITH_MATCHED_CHECKS,
    WRONG_ENTRY_KIND,
    BankRecError,
)

BANK = ReconciliationLineType.BANK_ACCOUNT_LEDGER_ENTRY
CHECK = ReconciliationLineType.CHECK_LEDGER_ENTRY
RECONCILABLE_CHECKS = [CheckLedgerEntry.EntryStatus.POSTED, CheckLedgerEntry.EntryStatus.FINANCIALLY_VOIDED]
STAMP_FIELDS = ["statement_status", "statement_no", "statement_line_no"]


def bank_label() -> str:
    return str(BankAccountLedgerEntry._meta.verbose_name).title()


def check_label() -> str:
    return str(CheckLedgerEntry._meta.verbose_name).title()


def check_bank_entry(reconciliation: BankAccReconciliation, line: BankAccReconciliationLine,
                     entry: BankAccountLedgerEntry) -> None:
    """Refuse a bank entry this line cannot be matched to (NAV's checks before Set Recon. No.)."""
    if line.type != BANK:
        raise BankRecError(_wrong_kind(line), line_no=line.line_no)
    if entry.bank_account_id != reconciliation.bank_account_id:
        raise BankRecError(ENTRY_OTHER_BANK % {"table": bank_label(), "entry": entry.pk,
                                                 "other": entry.bank_account.no, "bank": reconciliation.bank_account.no})
    if not entry.open or entry.remaining_amount == 0:
        raise BankRecError(ENTRY_NOT_OPEN % {"table": bank_label(), "entry": entry.pk})
    if entry.statement_status == StatementStatus.CHECK_ENTRY_APPLIED:
        raise BankRecError(ENTRY_WITH_MATCHED_CHECKS % {"entry": entry.pk})
    if entry.statement_status != StatementStatus.OPEN:
        raise BankRecError(ENTRY_ALREADY_MATCHED % {"table": bank_label(), "entry": entry.pk,
                                                      "line": entry.statement_line_no, "no": entry.statement_no})


def check_check_entry(reconciliation: BankAccReconciliation, line: BankAccReconciliationLine,
                      check: CheckLedgerEntry) -> None:
    if line.type != CHECK:
        raise BankRecError(_wrong_kind(line), line_no=line.line_no)
    if check.bank_account_id != reconciliation.bank_account_id:
        raise BankRecError(ENTRY_OTHER_BANK % {"table": check_label(), "entry": check.pk,
                                                 "other": check.bank_account.no, "bank": reconciliation.bank_account.no})
    if not check.open:
        raise BankRecError(ENTRY_NOT_OPEN % {"table": check_label(), "entry": check.pk})
    if check.entry_status not in RECONCILABLE_CHECKS:
        raise BankRecError(CHECK_NOT_POSTED % {"entry": check.pk, "status": check.get_entry_status_display()})
    if check.statement_status != StatementStatus.OPEN:
        raise BankRecError(ENTRY_ALREADY_MATCHED % {"table": check_label(), "entry": check.pk,
                                                      "line": check.statement_line_no, "no": check.statement_no})
    if check.bank_account_ledger_entry.statement_status == StatementStatus.BANK_ACC_ENTRY_APPLIED:
        raise BankRecError(CHECK_OF_MATCHED_ENTRY % {"entry": check.pk,
                                                       "bank_entry": check.bank_account_ledger_entry_id})


def _wrong_kind(line: BankAccReconciliationLine) -> str:
    if line.type == ReconciliationLineType.DIFFERENCE:
        return DIFFERENCE_LINE % {"line": line.line_no}
    return WRONG_ENTRY_KIND % {"line": line.line_no, "type": line.get_type_display()}


def add(reconciliation: BankAccReconciliation, pairs: Sequence[tuple[BankAccReconciliationLine, object]], *,
        automatic: bool = False, scores: Sequence[int] | None = None) -> list[BankRecMatch]:
    """Match each (line, entry) pair: the entries must have passed `check_bank_entry`/`check_check_entry`.

    One INSERT for the matches and one UPDATE per table for the stamps, however many pairs.
    """
    matches, bank_entries, checks = [], [], []
    for index, (line, entry) in enumerate(pairs):
        score = scores[index] if scores else 0
        if isinstance(entry, CheckLedgerEntry):
            matches.append(BankRecMatch(line=line, check_entry=entry, amount=-entry.amount,
                                        automatic=automatic, score=score))
            _stamp(entry, StatementStatus.CHECK_ENTRY_APPLIED, reconciliation.statement_no, line.line_no)
            checks.append(entry)
            # NAV marks the cheque's bank entry too, so it is neither suggested nor matched on its own.
            bank_entry = entry.bank_account_ledger_entry
            _stamp(bank_entry, StatementStatus.CHECK_ENTRY_APPLIED, "", None)
            bank_entries.append(bank_entry)
        else:
            matches.append(BankRecMatch(line=line, bank_entry=entry, amount=entry.remaining_amount,
                                        automatic=automatic, score=score))
            _stamp(entry, StatementStatus.BANK_ACC_ENTRY_APPLIED, reconciliation.statement_no, line.line_no)
            bank_entries.append(entry)
    if not matches:
        return []
    try:
        with transaction.atomic():
            BankRecMatch.objects.bulk_create(matches)
    except IntegrityError:
        # Another worksheet matched one of these entries after we read it: say which one.
        taken = BankRecMatch.objects.filter(
            Q(bank_entry__in=[m.bank_entry_id for m in matches if m.bank_entry_id])
            | Q(check_entry__in=[m.check_entry_id for m in matches if m.check_entry_id])
        ).select_related("line__reconciliation").first()
        if taken is None:
            raise
        table, entry_no = ((bank_label(), taken.bank_entry_id) if taken.bank_entry_id
                           else (check_label(), taken.check_entry_id))
        raise BankRecError(ENTRY_ALREADY_MATCHED % {"table": table, "entry": entry_no, "line": taken.line.line_no,
                                                      "no": taken.line.reconciliation.statement_no}) from None
    update_rows(BankAccountLedgerEntry, _unique(bank_entries), STAMP_FIELDS)
    update_rows(CheckLedgerEntry, _unique(checks), STAMP_FIELDS)
    refresh_applied({line.pk for line, _entry in pairs})
    return matches


def remove(lines: Iterable[BankAccReconciliationLine]) -> int:
    """Unmatch the lines: delete their matches, clear the stamps, applied amount back to 0."""
    line_ids = [line.pk for line in lines]
    matches = list(BankRecMatch.objects.filter(line__in=line_ids).select_related("bank_entry", "check_entry"))
    if not matches:
        return 0
    bank_ids = {m.bank_entry_id for m in matches if m.bank_entry_id}
    check_ids = {m.check_entry_id for m in matches if m.check_entry_id}
    cheque_bank_ids = {m.check_entry.bank_account_ledger_entry_id for m in matches if m.check_entry_id}
    BankRecMatch.objects.filter(pk__in=[m.pk for m in matches]).delete()
    BankAccountLedgerEntry.objects.filter(pk__in=bank_ids).update(
        statement_status=StatementStatus.OPEN, statement_no="", statement_line_no=None)
    CheckLedgerEntry.objects.filter(pk__in=check_ids).update(
        statement_status=StatementStatus.OPEN, statement_no="", statement_line_no=None)
    # A cheque's bank entry is free again once none of its cheques is matched anywhere.
    still = set(BankRecMatch.objects.filter(check_entry__bank_account_ledger_entry__in=cheque_bank_ids)
                .values_list("check_entry__bank_account_ledger_entry", flat=True))
    BankAccountLedgerEntry.objects.filter(
        pk__in=cheque_bank_ids - still, statement_status=StatementStatus.CHECK_ENTRY_APPLIED
    ).update(statement_status=StatementStatus.OPEN, statement_no="", statement_line_no=None)
    refresh_applied(line_ids)
    return len({m.line_id for m in matches})


def restamp_statement_no(reconciliation: BankAccReconciliation) -> None:
    """The statement no. changed: the entries matched to this worksheet carry the new one."""
    BankAccountLedgerEntry.objects.filter(bank_rec_matches__line__reconciliation=reconciliation).update(
        statement_no=reconciliation.statement_no)
    CheckLedgerEntry.objects.filter(bank_rec_matches__line__reconciliation=reconciliation).update(
        statement_no=reconciliation.statement_no)


def refresh_applied(line_ids: Iterable[int]) -> None:
    """Applied Amount = the sum of the line's matches (NAV keeps it the same way, as a stored field)."""
    line_ids = list(line_ids)
    sums = dict(BankRecMatch.objects.filter(line__in=line_ids).values("line").annotate(total=MoneySum("amount"))
                .values_list("line", "total"))
    lines = list(BankAccReconciliationLine.objects.filter(pk__in=line_ids).only("pk", "applied_amount"))
    for line in lines:
        line.applied_amount = sums.get(line.pk) or ZERO
    update_rows(BankAccReconciliationLine, lines, ["applied_amount"])


def _stamp(entry, status: str, statement_no: str, line_no: int | None) -> None:
    entry.statement_status = status
    entry.statement_no = statement_no
    entry.statement_line_no = line_no


def _unique(entries: list) -> list:
    return list({entry.pk: entry for entry in entries}.values())
