"""Apply Automatically and posting on a large ledger, through the database (issue 5's speed figures).

Run with:  .venv/bin/python -m pytest -m benchmark -n 0 -s tests/benchmarks/bench_payment_reconciliation.py
20,000 customers, 100,000 open invoices (posted by the engine), a statement of 10,000 lines.
Figures are printed, never asserted.
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import resource
import time
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest

from banking.models import BankAccReconciliation, BankAccReconciliationLine
from banking.payment_journal.applying import accept_applications
from banking.payment_journal.auto_apply import apply_automatically
from banking.payment_journal.posting import post_payment_journal
from receivables.company.setup import ensure_bank_account, setup_company
from receivables.ledger.check import check_ledger
from receivables.lib.bulk import insert_rows
from receivables.models import (
    AccountType,
    Customer,
    CustomerPostingGroup,
    DocumentType,
    GenJournalLine,
)
from receivables.posting import post

pytestmark = pytest.mark.benchmark
# Smaller runs for profiling: BENCH_LINES=2000 PROFILE=1 (prints where Apply Automatically and posting spend time).
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 20_000))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", 100_000))
LINES = int(os.environ.get("BENCH_LINES", 10_000))
START = date(2026, 1, 1)


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


@contextmanager
def _peak_rss(figures: dict, step: str):
    """The step's peak RSS and how far it rose above the RSS the step started with (Linux: writing 5 to
    clear_refs starts a new peak). Elsewhere the process's peak so far."""
    before = _status_mb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        before = None
    yield
    if before is None:
        figures[step] = f"process peak so far {_rss():.0f} MB"
    else:
        peak = _status_mb("VmHWM") or 0
        figures[step] = f"peak RSS {peak:.0f} MB, +{peak - before:.0f} MB over the {before:.0f} MB before"


@contextmanager
def _profiled(title: str):
    if not os.environ.get("PROFILE"):
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(30)
        print(f"\n== {title}\n{stream.getvalue()}")


@pytest.mark.django_db
def test_apply_and_post_10k_lines_against_100k_entries():
    rng = random.Random(5)
    setup_company()
    bank = ensure_bank_account(no="NBANK", name="Bank")
    group = CustomerPostingGroup.objects.get(code="DOMESTIC")
    Customer.objects.bulk_create(
        Customer(no=f"K{n:06d}", name=f"Kunde {n} {rng.choice(['Bygg', 'Data', 'Fisk', 'Handel'])} AS",
                 posting_group=group) for n in range(CUSTOMERS))
    started = time.perf_counter()
    invoices = []
    for n in range(ENTRIES):
        on = START + timedelta(days=rng.randint(0, 60))
        amount = Decimal(rng.randint(10_000, 2_000_000)) / 100
        invoices.append((f"F{n:07d}", f"K{rng.randrange(CUSTOMERS):06d}", on, amount))
    for chunk in range(0, ENTRIES, 20_000):
        post([
            GenJournalLine(posting_date=on, document_date=on, document_type=DocumentType.INVOICE, document_no=no,
                           account_type=AccountType.CUSTOMER, account_no=customer, amount=amount,
                           due_date=on + timedelta(days=30), bal_account_type=AccountType.GL_ACCOUNT,
                           bal_account_no="3000")
            for no, customer, on, amount in invoices[chunk:chunk + 20_000]
        ])
    setup_seconds = time.perf_counter() - started
    journal = BankAccReconciliation.objects.create(bank_account=bank, statement_type="payment_application",
                                                   statement_no="1", statement_date=date(2026, 4, 1))
    paid = rng.sample(invoices, LINES)
    insert_rows(BankAccReconciliationLine,
                ["reconciliation_id", "bank_account_id", "line_no", "transaction_date", "transaction_text",
                 "statement_amount"],
                ((journal.pk, bank.pk, 10_000 * (i + 1), date(2026, 3, 20), f"Faktura {no} betaling", amount)
                 for i, (no, _customer, _on, amount) in enumerate(paid)))
    memory: dict[str, str] = {}
    started = time.perf_counter()
    with _peak_rss(memory, "apply"), _profiled("Apply Automatically"):
        result = apply_automatically(journal=journal, today=date(2026, 4, 1))
    apply_seconds = time.perf_counter() - started
    lines = list(journal.lines.all())
    accepted = accept_applications(lines=[line for line in lines if line.applied_amount == line.statement_amount])
    started = time.perf_counter()
    with _peak_rss(memory, "post"), _profiled("Post and Reconcile"):
        post_payment_journal(journal=journal, reconcile=True, accepted_only=True)
    post_seconds = time.perf_counter() - started
    problems = check_ledger()
    print(
        f"\nPayment reconciliation on {CUSTOMERS:,} customers / {ENTRIES:,} open entries / {LINES:,} lines:"
        f"\n  posting the {ENTRIES:,} invoices (set-up) {setup_seconds:.1f} s"
        f"\n  Apply Automatically     {apply_seconds:.1f} s ({result.applied:,} of {result.lines:,} lines applied),"
        f"\n                          {memory['apply']}"
        f"\n  Post and Reconcile      {post_seconds:.1f} s ({accepted:,} accepted lines)"
        f"\n                          {memory['post']}"
        f"\n  check_ledger            {'ok' if not problems else problems[:3]}"
    )
