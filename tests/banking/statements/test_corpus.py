"""Every file of the shared sample corpus against the figures in its MANIFEST.tsv.

The files are read in place from ../shared/samples; they are not copied
into this project (several are copyleft test data, see the corpus README).

MANIFEST counts camt entries at <Ntry> level and CSV data rows. Our parsers
split camt batch entries into one line per TxDtls and give each PayPal fee a
line of its own; `LINE_LEVEL` below lists exactly where that changes the
expected figures, each with the manifest note it comes from.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from banking.statements import (
    CSV_PRESETS,
    ParsedFile,
    StatementParseError,
    camt,
    detect,
    mt940,
    ofx,
    parse_statement,
)
from tests.samples import SAMPLES


def _manifest() -> list[dict[str, str]]:
    with (SAMPLES / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


MANIFEST = _manifest()

CSV_MAPPINGS = {
    "csv/oca-paypal-statement_en.csv": "paypal-en",
    "csv/oca-paypal-statement_es.csv": "paypal-es",
    "csv/reds-dcu-Main_Checking_Account_Transactions.csv": "dcu",
    "csv/edge/ledgerautosync-venmo.csv": "venmo",
    "csv/edge/reds-schwab-checking-pending-posted.csv": "schwab-checking",
}

# Edge files we refuse, with the problem we must name. Everything else in
# edge/ imports and is checked against its manifest row like any other file.
REFUSED = {
    # "one of the 4 entries has no amount; OCA's _check_ofx must return False"
    "ofx/edge/oca-test_ofx_wrong.ofx": ofx.MISSING_FIELD.format(number=2, field="TRNAMT"),
    # "one without DTPOSTED ... ofxparse test expects ... an exception otherwise"
    "ofx/edge/ofxparse-fail_nice-date_missing.ofx": ofx.MISSING_FIELD.format(
        number=1, field="DTPOSTED"
    ),
    # "TRNAMT '$120' is not a number"
    "ofx/edge/ofxparse-fail_nice-decimal_error.ofx": ofx.AMOUNT_NOT_A_NUMBER.format(
        value="$120"
    ),
    # "MT942 interim report, not MT940"
    "mt940/edge/wolph-selfprovided-mt942.sta": mt940.MT942_REFUSED,
    # "fragment only (no :20:/:25:/:60:/:62:)"
    "mt940/edge/wolph-selfprovided-sparkassen.sta": mt940.TAG_BEFORE_STATEMENT.format(tag="61"),
    # "BkToCstmrStmt has only a GrpHdr and no Stmt (schema-invalid); genkgo expects an exception"
    "camt053/edge/genkgo-camt053.v2.wrong.xml": camt.NO_STATEMENTS,
    # "ZIP archive with two camt.053.001.02 files"
    "camt053/edge/oca-test-camt053.zip": detect.ZIP_REFUSED,
}


@dataclass(frozen=True)
class LineLevel:
    """Expected figures where our lines differ from the manifest's entries."""

    lines: int
    credits: dict[str, Decimal] | None = None
    debits: dict[str, Decimal] | None = None
    why: str = ""


LINE_LEVEL = {
    "camt053/iso20022js-abn_amro-example_camt.xml": LineLevel(
        lines=29, why="13 entries / 26 TxDtls: batches of 10, 2 and 7 split, 10 entries kept"
    ),
    "camt053/oca-test-camt053.xml": LineLevel(
        lines=4, why="OCA golden-camt053.pydata expects 4 lines (batch 564.05 + 100.00 split)"
    ),
    "camt053/oca-test-camt053-txdtls.xml": LineLevel(
        lines=2, why="OCA golden-camt053-txdtls.pydata expects 2 lines"
    ),
    "camt054/subite-LT809872649478701594-2024-03-18.xml": LineLevel(
        lines=41,
        credits={"EUR": Decimal("7923.51")},
        debits={"EUR": Decimal("202595.76")},
        why="the entry is the net of 41 TxDtls (credits 7923.51, debits 202595.76)",
    ),
    "csv/oca-paypal-statement_en.csv": LineLevel(
        lines=26,
        debits={"EUR": Decimal("17346.31"), "USD": Decimal("20914.00") + Decimal("816.50")},
        why="19 rows + 7 non-zero USD fees (OCA: 11 rows + 7 fee lines for USD)",
    ),
    "csv/oca-paypal-statement_es.csv": LineLevel(
        lines=8,
        debits={"EUR": Decimal("5.36")},
        why="4 payments + 4 fee lines, as OCA expects 8 statement lines",
    ),
}

# Balances in another currency than the statement are left out (None): the
# genkgo fixtures close in SEK on a EUR statement ("-27.00 SEK").
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


def _row_id(row: dict[str, str]) -> str:
    return row["path"]


def _parse(row: dict[str, str]) -> ParsedFile:
    path = row["path"]
    mapping = CSV_PRESETS[CSV_MAPPINGS[path]] if path in CSV_MAPPINGS else None
    return parse_statement((SAMPLES / path).read_bytes(), csv_mapping=mapping, filename=path)


def _leading_int(value: str) -> int:
    return int(re.match(r"\d+", value).group(0))  # type: ignore[union-attr]


def _money_by_currency(value: str, default_currency: str) -> dict[str, Decimal]:
    """"8.85", "EUR 0.75; USD 0.89", "40.00 USD + 29.06 EUR", "136.44 (gross)"."""
    value = re.sub(r"\(.*?\)", "", value).strip()
    result: dict[str, Decimal] = {}
    for part in re.split(r";|\+", value):
        words = part.split()
        currency = next((w for w in words if re.fullmatch(r"[A-Z]{3}", w)), default_currency)
        amount = next(w for w in words if _AMOUNT.match(w))
        result[currency] = Decimal(amount)
    return result


