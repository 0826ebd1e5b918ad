"""Manual work on payment reconciliation lines (spec 6.5): apply, accept, remove, map text, transfer difference."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import attrgetter

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from banking.models import (
    AppliedPaymentEntry,
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchConfidence,
    MatchDecision,
    TextToAccountMapping,
)
from receivables.models import AccountType, BankAccountLedgerEntry, StatementStatus
from receivables.posting.parties import KINDS

ONE_ACCOUNT_ONLY = _("A payment can be split over entries of one account only.")
MIXED_SIGNS = _("Entries of opposite signs cannot be applied in the same line; apply the credit memo to the "
                "invoice first.")
WRONG_SIGN = _("Entry %(entry)s has the wrong sign for a statement amount of %(amount)s.")
TOO_MUCH = _("The applied amount %(applied)s is more than the transaction amount %(amount)s.")
ACCOUNT_REQUIRED = _("You must choose an account to transfer the difference to.")
NO_DIFFERENCE = _("The line has no difference to transfer.")
ENTRY_NOT_OPEN = _("Ledger entry %(entry)s is not open.")
LINE_POSTED = _("Line %(line)s is posted; a posted line cannot be changed.")


class ApplicationError(Exception):
    def __init__(self, message) -> None:
        self.message = str(message)
        super().__init__(self.message)


# The ledger entries a line can be applied to, per account type: (entry model, the field naming its account).
ENTRY_SOURCES = {name: (kind.entry_model, kind.party_field) for name, kind in KINDS.items()} | {
    AccountType.BANK_ACCOUNT: (BankAccountLedgerEntry, "bank_account")}


def open_bank_entries(bank_account_id: int):
    """The open entries of a bank account that no bank account reconciliation has matched (spec 6.4)."""
    return BankAccountLedgerEntry.objects.filter(bank_account_id=bank_account_id, open=True,
                                                 statement_status=StatementStatus.OPEN)


def open_entries_of(line: BankAccReconciliationLine, account_type: str, account_no: str):
    """What the line may be applied to: the open entries of a customer or vendor, or of its own bank account."""
    if account_type == AccountType.BANK_ACCOUNT:
        return open_bank_entries(line.bank_account_id).order_by("posting_date", "entry_no")
    model, party_field = ENTRY_SOURCES[account_type]
    return model.objects.filter(**{f"{party_field}__no": account_no}, open=True).order_by("due_date", "entry_no")


def applicable_amount(entry, on) -> tuple[Decimal, Decimal]:
    """What paying the entry in full takes on a date, and the discount that comes with it (spec 6.4)."""
    if getattr(entry, "pmt_discount_date", None) and on <= (entry.pmt_disc_tolerance_date or entry.pmt_discount_date):
        return entry.remaining_amount - entry.remaining_pmt_disc_possible, entry.remaining_pmt_disc_possible
    return entry.remaining_amount, Decimal(0)


AUTOMATIC = "automatic"  # MatchDecision.source of what Apply Automatically decided
Outcome = MatchDecision.Outcome
# What a user's action makes of a line's latest automatic decision, and the outcomes it may follow.
# Accepting (or posting) a line the user had already changed or cleared leaves the decision as it was:
# that is accepting the user's own work, not the automatic application. Changing and removing replace
# each other, so the decision says what became of the line in the end.
FOLLOWS = {
    Outcome.ACCEPTED: {Outcome.PENDING},
    Outcome.CHANGED: {Outcome.PENDING, Outcome.ACCEPTED, Outcome.REJECTED},
    Outcome.REJECTED: {Outcome.PENDING, Outcome.ACCEPTED, Outcome.CHANGED},
}


def record_outcome(*, line_ids: Sequence[int], outcome: str, user=None) -> int:
    """Note what the user did with the lines' latest automatic decisions (older ones keep their outcome)."""
    later = MatchDecision.objects.filter(line=OuterRef("line"), source=AUTOMATIC, pk__gt=OuterRef("pk"))
    return (
        MatchDecision.objects.filter(line__in=line_ids, source=AUTOMATIC, outcome__in=FOLLOWS[outcome])
        .exclude(Exists(later))
        .update(outcome=outcome, decided_by=user)
    )


