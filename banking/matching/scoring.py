"""Scoring one candidate with the rule matrix (spec 6.3/6.4), its reasons, and the restraint
rules that keep ambiguous evidence below High."""
from __future__ import annotations

from banking.matching.candidate import LineCandidate, cap, money, rank
from banking.matching.evidence import (
    FULLY,
    NO,
    PARTIALLY,
    EntryEvidence,
    PartyEvidence,
    describe,
    doc_label,
)
from banking.matching.index import MatchIndex, PartyKey
from banking.matching.model import (
    BANK_ACCOUNT,
    CONFIDENCE_RANK,
    GL_ACCOUNT,
    HIGH_TEXT_MAPPING,
    LOW,
    TEXT_MAPPING_SCORE,
    Reason,
    Rule,
    StatementLine,
)

# Boosts of the amount evidence (the others are in evidence.py): they only order candidates
# whose rule score is equal.
BOOST_AMOUNT_EXACT = 10
BOOST_AMOUNT_DISCOUNT = 8
BOOST_AMOUNT_TOLERANCE = 5
BOOST_AMOUNT_SUM = 5
AMBIGUITY_MARGIN = 10  # boosts closer than this are "equal evidence"

ACCOUNT_LABELS = {GL_ACCOUNT: "G/L account", BANK_ACCOUNT: "bank account"}

RuleTable = dict[tuple[str, str, str], tuple[Rule, Reason]]


def build_rule_table(rules: list[Rule]) -> RuleTable:
    """Best rule (highest score) for every observed (related party, doc. no., amount), with the
    reason that names it.

    Direct debit collections are not part of the inputs, so the observed value is always "no"
    and the direct-debit rule (High 1) never fires.
    """
    table: dict[tuple[str, str, str], tuple[Rule, Reason]] = {}
    for related in (FULLY, PARTIALLY, NO):
        for doc in ("yes", "yes_multiple", "no"):
            for amount in ("one_match", "multiple_matches", "no_matches"):
                fitting = [rule for rule in rules if rule.matches(related, doc, amount, "no")]
                if not fitting:
                    continue
                rule = max(fitting, key=lambda rule: rule.score)
                table[(related, doc, amount)] = (rule, Reason(
                    "rule",
                    f"Rule {rule.confidence} {rule.priority}: related party {related}, "
                    f"doc. no. {doc}, amount {amount.replace('_', ' ')}",
                    {"confidence": rule.confidence, "priority": str(rule.priority),
                     "related_party": related, "doc_no": doc, "amount": amount},
                ))
    return table


def evaluate(
    cand: LineCandidate,
    line: StatementLine,
    amount: int,
    count: int,
    party_ev: dict[PartyKey, PartyEvidence],
    entry_ev: dict[int, EntryEvidence],
    rule_table: RuleTable,
) -> bool:
    """Observe NAV's three values for the candidate, take the best fitting rule and set the
    candidate's confidence, score, boost and reasons. False when no rule fits (NAV: score 0,
    not a candidate)."""
    pev = party_ev.get(cand.party)
    related = pev.level if pev else NO
    evs = [entry_ev[item.seq] for item in cand.items if item.seq in entry_ev]
    if any(ev.doc in ("kid", "rf") for ev in evs):
        related = FULLY
    if cand.multi == "doc":
        doc = "yes_multiple"
    elif len(cand.items) == 1 and evs:
        doc = "yes"
    else:
        doc = "no"
    if not cand.in_range:
        observed_amount = "no_matches"
    else:
        observed_amount = "one_match" if count <= 1 and not cand.unsure else "multiple_matches"
    found = rule_table.get((related, doc, observed_amount))
    if found is None:
        return False  # NAV: no rule, score 0, not a candidate
    rule, rule_reason = found
    cand.rule = rule
    cand.score = rule.score
    cand.confidence = rule.confidence
    identity = bool(evs) or bool(pev and pev.identity)

    reasons = [rule_reason]
    boost = max((ev.boost for ev in evs), default=0)
    seen: set[tuple[str, str]] = set()
    for ev in evs:
        for reason in ev.evidence:
            if (reason.code, reason.text) not in seen:
                seen.add((reason.code, reason.text))
                reasons.append(reason)
    if pev:
        boost += pev.boost
        reasons.extend(pev.evidence)
    amount_boost, amount_reasons = _amount_reasons(cand, amount, count, line)
    boost += amount_boost
    reasons.extend(amount_reasons)
    if not identity:
        reasons.append(Reason(
            "amount_only",
            "Only the amount points to this entry (no reference, number, account or name)",
            {},
        ))
        if CONFIDENCE_RANK[cand.confidence] > CONFIDENCE_RANK[LOW]:
            cap(cand, LOW)
    cand.boost = boost
    cand.diff = abs(amount - cand.total)
    cand.reasons = reasons
    cand.account_type = cand.kind
    cand.account_no = cand.party[1]
    return True


