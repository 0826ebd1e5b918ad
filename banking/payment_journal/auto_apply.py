"""Apply Automatically: load the journal's lines and the open entries into the matcher, keep its decisions.

The matcher (banking.matching) is pure; this module reads what it needs in a few queries, hands it
over, and stores the outcome: applied payment entries, the line's account and confidence, and one
MatchDecision per line with its candidates and reasons (for review, reporting and learning).
Lines the user applied manually or accepted are kept as they are, and what they claim is taken off
the entries before the matcher sees them.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from banking.matching import (
    BANK_ACCOUNT,
    LearnedHint,
    MatchInputs,
    MatchSettings,
    OpenEntry,
    Party,
    Rule,
    StatementLine,
    TextMapping,
    learned_text_key,
    match_statement,
)
from banking.models import (
    AppliedPaymentEntry,
    BankAccReconciliation,
    BankAccReconciliationLine,
    MatchConfidence,
    MatchDecision,
    PaymentApplicationRule,
    TextToAccountMapping,
)
from banking.payment_journal.applying import open_bank_entries
from receivables.lib.bulk import insert_rows, read_values, update_values
from receivables.lib.collector import paused_garbage_collection
from receivables.models import (
    CompanySetup,
    CustLedgerEntry,
    Customer,
    Vendor,
    VendorLedgerEntry,
)

KEPT = {MatchConfidence.MANUAL, MatchConfidence.ACCEPTED}
BANK_ENTRY_FIELDS = ["entry_no", "document_type", "document_no", "external_document_no", "posting_date",
                     "remaining_amount", "currency_code"]
ENTRY_FIELDS = ["entry_no", "document_type", "document_no", "external_document_no", "payment_reference",
                "posting_date", "due_date", "remaining_amount", "remaining_pmt_disc_possible", "pmt_discount_date",
                "pmt_disc_tolerance_date", "currency_code"]


@dataclass
class AutoApplyResult:
    lines: int
    applied: int
    confidences: Counter  # lines per match confidence given


def _less(remaining: Decimal, taken: Decimal) -> Decimal:
    """An entry's remaining amount less what kept lines claim of it (a claim is a magnitude)."""
    return remaining - taken if remaining > 0 else remaining + taken


def _open_entries(claimed: dict[tuple[str, int], Decimal], party_nos: dict[str, dict[int, str]]) -> list[OpenEntry]:
    entries = []
    for kind, model in (("customer", CustLedgerEntry), ("vendor", VendorLedgerEntry)):
        # The party's number comes from the parties already read, not from a join over every entry.
        numbers = party_nos[kind]
        for row in read_values(model.objects.filter(open=True).values_list(f"{kind}_id", *ENTRY_FIELDS)):
            party_id, entry_no, doc_type, doc_no, ext, ref, posting, due, remaining, disc, disc_date, tol, cur = row
            party_no = numbers[party_id]
            taken = claimed.get((kind, entry_no))
            if taken:
                remaining = _less(remaining, taken)
                if remaining == 0:
                    continue
            entries.append(OpenEntry(  # positionally, in field order: 100,000 of these are built
                entry_no, kind, party_no, doc_type or "", doc_no, ext, ref, posting, due, remaining, disc, disc_date,
                tol, cur))
    return entries


def _open_bank_entries(bank, claimed: dict[tuple[str, int], Decimal]) -> list[OpenEntry]:
    """The bank's own open entries not matched in a bank account reconciliation (spec 6.4): a payment
    posted before (a cash receipt, a registered cheque) that the statement now shows is applied to its
    bank entry, not posted a second time."""
    entries = []
    rows = open_bank_entries(bank.pk).values_list(*BANK_ENTRY_FIELDS)
    for entry_no, doc_type, doc_no, ext, posting, remaining, cur in read_values(rows):
        taken = claimed.get((BANK_ACCOUNT, entry_no))
        if taken:
            remaining = _less(remaining, taken)
            if remaining == 0:
                continue
        entries.append(OpenEntry(entry_no, BANK_ACCOUNT, bank.no, doc_type or "", doc_no, ext, "", posting, None,
                                 remaining, Decimal(0), None, None, cur))
    return entries


