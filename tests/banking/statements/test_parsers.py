"""Unit tests for the statement parsers, on small hand-written files.

Each test states one rule of banking/statements (id rules, batch splitting,
party and remittance extraction, references, CSV mappings, detection,
error messages, hostile input) so that a regression names the rule it broke.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from banking.statements import (
    CsvMapping,
    StatementParseError,
    _common,
    camt,
    csv_preset,
    detect,
    detect_format,
    mt940,
    ofx,
    parse_statement,
)
from banking.statements import csv as csv_parser
from banking.statements.model import Statement, Transaction

CAMT053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
CAMT053_V8 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def camt_file(entries: str, *, balances: str | None = None, namespace: str = CAMT053) -> bytes:
    if balances is None:
        balances = balance("OPBD", "100.00") + balance("CLBD", "150.00")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{namespace}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-05-02T08:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S-1</Id>
      <ElctrncSeqNb>7</ElctrncSeqNb>
      <Acct><Id><IBAN>NO9386011117947</IBAN></Id><Ccy>NOK</Ccy></Acct>
      {balances}
      {entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def balance(code: str, amount: str, indicator: str | None = "CRDT", day: str = "2024-05-01") -> str:
    indicator_xml = f"<CdtDbtInd>{indicator}</CdtDbtInd>" if indicator else ""
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="NOK">{amount}</Amt>{indicator_xml}<Dt><Dt>{day}</Dt></Dt></Bal>'
    )


def entry(
    amount: str = "50.00",
    indicator: str = "CRDT",
    *,
    refs: str = "",
    details: str = "",
    booking: str = "<Dt>2024-05-02</Dt>",
) -> str:
    return f"""<Ntry>
        <Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt>{booking}</BookgDt><ValDt><Dt>2024-05-03</Dt></ValDt>
        {refs}
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>{details}</NtryDtls>
      </Ntry>"""


def only_transaction(data: bytes) -> Transaction:
    (statement,) = parse_statement(data).statements
    (transaction,) = statement.transactions
    return transaction


# --- error messages ----------------------------------------------------------------


class StatementParseErrorTests:
    def test_it_reads_like_file_location_problem(self) -> None:
        error = StatementParseError("statement.xml", "line 12 (Ntry/Amt)", "amount 'abc' is not a number")
        assert str(error) == "statement.xml, line 12 (Ntry/Amt): amount 'abc' is not a number"

    def test_it_leaves_out_missing_parts(self) -> None:
        assert str(StatementParseError("", "", "the file is empty")) == "the file is empty"
        assert str(StatementParseError("a.sta", "", "x")) == "a.sta: x"

    def test_it_points_at_the_bad_camt_element(self) -> None:
        data = camt_file(entry(amount="abc"))
        with pytest.raises(StatementParseError) as error:
            parse_statement(data, filename="statement.xml")
        line = data.decode().splitlines().index(next(
            line for line in data.decode().splitlines() if ">abc<" in line
        )) + 1
        assert str(error.value) == f"statement.xml, line {line} (Ntry/Amt): amount 'abc' is not a number"

    def test_it_wraps_unexpected_library_errors(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def explode(*args: object, **kwargs: object) -> None:
            raise KeyError("surprise")

        monkeypatch.setattr(mt940, "_message_lines", explode)
        with pytest.raises(StatementParseError) as error:
            parse_statement(b":20:X\n:25:1\n", filename="a.sta")
        assert str(error.value) == "a.sta: " + "the file could not be read (KeyError: 'surprise')"


# --- camt ------------------------------------------------------------------------


class CamtIdRuleTests:
    def test_it_prefers_the_details_account_servicer_reference(self) -> None:
        details = "<TxDtls><Refs><AcctSvcrRef>TX-REF</AcctSvcrRef><EndToEndId>E2E</EndToEndId></Refs></TxDtls>"
        refs = "<AcctSvcrRef>ENTRY-REF</AcctSvcrRef>"
        transaction = only_transaction(camt_file(entry(refs=refs, details=details)))
        assert transaction.transaction_id == "TX-REF"
        assert transaction.end_to_end_id == "E2E"
        assert transaction.entry_reference == "ENTRY-REF"

    def test_it_takes_the_end_to_end_id_next(self) -> None:
        details = "<TxDtls><Refs><EndToEndId>E2E-42</EndToEndId></Refs></TxDtls>"
        refs = "<AcctSvcrRef>ENTRY-REF</AcctSvcrRef>"
        assert only_transaction(camt_file(entry(refs=refs, details=details))).transaction_id == "E2E-42"

    def test_it_skips_notprovided_and_falls_back_to_the_entry(self) -> None:
        details = "<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs></TxDtls>"
        refs = "<AcctSvcrRef>ENTRY-REF</AcctSvcrRef>"
        transaction = only_transaction(camt_file(entry(refs=refs, details=details)))
        assert transaction.transaction_id == "ENTRY-REF"
        assert transaction.end_to_end_id == ""

    def test_it_uses_the_entry_reference_number_last(self) -> None:
        refs = "<NtryRef>NTRY-7</NtryRef>"
        assert only_transaction(camt_file(entry(refs=refs))).transaction_id == "NTRY-7"

    def test_it_derives_a_stable_id_when_there_is_none(self) -> None:
        data = camt_file(entry() + entry())
        first = parse_statement(data).statements[0].transactions
        second = parse_statement(data).statements[0].transactions
        assert [t.transaction_id for t in first] == [t.transaction_id for t in second]
        assert all(re.fullmatch(r"sha1-[0-9a-f]{32}", t.transaction_id) for t in first)
        # Two identical lines in one statement must not collapse into one.
        assert first[0].transaction_id != first[1].transaction_id

    def test_it_replaces_a_reference_shared_by_two_lines(self) -> None:
        refs = "<AcctSvcrRef>SAME</AcctSvcrRef>"
        transactions = parse_statement(camt_file(entry("1.00", refs=refs) + entry("2.00", refs=refs))).statements[0].transactions
        ids = [t.transaction_id for t in transactions]
        assert len(set(ids)) == 2 and "SAME" not in ids
        assert [t.entry_reference for t in transactions] == ["SAME", "SAME"]


def batch_details(*amounts: tuple[str, str | None]) -> str:
    return "".join(
        f"<TxDtls><Refs><EndToEndId>E{n}</EndToEndId></Refs>"
        f'<AmtDtls><TxAmt><Amt Ccy="NOK">{amount}</Amt></TxAmt></AmtDtls>'
        + (f"<CdtDbtInd>{indicator}</CdtDbtInd>" if indicator else "")
        + f"<RmtInf><Ustrd>invoice {n}</Ustrd></RmtInf></TxDtls>"
        for n, (amount, indicator) in enumerate(amounts, start=1)
    )


class CamtBatchTests:
    def test_it_splits_a_batch_into_one_line_per_detail(self) -> None:
        refs = "<AcctSvcrRef>BATCH-1</AcctSvcrRef>"
        data = camt_file(entry("50.00", refs=refs, details=batch_details(("20.00", None), ("30.00", None))))
        transactions = parse_statement(data).statements[0].transactions
        assert [t.amount for t in transactions] == [Decimal("20.00"), Decimal("30.00")]
        assert [t.transaction_id for t in transactions] == ["E1", "E2"]
        assert [t.text for t in transactions] == ["invoice 1", "invoice 2"]
        assert {t.entry_reference for t in transactions} == {"BATCH-1"}

    def test_it_signs_details_by_their_own_indicator(self) -> None:
        details = batch_details(("80.00", "CRDT"), ("30.00", "DBIT"))
        transactions = parse_statement(camt_file(entry("50.00", details=details))).statements[0].transactions
        assert [t.amount for t in transactions] == [Decimal("80.00"), Decimal("-30.00")]

    def test_it_signs_details_by_the_entry_when_they_have_none(self) -> None:
        details = batch_details(("20.00", None), ("30.00", None))
        transactions = parse_statement(camt_file(entry("50.00", "DBIT", details=details))).statements[0].transactions
        assert [t.amount for t in transactions] == [Decimal("-20.00"), Decimal("-30.00")]

    def test_it_keeps_the_entry_whole_when_details_do_not_add_up(self) -> None:
        transaction = only_transaction(
            camt_file(entry("50.00", details=batch_details(("20.00", None), ("20.00", None))))
        )
        assert transaction.amount == Decimal("50.00")
        assert transaction.text == "invoice 1 invoice 2"

    def test_it_keeps_the_entry_whole_when_a_detail_has_no_amount(self) -> None:
        details = batch_details(("20.00", None)) + "<TxDtls><RmtInf><Ustrd>no amount</Ustrd></RmtInf></TxDtls>"
        assert only_transaction(camt_file(entry("20.00", details=details))).amount == Decimal("20.00")

    def test_a_single_detail_keeps_the_booked_amount(self) -> None:
        # Goldman Sachs: the detail carries the instructed amount (other currency).
        details = '<TxDtls><AmtDtls><TxAmt><Amt Ccy="USD">12.00</Amt></TxAmt></AmtDtls></TxDtls>'
        assert only_transaction(camt_file(entry("100.00", details=details))).amount == Decimal("100.00")


class CamtPartyAndRemittanceTests:
    PARTIES = """<RltdPties>
        <Dbtr><Nm>Kari Nordmann</Nm><PstlAdr><StrtNm>Storgata</StrtNm><BldgNb>1</BldgNb>
          <PstCd>0155</PstCd><TwnNm>Oslo</TwnNm><Ctry>NO</Ctry></PstlAdr></Dbtr>
        <DbtrAcct><Id><IBAN>NO9386011117947</IBAN></Id></DbtrAcct>
        <Cdtr><Nm>Our Company AS</Nm></Cdtr>
        <CdtrAcct><Id><Othr><Id>15031234567</Id></Othr></Id></CdtrAcct>
      </RltdPties>"""

    def test_a_credit_names_the_debtor(self) -> None:
        transaction = only_transaction(camt_file(entry(details=f"<TxDtls>{self.PARTIES}</TxDtls>")))
        assert transaction.party_name == "Kari Nordmann"
        assert transaction.party_iban == "NO9386011117947"
        assert transaction.party_account == "NO9386011117947"
        assert transaction.party_address == "Storgata 1, 0155 Oslo, NO"

    def test_a_debit_names_the_creditor(self) -> None:
        transaction = only_transaction(camt_file(entry(indicator="DBIT", details=f"<TxDtls>{self.PARTIES}</TxDtls>")))
        assert transaction.amount == Decimal("-50.00")
        assert transaction.party_name == "Our Company AS"
        assert transaction.party_iban == ""
        assert transaction.party_account == "15031234567"

    def test_version_8_wraps_the_party_in_pty(self) -> None:
        details = "<TxDtls><RltdPties><Dbtr><Pty><Nm>Ola AS</Nm></Pty></Dbtr></RltdPties></TxDtls>"
        transaction = only_transaction(camt_file(entry(details=details), namespace=CAMT053_V8))
        assert transaction.party_name == "Ola AS"

    def test_it_joins_unstructured_remittance(self) -> None:
        details = "<TxDtls><RmtInf><Ustrd>Invoice 1001</Ustrd><Ustrd>and 1002</Ustrd></RmtInf></TxDtls>"
        assert only_transaction(camt_file(entry(details=details))).text == "Invoice 1001 and 1002"

    def test_it_takes_the_structured_creditor_reference(self) -> None:
        details = """<TxDtls><RmtInf><Strd><CdtrRefInf>
            <Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>1234 5678 97</Ref>
          </CdtrRefInf></Strd></RmtInf></TxDtls>"""
        transaction = only_transaction(camt_file(entry(details=details)))
        assert transaction.creditor_reference == "1234567897"

    def test_it_finds_an_rf_reference_in_free_text(self) -> None:
        details = "<TxDtls><RmtInf><Ustrd>Betaling RF18 5390 0754 7034 takk</Ustrd></RmtInf></TxDtls>"
        assert only_transaction(camt_file(entry(details=details))).creditor_reference == "RF18539007547034"

    def test_it_reads_the_bank_transaction_code(self) -> None:
        assert only_transaction(camt_file(entry())).bank_transaction_code == "PMNT/RCDT/ESCT"


class CamtBalanceAndDateTests:
    def test_it_prefers_opbd_over_prcd(self) -> None:
        balances = balance("PRCD", "1.00") + balance("OPBD", "2.00") + balance("CLBD", "3.00")
        (statement,) = parse_statement(camt_file("", balances=balances)).statements
        assert statement.opening_balance == Decimal("2.00")
        assert statement.closing_balance == Decimal("3.00")

    def test_it_falls_back_to_prcd(self) -> None:
        balances = balance("PRCD", "1.00") + balance("CLAV", "9.00") + balance("CLBD", "3.00")
        (statement,) = parse_statement(camt_file("", balances=balances)).statements
        assert statement.opening_balance == Decimal("1.00")
        assert statement.closing_balance == Decimal("3.00")

    def test_a_debit_balance_is_negative_and_a_missing_indicator_is_credit(self) -> None:
        balances = balance("OPBD", "5.00", indicator="DBIT") + balance("CLBD", "7.00", indicator=None)
        (statement,) = parse_statement(camt_file("", balances=balances)).statements
        assert (statement.opening_balance, statement.closing_balance) == (Decimal("-5.00"), Decimal("7.00"))
        assert (statement.account_iban, statement.currency) == ("NO9386011117947", "NOK")
        assert (statement.statement_id, statement.sequence) == ("S-1", "7")

    def test_a_utc_booking_time_is_taken_in_oslo(self) -> None:
        # Banks write local midnight as 23:00Z (winter) / 22:00Z (summer).
        transaction = only_transaction(camt_file(entry(booking="<DtTm>2024-01-04T23:00:00.000Z</DtTm>")))
        assert transaction.booking_date == date(2024, 1, 5)

    def test_a_booking_time_with_an_offset_is_taken_as_written(self) -> None:
        transaction = only_transaction(camt_file(entry(booking="<DtTm>2024-01-04T23:30:00-05:00</DtTm>")))
        assert transaction.booking_date == date(2024, 1, 4)

    def test_a_camt052_report_falls_back_to_interim_balances(self) -> None:
        balances = balance("ITBD", "1.00") + balance("ITBD", "2.00", day="2024-05-02")
        data = (
            camt_file(entry("1.00"), balances=balances, namespace="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08")
            .replace(b"BkToCstmrStmt", b"BkToCstmrAcctRpt")
            .replace(b"<Stmt>", b"<Rpt>")
            .replace(b"</Stmt>", b"</Rpt>")
        )
        parsed = parse_statement(data)
        (statement,) = parsed.statements
        assert parsed.format == "camt052"
        assert (statement.opening_balance, statement.closing_balance) == (Decimal("1.00"), Decimal("2.00"))
        assert statement.closing_date == date(2024, 5, 2)

    def test_pending_entries_are_skipped(self) -> None:
        pending = entry().replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")
        (statement,) = parse_statement(camt_file(pending + entry("1.00"))).statements
        assert [t.amount for t in statement.transactions] == [Decimal("1.00")]

    def test_a_missing_indicator_is_refused(self) -> None:
        data = camt_file(entry().replace("<CdtDbtInd>CRDT</CdtDbtInd>", ""))
        with pytest.raises(StatementParseError) as error:
            parse_statement(data)
        assert error.value.problem == camt.MISSING_ELEMENT.format(element="CdtDbtInd")


class HostileXmlTests:
    BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&lol9;</Id><Acct><Id><IBAN>NO9386011117947</IBAN></Id></Acct></Stmt>
</BkToCstmrStmt></Document>"""

    def test_billion_laughs_is_refused(self) -> None:
        with pytest.raises(StatementParseError) as error:
            parse_statement(self.BILLION_LAUGHS, filename="bomb.xml")
        assert error.value.problem == camt.DOCTYPE_REFUSED

    @pytest.mark.parametrize(
        "doctype",
        [
            b'<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE Document [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>',
            b'<!DOCTYPE Document SYSTEM "http://127.0.0.1:9/camt.dtd">',
        ],
    )
    def test_external_entities_are_refused(self, doctype: bytes) -> None:
        data = (
            b'<?xml version="1.0"?>\n' + doctype + b'\n<Document xmlns="' + CAMT053.encode()
            + b'"><BkToCstmrStmt><Stmt><Id>&secret;</Id></Stmt></BkToCstmrStmt></Document>'
        )
        with pytest.raises(StatementParseError) as error:
            parse_statement(data)
        # Refused before any entity is looked at: nothing of /etc/passwd leaks.
        assert error.value.problem == camt.DOCTYPE_REFUSED
        assert "root:" not in str(error.value)

    def test_a_doctype_without_entities_is_refused_too(self) -> None:
        data = camt_file(entry()).replace(b"<Document", b"<!DOCTYPE Document>\n<Document", 1)
        with pytest.raises(StatementParseError) as error:
            parse_statement(data)
        assert error.value.problem == camt.DOCTYPE_REFUSED

    def test_a_doctype_after_comments_and_a_declaration_is_refused_with_its_line(self) -> None:
        data = camt_file(entry()).replace(
            b"<Document", b"<!-- a <!DOCTYPE in a comment is fine -->\n<?pi x?>\n<!DOCTYPE Document>\n<Document", 1
        )
        with pytest.raises(StatementParseError) as error:
            parse_statement(data)
        assert error.value.problem == camt.DOCTYPE_REFUSED
        assert error.value.location == f"line {data[: data.index(b'<!DOCTYPE D')].count(b'\n') + 1}"

    def test_a_doctype_in_utf16_is_refused(self) -> None:
        data = camt_file(entry()).replace(b"<Document", b"<!DOCTYPE Document>\n<Document", 1)
        text = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        with pytest.raises(StatementParseError) as error:
            parse_statement(text.encode("utf-16"))
        assert error.value.problem == camt.DOCTYPE_REFUSED

    def test_the_prolog_is_read_across_chunks(self) -> None:
        # A comment longer than the prolog reader's chunk: the file still parses.
        data = camt_file(entry()).replace(b"<Document", b"<!--" + b"x" * 40_000 + b"-->\n<Document", 1)
        assert len(parse_statement(data).statements) == 1

    def test_truncated_xml_is_refused_with_its_line(self) -> None:
        data = camt_file(entry())
        with pytest.raises(StatementParseError) as error:
            parse_statement(data[: len(data) // 2])
        assert error.value.location.startswith("line ")
        assert error.value.problem.startswith("the XML is not well-formed")

    def test_an_oversized_file_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        data = camt_file(entry())
        monkeypatch.setattr(camt, "MAX_CAMT_BYTES", len(data) - 1)
        with pytest.raises(StatementParseError) as error:
            parse_statement(data)
        assert error.value.problem == camt.TOO_LARGE.format(size=len(data), limit=len(data) - 1)


# --- OFX ---------------------------------------------------------------------------

OFX_SGML = b"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>NOK
<BANKACCTFROM><BANKID>1503<ACCTID>NO9386011117947<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20240101<DTEND>20240131
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102000000[+10:AEST]<TRNAMT>1250,50<FITID>F-1<NAME>Bj\xf8rn AS<MEMO>KID 12345674</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240103<TRNAMT>-0<FITID><NAME></STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>-99.50<DTASOF>20240131</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


class OfxTests:
    def test_it_reads_sgml_with_cp1252_bytes(self) -> None:
        (statement,) = parse_statement(OFX_SGML).statements
        first, second = statement.transactions
        assert first.party_name == "Bjørn AS"
        assert first.transaction_id == "F-1"
        assert first.amount == Decimal("1250.50")  # decimal comma
        assert (statement.account_iban, statement.currency) == ("NO9386011117947", "NOK")
        assert (statement.closing_balance, statement.closing_date) == (Decimal("-99.50"), date(2024, 1, 31))

    def test_it_has_no_opening_balance(self) -> None:
        (statement,) = parse_statement(OFX_SGML).statements
        assert (statement.opening_balance, statement.opening_date) == (None, None)

    def test_it_takes_the_date_as_the_bank_wrote_it(self) -> None:
        # ofxparse would turn 2024-01-02 00:00 +10:00 into 2024-01-01 (UTC).
        assert parse_statement(OFX_SGML).statements[0].transactions[0].booking_date == date(2024, 1, 2)

    def test_an_empty_fitid_gets_a_derived_id_and_minus_zero_is_zero(self) -> None:
        second = parse_statement(OFX_SGML).statements[0].transactions[1]
        assert second.transaction_id.startswith("sha1-")
        assert str(second.amount) == "0"

    def test_it_finds_a_labelled_kid_in_the_memo(self) -> None:
        assert parse_statement(OFX_SGML).statements[0].transactions[0].creditor_reference == "12345674"

    def test_a_transaction_without_amount_is_refused(self) -> None:
        data = OFX_SGML.replace(b"<TRNAMT>-0", b"")
        with pytest.raises(StatementParseError) as error:
            parse_statement(data, filename="x.ofx")
        assert error.value.problem == ofx.MISSING_FIELD.format(number=2, field="TRNAMT")
        assert error.value.location == "line 16"  # the second <STMTTRN>

    def test_invalid_utf8_is_refused(self) -> None:
        data = OFX_SGML.replace(b"ENCODING:USASCII", b"ENCODING:UTF-8")
        with pytest.raises(StatementParseError) as error:
            parse_statement(data)
        assert error.value.problem.startswith("the file is not valid utf-8 text")


# --- MT940 -------------------------------------------------------------------------

MT940_GERMAN = """:20:STARTUMS
:25:10020030/1234567
:28C:00001/001
:60F:C240501EUR1000,00
:61:2405020502CR100,00NTRFNONREF//BANKREF-1
:86:166?00GUTSCHRIFT?20EREF+E2E-123?21SVWZ+Rechnung 2024-17 vielen?22 Dank?30DEUTDEFF?31DE89370400440532013000?32Erika Mustermann
:61:2405020502DR30,00NTRFNONREF
:86:105?00LASTSCHRIFT?20Strom Mai
:61:2405020502RC20,00NTRFNONREF//BANKREF-3
:61:2405020502RD5,00NTRFNONREF//BANKREF-4
:62F:C240502EUR1055,00
"""

MT940_DUTCH = """{1:F01INGBNL2ABXXX0000000000}
{2:I940INGBNL2AXXXN}
{4:
:20:P240502
:25:NL91ABNA0417164300EUR
:28C:00001
:60F:C240501EUR10,00
:61:2405020502C5,00NTRFEREF//00000000001
:86:/EREF/E2E-NL//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen/Amsterdam//REMI/USTD//Factuur 4711/
:61:2405020502C5,00NTRF9001123412341234//00000000002
:86:/REMI/STRD/CUR/9001123412341234/
:62F:C240502EUR20,00
:86:/SUM/0/2/0,00/10,00/
-}
"""


class Mt940Tests:
    def test_it_signs_by_the_debit_credit_mark(self) -> None:
        (statement,) = parse_statement(MT940_GERMAN.encode()).statements
        # C and RD are money in, D and RC money out.
        assert [t.amount for t in statement.transactions] == [
            Decimal("100.00"), Decimal("-30.00"), Decimal("-20.00"), Decimal("5.00")
        ]
        assert statement.opening_balance + statement.credits - statement.debits == statement.closing_balance

    def test_it_reads_german_sub_fields(self) -> None:
        first = parse_statement(MT940_GERMAN.encode()).statements[0].transactions[0]
        assert first.party_name == "Erika Mustermann"
        assert first.party_iban == "DE89370400440532013000"
        assert first.end_to_end_id == "E2E-123"
        assert first.text == "Rechnung 2024-17 vielen Dank"
        assert first.transaction_id == "BANKREF-1"
        assert first.bank_transaction_code == "NTRF/166"
        assert first.booking_date == date(2024, 5, 2)

    def test_without_any_reference_the_id_is_derived(self) -> None:
        second = parse_statement(MT940_GERMAN.encode()).statements[0].transactions[1]
        assert second.transaction_id.startswith("sha1-")
        assert second.text == "Strom Mai"

    def test_it_reads_dutch_structured_details_inside_a_swift_envelope(self) -> None:
        (statement,) = parse_statement(MT940_DUTCH.encode()).statements
        first, second = statement.transactions
        assert statement.account_iban == "NL91ABNA0417164300"
        assert (first.party_name, first.party_iban, first.party_address) == (
            "J. Jansen", "NL91ABNA0417164300", "Amsterdam"
        )
        assert (first.end_to_end_id, first.text) == ("E2E-NL", "Factuur 4711")
        assert second.creditor_reference == "9001123412341234"

    def test_details_after_the_closing_balance_are_not_a_line(self) -> None:
        second = parse_statement(MT940_DUTCH.encode()).statements[0].transactions[1]
        assert "/SUM/" not in second.text

    def test_each_20_starts_a_statement(self) -> None:
        data = (MT940_GERMAN + MT940_GERMAN.replace("STARTUMS", "SECOND")).encode()
        statements = parse_statement(data).statements
        assert [s.statement_id for s in statements] == ["STARTUMS", "SECOND"]
        assert [len(s.transactions) for s in statements] == [4, 4]

    def test_a_bad_amount_names_its_line(self) -> None:
        data = MT940_GERMAN.replace("CR100,00", "CR1,0,0").encode()
        with pytest.raises(StatementParseError) as error:
            parse_statement(data, filename="x.sta")
        assert error.value.location == "line 5"
        assert error.value.problem.startswith("tag :61: could not be read")

    def test_an_mt942_report_is_refused(self) -> None:
        data = b":20:X\n:25:1\n:28C:1\n:34F:EURD0,00\n:13D:2405021200+0100\n:61:2405020502D1,00NTRFNONREF\n"
        with pytest.raises(StatementParseError) as error:
            parse_statement(data)
        assert error.value.problem == mt940.MT942_REFUSED


# --- CSV --------------------------------------------------------------------------


class CsvTests:
    MAPPING = CsvMapping(
        code="test",
        name="Test bank",
        booking_date_column="Dato",
        value_date_column=2,
        text_columns=("Tekst", "KID"),
        debit_column="Ut",
        credit_column="Inn",
        reference_column="KID",
        party_name_column="Navn",
        thousands_separator=" ",
        currency="NOK",
    )
    DATA = (
        "Dato;Tekst;Rentedato;Ut;Inn;Navn;KID\n"
        "02.05.2024;Innbetaling;03.05.2024;;1 234,50;Kari Nordmann;1234 5678 97\n"
        "03.05.2024;Husleie;03.05.2024;-8 000,00;;Utleier AS;\n"
        ";Saldo;;;;;\n"
    ).encode()

    def test_it_reads_debit_and_credit_columns_with_decimal_comma(self) -> None:
        (statement,) = parse_statement(self.DATA, csv_mapping=self.MAPPING).statements
        credit, debit = statement.transactions
        assert (credit.amount, debit.amount) == (Decimal("1234.50"), Decimal("-8000.00"))
        assert credit.value_date == date(2024, 5, 3)
        assert credit.party_name == "Kari Nordmann"
        assert credit.creditor_reference == "1234567897"
        assert credit.currency == "NOK"

    def test_it_refuses_a_date_it_cannot_read(self) -> None:
        data = self.DATA.replace(b"03.05.2024;Husleie", b"2024-05-03;Husleie")
        with pytest.raises(StatementParseError) as error:
            parse_statement(data, csv_mapping=self.MAPPING, filename="k.csv")
        assert str(error.value) == (
            "k.csv, line 3: " + csv_parser.DATE_NOT_VALID.format(value="2024-05-03", format="%d.%m.%Y")
        )

    def test_it_refuses_a_missing_column(self) -> None:
        mapping = CsvMapping(code="x", name="x", amount_column="Beløp")
        with pytest.raises(StatementParseError) as error:
            parse_statement(self.DATA, csv_mapping=mapping)
        assert error.value.problem == csv_parser.COLUMN_NOT_FOUND.format(column="Beløp")
        assert error.value.location == "line 1"

    def test_it_refuses_text_in_the_wrong_encoding(self) -> None:
        data = self.DATA.replace(b"Innbetaling", "Innbetaling fra Bjørn".encode("cp1252"))
        with pytest.raises(StatementParseError) as error:
            parse_statement(data, csv_mapping=self.MAPPING)
        assert error.value.location == "line 2"
        assert error.value.problem.startswith("the file is not valid utf-8-sig text")

    def test_columns_may_be_indexes(self) -> None:
        mapping = CsvMapping(code="x", name="x", booking_date_column=0, debit_column=3, credit_column=4, header_lines=1)
        (statement,) = parse_statement(self.DATA, csv_mapping=mapping).statements
        assert statement.credits == Decimal("1234.50") and statement.debits == Decimal("8000.00")

    def test_a_mapping_needs_an_amount(self) -> None:
        with pytest.raises(ValueError):
            CsvMapping(code="x", name="x")

    def test_the_dnb_preset(self) -> None:
        data = (
            '"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"\r\n'
            '"17.01.2025";"REMA 1000 STORO";"17.01.2025";"249,00";""\r\n'
            '"15.01.2025";"LØNN ARBEIDSGIVER AS";"15.01.2025";"";"35 000,00"\r\n'
            '"14.01.2025";"Overføring";"14.01.2025";"";"1000.5"\r\n'
        ).encode("cp1252")
        (statement,) = parse_statement(data, csv_mapping=csv_preset("dnb")).statements
        assert [t.amount for t in statement.transactions] == [
            Decimal("-249.00"), Decimal("35000.00"), Decimal("1000.5")
        ]
        assert statement.transactions[1].text == "LØNN ARBEIDSGIVER AS"
        assert statement.currency == "NOK"

    def test_the_sparebank1_preset(self) -> None:
        data = (
            "\ufeffDato;Beskrivelse;Rentedato;Inn;Ut;Til konto;Fra konto;\n"
            '"03.02.2025";"Sense AS";;;"-429,00";;"11122333444";\n'
            '"05.02.2025";"Vipps Mottakelse";;"100,00";;"11122333444";"55566777888";\n'
        ).encode("utf-8")
        (statement,) = parse_statement(data, csv_mapping=csv_preset("sparebank1")).statements
        assert [t.amount for t in statement.transactions] == [Decimal("-429.00"), Decimal("100.00")]
        assert statement.transactions[1].party_account == "55566777888"

    @pytest.mark.parametrize(
        ("written", "amount"),
        [("-$7,971.39", "-7971.39"), ("+ $73.01", "73.01"), ("(12.00)", "-12.00"), ("12.00-", "-12.00")],
    )
    def test_it_reads_amounts_as_banks_write_them(self, written: str, amount: str) -> None:
        mapping = CsvMapping(code="x", name="x", delimiter=",", date_format="%Y-%m-%d",
                             decimal_separator=".", thousands_separator=",", amount_column=1)
        data = f'Date,Amount\n2024-05-02,"{written}"\n'.encode()
        assert parse_statement(data, csv_mapping=mapping).statements[0].transactions[0].amount == Decimal(amount)

    def test_a_csv_file_without_mapping_is_refused(self) -> None:
        with pytest.raises(StatementParseError) as error:
            parse_statement(self.DATA)
        assert error.value.problem == detect.CSV_NEEDS_MAPPING


@pytest.mark.parametrize(
    ("module", "limit_name", "data", "mapping"),
    [
        (ofx, "MAX_OFX_BYTES", OFX_SGML, None),
        (mt940, "MAX_MT940_BYTES", MT940_GERMAN.encode(), None),
        (csv_parser, "MAX_CSV_BYTES", CsvTests.DATA, CsvTests.MAPPING),
    ],
    ids=["ofx", "mt940", "csv"],
)
def test_an_oversized_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, module: object, limit_name: str, data: bytes, mapping: CsvMapping | None
) -> None:
    monkeypatch.setattr(module, limit_name, len(data) - 1)
    with pytest.raises(StatementParseError) as error:
        parse_statement(data, csv_mapping=mapping)
    assert error.value.problem == module.TOO_LARGE.format(size=len(data), limit=len(data) - 1)  # type: ignore[attr-defined]


# --- references -------------------------------------------------------------------


class ReferenceTests:
    def test_kid_check_digits(self) -> None:
        # MOD10 (Luhn): the textbook number 79927398713.
        assert _common.is_kid("79927398713")
        assert not _common.is_kid("79927398714")
        # MOD11, weights 2..7 from the right: 1234567 -> 7*2+6*3+5*4+4*5+3*6+2*7+1*2
        # = 106; 106 % 11 = 7; 11 - 7 = 4, so the KID is 12345674.
        assert _common.is_kid("12345674")
        assert not _common.is_kid("12345675")
        assert not _common.is_kid("1") and not _common.is_kid("12a4")

    def test_rf_check_digits(self) -> None:
        assert _common.is_rf_reference("RF18539007547034")  # the ISO 11649 example
        assert _common.is_rf_reference("RF18 5390 0754 7034")
        assert not _common.is_rf_reference("RF19539007547034")

    def test_a_kid_in_free_text_needs_its_label(self) -> None:
        assert _common.find_creditor_reference("Faktura 12345674") == ""
        assert _common.find_creditor_reference("Faktura KID: 12345674") == "12345674"
        assert _common.find_creditor_reference("KID 12345675") == ""  # wrong check digit

    def test_iban_check_digits(self) -> None:
        assert _common.is_iban("NO93 8601 1117 947")
        assert not _common.is_iban("NO94 8601 1117 947")
        assert _common.find_iban("til NO93 8601 1117 947 takk") == "NO9386011117947"


# --- detection --------------------------------------------------------------------


class DetectFormatTests:
    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (OFX_SGML, "ofx"),
            (b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?><OFX></OFX>', "ofx"),
            (camt_file(""), "camt053"),
            (b"<Document><BkToCstmrDbtCdtNtfctn></BkToCstmrDbtCdtNtfctn></Document>", "camt054"),
            (b'<x:Document xmlns:x="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><x:BkToCstmrAcctRpt>', "camt052"),
            (MT940_GERMAN.encode(), "mt940"),
            (b"{1:F01ABNANL2AXXXX0000000000}{2:O940}{4:\n:20:X\n", "mt940"),
            (CsvTests.DATA, "csv"),
            ("Dato;Tekst\n".encode("utf-16"), "csv"),
        ],
    )
    def test_it_recognises_the_content(self, data: bytes, expected: str) -> None:
        assert detect_format(data) == expected

    def test_the_file_name_plays_no_part(self) -> None:
        assert parse_statement(MT940_GERMAN.encode(), filename="statement.ofx").format == "mt940"

    @pytest.mark.parametrize(
        ("data", "problem"),
        [
            (b"", detect.EMPTY_FILE),
            (b"  \n ", detect.EMPTY_FILE),
            (b"PK\x03\x04\x14\x00\x00\x00", detect.ZIP_REFUSED),
            (b"<html><body>hi</body></html>", detect.UNKNOWN_XML),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", detect.BINARY_FILE),
        ],
    )
    def test_it_refuses_what_is_no_statement(self, data: bytes, problem: str) -> None:
        with pytest.raises(StatementParseError) as error:
            detect_format(data)
        assert error.value.problem == problem

    def test_an_unknown_format_argument_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError):
            parse_statement(OFX_SGML, format="qif")


# --- the model ----------------------------------------------------------------------


def test_credits_and_debits_are_positive_sums() -> None:
    def line(amount: str) -> Transaction:
        return Transaction(booking_date=date(2024, 1, 1), value_date=None, amount=Decimal(amount),
                           currency="NOK", transaction_id=amount)

    statement = Statement(
        account_iban="", account_number="1", currency="NOK", statement_id="", sequence="",
        opening_balance=None, opening_date=None, closing_balance=None, closing_date=None,
        transactions=[line("10.50"), line("-3.25"), line("-0.25"), line("0")],
    )
    assert (statement.credits, statement.debits) == (Decimal("10.50"), Decimal("3.50"))
