"""How long a 100,000-entry camt.053 takes to parse and to import, and how much memory (issue 4).

Run with:  .venv/bin/python -m pytest -m benchmark -n 0 -s tests/benchmarks/bench_camt_import.py -n 0

The target is a full import in under 10 s and under 300 MB. Figures are printed, never asserted: timings
depend on the machine (and on whatever else it is running). Only the results are asserted.

Each figure comes from a fresh Python process that does that one thing and nothing else, so its peak RSS
(ru_maxrss) belongs to that work alone: Python and Django, the file's bytes as the caller holds them, the
parser, and for the import the database's own copies of the kept file. The import runs through
import_statement into a copy, in a file, of the test database with the company and the bank account set up
here; a file rather than the in-memory test database, which would count every stored line and the stored file
as the importing process's memory (a real database keeps them on disk, or in another process).
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ENTRIES = 100_000
IBAN = "NO9386011117947"
BANK = "BENCH"
ROOT = Path(__file__).resolve().parents[2]

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


def _entry(n: int) -> tuple[Decimal, str]:
    amount = Decimal(100 + n % 9000) / 100
    return amount, "DBIT" if n % 5 == 0 else "CRDT"


def write_statement(path: Path) -> tuple[Decimal, Decimal]:
    """Write the benchmark file entry by entry; return its credits and debits."""
    credits = debits = Decimal(0)
    for n in range(ENTRIES):
        amount, indicator = _entry(n)
        if indicator == "CRDT":
            credits += amount
        else:
            debits += amount
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER.format(closing=Decimal("1000.00") + credits - debits))
        for n in range(ENTRIES):
            amount, indicator = _entry(n)
            handle.write(ENTRY.format(n=n, amount=amount, indicator=indicator, day=1 + n % 28, kid=f"{n:010d}"))
        handle.write(FOOTER)
    return credits, debits


# --- the measured process -----------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    scale = 2**20 if sys.platform == "darwin" else 2**10
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(work: str, path: str, trace: bool) -> dict:
    if work == "import":
        import django

        django.setup()
    from banking.statements import parse_statement, stream_statement

    data = Path(path).read_bytes()  # as the view, the command and the bank feed hold it
    figures: dict = {"rss_before_mb": _rss_mb()}
    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), _cpu_seconds()
    if work == "parse":
        (statement,) = parse_statement(data, filename=Path(path).name).statements
        figures.update(transactions=len(statement.transactions), credits=str(statement.credits),
                       debits=str(statement.debits))
    elif work == "stream":
        count, credits, debits = 0, Decimal(0), Decimal(0)
        for _, transactions in stream_statement(data, filename=Path(path).name):
            for t in transactions:
                count += 1
                if t.amount > 0:
                    credits += t.amount
                else:
                    debits -= t.amount
        figures.update(transactions=count, credits=str(credits), debits=str(debits))
    else:
        from banking.importing import import_statement
        from banking.models import BankAccReconciliationLine
        from receivables.models import BankAccount

        bank = BankAccount.objects.get(no=BANK)
        started, cpu = time.perf_counter(), _cpu_seconds()
        result = import_statement(bank_account=bank, data=data, filename=Path(path).name)
        figures.update(seconds=time.perf_counter() - started, cpu_seconds=_cpu_seconds() - cpu)
        (summary,) = result.statements
        figures.update(imported=result.imported, skipped=result.skipped, credits=str(summary.credits),
                       debits=str(summary.debits), lines=BankAccReconciliationLine.objects.count())
    figures.setdefault("seconds", time.perf_counter() - started)
    figures.setdefault("cpu_seconds", _cpu_seconds() - cpu)
    if trace:
        figures["python_heap_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    figures["peak_rss_mb"] = _peak_rss_mb()
    return figures


if __name__ == "__main__":
    # The measured process runs this module as a script and stops here, before pytest is imported:
    # pytest's own memory is no part of an import.
    print(json.dumps(_child(sys.argv[1], sys.argv[2], "--tracemalloc" in sys.argv[3:])))
    sys.exit(0)


# --- the benchmarks -------------------------------------------------------------

import pytest  # noqa: E402 - after the measured process's exit, see above


@pytest.fixture(scope="module")
def statement_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Decimal, Decimal]:
    path = tmp_path_factory.mktemp("camt") / "camt053-100k.xml"
    credits, debits = write_statement(path)
    return path, credits, debits


def run_alone(work: str, path: Path, *, database: Path | None = None, trace: bool = False) -> dict:
    """Run `work` on the file in a fresh Python process (see _child below); what it measured."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "receivables.settings", "DEBUG": "0"}
    if database is not None:
        env["DATABASE_URL"] = f"sqlite:///{database}"
    command = [sys.executable, "-m", "tests.benchmarks.bench_camt_import", work, str(path)]
    if trace:
        command.append("--tracemalloc")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(label: str, figures: dict) -> str:
    if "python_heap_peak_mb" in figures:
        return (f"  {label:<32} Python heap peak {figures['python_heap_peak_mb']:.0f} MB"
                " (tracemalloc from after the file was read; slowed down by it, so no time)")
    grown = figures["peak_rss_mb"] - figures["rss_before_mb"]
    return (f"  {label:<32} {figures['seconds']:6.2f} s ({figures['cpu_seconds']:.2f} s CPU)"
            f"   peak RSS {figures['peak_rss_mb']:4.0f} MB = {figures['rss_before_mb']:.0f} MB before"
            f" (Python, the file read) + {grown:.0f} MB")


@pytest.mark.benchmark
def test_parse_100k_camt053(statement_file) -> None:
    path, credits, debits = statement_file
    whole = run_alone("parse", path)
    streamed = run_alone("stream", path)
    whole_traced = run_alone("parse", path, trace=True)
    streamed_traced = run_alone("stream", path, trace=True)
    for figures in (whole, streamed, whole_traced, streamed_traced):
        assert figures["transactions"] == ENTRIES
        assert (Decimal(figures["credits"]), Decimal(figures["debits"])) == (credits, debits)
    print(
        f"\ncamt.053 with {ENTRIES:,} entries, {path.stat().st_size / 1e6:.1f} MB, parse only (fresh process each):"
        f"\n{describe('parse_statement (whole file)', whole)}"
        f"\n{describe('', whole_traced)}"
        f"\n{describe('stream_statement (as imported)', streamed)}"
        f"\n{describe('', streamed_traced)}"
    )


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)
def test_import_100k_camt053(statement_file, company, tmp_path: Path) -> None:
    from django.db import connection

    from receivables.company.setup import ensure_bank_account

    if connection.vendor != "sqlite":
        pytest.skip("the import is measured on a copy of the SQLite test database")
    path, credits, debits = statement_file
    ensure_bank_account(no=BANK, name="Benchmark bank", iban=IBAN)
    runs = []
    for n in range(3):
        database = tmp_path / f"import-{n}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)
        copy.close()
        runs.append(run_alone("import", path, database=database, trace=n == 2))
    for figures in runs:
        assert figures["imported"] == figures["lines"] == ENTRIES and figures["skipped"] == 0
        assert (Decimal(figures["credits"]), Decimal(figures["debits"])) == (credits, debits)
    print(
        f"\nImport of the same file through import_statement into a payment reconciliation journal"
        f" (SQLite, fresh process each):"
        f"\n{describe('import_statement, run 1', runs[0])}"
        f"\n{describe('import_statement, run 2', runs[1])}"
        f"\n{describe('', runs[2])}"
        "\n  (the import's RSS peak is SQLite storing the kept file: it makes two passing copies of it)"
    )
