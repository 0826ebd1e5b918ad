"""Whatever bytes come in, the parsers either return a ParsedFile or raise
StatementParseError, never anything else.

Inputs: mutated and truncated corpus files, random bytes, and random values
poured into MT940, OFX and camt skeletons (so the fuzzing reaches the field
parsers, not only the "this is not a statement" exit). Hypothesis runs
derandomized and without its example database, so runs are repeatable and
leave nothing behind in the working tree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banking.statements import (
    CSV_PRESETS,
    CsvMapping,
    ParsedFile,
    StatementParseError,
    parse_statement,
)
from banking.statements.errors import UNEXPECTED_PROBLEM

from .test_corpus import CSV_MAPPINGS, MANIFEST, SAMPLES

SAFETY_NET = UNEXPECTED_PROBLEM.split("{")[0]
FUZZ = settings(
    max_examples=75,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Large files only slow the run down; the small ones cover every format.
SMALL_SAMPLES = sorted(
    row["path"] for row in MANIFEST if (SAMPLES / row["path"]).stat().st_size < 64 * 1024
)
SAMPLE_BYTES = {path: (SAMPLES / path).read_bytes() for path in SMALL_SAMPLES}


def mapping_for(path: str) -> CsvMapping:
    return CSV_PRESETS[CSV_MAPPINGS.get(path, "dnb")]


def parse_or_refuse(data: bytes, mapping: CsvMapping | None = None) -> None:
    """Parse, and check what came out.

    The package turns any stray exception into a generic StatementParseError
    (errors.parse_errors), which would make "only StatementParseError" true by
    construction; so these tests also demand that no input ever needs that
    safety net: every refusal must be one the parsers recognise and name.
    """
    try:
        parsed = parse_statement(data, csv_mapping=mapping, filename="fuzz")
    except StatementParseError as error:
        assert str(error)
        assert not error.problem.startswith(SAFETY_NET), error.problem
        return
    assert isinstance(parsed, ParsedFile)
    for statement in parsed.statements:
        ids = [t.transaction_id for t in statement.transactions]
        assert all(ids) and len(set(ids)) == len(ids)
        for transaction in statement.transactions:
            assert type(transaction.amount) is Decimal
            assert isinstance(transaction.booking_date, date)


@st.composite
def mutated_sample(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(SMALL_SAMPLES))
    data = bytearray(SAMPLE_BYTES[path])
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        position = draw(st.integers(min_value=0, max_value=len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "duplicate"]))
        if kind == "flip" and position < len(data):
            data[position] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=64))]
        else:
            chunk = data[position : position + draw(st.integers(min_value=1, max_value=200))]
            data[position:position] = chunk
    return path, bytes(data)


@FUZZ
@given(mutated_sample())
def test_mutated_samples_raise_only_parse_errors(sample: tuple[str, bytes]) -> None:
    path, data = sample
    parse_or_refuse(data, mapping_for(path))


@FUZZ
@given(st.sampled_from(SMALL_SAMPLES), st.floats(min_value=0, max_value=1, exclude_max=True))
def test_truncated_samples_raise_only_parse_errors(path: str, fraction: float) -> None:
    data = SAMPLE_BYTES[path]
    parse_or_refuse(data[: int(len(data) * fraction)], mapping_for(path))


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_raise_only_parse_errors(data: bytes) -> None:
    parse_or_refuse(data, CSV_PRESETS["dnb"])


MT940_TAGS = [":20:", ":25:", ":28C:", ":60F:", ":60M:", ":61:", ":86:", ":62F:", ":62M:", ":64:", ":NS:", "-", "{1:", "{4:", "-}"]
FIELD_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
MT940_VALUES = st.one_of(
    FIELD_TEXT,
    st.from_regex(r"C\d{6}EUR\d{1,6},\d{0,2}", fullmatch=True),
    st.from_regex(r"\d{6}(\d{4})?R?[CD][A-Z]?\d{1,6},\d{0,2}N[A-Z]{3}[A-Z0-9 /]{0,30}", fullmatch=True),
    st.from_regex(r"\d{3}(\?\d\d[A-Za-z +/-]{0,30}){1,6}\??", fullmatch=True),
    st.from_regex(r"(/(EREF|CNTP|REMI|NAME|IBAN|ADDR)/[A-Za-z0-9 /]{0,20}){1,5}", fullmatch=True),
)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(MT940_TAGS), MT940_VALUES), max_size=30))
def test_random_mt940_fields_raise_only_parse_errors(fields: list[tuple[str, str]]) -> None:
    text = ":20:FUZZ\n" + "\n".join(tag + value for tag, value in fields)
    parse_or_refuse(text.encode("utf-8"))


CAMT_VALUES = st.one_of(
    FIELD_TEXT.map(lambda t: t.replace("<", "").replace("&", "")),
    st.from_regex(r"-?\d{0,20}(\.\d{0,12})?", fullmatch=True),
    st.sampled_from(["CRDT", "DBIT", "BOTH", "", "OPBD", "CLBD", "PRCD", "2024-02-30", "2024-05-02T23:00:00Z"]),
    st.from_regex(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?", fullmatch=True),
)


@FUZZ
@given(st.lists(CAMT_VALUES, min_size=12, max_size=12), st.integers(min_value=0, max_value=3))
def test_random_camt_values_raise_only_parse_errors(values: list[str], details: int) -> None:
    v = values
    transaction_details = "".join(
        f"<TxDtls><Refs><EndToEndId>{v[8]}</EndToEndId></Refs>"
        f'<AmtDtls><TxAmt><Amt Ccy="NOK">{v[9]}</Amt></TxAmt></AmtDtls>'
        f"<CdtDbtInd>{v[10]}</CdtDbtInd><RmtInf><Ustrd>{v[11]}</Ustrd></RmtInf></TxDtls>"
        for _ in range(details)
    )
    data = f"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<Stmt><Id>{v[0]}</Id><Acct><Id><IBAN>{v[1]}</IBAN></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>{v[2]}</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">{v[3]}</Amt><CdtDbtInd>{v[4]}</CdtDbtInd><Dt><Dt>{v[5]}</Dt></Dt></Bal>
<Ntry><Amt Ccy="NOK">{v[6]}</Amt><CdtDbtInd>{v[7]}</CdtDbtInd><BookgDt><DtTm>{v[5]}</DtTm></BookgDt>
<NtryDtls>{transaction_details}</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"""
    parse_or_refuse(data.encode("utf-8"))


