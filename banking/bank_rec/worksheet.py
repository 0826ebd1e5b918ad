"""The Bank Acc. Reconciliation worksheet: create it, edit its header and lines, delete it, and the
figures its page shows (the open entries pane and the footer totals)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet

from banking.models import (
    BankAccountStatement,
    BankAccReconciliation,
    BankAccReconciliationLine,
    ReconciliationLineType,
    StatementType,
)
from receivables.lib.aggregates import MoneySum
from receivables.lib.money import ZERO
from receivables.models import (
    BankAccount,
    BankAccountLedgerEntry,
    CheckLedgerEntry,
    increment_no,
)

from . import matches
from .errors import (
    ALREADY_POSTED,
    BANK_BLOCKED,
    NOT_A_BANK_RECONCILIATION,
    REMOVE_MATCH_FIRST,
    STATEMENT_NO_TAKEN,
    BankRecError,
)

LINE_NO_STEP = 10000
LINE_FIELDS = ["type", "transaction_date", "value_date", "document_no", "check_no", "description",
               "statement_amount", "related_party_name", "additional_transaction_info"]


def line_text(line) -> str:
    """What NAV calls the line's Description: typed or suggested lines have one, imported lines carry
    the bank's transaction text."""
    return line.description or line.transaction_text


def open_reconciliations(bank_account: BankAccount | None = None) -> QuerySet[BankAccReconciliation]:
    qs = BankAccReconciliation.objects.filter(
        statement_type=StatementType.BANK_RECONCILIATION, status=BankAccReconciliation.Status.OPEN)
    return qs.filter(bank_account=bank_account) if bank_account is not None else qs


def locked(reconciliation: BankAccReconciliation) -> BankAccReconciliation:
    """Lock, re-check: the worksheet row, re-read under select_for_update, still open. Call inside atomic.

    The bank account row is locked first, as posting, creating a worksheet and importing a statement
    do: one order for every writer of a bank's reconciliations, so PostgreSQL never sees a deadlock.
    """
    BankAccount.objects.select_for_update().filter(pk=reconciliation.bank_account_id).values_list("pk").first()
    fresh = BankAccReconciliation.objects.select_for_update(of=("self",)).select_related("bank_account").get(
        pk=reconciliation.pk)
    if fresh.statement_type != StatementType.BANK_RECONCILIATION:
        raise BankRecError(NOT_A_BANK_RECONCILIATION % {"no": fresh.statement_no})
    if fresh.status != BankAccReconciliation.Status.OPEN:
        raise BankRecError(ALREADY_POSTED % {"no": fresh.statement_no, "bank": fresh.bank_account.no})
    return fresh


def next_statement_no(bank: BankAccount) -> str:
    """NAV's default: the bank's Last Statement No. incremented, skipping numbers already in use."""
    taken = set(BankAccReconciliation.objects.filter(bank_account=bank).values_list("statement_no", flat=True))
    taken |= set(BankAccountStatement.objects.filter(bank_account=bank).values_list("statement_no", flat=True))
    try:
        number = increment_no(bank.last_statement_no) if bank.last_statement_no else "1"
    except ValueError:  # no digits to count up: start a number of our own
        number = bank.last_statement_no + "1"
    while number in taken:
        number = increment_no(number)
    return number


