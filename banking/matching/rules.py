"""NAV 2017's default payment application rules (spec 6.3), seeded when the rule table is empty.

High priority 1 in NAV is the direct-debit rule; there are no direct-debit collections here, so
it is left out and the other rules keep their NAV numbers (scenario 23's "High prio 4 = 3996").
"""
from __future__ import annotations

F, P, N, NC = "fully", "partially", "no", "not_considered"
Y, YM = "yes", "yes_multiple"
ONE, MANY, NONE = "one_match", "multiple_matches", "no_matches"

DEFAULT_RULES = [
    ("high", 2, F, YM, ONE), ("high", 3, F, YM, MANY), ("high", 4, F, Y, ONE), ("high", 5, F, Y, MANY),
    ("high", 6, P, YM, ONE), ("high", 7, P, YM, MANY), ("high", 8, P, Y, ONE), ("high", 9, F, N, ONE),
    ("high", 10, N, YM, ONE), ("high", 11, N, YM, MANY),
    ("medium", 1, F, YM, NC), ("medium", 2, F, Y, NC), ("medium", 3, F, N, MANY), ("medium", 4, P, YM, NC),
    ("medium", 5, P, Y, NC), ("medium", 6, N, Y, ONE), ("medium", 7, N, YM, NC), ("medium", 8, P, N, ONE),
    ("medium", 9, N, Y, NC),
    ("low", 1, F, N, NONE), ("low", 2, P, N, MANY), ("low", 3, P, N, NONE), ("low", 4, N, N, ONE),
    ("low", 5, N, N, MANY),
]


def seed_rules(model) -> None:
    if model.objects.exists():
        return
    model.objects.bulk_create(
        model(match_confidence=c, priority=p, related_party_matched=rp, doc_no_matched=doc, amount_matched=amount)
        for c, p, rp, doc, amount in DEFAULT_RULES
    )