OFX_VALUES = st.one_of(
    FIELD_TEXT.map(lambda t: t.replace("<", "")),
    st.from_regex(r"[+-]?[\d.,]{0,12}", fullmatch=True),
    st.from_regex(r"\d{8}(\d{6}(\.\d{3})?)?(\[[+-]?\d{1,2}:[A-Z]{3}\])?", fullmatch=True),
)


@FUZZ
@given(st.lists(OFX_VALUES, min_size=6, max_size=6), st.sampled_from(["USASCII\nCHARSET:1252", "UTF-8", "USASCII\nCHARSET:NONE", "UNICODE"]))
def test_random_ofx_values_raise_only_parse_errors(values: list[str], encoding: str) -> None:
    v = values
    data = (
        f"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:{encoding}\n\n"
        f"<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>{v[0]}<BANKACCTFROM><ACCTID>{v[1]}</BANKACCTFROM>"
        f"<BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{v[2]}<TRNAMT>{v[3]}<FITID>{v[4]}<NAME>{v[5]}</STMTTRN>"
        f"</BANKTRANLIST><LEDGERBAL><BALAMT>{v[3]}<DTASOF>{v[2]}</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )
    parse_or_refuse(data.encode("utf-8"))


def test_the_fuzzed_corpus_is_not_empty() -> None:
    """Guard against a path change that would make every test above vacuous."""
    formats = {Path(path).parts[0] for path in SMALL_SAMPLES}
    assert formats == {"ofx", "camt053", "camt054", "mt940", "csv"}