def create_reconciliation(*, bank_account: BankAccount, statement_no: str = "", statement_date: date | None = None,
                          balance_last_statement: Decimal | None = None,
                          statement_ending_balance: Decimal = ZERO, user=None) -> BankAccReconciliation:
    """New worksheet; blank statement no. and balance last statement take the bank card's."""
    if bank_account.blocked:
        raise BankRecError(BANK_BLOCKED % {"bank": bank_account.no})
    with transaction.atomic():
        # The bank row is the lock that hands out statement numbers one at a time.
        bank = BankAccount.objects.select_for_update().get(pk=bank_account.pk)
        statement_no = statement_no.strip() or next_statement_no(bank)
        _check_statement_no(bank, statement_no)
        try:
            with transaction.atomic():
                return BankAccReconciliation.objects.create(
                    bank_account=bank, statement_type=StatementType.BANK_RECONCILIATION, statement_no=statement_no,
                    statement_date=statement_date,
                    balance_last_statement=(bank.balance_last_statement if balance_last_statement is None
                                            else balance_last_statement),
                    statement_ending_balance=statement_ending_balance,
                    created_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError:
            raise BankRecError(STATEMENT_NO_TAKEN % {"bank": bank.no, "no": statement_no}) from None


def _check_statement_no(bank: BankAccount, statement_no: str, *, exclude: int | None = None) -> None:
    clash = BankAccReconciliation.objects.filter(
        bank_account=bank, statement_type=StatementType.BANK_RECONCILIATION, statement_no=statement_no
    ).exclude(pk=exclude).exists() or BankAccountStatement.objects.filter(
        bank_account=bank, statement_no=statement_no).exists()
    if clash:
        raise BankRecError(STATEMENT_NO_TAKEN % {"bank": bank.no, "no": statement_no})


def update_header(*, reconciliation: BankAccReconciliation, statement_no: str, statement_date: date | None,
                  balance_last_statement: Decimal, statement_ending_balance: Decimal) -> BankAccReconciliation:
    with transaction.atomic():
        rec = locked(reconciliation)
        statement_no = statement_no.strip() or rec.statement_no
        renamed = statement_no != rec.statement_no
        if renamed:
            _check_statement_no(rec.bank_account, statement_no, exclude=rec.pk)
        rec.statement_no = statement_no
        rec.statement_date = statement_date
        rec.balance_last_statement = balance_last_statement
        rec.statement_ending_balance = statement_ending_balance
        rec.save(update_fields=["statement_no", "statement_date", "balance_last_statement",
                                "statement_ending_balance"])
        if renamed:
            matches.restamp_statement_no(rec)
        return rec


def delete_reconciliation(*, reconciliation: BankAccReconciliation) -> None:
    """Delete an open worksheet; its matched entries are free again."""
    with transaction.atomic():
        rec = locked(reconciliation)
        matches.remove(rec.lines.all())
        rec.lines.all().delete()
        rec.delete()


def next_line_no(reconciliation: BankAccReconciliation) -> int:
    top = reconciliation.lines.aggregate(top=Max("line_no"))["top"] or 0
    return top + LINE_NO_STEP


def add_line(*, reconciliation: BankAccReconciliation, **fields) -> BankAccReconciliationLine:
    """A statement line typed by hand (NAV: a new row in the Bank Statement Lines part)."""
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(f"unknown line fields: {sorted(unknown)}")
    with transaction.atomic():
        rec = locked(reconciliation)
        return BankAccReconciliationLine.objects.create(
            reconciliation=rec, bank_account=rec.bank_account, line_no=next_line_no(rec), **fields)


def update_line(*, line: BankAccReconciliationLine, **fields) -> BankAccReconciliationLine:
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(f"unknown line fields: {sorted(unknown)}")
    with transaction.atomic():
        locked(line.reconciliation)
        fresh = BankAccReconciliationLine.objects.select_for_update().get(pk=line.pk)
        if "type" in fields and fields["type"] != fresh.type and fresh.bank_rec_matches.exists():
            raise BankRecError(REMOVE_MATCH_FIRST % {"line": fresh.line_no}, line_no=fresh.line_no)
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.save(update_fields=list(fields))
        return fresh


def delete_line(*, line: BankAccReconciliationLine) -> None:
    with transaction.atomic():
        locked(line.reconciliation)
        if line.bank_rec_matches.exists():
            raise BankRecError(REMOVE_MATCH_FIRST % {"line": line.line_no}, line_no=line.line_no)
        line.delete()


@dataclass(frozen=True)
class Totals:
    """The worksheet's footer. Total Balance is what the lines say the bank holds; posting needs it to
    equal the Statement Ending Balance. Balance To Reconcile is the part of the lines not yet matched
    to entries (Difference lines are differences on purpose, so they do not count)."""

    balance_last_statement: Decimal
    statement_ending_balance: Decimal
    statement_amount: Decimal
    applied_amount: Decimal
    balance_to_reconcile: Decimal
    lines: int

    @property
    def total_balance(self) -> Decimal:
        return self.balance_last_statement + self.statement_amount

    @property
    def ending_balance_difference(self) -> Decimal:
        return self.statement_ending_balance - self.total_balance


def totals(reconciliation: BankAccReconciliation) -> Totals:
    not_difference = ~Q(type=ReconciliationLineType.DIFFERENCE)
    row = reconciliation.lines.aggregate(
        statement=MoneySum("statement_amount"), applied=MoneySum("applied_amount"),
        unmatched_statement=MoneySum("statement_amount", filter=not_difference),
        unmatched_applied=MoneySum("applied_amount", filter=not_difference),
        lines=Count("pk"),
    )
    return Totals(
        balance_last_statement=reconciliation.balance_last_statement,
        statement_ending_balance=reconciliation.statement_ending_balance,
        statement_amount=row["statement"] or ZERO,
        applied_amount=row["applied"] or ZERO,
        balance_to_reconcile=(row["unmatched_statement"] or ZERO) - (row["unmatched_applied"] or ZERO),
        lines=row["lines"],
    )


def open_bank_entries(reconciliation: BankAccReconciliation) -> QuerySet[BankAccountLedgerEntry]:
    """The right-hand pane: the bank's open entries, up to the statement date when there is one."""
    qs = BankAccountLedgerEntry.objects.filter(bank_account=reconciliation.bank_account_id, open=True).exclude(
        remaining_amount=0)
    if reconciliation.statement_date:
        qs = qs.filter(posting_date__lte=reconciliation.statement_date)
    return qs.order_by("posting_date", "entry_no")


def open_check_entries(reconciliation: BankAccReconciliation) -> QuerySet[CheckLedgerEntry]:
    qs = CheckLedgerEntry.objects.filter(bank_account=reconciliation.bank_account_id, open=True,
                                         entry_status__in=matches.RECONCILABLE_CHECKS)
    if reconciliation.statement_date:
        qs = qs.filter(check_date__lte=reconciliation.statement_date)
    return qs.order_by("check_date", "entry_no")
