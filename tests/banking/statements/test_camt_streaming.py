"""camt files read as a stream, and imported as they are read.

The stream must give exactly what the whole-file parser gives (same transactions, same derived ids, same
errors), and an import that writes lines as the file is read must still be all or nothing: a file that turns
out to be truncated, or whose second statement is refused, leaves no trace.
"""
from __future__ import annotations

import dataclasses
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from banking.importing import (
    StatementAlreadyImported,
    StatementImportError,
    import_statement,
)
from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    ImportedStatement,
    StatementImport,
)
from banking.statements import (
    CSV_PRESETS,
    NotStreamable,
    ParsedFile,
    StatementParseError,
    camt,
    parse_statement,
    stream_statement,
)
from banking.statements._common import unique_ids_streamed, with_unique_ids
from banking.statements.model import Transaction
from receivables.company.setup import ensure_bank_account

from .test_corpus import CSV_MAPPINGS, MANIFEST, SAMPLES

IBAN = "NO9386011117947"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def entry(n: int, amount: str = "10.00", indicator: str = "CRDT", *, ref: str | None = None,
          entry_ref: str | None = None, details: str | None = None, status: str = "<Sts><Cd>BOOK</Cd></Sts>") -> str:
    """An entry whose transaction id is `ref` (default TX-n), or `entry_ref` for details without one."""
    if details is None:
        details = (
            f"<TxDtls><Refs><AcctSvcrRef>{ref or f'TX-{n}'}</AcctSvcrRef><EndToEndId>E2E-{n}</EndToEndId></Refs>"
            f"<RltdPties><Dbtr><Pty><Nm>Kunde {n} AS</Nm></Pty></Dbtr></RltdPties>"
            f"<RmtInf><Ustrd>Faktura {n}</Ustrd></RmtInf></TxDtls>"
        )
    return (
        f'<Ntry><NtryRef>N{n}</NtryRef><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{status}'
        f"<BookgDt><Dt>2024-05-{1 + n % 28:02d}</Dt></BookgDt><AcctSvcrRef>{entry_ref or f'ASR-{n}'}</AcctSvcrRef>"
        f"<NtryDtls>{details}</NtryDtls></Ntry>\n"
    )


def statement(entries: str, *, statement_id: str = "S-1", iban: str = IBAN) -> str:
    return (
        f"<Stmt><Id>{statement_id}</Id><ElctrncSeqNb>1</ElctrncSeqNb>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>NOK</Ccy></Acct>\n{entries}</Stmt>\n"
    )


def document(*statements: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NAMESPACE}"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M</MsgId><CreDtTm>2024-05-31T18:00:00</CreDtTm></GrpHdr>\n"
        + "".join(statements)
        + "</BkToCstmrStmt></Document>\n"
    ).encode()


def many(count: int, start: int = 0) -> str:
    return "".join(entry(n, f"{1 + n % 97}.{n % 100:02d}", "DBIT" if n % 4 == 0 else "CRDT")
                   for n in range(start, start + count))


def streamed(data: bytes, **options) -> ParsedFile:
    """What a stream gives, gathered into a ParsedFile to compare with parse_statement."""
    stream = stream_statement(data, **options)
    statements = [dataclasses.replace(s, transactions=list(transactions)) for s, transactions in stream]
    return ParsedFile(format=stream.format, statements=statements)


def exactly(parsed: ParsedFile) -> list:
    """Everything a ParsedFile says, amounts as written (Decimal equality ignores 1.0 vs 1.00)."""
    return [parsed.format] + [
        (repr(dataclasses.replace(s, transactions=[])), [repr(t) for t in s.transactions])
        for s in parsed.statements
    ]


def lines() -> int:
    return BankAccReconciliationLine.objects.count()


def nothing_written() -> bool:
    return (StatementImport.objects.count(), BankAccReconciliation.objects.count(), lines(),
            ImportedStatement.objects.count()) == (0, 0, 0, 0)


@pytest.fixture
def bank(company):
    return ensure_bank_account(no="STREAM", name="Stream bank", iban=IBAN)


def outcome(read) -> list | str:
    try:
        return exactly(read())
    except StatementParseError as error:
        return str(error)