def _parties(party_nos: dict[str, dict[int, str]]) -> list[Party]:
    """Every customer and vendor with their bank accounts; fills `party_nos` (kind -> key -> no.)."""
    parties = []
    for kind, model in (("customer", Customer), ("vendor", Vendor)):
        accounts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for owner, iban, digits in model.bank_accounts.rel.related_model.objects.values_list(
            f"{kind}_id", "iban_normalized", "bank_account_digits"
        ):
            accounts[owner].append((iban, digits))
        numbers = party_nos.setdefault(kind, {})
        for pk, no, name in model.objects.values_list("pk", "no", "name").iterator(chunk_size=5000):
            numbers[pk] = no
            own = accounts.get(pk, ())
            parties.append(Party(kind=kind, no=no, name=name, ibans=tuple(i for i, _d in own if i),
                                 account_nos=tuple(d for _i, d in own if d)))
    return parties


def _mappings() -> list[TextMapping]:
    return [
        TextMapping(mapping_text=m.mapping_text, account_type=m.bal_source_type, debit_account_no=m.debit_acc_no,
                    credit_account_no=m.credit_acc_no, bal_source_no=m.bal_source_no)
        for m in TextToAccountMapping.objects.all()
    ]


def _hints() -> list[LearnedHint]:
    """What users applied by hand before: the payer's account (or text) and the customer/vendor they chose."""
    hints = []
    lines = (
        BankAccReconciliationLine.objects.filter(match_confidence__in=KEPT, account_type__in=["customer", "vendor"])
        .values_list("account_type", "account_no", "related_party_iban", "related_party_bank_acc_no",
                     "transaction_text")
        .order_by("-pk")[:20000]
    )
    for kind, no, iban, account, text in lines:
        hints.append(LearnedHint(kind=kind, party_no=no, payer_iban_or_account=iban or account,
                                 text_key=learned_text_key(text)))
    return hints


def _settings(journal: BankAccReconciliation) -> MatchSettings:
    bank = journal.bank_account
    rules = [
        Rule(related_party=r.related_party_matched, doc_no=r.doc_no_matched, amount=r.amount_matched,
             confidence=r.match_confidence, priority=r.priority)
        for r in PaymentApplicationRule.objects.all()
    ]
    settings = MatchSettings(tolerance_type=bank.match_tolerance_type, tolerance_value=bank.match_tolerance_value,
                             bank_currency=bank.currency.code if bank.currency_id else "",
                             lcy_code=CompanySetup.get().lcy_code)
    if rules:
        settings.rules = rules
    return settings


LINE_FIELDS = ["pk", "match_confidence", "transaction_date", "statement_amount", "transaction_text",
               "related_party_name", "related_party_iban", "related_party_bank_acc_no", "creditor_reference",
               "end_to_end_id"]
LINE_UPDATES = ["account_type", "account_no", "match_confidence", "match_quality", "applied_amount"]
APPLICATION_COLUMNS = ["line_id", "account_type", "account_no", "applies_to_entry_no", "applied_amount",
                       "applied_pmt_discount", "match_confidence", "quality", "document_no"]
DECISION_COLUMNS = ["line_id", "bank_account_id", "created_at", "match_confidence", "score", "account_type",
                    "account_no", "applications", "candidates", "reasons"]


def apply_automatically(*, journal: BankAccReconciliation, user=None, today: date | None = None) -> AutoApplyResult:
    journal = BankAccReconciliation.objects.select_related("bank_account__currency").get(pk=journal.pk)
    with transaction.atomic(), paused_garbage_collection():
        # The run builds about a million objects (open entries, index, decisions). They are all freed when
        # _apply returns, inside the pause: whatever is still alive when the collector resumes is scanned.
        return _apply(journal, today or timezone.localdate())


def _inputs(journal: BankAccReconciliation, kept_lines) -> MatchInputs:
    """Parties, open entries, mappings and hints; what the kept (manual, accepted) lines claim is taken off."""
    claimed: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    kept_applications = AppliedPaymentEntry.objects.filter(line__in=kept_lines).values_list(
        "account_type", "applies_to_entry_no", "applied_amount", "applied_pmt_discount")
    for kind, entry_no, amount, discount in kept_applications:
        claimed[(kind, entry_no)] += amount + discount
    party_nos: dict[str, dict[int, str]] = {}
    parties = _parties(party_nos)
    entries = _open_entries(claimed, party_nos) + _open_bank_entries(journal.bank_account, claimed)
    return MatchInputs(entries=entries, parties=parties, mappings=_mappings(), hints=_hints())