def _sums_by_currency(parsed: ParsedFile) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    credits: dict[str, Decimal] = defaultdict(Decimal)
    debits: dict[str, Decimal] = defaultdict(Decimal)
    for statement in parsed.statements:
        for transaction in statement.transactions:
            if transaction.amount > 0:
                credits[transaction.currency] += transaction.amount
            else:
                debits[transaction.currency] -= transaction.amount
    return credits, debits


def _nonzero(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    return {currency: amount for currency, amount in sums.items() if amount}


def _expected_balances(value: str, parsed: ParsedFile) -> list[Decimal | None] | None:
    """The manifest's per-statement balances, or None when it says n/a."""
    if value.startswith("n/a"):
        return None
    expected: list[Decimal | None] = []
    for part, statement in zip(value.split(";"), parsed.statements, strict=True):
        words = part.replace("?", "").split()
        amount = next((w for w in words if _AMOUNT.match(w)), None)
        currency = next((w for w in words if re.fullmatch(r"[A-Z]{3}", w)), statement.currency)
        if amount is None:  # "-": not in the file
            expected.append(None)
        elif currency != statement.currency:
            expected.append(None)
        else:
            expected.append(Decimal(amount))
    return expected


@pytest.mark.parametrize("row", MANIFEST, ids=_row_id)
def test_sample_matches_manifest(row: dict[str, str]) -> None:
    path = row["path"]
    if path in REFUSED:
        with pytest.raises(StatementParseError) as refused:
            _parse(row)
        assert refused.value.problem == REFUSED[path]
        assert str(refused.value).startswith(path)
        return

    parsed = _parse(row)
    statements = parsed.statements
    assert parsed.format == row["format"].lower().replace(".", "")
    assert len(statements) == _leading_int(row["statements"])

    level = LINE_LEVEL.get(path)
    lines = sum(len(s.transactions) for s in statements)
    assert lines == (level.lines if level else int(row["entries"]))

    credits, debits = _sums_by_currency(parsed)
    for found, column, override in (
        (credits, "sum_credits", level and level.credits),
        (debits, "sum_debits", level and level.debits),
    ):
        expected = override or _money_by_currency(row[column], "")
        if set(expected) == {""}:
            # A plain figure is the total over all lines, whatever their
            # currency (the cmxl file holds DEM, EUR and PLN statements).
            assert sum(found.values(), Decimal(0)) == expected[""], column
        else:
            assert _nonzero(found) == _nonzero(expected), column

    for column, attribute in (("opening_balance", "opening_balance"), ("closing_balance", "closing_balance")):
        expected = _expected_balances(row[column], parsed)
        if expected is not None:
            assert [getattr(s, attribute) for s in statements] == expected, column

    currencies = [c.strip() for c in re.sub(r"\(.*?\)", "", row["currency"]).split(",")]
    if currencies == ["-"]:
        assert [s.currency for s in statements] == [""]
    elif len(currencies) == len(statements) > 1:
        assert [s.currency for s in statements] == currencies
    else:
        assert statements[0].currency == currencies[0]
        used = {s.currency for s in statements} | {t.currency for s in statements for t in s.transactions}
        assert used <= set(currencies)


@pytest.mark.parametrize(
    "row",
    [r for r in MANIFEST if r["notes"].startswith("reconciles: yes") and r["path"] not in REFUSED],
    ids=_row_id,
)
def test_reconciling_sample_reconciles(row: dict[str, str]) -> None:
    """Where the manifest says the file reconciles, opening + credits - debits = closing.

    This checks the signs (MT940 RC/RD, camt DBIT, CSV debit columns) and the
    CSV fee lines independently of the expected sums.
    """
    checked = 0
    for statement in _parse(row).statements:
        if statement.opening_balance is None or statement.closing_balance is None:
            continue  # "n/a for statement 3": it has no closing balance
        assert (
            statement.opening_balance + statement.credits - statement.debits
            == statement.closing_balance
        )
        checked += 1
    assert checked


@pytest.mark.parametrize("row", [r for r in MANIFEST if r["path"] not in REFUSED], ids=_row_id)
def test_sample_lines_are_well_formed(row: dict[str, str]) -> None:
    """Ids unique per statement (so re-imports deduplicate), Decimal money, real dates."""
    for statement in _parse(row).statements:
        ids = [t.transaction_id for t in statement.transactions]
        assert all(ids)
        assert len(set(ids)) == len(ids)
        for transaction in statement.transactions:
            assert type(transaction.amount) is Decimal
            assert type(transaction.booking_date) is date
            assert transaction.value_date is None or type(transaction.value_date) is date
        for balance in (statement.opening_balance, statement.closing_balance):
            assert balance is None or type(balance) is Decimal


@pytest.mark.parametrize("row", [r for r in MANIFEST if r["path"] not in REFUSED], ids=_row_id)
def test_sample_parses_the_same_twice(row: dict[str, str]) -> None:
    """Derived ids are stable, so a second import of the same file finds duplicates."""
    assert _parse(row) == _parse(row)


def test_manifest_lists_every_sample_file() -> None:
    on_disk = {
        str(p.relative_to(SAMPLES))
        for p in SAMPLES.rglob("*")
        if p.is_file() and p.name not in {"MANIFEST.tsv", "README.md", "SHA256SUMS"}
        and not p.name.startswith(".")
    }
    assert on_disk == {row["path"] for row in MANIFEST}


def test_samples_are_unchanged() -> None:
    """The expectations hold for these exact bytes (SHA256SUMS ships with the corpus)."""
    for line in (SAMPLES / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((SAMPLES / name).read_bytes()).hexdigest() == digest, name
