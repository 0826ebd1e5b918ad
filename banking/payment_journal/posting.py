"""Post Payments Only / Post Payments and Reconcile (spec 6.6), through the posting engine.

Each statement line becomes one general journal line: the applied account, the statement amount,
balanced by the bank account, posted on the transaction date with the statement no. as document no.
Applied customer/vendor entries are marked with an applies-to ID for their line, so the engine
applies them exactly as a cash receipt would (discount and tolerance included). A line applied to the
bank's own open entries (a payment posted before) posts nothing: reconciling closes those entries.
All or nothing.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchConfidence,
    MatchDecision,
)
from banking.payment_journal.applying import ENTRY_SOURCES, record_outcome
from receivables.lib.bulk import update_rows
from receivables.models import (
    AccountType,
    BankAccountLedgerEntry,
    DocumentType,
    GenJournalLine,
    StatementStatus,
)
from receivables.posting import PostingError, PostingResult, post, validate_lines
from receivables.posting.parties import KINDS

NOTHING_TO_POST = _("There is nothing to post.")
NOT_APPLIED = _("The line with transaction date %(date)s and transaction text '%(text)s' is not applied. You must "
                "apply all lines.")
NOT_FULLY_APPLIED = _("One or more payments are not fully applied. The sum of applied amounts is %(applied)s. It must "
                      "be %(total)s.")
ALREADY_POSTED = _("Payment reconciliation journal %(no)s is already posted.")
HAS_DIFFERENCE = _("The line with transaction date %(date)s and transaction text '%(text)s' has a difference of "
                   "%(difference)s: apply it in full or transfer the difference to an account.")
BANK_ENTRY_GONE = _("Bank account ledger entry %(entry)s, applied by this line, is no longer open.")
EXCESS_ON_BANK_ENTRY = _("You must apply the excessive amount of %(amount)s to bank account ledger entry %(entry)s "
                         "manually.")
ENTRY_GONE = _("Ledger entry %(entry)s (%(document)s), applied by this line, is no longer open.")
ENTRY_SHORT = _("Ledger entry %(entry)s (%(document)s) has %(remaining)s left, less than the %(applied)s this line "
                "applies to it.")


def lines_to_post(journal: BankAccReconciliation, *, accepted_only: bool = False):
    lines = journal.lines.filter(posted=False).order_by("line_no").prefetch_related("applications")
    if accepted_only:
        lines = lines.filter(match_confidence=MatchConfidence.ACCEPTED)
    return list(lines)


def check_lines(lines: list[BankAccReconciliationLine]) -> None:
    if not lines:
        raise PostingError(NOTHING_TO_POST)
    for line in lines:
        if not line.account_no:
            raise PostingError(NOT_APPLIED % {"date": line.transaction_date, "text": line.transaction_text[:60]},
                               line_no=line.line_no, field="account_no")
    applied = sum((line.applied_amount for line in lines), Decimal(0))
    total = sum((line.statement_amount for line in lines), Decimal(0))
    if applied != total:
        raise PostingError(NOT_FULLY_APPLIED % {"applied": f"{applied:,.2f}", "total": f"{total:,.2f}"})


def test_report(*, journal: BankAccReconciliation, user=None, accepted_only: bool = False) -> list[PostingError]:
    """Payment Reconciliation Journal - Test: every reason the journal cannot be posted, at once; nothing is written.

    Posting stops at the first of these; here the accountant sees them all: lines not applied or applied
    only in part, applied entries that another posting has closed or reduced since, and what the posting
    engine's own checks find in the journal lines the posting would make (accounts, dates, blocked parties).
    """
    journal = BankAccReconciliation.objects.select_related("bank_account__currency").get(pk=journal.pk)
    if journal.status == BankAccReconciliation.Status.POSTED:
        return [PostingError(ALREADY_POSTED % {"no": journal.statement_no})]
    lines = lines_to_post(journal, accepted_only=accepted_only)
    if not lines:
        return [PostingError(NOTHING_TO_POST)]
    problems: list[PostingError] = []
    entries = _applied_entries(lines)
    for line in lines:
        where = {"date": line.transaction_date, "text": line.transaction_text[:60]}
        if not line.account_no:
            problems.append(PostingError(NOT_APPLIED % where, line_no=line.line_no, field="account_no"))
            continue
        if line.difference:
            problems.append(PostingError(HAS_DIFFERENCE % {**where, "difference": f"{line.difference:,.2f}"},
                                         line_no=line.line_no, field="applied_amount"))
        for application in line.applications.all():
            entry = entries.get((line.account_type, application.applies_to_entry_no))
            names = {"entry": application.applies_to_entry_no, "document": application.document_no or "—"}
            if entry is None or not entry.open:
                problems.append(PostingError(ENTRY_GONE % names, line_no=line.line_no))
            elif abs(entry.remaining_amount) < application.applied_amount:
                problems.append(PostingError(ENTRY_SHORT % {
                    **names, "remaining": f"{abs(entry.remaining_amount):,.2f}",
                    "applied": f"{application.applied_amount:,.2f}"}, line_no=line.line_no))
    posted = [line for line in lines if line.account_no and not _applies_bank_entries(line)]
    if posted:
        problems += validate_lines([_journal_line(journal, line) for line in posted], user=user)
    return problems


def _applied_entries(lines: list[BankAccReconciliationLine]) -> dict[tuple[str, int], object]:
    """The ledger entries the lines apply, as they are now: one query per kind of party."""
    wanted: dict[str, set[int]] = {}
    for line in lines:
        for application in line.applications.all():
            wanted.setdefault(line.account_type, set()).add(application.applies_to_entry_no)
    return {
        (account_type, entry.pk): entry
        for account_type, entry_nos in wanted.items() if account_type in ENTRY_SOURCES
        for entry in ENTRY_SOURCES[account_type][0].objects.filter(pk__in=entry_nos).only(
            "pk", "open", "remaining_amount")
    }


def post_payment_journal(*, journal: BankAccReconciliation, user=None, reconcile: bool = False,
                         accepted_only: bool = False) -> PostingResult:
    with transaction.atomic():
        journal = BankAccReconciliation.objects.select_for_update().select_related("bank_account").get(pk=journal.pk)
        if journal.status == BankAccReconciliation.Status.POSTED:
            raise PostingError(ALREADY_POSTED % {"no": journal.statement_no})
        lines = lines_to_post(journal, accepted_only=accepted_only)
        check_lines(lines)
        bank = journal.bank_account
        # A line applied to the bank's own open entries was posted before (spec 6.6): nothing is posted
        # for it again; reconciling closes (or reduces) those entries against the statement.
        on_bank_entries, to_post = [], []
        for line in lines:
            (on_bank_entries if _applies_bank_entries(line) else to_post).append(line)
        results = []
        for round_lines in _rounds(to_post):
            _mark_entries(journal, round_lines)
            # One transaction per line: the engine groups consecutive lines by posting date and document
            # no., and each line balances on its own bank account, so grouping does not mix applications.
            results.append(post([_journal_line(journal, line) for line in round_lines], user=user,
                                source_code="PAYMTRECON", delete_journal_lines=False))
        result = _combined(results)
        if reconcile:
            _reconcile_bank_entries(journal, on_bank_entries)
        by_line = {line.line_no: line for line in lines}
        for entry in result.bank_entries:
            line = by_line.get(entry.journal_line_no) if entry.journal_line_no else None
            if reconcile and line is not None:
                entry.open = False
                entry.remaining_amount = Decimal(0)
                entry.statement_status = StatementStatus.CLOSED
                entry.statement_no = journal.statement_no
                entry.statement_line_no = line.line_no
        if reconcile:
            update_rows(BankAccountLedgerEntry, result.bank_entries,
                        ["open", "remaining_amount", "statement_status", "statement_no", "statement_line_no"])
        posted_ids = [line.pk for line in lines]
        BankAccReconciliationLine.objects.filter(pk__in=posted_ids).update(posted=True, reconciled=reconcile)
        # Posting a line as Apply Automatically left it is accepting that application unchanged.
        record_outcome(line_ids=posted_ids, outcome=MatchDecision.Outcome.ACCEPTED, user=user)
        total = sum((line.statement_amount for line in lines), Decimal(0))
        bank.last_statement_no = journal.statement_no
        bank.last_payment_statement_no = journal.statement_no
        bank.balance_last_statement += total
        bank.save(update_fields=["last_statement_no", "last_payment_statement_no", "balance_last_statement"])
        if not journal.lines.filter(posted=False).exists():
            journal.status = BankAccReconciliation.Status.POSTED
            journal.save(update_fields=["status"])
        return result


def _journal_line(journal: BankAccReconciliation, line: BankAccReconciliationLine) -> GenJournalLine:
    bank = journal.bank_account
    is_party = line.account_type in KINDS
    refund = (line.account_type == AccountType.CUSTOMER and line.statement_amount < 0) or (
        line.account_type == AccountType.VENDOR and line.statement_amount > 0)
    return GenJournalLine(
        line_no=line.line_no, posting_date=line.transaction_date,
        document_type=(DocumentType.REFUND if refund else DocumentType.PAYMENT) if is_party else "",
        document_no=journal.statement_no, external_document_no=line.end_to_end_id[:35],
        account_type=line.account_type, account_no=line.account_no,
        description=(line.description or line.transaction_text or line.related_party_name)[:100],
        currency_code=bank.currency.code if bank.currency_id else "",
        amount=-line.statement_amount, bal_account_type=AccountType.BANK_ACCOUNT, bal_account_no=bank.no,
        applies_to_id=_applies_to_id(journal, line) if line.applications.all() else "",
        payment_reference=line.creditor_reference[:50],
    )


def _applies_to_id(journal: BankAccReconciliation, line: BankAccReconciliationLine) -> str:
    return f"PRJ{journal.pk}-{line.line_no}"


def _rounds(lines: list[BankAccReconciliationLine]) -> list[list[BankAccReconciliationLine]]:
    """Split the lines so that no entry is applied by two lines of one posting run.

    An entry carries one applies-to ID, so when two lines each pay part of the same invoice, the
    second is posted in a later run of the same transaction, against what the first left open.
    Almost every statement is one round.
    """
    rounds: list[tuple[list[BankAccReconciliationLine], set[tuple[str, int]]]] = []
    for line in lines:
        targets = {(line.account_type, application.applies_to_entry_no) for application in line.applications.all()}
        for members, taken in rounds:
            if not targets & taken:
                members.append(line)
                taken |= targets
                break
        else:
            rounds.append(([line], set(targets)))
    return [members for members, _taken in rounds]


def _applies_bank_entries(line: BankAccReconciliationLine) -> bool:
    return line.account_type == AccountType.BANK_ACCOUNT and bool(line.applications.all())


def _reconcile_bank_entries(journal: BankAccReconciliation, lines: list[BankAccReconciliationLine]) -> None:
    """Close the bank entries the lines apply, against the statement; an entry paid only in part is reduced."""
    applications = [(line, application) for line in lines for application in line.applications.all()]
    if not applications:
        return
    entries = BankAccountLedgerEntry.objects.select_for_update().in_bulk(
        [application.applies_to_entry_no for _line, application in applications])
    changed = []
    for line, application in applications:
        entry = entries.get(application.applies_to_entry_no)
        if entry is None or entry.bank_account_id != journal.bank_account_id or not entry.open:
            raise PostingError(BANK_ENTRY_GONE % {"entry": application.applies_to_entry_no}, line_no=line.line_no)
        sign = 1 if entry.remaining_amount > 0 else -1
        if application.applied_amount > abs(entry.remaining_amount):
            raise PostingError(EXCESS_ON_BANK_ENTRY % {
                "amount": f"{application.applied_amount - abs(entry.remaining_amount):,.2f}",
                "entry": entry.pk}, line_no=line.line_no)
        entry.remaining_amount -= sign * application.applied_amount
        if entry.remaining_amount == 0:
            entry.open = False
            entry.statement_status = StatementStatus.CLOSED
            entry.statement_no = journal.statement_no
            entry.statement_line_no = line.line_no
        changed.append(entry)
    update_rows(BankAccountLedgerEntry, changed,
                ["open", "remaining_amount", "statement_status", "statement_no", "statement_line_no"])


def _combined(results: list[PostingResult]) -> PostingResult:
    if not results:  # every line applied the bank's own entries: nothing went through the engine
        return PostingResult(register=None, transaction_nos=[], gl_entries=[], cust_entries=[], vendor_entries=[],
                             bank_entries=[], detailed_cust_entries=[], detailed_vendor_entries=[])
    if len(results) == 1:
        return results[0]
    return PostingResult(
        register=results[0].register,
        transaction_nos=[no for result in results for no in result.transaction_nos],
        **{name: [row for result in results for row in getattr(result, name)] for name in (
            "gl_entries", "cust_entries", "vendor_entries", "bank_entries", "detailed_cust_entries",
            "detailed_vendor_entries")},
    )


def _mark_entries(journal: BankAccReconciliation, lines: list[BankAccReconciliationLine]) -> None:
    """Give each line's target entries its applies-to ID and amount to apply, as Apply Entries does.

    One read and one batched write per ledger, however many lines the statement has.
    """
    wanted: dict[str, list[tuple[BankAccReconciliationLine, object]]] = {}
    for line in lines:
        for application in line.applications.all():
            wanted.setdefault(line.account_type, []).append((line, application))
    for account_type, pairs in wanted.items():
        kind = KINDS[account_type]
        entries = kind.entry_model.objects.select_for_update().in_bulk(
            [application.applies_to_entry_no for _line, application in pairs])
        changed = []
        for line, application in pairs:
            entry = entries[application.applies_to_entry_no]
            sign = 1 if entry.remaining_amount > 0 else -1
            # Paying the rest after the discount closes the entry: let the engine take it in full and grant
            # the discount (it checks the dates); anything less is a partial payment of that amount.
            covers = application.applied_amount + application.applied_pmt_discount >= abs(entry.remaining_amount)
            entry.amount_to_apply = entry.remaining_amount if covers else sign * application.applied_amount
            entry.applies_to_id = _applies_to_id(journal, line)
            changed.append(entry)
        update_rows(kind.entry_model, changed, ["applies_to_id", "amount_to_apply"])
