"""How long importing 100,000 open entries for 20,000 customers takes, and how much memory.

Run with:  .venv/bin/pytest -m benchmark -n 0 -s tests/benchmarks/bench_import_open_entries.py
(and with DATABASE_URL=postgres://... for PostgreSQL).

The figures are printed, not asserted: timings depend on the machine. The target is well under a
minute on a 2-core machine. Only the result of the import is asserted. One row in ten is partly
paid, so the import also posts and applies 10,000 paid-part lines.
"""
from __future__ import annotations

import cProfile
import gc
import io
import os
import pstats
import resource
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from receivables.imports.master_data import import_master_data
from receivables.imports.open_entries import import_open_entries
from receivables.ledger.check import check_ledger
from receivables.models import CustLedgerEntry

# Smaller runs for profiling: BENCH_ENTRIES=20000 BENCH_CUSTOMERS=4000 PROFILE=1.
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 20_000))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", 100_000))
HEADER = (
    "account_type,account_no,document_type,document_no,external_document_no,posting_date,document_date,due_date,"
    "pmt_discount_date,pmt_discount_amount,currency_code,amount,remaining_amount,payment_reference,description\n"
)


def write_files(tmp_path: Path) -> tuple[bytes, bytes, Decimal]:
    customers = io.StringIO()
    customers.write("no,name,email,payment_terms_code\n")
    for n in range(CUSTOMERS):
        customers.write(f"K{100000 + n},Kunde {n} AS,post{n}@kunde.no,30D\n")
    entries = io.StringIO()
    entries.write(HEADER)
    remaining_total = Decimal(0)
    cutover = date(2025, 12, 31)
    for n in range(ENTRIES):
        customer = f"K{100000 + n % CUSTOMERS}"
        document_date = cutover - timedelta(days=n % 90)
        due = document_date + timedelta(days=30)
        amount = Decimal(100 + n % 50_000) / 100 + 10
        if n % 20 == 19:  # a payment on account
            amount = -amount
            remaining = amount
            entries.write(f"customer,{customer},payment,B{n:07d},,{cutover},{document_date},,,,,{amount},{remaining},,\n")
        else:
            remaining = amount if n % 10 else (amount / 3).quantize(Decimal("0.01"))
            discount = "1.00" if n % 7 == 0 else ""
            discount_date = (document_date + timedelta(days=8)) if discount else ""
            entries.write(
                f"customer,{customer},invoice,{200000 + n},,{cutover},{document_date},{due},{discount_date},{discount},,"
                f"{amount},{remaining},{n:010d},Faktura {200000 + n}\n"
            )
        remaining_total += remaining
    (tmp_path / "customers.csv").write_text(customers.getvalue(), encoding="utf-8")
    (tmp_path / "open_entries.csv").write_text(entries.getvalue(), encoding="utf-8")
    return customers.getvalue().encode(), entries.getvalue().encode(), remaining_total


def max_rss_mb() -> float:
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


@pytest.mark.benchmark
def test_import_100k_open_entries(tmp_path: Path, company) -> None:
    customer_data, entry_data, remaining_total = write_files(tmp_path)

    started = time.perf_counter()
    customers = import_master_data(kind="customers", data=customer_data, name="customers.csv")
    customers_elapsed = time.perf_counter() - started
    assert customers.created == CUSTOMERS

    gc.collect()
    rss_before = max_rss_mb()
    profiler = cProfile.Profile() if os.environ.get("PROFILE") else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = import_open_entries(data=entry_data, name="open_entries.csv")
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_after = max_rss_mb()

    assert (result.imported, result.transactions) == (ENTRIES, ENTRIES)
    assert CustLedgerEntry.objects.filter(open=True).count() == ENTRIES
    started = time.perf_counter()
    assert check_ledger() == []
    check_elapsed = time.perf_counter() - started
    from receivables.lib.aggregates import MoneySum

    assert CustLedgerEntry.objects.aggregate(total=MoneySum("remaining_amount"))["total"] == remaining_total

    print(
        f"\nimport_open_entries, {ENTRIES:,} rows ({ENTRIES // 10:,} partly paid) for {CUSTOMERS:,} customers,"
        f" {len(entry_data) / 1e6:.1f} MB, database {company._state.db} ({_vendor()}):"
        f"\n  import time         {elapsed:.1f} s ({ENTRIES / elapsed:,.0f} rows/s; CPU time of this process {cpu:.1f} s)"
        f"\n  process max RSS     {rss_after:.0f} MB (was {rss_before:.0f} MB before the import)"
        f"\n  customers import    {customers_elapsed:.1f} s for {CUSTOMERS:,} customers"
        f"\n  check_ledger after  {check_elapsed:.1f} s"
    )
    if profiler:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
        print(stream.getvalue())


def _vendor() -> str:
    from django.db import connection

    return connection.vendor
