"""Inputs and outputs of the matching engine: plain dataclasses, no Django.

The caller (the payment reconciliation journal) loads statement lines, open customer and vendor
ledger entries, parties, text-to-account mappings and learned hints from the database into these,
calls `match_statement`, and stores the returned `Decision`s (applied payment entries, match
confidence, match quality, and the reasons and candidates for review and for learning).

Signs follow NAV (spec section 0): a statement amount is seen from the bank (money in = +); a
customer invoice's remaining amount is + and a vendor invoice's is -. A line and the entries it
pays always have the same sign: +980.00 pays a customer invoice (or a vendor credit memo refunded
to us), -500.00 pays a vendor invoice (or refunds a customer credit memo / open payment).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

# Kinds of party and of ledger entry.
CUSTOMER = "customer"
VENDOR = "vendor"
PARTY_KINDS = (CUSTOMER, VENDOR)

# Account types of a decision (NAV "Account Type" on the line, plus "" = not applied).
GL_ACCOUNT = "gl_account"
BANK_ACCOUNT = "bank_account"
ACCOUNT_TYPES = (GL_ACCOUNT, CUSTOMER, VENDOR, BANK_ACCOUNT)
# Kinds of open entry (spec 6.4): customer and vendor ledger entries, and the open bank account ledger
# entries of the statement's own bank (a payment posted before, e.g. from a cash receipt journal, that
# the statement now shows). A bank entry's "party" is the bank account: no name or account evidence.
ENTRY_KINDS = (CUSTOMER, VENDOR, BANK_ACCOUNT)

# Match confidence, as stored on the journal line (banking.models.statements.MatchConfidence).
NONE = "none"
LOW = "low"
MEDIUM = "medium"
HIGH = "high"
HIGH_TEXT_MAPPING = "high_text_mapping"
CONFIDENCE_RANK = {NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3}

# Rule criteria (NAV table 1252 "Bank Pmt. Appl. Rule"); NOT_CONSIDERED matches any observed value.
NOT_CONSIDERED = "not_considered"
RELATED_PARTY_VALUES = ("fully", "partially", "no", NOT_CONSIDERED)
DOC_NO_VALUES = ("yes", "yes_multiple", "no", NOT_CONSIDERED)
AMOUNT_VALUES = ("one_match", "multiple_matches", "no_matches", NOT_CONSIDERED)
DIRECT_DEBIT_VALUES = ("yes", "no", NOT_CONSIDERED)

# NAV: a text-to-account mapping scores 3000, above every Medium rule and below every High one.
TEXT_MAPPING_SCORE = 3000


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class StatementLine:
    line_id: int
    date: date
    amount: Decimal  # + money in, - money out
    text: str = ""  # Transaction Text + Additional Transaction Info
    party_name: str = ""  # Related-Party Name (structured), "" when the bank gave none
    party_iban: str = ""
    party_account: str = ""  # a domestic account number ("1503.12.34567") when no IBAN was given
    creditor_reference: str = ""  # structured KID / RF (camt CdtrRefInf), "" when none
    end_to_end_id: str = ""


class OpenEntry(NamedTuple):
    """An open customer or vendor ledger entry. A named tuple rather than a frozen dataclass: a
    run reads 100,000 of them, and a tuple is built several times faster (positionally, in field
    order, as `banking.payment_journal.auto_apply` reads the columns)."""

    entry_no: int
    kind: str  # "customer" | "vendor" | "bank_account"
    party_no: str  # the customer's or vendor's no., or the bank account's
    document_type: str = "invoice"  # invoice|credit_memo|payment|refund|finance_charge_memo|reminder
    document_no: str = ""
    external_document_no: str = ""
    payment_reference: str = ""  # KID or RF printed on the document
    posting_date: date = date.min
    due_date: date | None = None
    remaining_amount: Decimal = Decimal("0")  # NAV sign: customer invoice +, vendor invoice -
    remaining_pmt_disc_possible: Decimal = Decimal("0")  # same sign as remaining_amount
    pmt_discount_date: date | None = None
    pmt_disc_tolerance_date: date | None = None
    currency: str = ""  # "" = LCY


@dataclass(frozen=True, slots=True)
class Party:
    kind: str
    no: str
    name: str
    ibans: tuple[str, ...] = ()
    account_nos: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextMapping:
    mapping_text: str
    account_type: str  # Bal. Source Type: gl_account | customer | vendor | bank_account
    debit_account_no: str = ""
    credit_account_no: str = ""
    bal_source_no: str = ""


@dataclass(frozen=True, slots=True)
class LearnedHint:
    """What a user applied manually before: this payer account or this text belongs to that party.

    `text_key` is what `banking.matching.normalize.learned_text_key` returned for the line the user
    applied (its normalized payer name, or its text without digits when there was no name).
    """

    kind: str
    party_no: str
    payer_iban_or_account: str = ""
    text_key: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One Payment Application Rule. Score = (confidence + 1) x 1000 - priority (spec 6.2)."""

    related_party: str
    doc_no: str
    amount: str
    confidence: str  # high | medium | low
    priority: int
    direct_debit: str = NOT_CONSIDERED

    @property
    def score(self) -> int:
        return (CONFIDENCE_RANK[self.confidence] + 1) * 1000 - self.priority

    def matches(self, related_party: str, doc_no: str, amount: str, direct_debit: str) -> bool:
        return (
            self.related_party in (NOT_CONSIDERED, related_party)
            and self.doc_no in (NOT_CONSIDERED, doc_no)
            and self.amount in (NOT_CONSIDERED, amount)
            and self.direct_debit in (NOT_CONSIDERED, direct_debit)
        )


