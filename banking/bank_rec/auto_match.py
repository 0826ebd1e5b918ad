"""Match Automatically, Match Manually and Remove Match (NAV codeunit 1252 "Match Bank Rec. Lines").

Scoring of a (statement line, open bank entry) pair, as NAV 2017:

* +13 when the line's unmatched amount (its Difference) equals the entry's Remaining Amount;
* for each of the line's Description, Related-Party Name and Additional Transaction Info:
  +11 when it holds the entry's Document No. (string nearness 10 of 10, common runs of 4 characters
  or more), +10 when it holds the entry's External Document No., and + the nearness (0-10) to the
  entry's description when that is 8 or more;
* +1 when Transaction Date = Posting Date; the score is 0 when they are further apart than the
  Transaction Date Tolerance (Days).

Pairs scoring more than 2 are candidates; the best are taken one to one, each line and each entry
once. Lines matched before (by hand or by an earlier run) are kept as they are.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from banking.matching.normalize import NEARNESS_THRESHOLD, nearness
from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    BankRecMatch,
    ReconciliationLineType,
)
from receivables.models import BankAccountLedgerEntry, CheckLedgerEntry, StatementStatus

from . import matches
from .errors import ENTRY_NOT_OPEN, SELECT_ONE_LINE, BankRecError
from .worksheet import line_text, locked

AMOUNT_SCORE = 13
DOCUMENT_NO_SCORE = 11
EXTERNAL_DOCUMENT_NO_SCORE = 10
SAME_DATE_SCORE = 1
MINIMUM_SCORE = 2  # a candidate scores more than this
DESCRIPTION_NEARNESS = 8  # of 10


@dataclass(frozen=True)
class MatchResult:
    matched: int  # lines of the worksheet with at least one entry, after the run
    lines: int  # lines of the worksheet
    new: int  # lines matched by this run


def _nearness10(text: str, other: str) -> int:
    """NAV's CalculateStringNearness with normalizing factor 10 (the factor-100 value, DIV 10)."""
    if not text or not other:
        return 0
    return nearness(text, other, NEARNESS_THRESHOLD) // 10


def text_score(text: str, entry: BankAccountLedgerEntry) -> int:
    score = 0
    if not text:
        return score
    if entry.document_no and _nearness10(text, entry.document_no) == 10:
        score += DOCUMENT_NO_SCORE
    if entry.external_document_no and _nearness10(text, entry.external_document_no) == 10:
        score += EXTERNAL_DOCUMENT_NO_SCORE
    near = _nearness10(text, entry.description)
    if near >= DESCRIPTION_NEARNESS:
        score += near
    return score


def score(line: BankAccReconciliationLine, entry: BankAccountLedgerEntry, *, tolerance_days: int = 0) -> int:
    """The score of one pair (see the module docstring)."""
    days = abs((line.transaction_date - entry.posting_date).days)
    if days > tolerance_days:
        return 0
    total = 0
    if line.statement_amount - line.applied_amount == entry.remaining_amount:
        total += AMOUNT_SCORE
    for text in (line_text(line), line.related_party_name, line.additional_transaction_info):
        total += text_score(text, entry)
    if days == 0:
        total += SAME_DATE_SCORE
    return total


def match_automatically(*, reconciliation: BankAccReconciliation, tolerance_days: int = 0,
                        user=None) -> MatchResult:
    """Match the unmatched Bank Account Ledger Entry lines one to one with the bank's open entries."""
    tolerance_days = max(int(tolerance_days or 0), 0)
    with transaction.atomic():
        rec = locked(reconciliation)
        matched_before = set(BankRecMatch.objects.filter(line__reconciliation=rec).values_list("line", flat=True))
        all_lines = list(rec.lines.all())
        lines = [line for line in all_lines
                 if line.type == ReconciliationLineType.BANK_ACCOUNT_LEDGER_ENTRY and line.pk not in matched_before
                 and line.statement_amount != line.applied_amount]
        entries = BankAccountLedgerEntry.objects.select_for_update().filter(
            bank_account=rec.bank_account_id, open=True, statement_status=StatementStatus.OPEN
        ).exclude(remaining_amount=0)
        if rec.statement_date:
            entries = entries.filter(posting_date__lte=rec.statement_date)
        by_date: dict = defaultdict(list)
        for entry in entries.order_by("entry_no"):
            by_date[entry.posting_date].append(entry)
        candidates = []
        for line in lines:
            # Only entries within the tolerance can score, so only those dates are looked at.
            for offset in range(-tolerance_days, tolerance_days + 1):
                for entry in by_date.get(line.transaction_date + timedelta(days=offset), ()):
                    points = score(line, entry, tolerance_days=tolerance_days)
                    if points > MINIMUM_SCORE:
                        candidates.append((points, abs(offset), line, entry))
        # Best first; on equal scores the nearer date, then statement and ledger order.
        candidates.sort(key=lambda c: (-c[0], c[1], c[2].line_no, c[3].entry_no))
        used_lines, used_entries = set(), set()
        pairs, scores = [], []
        for points, _days, line, entry in candidates:
            if line.pk in used_lines or entry.pk in used_entries:
                continue
            used_lines.add(line.pk)
            used_entries.add(entry.pk)
            pairs.append((line, entry))
            scores.append(points)
        matches.add(rec, pairs, automatic=True, scores=scores)
        return MatchResult(matched=len(matched_before) + len(pairs), lines=len(all_lines), new=len(pairs))


def match_manually(*, reconciliation: BankAccReconciliation, line: BankAccReconciliationLine,
                   bank_entries: Sequence[int] = (), check_entries: Sequence[int] = (),
                   user=None) -> list[BankRecMatch]:
    """One statement line to one or more entries: bank entries for a Bank Account Ledger Entry line,
    cheques for a Check Ledger Entry line. The line keeps what it was matched to before."""
    bank_entries = list(dict.fromkeys(int(pk) for pk in bank_entries))
    check_entries = list(dict.fromkeys(int(pk) for pk in check_entries))
    if not bank_entries and not check_entries:
        raise BankRecError(SELECT_ONE_LINE)
    with transaction.atomic():
        rec = locked(reconciliation)
        line = BankAccReconciliationLine.objects.select_for_update().get(pk=line.pk, reconciliation=rec)
        targets: list[object] = []
        found = BankAccountLedgerEntry.objects.select_for_update(of=("self",)).select_related("bank_account").in_bulk(
            bank_entries)
        for pk in bank_entries:
            entry = found.get(pk)
            if entry is None:
                raise BankRecError(ENTRY_NOT_OPEN % {"table": matches.bank_label(), "entry": pk})
            matches.check_bank_entry(rec, line, entry)
            targets.append(entry)
        found_checks = CheckLedgerEntry.objects.select_for_update(of=("self",)).select_related(
            "bank_account", "bank_account_ledger_entry").in_bulk(check_entries)
        for pk in check_entries:
            check = found_checks.get(pk)
            if check is None:
                raise BankRecError(ENTRY_NOT_OPEN % {"table": matches.check_label(), "entry": pk})
            matches.check_check_entry(rec, line, check)
            targets.append(check)
        return matches.add(rec, [(line, target) for target in targets])


def remove_match(*, reconciliation: BankAccReconciliation, lines: Iterable[BankAccReconciliationLine],
                 user=None) -> int:
    """Unlink the lines from their entries; returns how many lines had a match."""
    with transaction.atomic():
        rec = locked(reconciliation)
        return matches.remove(rec.lines.filter(pk__in=[line.pk for line in lines]))