@pytest.mark.parametrize("row", MANIFEST, ids=lambda row: row["path"])
def test_the_stream_gives_what_the_whole_file_parser_gives(row):
    path = row["path"]
    data = (SAMPLES / path).read_bytes()
    mapping = CSV_PRESETS[CSV_MAPPINGS[path]] if path in CSV_MAPPINGS else None
    whole = outcome(lambda: parse_statement(data, csv_mapping=mapping, filename=path))
    try:
        assert outcome(lambda: streamed(data, csv_mapping=mapping, filename=path)) == whole
    except NotStreamable:
        # Only when an id comes alone and then again later; read whole, the file gives the same.
        assert outcome(lambda: streamed(data, csv_mapping=mapping, filename=path, whole=True)) == whole


class CamtStreamTests:
    def test_it_gives_statements_one_at_a_time_with_their_headers(self):
        data = document(statement(many(3), statement_id="A"), statement(many(2, start=3), statement_id="B"))
        stream = stream_statement(data)
        seen = []
        for header, transactions in stream:
            assert header.transactions == [] and header.account_iban == IBAN
            seen.append((header.statement_id, [t.transaction_id for t in transactions]))
        assert stream.format == "camt053"
        assert seen == [("A", ["TX-0", "TX-1", "TX-2"]), ("B", ["TX-3", "TX-4"])]

    def test_transactions_left_unread_are_skipped(self):
        data = document(statement(many(3), statement_id="A"), statement(many(2, start=3), statement_id="B"))
        assert [header.statement_id for header, _ in stream_statement(data)] == ["A", "B"]

    def test_a_truncated_file_raises_where_it_breaks(self):
        data = document(statement(many(50)))
        stream = stream_statement(data[: len(data) // 2], filename="half.xml")
        read = []
        with pytest.raises(StatementParseError) as error:
            for _, transactions in stream:
                read.extend(transactions)
        assert 0 < len(read) < 50
        assert str(error.value).startswith("half.xml, line ")

    def test_an_id_repeated_within_one_entry_is_derived_as_it_comes(self):
        # A batch booking whose details carry no reference of their own: each takes the entry's.
        batch = "".join(
            f'<TxDtls><AmtDtls><TxAmt><Amt Ccy="NOK">{amount}</Amt></TxAmt></AmtDtls>'
            f"<RmtInf><Ustrd>part {amount}</Ustrd></RmtInf></TxDtls>"
            for amount in ("4.00", "6.00")
        )
        data = document(statement(entry(1, "10.00", entry_ref="BATCH", details=batch) + many(3, start=2)))
        assert exactly(streamed(data)) == exactly(parse_statement(data))
        ids = [t.transaction_id for t in parse_statement(data).statements[0].transactions]
        assert ids[0].startswith("sha1-") and ids[1].startswith("sha1-") and ids[2:] == ["TX-2", "TX-3", "TX-4"]

    def test_an_id_that_comes_again_later_cannot_be_streamed(self):
        data = document(statement(entry(1, ref="SAME") + entry(2) + entry(3, ref="SAME")))
        with pytest.raises(NotStreamable):
            streamed(data)
        whole = parse_statement(data).statements[0].transactions
        assert exactly(streamed(data, whole=True)) == exactly(parse_statement(data))
        assert whole[0].transaction_id != whole[2].transaction_id and "SAME" not in {t.transaction_id for t in whole}

    def test_entries_of_one_shape_are_read_from_their_own_values(self):
        # The same elements, so one plan for both; but which amount carries a currency, and the texts, differ.
        def batch(first: tuple[str, str, str, str], second: tuple[str, str, str, str], text: str) -> str:
            return "".join(
                f"<TxDtls><Amt{amount_ccy}>{amount}</Amt><AmtDtls><TxAmt><Amt{tx_ccy}>{tx}</Amt></TxAmt></AmtDtls>"
                f"<RmtInf><Ustrd>{text} {n}</Ustrd></RmtInf></TxDtls>"
                for n, (amount, amount_ccy, tx, tx_ccy) in enumerate((first, second))
            )

        eur, nok = ' Ccy="EUR"', ' Ccy="NOK"'
        a = entry(1, details=batch(("99.00", eur, "4.00", nok), ("6.00", "", "1.00", eur), " one "))
        b = entry(2, details=batch(("4.00", "", "5.00", eur), ("7.00", eur, "6.00", nok), "two  words"))
        together = parse_statement(document(statement(a + b))).statements[0].transactions
        camt._PLANS.clear()
        alone = [t for e in (a, b) for t in parse_statement(document(statement(e))).statements[0].transactions]
        assert together == alone
        assert [(t.amount, t.text) for t in together] == [
            (Decimal("4.00"), "one 0"), (Decimal("6.00"), "one 1"),
            (Decimal("4.00"), "two words 0"), (Decimal("6.00"), "two words 1"),
        ]

    def test_a_pending_entry_is_skipped_whatever_its_status_element_looks_like(self):
        data = document(statement(entry(1, status="<Sts><Cd>PDNG</Cd></Sts>") + entry(2, status="<Sts>PDNG</Sts>")
                                  + entry(3)))
        assert [t.transaction_id for t in streamed(data).statements[0].transactions] == ["TX-3"]

    def test_streaming_does_not_hold_the_transactions(self):
        data = document(statement(many(10000)))
        parse_statement(document(statement(many(10))))  # what is made once (tables, plans) is not the file's
        tracemalloc.start()
        try:
            count = sum(1 for _, transactions in stream_statement(data) for _ in transactions)
            _, streaming_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            parsed = parse_statement(data)
            _, whole_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert count == len(parsed.statements[0].transactions) == 10000
        # What stays while streaming is the ids (to tell a repeated one), not the transactions.
        assert streaming_peak < whole_peak / 3


def transaction(n: int, key: str) -> Transaction:
    return Transaction(booking_date=camt._date_from_text("2024-05-01"), value_date=None, amount=Decimal(n % 3),
                       currency="NOK", transaction_id=key, text=f"t{n % 2}")


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.lists(st.sampled_from(["", "A", "B", "C", "D"]), min_size=1, max_size=3), max_size=6))
def test_streamed_ids_are_the_whole_statements_ids_or_refused(batches: list[list[str]]):
    transactions = [[transaction(n * 10 + m, key) for m, key in enumerate(batch)] for n, batch in enumerate(batches)]
    whole = with_unique_ids([t for batch in transactions for t in batch], "scope")
    try:
        assert list(unique_ids_streamed(transactions, "scope")) == whole
    except NotStreamable:
        # Refused only when an id that came alone in its batch comes again in a later one.
        alone = [key for batch in batches for key in batch if key and batch.count(key) == 1]
        keys = [key for batch in batches for key in batch]
        assert any(keys.count(key) > 1 for key in alone)


