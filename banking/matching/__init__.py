"""Automatic payment application for the payment reconciliation journal, as a pure library.

    from banking.matching import build_index, match_statement, MatchSettings
    index = build_index(open_entries, parties, mappings, hints)
    decisions = match_statement(lines, index, MatchSettings(...), today=date.today())

No Django models here: the caller loads rows into the dataclasses of `model` and stores the
returned decisions. See engine.py for how the rule matrix and the extra signals combine.
"""
from __future__ import annotations

from banking.matching.engine import MatchInputs, match_statement, tolerance_range
from banking.matching.index import MatchIndex, build_index
from banking.matching.model import (
    BANK_ACCOUNT,
    Application,
    Candidate,
    Decision,
    LearnedHint,
    MatchSettings,
    OpenEntry,
    Party,
    Reason,
    Rule,
    StatementLine,
    TextMapping,
    default_rules,
)
from banking.matching.normalize import learned_text_key, nearness

__all__ = [
    "BANK_ACCOUNT", "Application", "Candidate", "Decision", "LearnedHint", "MatchIndex", "MatchInputs",
    "MatchSettings", "OpenEntry", "Party", "Reason", "Rule", "StatementLine", "TextMapping",
    "build_index", "default_rules", "learned_text_key", "match_statement", "nearness",
    "tolerance_range",
]