def default_rules() -> list[Rule]:
    """The 25 rules NAV 2017 seeds when the rule table is empty (spec 6.3), in NAV order."""
    nc = NOT_CONSIDERED
    return [
        Rule(nc, nc, nc, HIGH, 1, direct_debit="yes"),
        Rule("fully", "yes_multiple", "one_match", HIGH, 2),
        Rule("fully", "yes_multiple", "multiple_matches", HIGH, 3),
        Rule("fully", "yes", "one_match", HIGH, 4),
        Rule("fully", "yes", "multiple_matches", HIGH, 5),
        Rule("partially", "yes_multiple", "one_match", HIGH, 6),
        Rule("partially", "yes_multiple", "multiple_matches", HIGH, 7),
        Rule("partially", "yes", "one_match", HIGH, 8),
        Rule("fully", "no", "one_match", HIGH, 9),
        Rule("no", "yes_multiple", "one_match", HIGH, 10),
        Rule("no", "yes_multiple", "multiple_matches", HIGH, 11),
        Rule("fully", "yes_multiple", nc, MEDIUM, 1),
        Rule("fully", "yes", nc, MEDIUM, 2),
        Rule("fully", "no", "multiple_matches", MEDIUM, 3),
        Rule("partially", "yes_multiple", nc, MEDIUM, 4),
        Rule("partially", "yes", nc, MEDIUM, 5),
        Rule("no", "yes", "one_match", MEDIUM, 6),
        Rule("no", "yes_multiple", nc, MEDIUM, 7),
        Rule("partially", "no", "one_match", MEDIUM, 8),
        Rule("no", "yes", nc, MEDIUM, 9),
        Rule("fully", "no", "no_matches", LOW, 1),
        Rule("partially", "no", "multiple_matches", LOW, 2),
        Rule("partially", "no", "no_matches", LOW, 3),
        Rule("no", "no", "one_match", LOW, 4),
        Rule("no", "no", "multiple_matches", LOW, 5),
    ]