class StreamingImportTests:
    def test_it_imports_a_large_file_line_by_line(self, bank):
        data = document(statement(many(3000)))
        result = import_statement(bank_account=bank, data=data, filename="big.xml")
        (whole,) = parse_statement(data).statements
        assert result.imported == lines() == 3000
        (summary,) = result.statements
        assert (summary.transactions, summary.credits, summary.debits) == (3000, whole.credits, whole.debits)
        stored = StatementImport.objects.get()
        assert bytes(stored.content) == data and stored.transactions == 3000 and stored.format == "camt053"
        assert ImportedStatement.objects.get().transactions == 3000
        journal = result.journal
        journal.refresh_from_db()
        assert journal.statement_date == max(t.booking_date for t in whole.transactions)
        amounts = list(BankAccReconciliationLine.objects.order_by("line_no").values_list("statement_amount", flat=True))
        assert amounts == [t.amount for t in whole.transactions]

    def test_a_truncated_large_file_imports_nothing(self, bank):
        # Lines go to the database 5,000 at a time: some have been written when the file breaks off.
        data = document(statement(many(6000)))
        with pytest.raises(StatementImportError) as error:
            import_statement(bank_account=bank, data=data[: len(data) * 9 // 10], filename="cut.xml")
        assert error.value.message.startswith("cut.xml, line ")
        assert nothing_written()

    def test_a_refused_second_statement_imports_nothing(self, bank):
        data = document(statement(many(5500)), statement(many(5, start=5500), statement_id="S-2",
                                                         iban="NO8330001234567"))
        with pytest.raises(StatementImportError, match="not for bank account STREAM"):
            import_statement(bank_account=bank, data=data, filename="two.xml")
        assert nothing_written()

    def test_a_broken_file_is_reported_as_broken_before_any_refusal(self, bank):
        data = document(statement(many(5), iban="NO8330001234567"), statement(many(600, start=5), statement_id="S-2"))
        with pytest.raises(StatementImportError) as error:
            import_statement(bank_account=bank, data=data[:-300], filename="both.xml")
        assert "not for bank account" not in error.value.message and error.value.message.startswith("both.xml, line ")
        assert nothing_written()

    def test_an_already_imported_second_statement_imports_nothing(self, bank):
        import_statement(bank_account=bank, data=document(statement(many(3), statement_id="S-2")), filename="a.xml")
        before = (StatementImport.objects.count(), lines())
        data = document(statement(many(600, start=10)), statement(many(3), statement_id="S-2"))
        with pytest.raises(StatementAlreadyImported, match="Statement S-2"):
            import_statement(bank_account=bank, data=data, filename="b.xml")
        assert (StatementImport.objects.count(), lines()) == before

    def test_statements_of_one_file_sharing_an_id_are_all_imported(self, bank):
        # Some banks repeat one statement id for every statement of a file; and a transaction that is in two
        # statements of one file is two lines, as it always was.
        data = document(statement(many(3)), statement(many(3)))
        result = import_statement(bank_account=bank, data=data, filename="twice.xml")
        assert result.imported == 6 and result.skipped == 0 and ImportedStatement.objects.count() == 2

    def test_an_overlapping_file_skips_only_what_earlier_files_had(self, bank):
        import_statement(bank_account=bank, data=document(statement(many(2500), statement_id="MAY")),
                         filename="may.xml")
        data = document(statement(many(3000, start=2000), statement_id="MAY-2"))
        result = import_statement(bank_account=bank, data=data, filename="may-2.xml")
        assert (result.imported, result.skipped) == (2500, 500)
        assert lines() == 5000

    def test_an_id_repeated_further_on_is_imported_from_the_whole_file(self, bank, monkeypatch):
        from banking import importing

        runs = []
        read = importing._import
        monkeypatch.setattr(importing, "_import", lambda **run: runs.append(run["whole"]) or read(**run))
        # TX-3 came alone at the start, so the first 5,000 lines were written with it before it came again.
        data = document(statement(many(5500) + entry(9000, ref="TX-3")))
        result = import_statement(bank_account=bank, data=data, filename="again.xml")
        assert runs == [False, True]
        ids = list(BankAccReconciliationLine.objects.order_by("line_no").values_list("transaction_id", flat=True))
        assert result.imported == 5501
        assert ids == [t.transaction_id for t in parse_statement(data).statements[0].transactions]
        assert "TX-3" not in ids
        assert StatementImport.objects.count() == 1 and ImportedStatement.objects.get().transactions == 5501

    def test_a_dry_run_reads_the_whole_file_and_writes_nothing(self, bank):
        result = import_statement(bank_account=bank, data=document(statement(many(1200))), filename="dry.xml",
                                  dry_run=True)
        assert result.imported == 1200 and result.journal is None and result.statements[0].transactions == 1200
        assert nothing_written()

    def test_the_same_file_again_is_refused_after_reading_it(self, bank):
        data = document(statement(many(800)))
        import_statement(bank_account=bank, data=data, filename="one.xml")
        with pytest.raises(StatementAlreadyImported, match="one.xml was already imported"):
            import_statement(bank_account=bank, data=data, filename="one.xml")
        assert lines() == 800


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("camt05*/*.xml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_sample_imports_the_lines_the_parser_gives(company, path: Path):
    parsed = parse_statement(path.read_bytes())
    accounts = {s.account_iban or s.account_number for s in parsed.statements} - {""}
    currencies = {s.currency for s in parsed.statements} - {""}
    if len(accounts) > 1 or len(currencies) > 1:
        pytest.skip("a file of several accounts goes into no single bank account")
    from receivables.models import Currency

    currency = next(iter(currencies), "NOK")
    bank = ensure_bank_account(no="SAMPLE", name="Sample", iban=next(iter(accounts), ""),
                               currency=None if currency == "NOK" else Currency.objects.get_or_create(code=currency)[0])
    result = import_statement(bank_account=bank, data=path.read_bytes(), filename=path.name)
    written = list(BankAccReconciliationLine.objects.order_by("line_no").values_list("transaction_id", "statement_amount"))
    assert written == [(t.transaction_id[:140], t.amount) for s in parsed.statements for t in s.transactions]
    assert [(s.transactions, s.credits, s.debits) for s in result.statements] == [
        (len(s.transactions), s.credits, s.debits) for s in parsed.statements]