def _editable(lines: Sequence[BankAccReconciliationLine]) -> None:
    """Lock the journals, as posting does, and read the lines again: a posted line is never changed."""
    if not lines:
        return
    list(BankAccReconciliation.objects.select_for_update().filter(
        pk__in={line.reconciliation_id for line in lines}).values_list("pk"))
    posted = BankAccReconciliationLine.objects.filter(
        pk__in=[line.pk for line in lines], posted=True).values_list("line_no", flat=True).first()
    if posted is not None:
        raise ApplicationError(LINE_POSTED % {"line": posted})


def _record(line: BankAccReconciliationLine, *, user, outcome: str) -> None:
    record_outcome(line_ids=[line.pk], outcome=outcome, user=user)


@transaction.atomic
def apply_manually(*, line: BankAccReconciliationLine, account_type: str, entries: Sequence[tuple[int, Decimal | None]],
                   user=None) -> BankAccReconciliationLine:
    """Apply a line to open entries of ONE customer or vendor, or to open entries of the statement's own bank
    account (payments posted before). An amount of None takes what is still unapplied, up to the entry's
    applicable amount (remaining, less the discount when paid in time)."""
    _editable([line])
    model, party_field = ENTRY_SOURCES[account_type]
    candidates = open_bank_entries(line.bank_account_id) if account_type == AccountType.BANK_ACCOUNT else model.objects
    rows = {e.pk: e for e in candidates.select_related(party_field).filter(
        pk__in=[entry_no for entry_no, _amount in entries])}
    party_of = attrgetter(party_field)
    parties = {party_of(e).pk for e in rows.values()}
    if len(parties) > 1:
        raise ApplicationError(ONE_ACCOUNT_ONLY)
    signs = {e.remaining_amount > 0 for e in rows.values()}
    if len(signs) > 1:
        raise ApplicationError(MIXED_SIGNS)
    line.applications.all().delete()
    # A customer pays invoices with money in; a vendor is paid with money out: the entry's sign follows the line's.
    expected_positive = line.statement_amount > 0
    left = abs(line.statement_amount)
    applied_total = Decimal(0)
    party_no = ""
    for entry_no, wanted in entries:
        entry = rows.get(entry_no)
        if entry is None or not entry.open:
            raise ApplicationError(ENTRY_NOT_OPEN % {"entry": entry_no})
        if (entry.remaining_amount > 0) != expected_positive:
            raise ApplicationError(WRONG_SIGN % {"entry": entry_no, "amount": line.statement_amount})
        full, discount = applicable_amount(entry, line.transaction_date)
        amount = abs(wanted) if wanted is not None else min(left, abs(full))
        takes_discount = discount and amount >= abs(full)
        if amount > left:
            raise ApplicationError(TOO_MUCH % {"applied": applied_total + amount, "amount": line.statement_amount})
        AppliedPaymentEntry.objects.create(
            line=line, account_type=account_type, account_no=party_of(entry).no, applies_to_entry_no=entry.pk,
            applied_amount=amount, applied_pmt_discount=abs(discount) if takes_discount else Decimal(0),
            match_confidence=MatchConfidence.MANUAL, document_no=entry.document_no,
        )
        party_no = party_of(entry).no
        left -= amount
        applied_total += amount
    sign = 1 if line.statement_amount > 0 else -1
    line.account_type, line.account_no = account_type, party_no
    line.applied_amount = sign * applied_total
    line.match_confidence = MatchConfidence.MANUAL
    line.save(update_fields=["account_type", "account_no", "applied_amount", "match_confidence"])
    _record(line, user=user, outcome=MatchDecision.Outcome.CHANGED)
    return line


