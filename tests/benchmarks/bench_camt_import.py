"""How long a 100,000-entry camt.053 takes to parse, and how much memory.

Run with:  .venv/bin/pytest -m benchmark -s tests/benchmarks/bench_camt_import.py

The figures are printed, not asserted: timings depend on the machine. The
target is well under 10 s and 300 MB. Only the parse result is asserted.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from banking.statements import parse_statement

ENTRIES = 100_000

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2024-05-31T18:00:00+02:00</CreDtTm></GrpHdr>
<Stmt>
<Id>BENCH-2024-05</Id><ElctrncSeqNb>5</ElctrncSeqNb>
<Acct><Id><IBAN>NO9386011117947</IBAN></Id><Ccy>NOK</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-05-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-05-31</Dt></Dt></Bal>
"""

ENTRY = """<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2024-05-{day:02d}</Dt></BookgDt><ValDt><Dt>2024-05-{day:02d}</Dt></ValDt><AcctSvcrRef>ASR{n:08d}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>TX{n:08d}</AcctSvcrRef><EndToEndId>E2E{n:08d}</EndToEndId></Refs>
<Amt Ccy="NOK">{amount}</Amt><RltdPties><Dbtr><Pty><Nm>Kunde {n} AS</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>NO9386011117947</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>Faktura {n}</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
"""

FOOTER = "</Stmt>\n</BkToCstmrStmt>\n</Document>\n"


def write_statement(path: Path) -> tuple[Decimal, Decimal]:
    """Write the benchmark file entry by entry; return its credits and debits."""
    credits = debits = Decimal(0)
    entries = []
    for n in range(ENTRIES):
        amount = Decimal(100 + n % 9000) / 100
        indicator = "DBIT" if n % 5 == 0 else "CRDT"
        if indicator == "CRDT":
            credits += amount
        else:
            debits += amount
        entries.append(
            ENTRY.format(n=n, amount=amount, indicator=indicator, day=1 + n % 28, kid=f"{n:010d}")
        )
    closing = Decimal("1000.00") + credits - debits
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER.format(closing=closing))
        handle.writelines(entries)
        handle.write(FOOTER)
    return credits, debits


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


@pytest.mark.benchmark
def test_parse_100k_camt053(tmp_path: Path) -> None:
    path = tmp_path / "camt053-100k.xml"
    credits, debits = write_statement(path)
    data = path.read_bytes()
    gc.collect()
    rss_before = max_rss_mb()

    started = time.perf_counter()
    parsed = parse_statement(data, filename=path.name)
    elapsed = time.perf_counter() - started
    rss_after = max_rss_mb()

    (statement,) = parsed.statements
    assert len(statement.transactions) == ENTRIES
    assert (statement.credits, statement.debits) == (credits, debits)
    assert statement.opening_balance + credits - debits == statement.closing_balance
    del parsed, statement
    gc.collect()

    # A second run under tracemalloc for the Python heap peak (tracemalloc
    # slows the parse down, so it is not the timed run).
    tracemalloc.start()
    parse_statement(data, filename=path.name)
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(
        f"\ncamt.053 with {ENTRIES:,} entries, {len(data) / 1e6:.1f} MB:"
        f"\n  parse time          {elapsed:.2f} s"
        f"\n  Python heap peak    {python_peak / 1e6:.0f} MB (tracemalloc, file bytes excluded)"
        f"\n  process max RSS     {rss_after:.0f} MB (was {rss_before:.0f} MB before parsing;"
        f" includes the file bytes, lxml's C memory and pytest)"
    )
