"""Apply Automatically: load the journal's lines and the open entries into the matcher, keep its decisions.

The matcher (banking.matching) is pure; this module reads what it needs in a few queries, hands it
over, and stores the outcome: applied payment entries, the line's account and confidence, and one
MatchDecision per line with its candidates and reasons (for review, reporting and learning).
Lines the user applied manually or accepted are kept as they are, and what they claim is taken off
the entries before the matcher sees them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from banking.matching import (
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
from receivables.bulk import insert_objects, new_row, read_values, update_rows
from receivables.collector import paused_garbage_collection
from receivables.models import CompanySetup, CustLedgerEntry, Customer, Vendor, VendorLedgerEntry

KEPT = {MatchConfidence.MANUAL, MatchConfidence.ACCEPTED}
ENTRY_FIELDS = ["entry_no", "document_type", "document_no", "external_document_no", "payment_reference",
                "posting_date", "due_date", "remaining_amount", "remaining_pmt_disc_possible", "pmt_discount_date",
                "pmt_disc_tolerance_date", "currency_code"]


@dataclass
class AutoApplyResult:
    lines: int
    applied: int
    decisions: list


def _open_entries(claimed: dict[tuple[str, int], Decimal], party_nos: dict[str, dict[int, str]]) -> list[OpenEntry]:
    entries = []
    for kind, model in (("customer", CustLedgerEntry), ("vendor", VendorLedgerEntry)):
        # The party's number comes from the parties already read, not from a join over every entry.
        numbers = party_nos[kind]
        for row in read_values(model.objects.filter(open=True).values_list(f"{kind}_id", *ENTRY_FIELDS)):
            party_id, entry_no, doc_type, doc_no, ext, ref, posting, due, remaining, disc, disc_date, tol, cur = row
            party_no = numbers[party_id]
            taken = claimed.get((kind, entry_no), Decimal(0))
            if taken:
                remaining = remaining - taken if remaining > 0 else remaining + taken
                if remaining == 0:
                    continue
            entries.append(OpenEntry(
                entry_no=entry_no, kind=kind, party_no=party_no, document_type=doc_type or "", document_no=doc_no,
                external_document_no=ext, payment_reference=ref, posting_date=posting, due_date=due,
                remaining_amount=remaining, remaining_pmt_disc_possible=disc, pmt_discount_date=disc_date,
                pmt_disc_tolerance_date=tol, currency=cur,
            ))
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


def apply_automatically(*, journal: BankAccReconciliation, user=None, today: date | None = None) -> AutoApplyResult:
    journal = BankAccReconciliation.objects.select_related("bank_account__currency").get(pk=journal.pk)
    with transaction.atomic(), paused_garbage_collection():
        all_lines = list(journal.lines.filter(posted=False).order_by("line_no"))
        kept = [line for line in all_lines if line.match_confidence in KEPT]
        to_match = [line for line in all_lines if line.match_confidence not in KEPT]
        claimed: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        for application in AppliedPaymentEntry.objects.filter(line__in=kept):
            claimed[(application.account_type, application.applies_to_entry_no)] += (
                application.applied_amount + application.applied_pmt_discount)
        party_nos: dict[str, dict[int, str]] = {}
        parties = _parties(party_nos)
        inputs = MatchInputs(entries=_open_entries(claimed, party_nos), parties=parties, mappings=_mappings(),
                             hints=_hints())
        statement_lines = [
            StatementLine(line_id=line.pk, date=line.transaction_date, amount=line.statement_amount,
                          text=line.transaction_text, party_name=line.related_party_name,
                          party_iban=line.related_party_iban, party_account=line.related_party_bank_acc_no,
                          creditor_reference=line.creditor_reference, end_to_end_id=line.end_to_end_id)
            for line in to_match
        ]
        decisions = match_statement(statement_lines, inputs, _settings(journal), today=today or timezone.localdate())
        AppliedPaymentEntry.objects.filter(line__in=to_match).delete()
        # Every decision is kept (for review, the auto-application report and learning); one nobody judged
        # is marked superseded by this run's decision rather than deleted.
        MatchDecision.objects.filter(line__in=to_match, outcome=MatchDecision.Outcome.PENDING).update(
            outcome=MatchDecision.Outcome.SUPERSEDED)
        by_id = {line.pk: line for line in to_match}
        documents = {(e.kind, e.entry_no): e.document_no for e in inputs.entries}
        applications, records = [], []
        applied = 0
        for decision in decisions:
            line = by_id[decision.line_id]
            sign = 1 if line.statement_amount >= 0 else -1
            line.account_type = decision.account_type
            line.account_no = decision.account_no
            line.match_confidence = decision.confidence if decision.account_no else MatchConfidence.NONE
            line.match_quality = decision.score
            if decision.applications:
                line.applied_amount = sign * decision.applied_amount
            elif decision.account_no:  # a text mapping: the whole line goes to the account
                line.applied_amount = line.statement_amount
            else:
                line.applied_amount = Decimal(0)
            applied += bool(decision.account_no)
            for application in decision.applications:
                applications.append(new_row(
                    AppliedPaymentEntry, line=line, account_type=decision.account_type, account_no=decision.account_no,
                    applies_to_entry_no=application.entry_no, applied_amount=abs(application.amount),
                    applied_pmt_discount=abs(application.discount_taken), match_confidence=decision.confidence,
                    quality=decision.score,
                    document_no=documents.get((decision.account_type, application.entry_no), ""),
                ))
            data = decision.as_dict()
            records.append(new_row(
                MatchDecision, line=line, bank_account=journal.bank_account, match_confidence=line.match_confidence,
                score=decision.score, account_type=decision.account_type, account_no=decision.account_no,
                applications=data["applications"], candidates=data.get("candidates", []),
                reasons=data.get("reasons", []),
            ))
        update_rows(BankAccReconciliationLine, to_match,
                    ["account_type", "account_no", "match_confidence", "match_quality", "applied_amount"])
        insert_objects(AppliedPaymentEntry, applications)
        insert_objects(MatchDecision, records)
    return AutoApplyResult(lines=len(to_match), applied=applied, decisions=decisions)