def _statement_line(row: tuple) -> StatementLine:
    pk, _confidence, on, amount, text, name, iban, account, reference, end_to_end = row
    return StatementLine(line_id=pk, date=on, amount=amount, text=text, party_name=name, party_iban=iban,
                         party_account=account, creditor_reference=reference, end_to_end_id=end_to_end)


def line_candidates(*, line: BankAccReconciliationLine, today: date | None = None) -> list[dict]:
    """Apply Automatically for one line, nothing stored: its candidates, as a decision keeps them.

    For the Payment Application window of a line Apply Automatically has not decided yet. The other
    lines' kept applications are taken off the entries, as a run would take them off.
    """
    journal = BankAccReconciliation.objects.select_related("bank_account__currency").get(pk=line.reconciliation_id)
    with paused_garbage_collection():
        kept = journal.lines.filter(posted=False, match_confidence__in=KEPT).exclude(pk=line.pk)
        row = journal.lines.filter(pk=line.pk).values_list(*LINE_FIELDS).get()
        [decision] = match_statement([_statement_line(row)], _inputs(journal, kept), _settings(journal),
                                     today=today or timezone.localdate())
        return decision.as_dict()["candidates"]


def _apply(journal: BankAccReconciliation, today: date) -> AutoApplyResult:
    # Plain rows, not model instances: a large statement has 10,000 lines, and only these columns matter.
    unposted = journal.lines.filter(posted=False)
    to_match = [row for row in read_values(unposted.order_by("line_no").values_list(*LINE_FIELDS))
                if row[1] not in KEPT]
    inputs = _inputs(journal, unposted.filter(match_confidence__in=KEPT))
    statement_lines = [_statement_line(row) for row in to_match]
    decisions = match_statement(statement_lines, inputs, _settings(journal), today=today)
    matched = unposted.exclude(match_confidence__in=KEPT)
    AppliedPaymentEntry.objects.filter(line__in=matched).delete()
    # Every decision is kept (for review, the auto-application report and learning); one nobody judged
    # is marked superseded by this run's decision rather than deleted.
    MatchDecision.objects.filter(line__in=matched, outcome=MatchDecision.Outcome.PENDING).update(
        outcome=MatchDecision.Outcome.SUPERSEDED)
    amounts = {row[0]: row[3] for row in to_match}
    now, bank_id = timezone.now(), journal.bank_account_id
    updates, applications, records = [], [], []
    applied, confidences = 0, Counter()
    for decision in decisions:
        line_id, statement_amount = decision.line_id, amounts[decision.line_id]
        sign = 1 if statement_amount >= 0 else -1
        confidence = decision.confidence if decision.account_no else MatchConfidence.NONE
        if decision.applications:
            applied_amount = sign * decision.applied_amount
        elif decision.account_no:  # a text mapping: the whole line goes to the account
            applied_amount = statement_amount
        else:
            applied_amount = Decimal(0)
        applied += bool(decision.account_no)
        confidences[confidence] += 1
        updates.append((decision.account_type, decision.account_no, confidence, decision.score, applied_amount,
                        line_id))
        for application in decision.applications:
            applications.append((
                line_id, decision.account_type, decision.account_no, application.entry_no,
                abs(application.amount), abs(application.discount_taken), decision.confidence, decision.score,
                application.document_no,
            ))
        data = decision.as_dict()
        records.append((line_id, bank_id, now, confidence, decision.score, decision.account_type,
                        decision.account_no, data["applications"], data["candidates"], data["reasons"]))
    update_values(BankAccReconciliationLine, LINE_UPDATES, updates)
    insert_rows(AppliedPaymentEntry, APPLICATION_COLUMNS, applications)
    insert_rows(MatchDecision, DECISION_COLUMNS, records)
    return AutoApplyResult(lines=len(to_match), applied=applied, confidences=confidences)