@transaction.atomic
def remove_applications(*, lines: Sequence[BankAccReconciliationLine], user=None) -> None:
    _editable(lines)
    for line in lines:
        line.applications.all().delete()
        line.account_type = line.account_no = ""
        line.applied_amount = Decimal(0)
        line.match_confidence = MatchConfidence.NONE
        line.match_quality = 0
        line.save(update_fields=["account_type", "account_no", "applied_amount", "match_confidence", "match_quality"])
        _record(line, user=user, outcome=MatchDecision.Outcome.REJECTED)


@transaction.atomic
def accept_applications(*, lines: Sequence[BankAccReconciliationLine], user=None) -> int:
    _editable(lines)
    accepted = 0
    for line in lines:
        if not line.account_no:
            continue
        line.applications.update(match_confidence=MatchConfidence.ACCEPTED)
        line.match_confidence = MatchConfidence.ACCEPTED
        line.save(update_fields=["match_confidence"])
        _record(line, user=user, outcome=MatchDecision.Outcome.ACCEPTED)
        accepted += 1
    return accepted


@transaction.atomic
def map_text_to_account(*, line: BankAccReconciliationLine, mapping_text: str, account_type: str, account_no: str,
                        user=None) -> TextToAccountMapping:
    """Create a text-to-account mapping from the line and point the line at its account."""
    _editable([line])
    if not account_no:
        raise ApplicationError(ACCOUNT_REQUIRED)
    mapping, _created = TextToAccountMapping.objects.update_or_create(
        mapping_text=mapping_text[:250],
        defaults={
            "bal_source_type": account_type,
            "debit_acc_no": account_no if account_type == AccountType.GL_ACCOUNT else "",
            "credit_acc_no": account_no if account_type == AccountType.GL_ACCOUNT else "",
            "bal_source_no": account_no if account_type != AccountType.GL_ACCOUNT else "",
        },
    )
    _point_at_account(line, account_type, account_no, MatchConfidence.HIGH_TEXT_MAPPING)
    _record(line, user=user, outcome=MatchDecision.Outcome.CHANGED)
    return mapping


def _point_at_account(line, account_type: str, account_no: str, confidence: str) -> None:
    line.applications.all().delete()
    line.account_type, line.account_no = account_type, account_no
    line.applied_amount = line.statement_amount
    line.match_confidence = confidence
    line.save(update_fields=["account_type", "account_no", "applied_amount", "match_confidence"])


@transaction.atomic
def transfer_difference(*, line: BankAccReconciliationLine, account_type: str, account_no: str,
                        description: str = "", user=None) -> BankAccReconciliationLine:
    """Post the unapplied rest of a line to an account: the whole line, or a new child line for the difference."""
    _editable([line])
    if not account_no:
        raise ApplicationError(ACCOUNT_REQUIRED)
    difference = line.statement_amount - line.applied_amount
    if not difference:
        raise ApplicationError(NO_DIFFERENCE)
    if not line.applied_amount:
        _point_at_account(line, account_type, account_no, MatchConfidence.MANUAL)
        line.description = description or line.transaction_text[:100]
        line.save(update_fields=["description"])
        _record(line, user=user, outcome=MatchDecision.Outcome.CHANGED)
        return line
    line.statement_amount = line.applied_amount
    line.save(update_fields=["statement_amount"])
    last = line.reconciliation.lines.order_by("-line_no").values_list("line_no", flat=True).first()
    child = BankAccReconciliationLine.objects.create(
        reconciliation=line.reconciliation, bank_account=line.bank_account, imported_statement=line.imported_statement,
        line_no=last + 10000, transaction_date=line.transaction_date, value_date=line.value_date,
        transaction_text=line.transaction_text, related_party_name=line.related_party_name,
        related_party_iban=line.related_party_iban, related_party_bank_acc_no=line.related_party_bank_acc_no,
        statement_amount=difference, applied_amount=difference, currency=line.currency, account_type=account_type,
        account_no=account_no, match_confidence=MatchConfidence.MANUAL, parent_line_no=line.line_no,
        description=(description or line.transaction_text)[:100],
    )
    return child