def _amount_reasons(cand: LineCandidate, amount: int, count: int, line) -> tuple[int, list[Reason]]:
    shown = money(amount)
    reasons: list[Reason] = []
    boost = 0
    discount = sum(form[1] for form in cand.forms)
    if cand.multi == "sum" and cand.in_range:
        docs = ", ".join(doc_label(item) for item in cand.items)
        reasons.append(Reason(
            "amount_sum_of_entries",
            f"Amount {shown} equals the sum of {len(cand.items)} open entries: {docs}",
            {"amount": shown, "count": str(len(cand.items)), "documents": docs},
        ))
        boost += BOOST_AMOUNT_SUM
    if cand.in_range:
        remaining = money(cand.total)
        if discount:
            reasons.append(Reason(
                "amount_with_discount",
                f"Amount {shown} pays {remaining} after payment discount {money(discount)} "
                f"(paid {line.date.isoformat() if line.date else ''})",
                {"amount": shown, "remaining": remaining, "discount": money(discount)},
            ))
            boost += BOOST_AMOUNT_DISCOUNT
        if cand.total == amount and not discount:
            reasons.append(Reason(
                "amount_exact", f"Amount {shown} equals the remaining amount {remaining}",
                {"amount": shown, "remaining": remaining},
            ))
            boost += BOOST_AMOUNT_EXACT
        elif cand.total != amount:
            reasons.append(Reason(
                "amount_within_tolerance",
                f"Amount {shown} is within the match tolerance of {remaining}",
                {"amount": shown, "remaining": remaining},
            ))
            boost += BOOST_AMOUNT_TOLERANCE
        if count > 1:
            reasons.append(Reason(
                "amount_not_unique",
                "Other open entries have an amount in the same range",
                {"amount": shown},
            ))
    elif abs(amount) < abs(cand.total):
        reasons.append(Reason(
            "partial_payment",
            f"Amount {shown} is less than the remaining amount {money(cand.total)}: partial payment",
            {"amount": shown, "remaining": money(cand.total)},
        ))
    else:
        reasons.append(Reason(
            "amount_exceeds",
            f"Amount {shown} is more than the remaining amount {money(cand.total)}",
            {"amount": shown, "remaining": money(cand.total)},
        ))
    return boost, reasons


def text_mapping(line: StatementLine, ix: MatchIndex, amount: int) -> LineCandidate | None:
    if not ix.mappings or not line.text:
        return None
    upper = line.text.upper()
    for mapping_text, mapping in ix.mappings:
        if mapping_text not in upper:
            continue
        if mapping.account_type == GL_ACCOUNT:
            account_no = mapping.debit_account_no if amount >= 0 else mapping.credit_account_no
        else:
            account_no = mapping.bal_source_no
        if not account_no:
            continue
        account_type = mapping.account_type
        label = ACCOUNT_LABELS.get(account_type, account_type)
        return LineCandidate(
            account_type, None, score=TEXT_MAPPING_SCORE, confidence=HIGH_TEXT_MAPPING,
            account_type=account_type, account_no=account_no,
            reasons=[Reason(
                "text_mapping",
                f"Text '{mapping.mapping_text}' is mapped to {label} {account_no}",
                {"mapping_text": mapping.mapping_text, "account_type": account_type,
                 "account_no": account_no},
            )],
        )
    return None


def restrain_ambiguity(cands: list[LineCandidate], ix: MatchIndex) -> None:
    """Equal evidence for two parties: the line must not be decided with more than Low."""
    if len(cands) < 2 or cands[0].party is None:
        return
    best = cands[0]
    rivals = [
        cand for cand in cands[1:]
        if cand.party is not None and cand.party != best.party and cand.score == best.score
        and best.boost - cand.boost < AMBIGUITY_MARGIN
    ]
    if not rivals or best.confidence == HIGH_TEXT_MAPPING:
        return
    parties = [best.party] + [cand.party for cand in rivals if cand.party]
    names = ", ".join(dict.fromkeys(describe(ix, party) for party in parties))
    reason = Reason(
        "multiple_parties",
        f"The evidence fits {names} equally",
        {"parties": ",".join(dict.fromkeys(party[1] for party in parties))},
    )
    for cand in [best, *rivals]:
        if CONFIDENCE_RANK.get(cand.confidence, 0) > CONFIDENCE_RANK[LOW]:
            cap(cand, LOW)
        cand.reasons.append(reason)
    cands.sort(key=rank)