@dataclass(slots=True)
class MatchSettings:
    """The bank account's Match Tolerance Type/Value and the rule table, plus engine limits.

    The limits are ours (NAV has none): they bound the work per line so that matching stays
    linear in the number of lines.
    """

    tolerance_type: str = "amount"  # "amount" | "percentage"
    tolerance_value: Decimal = Decimal("0")
    rules: list[Rule] = field(default_factory=default_rules)
    bank_currency: str = ""  # "" = LCY; entries in another currency are not candidates
    lcy_code: str = "NOK"  # an entry currency equal to this counts as LCY
    name_similarity_threshold: int = 90  # rapidfuzz score (0-100) for "name_similar"
    subset_max_entries: int = 4  # a combined payment covers at most this many entries ...
    subset_max_pool: int = 30  # ... chosen among at most this many open entries of the party
    amount_only_max: int = 3  # amount-only candidates are kept only when at most this many entries fit
    candidates_kept: int = 5  # candidates reported per line (for review and learning)


# ---------------------------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence: a stable `code` for the UI to translate, an English `text`, and
    the `params` a translation needs. Instances may be shared between decisions: do not edit.

    Codes: rule, kid, rf, doc_no_in_text, ext_doc_no_in_text, iban, account_no, name_exact,
    name_similar, learned, multiple_parties, amount_exact, amount_with_discount,
    amount_within_tolerance, amount_sum_of_entries, amount_not_unique, partial_payment,
    amount_exceeds, amount_only, text_mapping, text_mapping_overridden, conflict_lost,
    conflict_partial, insufficient_amount, no_match.
    """

    code: str
    text: str
    params: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Application:
    """`amount` is what the payment covers on that entry, in the entry's sign (NAV Applied Amount)."""

    entry_no: int
    amount: Decimal
    discount_taken: Decimal = Decimal("0")
    document_no: str = ""  # the entry's, for showing the application


@dataclass(slots=True)
class Candidate:
    """One way the line could have been applied, as reviewed and kept for learning."""

    kind: str  # customer | vendor, or for a text mapping its account type (gl_account...)
    party_no: str  # the customer/vendor no., or the mapped account no.
    entry_nos: tuple[int, ...]
    score: int  # NAV rule score (Match Quality)
    reasons: list[Reason]
    confidence: str = NONE
    boost: int = 0  # ranks candidates with equal score: sum of the extra signals (see engine)
    rule: str = ""  # "high 4" (confidence and priority of the rule), or "text mapping"


@dataclass(slots=True)
class Decision:
    """What Apply Automatically did with one statement line.

    `score` is NAV's Match Quality (the rule's score, 3000 for a text mapping, 0 for none);
    `reasons` start with the rule ("rule") and list every piece of evidence, then notes such as
    "conflict_lost" or "insufficient_amount"; `candidates` are the best few ways considered.
    """

    line_id: int
    confidence: str
    score: int
    account_type: str  # "" when nothing was found
    account_no: str
    applications: list[Application]
    reasons: list[Reason]
    candidates: list[Candidate]
    conflict_with: list[int]

    @property
    def applied_amount(self) -> Decimal:
        return sum((application.amount for application in self.applications), Decimal("0"))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for keeping every automatic decision (issue 5: learning, reporting)."""

        def reasons(items: list[Reason], *, text: bool = True) -> list[dict[str, Any]]:
            if not text:
                return [{"code": r.code, "params": dict(r.params)} for r in items]
            return [{"code": r.code, "text": r.text, "params": dict(r.params)} for r in items]

        return {
            "line_id": self.line_id,
            "confidence": self.confidence,
            "score": self.score,
            "account_type": self.account_type,
            "account_no": self.account_no,
            "applications": [
                {
                    "entry_no": a.entry_no,
                    "amount": str(a.amount),
                    "discount_taken": str(a.discount_taken),
                }
                for a in self.applications
            ],
            "reasons": reasons(self.reasons),
            "candidates": [
                {
                    "kind": c.kind,
                    "party_no": c.party_no,
                    "entry_nos": list(c.entry_nos),
                    "score": c.score,
                    "confidence": c.confidence,
                    "boost": c.boost,
                    "rule": c.rule,
                    # The candidates' reasons are kept for learning and reporting, by code and params;
                    # the English sentences (the bulk of a decision) only for the decision's own reasons.
                    "reasons": reasons(c.reasons, text=False),
                }
                for c in self.candidates
            ],
            "conflict_with": list(self.conflict_with),
        }
