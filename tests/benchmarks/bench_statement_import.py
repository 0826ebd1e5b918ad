"""Importing a 100,000-transaction camt.053 into a payment reconciliation journal: time and memory.

Run with:  .venv/bin/python -m pytest -m benchmark -n 0 -s tests/benchmarks/bench_statement_import.py
Figures are printed, never asserted. Target (issue 4): under 10 s and under 300 MB peak.
"""
from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from banking.importing import import_statement
from receivables.company.setup import ensure_bank_account, setup_company
from tests.benchmarks.bench_camt_import import ENTRIES, write_statement

pytestmark = pytest.mark.benchmark


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.django_db
def test_import_100k_camt053(tmp_path: Path) -> None:
    setup_company()
    bank = ensure_bank_account(no="NBANK", name="Bank", iban="NO9386011117947")
    path = tmp_path / "big.xml"
    write_statement(path)
    data = path.read_bytes()
    before = _rss_mb()
    started = time.perf_counter()
    result = import_statement(bank_account=bank, data=data, filename=path.name)
    elapsed = time.perf_counter() - started
    assert result.imported == ENTRIES
    print(
        f"\nImport of a {len(data) / 1e6:.0f} MB camt.053 with {ENTRIES:,} transactions into a journal:"
        f"\n  time                {elapsed:.1f} s (parse, checks, {ENTRIES:,} lines written)"
        f"\n  peak RSS            {_rss_mb():.0f} MB (process, before the import {before:.0f} MB)"
    )
