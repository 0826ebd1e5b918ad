"""Importing statement files into payment reconciliation journals: checks, idempotency, the commands."""
from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from banking.importing import (
    StatementAlreadyImported,
    StatementImportError,
    import_statement,
    parse_file,
)
from banking.models import (
    BankAccReconciliation,
    BankAccReconciliationLine,
    StatementImport,
)
from receivables.company.setup import ensure_bank_account
from receivables.models import BankAccount, Currency
from tests.samples import SAMPLES

ING = SAMPLES / "mt940" / "wolph-jejik-ing.sta"
CAMT = SAMPLES / "camt053" / "genkgo-camt053.v2.minimal.xml"
OFX = SAMPLES / "ofx" / "ofxparse-checking.ofx"


def bank_in(currency: str, no: str = "EURBANK", **fields) -> BankAccount:
    code = Currency.objects.get_or_create(code=currency)[0] if currency != "NOK" else None
    return ensure_bank_account(no=no, name=f"Bank {currency}", currency=code, **fields)


def counts() -> tuple[int, int, int]:
    return (StatementImport.objects.count(), BankAccReconciliation.objects.count(),
            BankAccReconciliationLine.objects.count())


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SAMPLES.rglob("*") if p.is_file() and "edge" not in p.parts and p.suffix != ".tsv"
           and not p.name.startswith(".") and p.name not in ("README.md", "SHA256SUMS") and p.parent.name != "csv"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_sample_imports_its_transactions(company, path):
    parsed = parse_file(path.read_bytes(), filename=path.name)
    currencies = {s.currency for s in parsed.statements if s.currency}
    bank = bank_in(sorted(currencies)[0] if currencies else "NOK")
    accounts = {s.account_iban or s.account_number for s in parsed.statements} - {""}
    if len(currencies) > 1:
        # A file with statements of several accounts in several currencies cannot go into one bank account.
        with pytest.raises(StatementImportError, match="the statement is in"):
            import_statement(bank_account=bank, data=path.read_bytes(), filename=path.name)
        assert counts() == (0, 0, 0)
        return
    if len(accounts) > 1:
        bank.iban = ""
        bank.bank_account_no = sorted(accounts)[0]
        bank.save()
        with pytest.raises(StatementImportError, match="not for bank account"):
            import_statement(bank_account=bank, data=path.read_bytes(), filename=path.name)
        assert counts() == (0, 0, 0)
        return
    result = import_statement(bank_account=bank, data=path.read_bytes(), filename=path.name)
    total = sum(len(s.transactions) for s in parsed.statements)
    assert result.imported == total and result.skipped == 0
    assert result.journal.lines.count() == result.imported
    lines = result.journal.lines.all()
    assert sum((line.statement_amount for line in lines), Decimal(0)) == sum(
        (t.amount for s in parsed.statements for t in s.transactions), Decimal(0))
    with pytest.raises(StatementAlreadyImported) as error:
        import_statement(bank_account=bank, data=path.read_bytes(), filename=path.name)
    assert "was already imported into bank account EURBANK" in error.value.message


class ImportRulesTests:
    def test_it_stages_lines_with_text_party_and_reference(self, company):
        bank = bank_in("EUR")
        result = import_statement(bank_account=bank, data=ING.read_bytes(), filename=ING.name)
        assert result.imported == 7 and result.format == "mt940"
        line = result.journal.lines.order_by("line_no").first()
        assert line.transaction_date and line.statement_amount and line.transaction_text
        stored = StatementImport.objects.get()
        assert bytes(stored.content) == ING.read_bytes() and stored.filename == ING.name

    def test_a_statement_of_another_account_is_refused(self, company):
        bank = bank_in("EUR", iban="NO9386011117947")
        with pytest.raises(StatementImportError) as error:
            import_statement(bank_account=bank, data=ING.read_bytes(), filename=ING.name)
        assert "not for bank account EURBANK" in error.value.message
        assert counts() == (0, 0, 0)

    def test_a_statement_in_another_currency_is_refused(self, company):
        bank = bank_in("NOK", no="NOKBANK")
        with pytest.raises(StatementImportError) as error:
            import_statement(bank_account=bank, data=ING.read_bytes(), filename=ING.name)
        assert error.value.message == (
            "wolph-jejik-ing.sta: the statement is in EUR, but bank account NOKBANK is in NOK."
        )

    def test_a_malformed_file_imports_nothing(self, company):
        bank = bank_in("EUR")
        broken = ING.read_bytes()[:200] + b"\n:61:garbage\n"
        with pytest.raises(StatementImportError) as error:
            import_statement(bank_account=bank, data=broken, filename="broken.sta")
        assert error.value.message.startswith("broken.sta")
        assert counts() == (0, 0, 0)

    def test_an_empty_or_oversized_file_is_refused(self, company, settings):
        bank = bank_in("EUR")
        with pytest.raises(StatementImportError, match="empty.sta is empty."):
            import_statement(bank_account=bank, data=b"", filename="empty.sta")
        settings.STATEMENT_MAX_BYTES = 100
        with pytest.raises(StatementImportError, match="statements larger than 100 bytes are refused"):
            import_statement(bank_account=bank, data=ING.read_bytes(), filename=ING.name)

    def test_an_overlapping_file_skips_what_was_imported(self, company):
        bank = bank_in("USD")
        first = import_statement(bank_account=bank, data=OFX.read_bytes(), filename=OFX.name)
        # A later download of the same account: another file, the same transactions (same FITIDs).
        again = OFX.read_bytes().replace(b"<DTSERVER>2", b"<DTSERVER>3", 1)
        assert again != OFX.read_bytes()
        second = import_statement(bank_account=bank, data=again, filename="again.ofx")
        assert first.imported == 3 and second.imported == 0 and second.skipped == 3
        assert BankAccReconciliationLine.objects.count() == 3

    def test_dry_run_writes_nothing(self, company):
        bank = bank_in("EUR")
        result = import_statement(bank_account=bank, data=ING.read_bytes(), filename=ING.name, dry_run=True)
        assert result.journal is None and result.imported == 7
        assert counts() == (0, 0, 0)


class ImportStatementCommandTests:
    def test_json_summary(self, company):
        bank_in("EUR")
        out = StringIO()
        call_command("import_statement", "--bank-account", "EURBANK", str(ING), "--json", stdout=out,
                     stderr=StringIO())
        summary = json.loads(out.getvalue())
        assert summary["format"] == "mt940" and summary["journal"] == BankAccReconciliation.objects.get().pk
        statement = summary["statements"][0]
        assert statement["transactions"] == 7 and statement["credits"] == "4.68" and statement["debits"] == "50.27"
        assert statement["opening_balance"] == "0.00" and statement["closing_balance"] == "3.47"
        assert statement["currency"] == "EUR"

    def test_dry_run_without_bank_account_only_parses(self, db):
        out = StringIO()
        call_command("import_statement", "--dry-run", str(CAMT), "--json", stdout=out)
        summary = json.loads(out.getvalue())
        assert summary["journal"] is None and summary["format"] == "camt053"
        assert summary["statements"][0]["transactions"] == 1

    def test_errors_exit_non_zero_with_the_reason(self, company):
        bank_in("EUR")
        call_command("import_statement", "--bank-account", "EURBANK", str(ING), stderr=StringIO())
        with pytest.raises(CommandError, match="was already imported"):
            call_command("import_statement", "--bank-account", "EURBANK", str(ING), stderr=StringIO())
        with pytest.raises(CommandError, match="There is no bank account NOPE"):
            call_command("import_statement", "--bank-account", "NOPE", str(ING))

    def test_csv_with_a_saved_format(self, company):
        bank_in("USD", no="DCU")
        path = SAMPLES / "csv" / "reds-dcu-Main_Checking_Account_Transactions.csv"
        out = StringIO()
        call_command("import_statement", "--bank-account", "DCU", "--format", "csv:dcu", str(path), "--json",
                     stdout=out, stderr=StringIO())
        assert json.loads(out.getvalue())["imported"] > 0


class BankFeedTests:
    def test_the_feed_archives_imported_and_fails_bad_files(self, company, tmp_path):
        from banking.models import BankFeed

        bank = bank_in("EUR")
        BankFeed.objects.create(bank_account=bank, folder=str(tmp_path))
        (tmp_path / "ing.sta").write_bytes(ING.read_bytes())
        (tmp_path / "bad.sta").write_bytes(b":20:X\n:61:nonsense\n")
        err = StringIO()
        with pytest.raises(CommandError) as error:
            call_command("import_bank_feeds", stderr=err)
        assert error.value.returncode == 1
        assert (tmp_path / "archive" / "ing.sta").exists() and (tmp_path / "failed" / "bad.sta").exists()
        assert "ing.sta: imported" in err.getvalue() and "bad.sta: failed" in err.getvalue()
        # Run again: nothing new, nothing duplicated.
        (tmp_path / "ing.sta").write_bytes(ING.read_bytes())  # the same file dropped again
        call_command("import_bank_feeds", stderr=StringIO())
        assert BankAccReconciliation.objects.count() == 1
        assert (tmp_path / "archive").exists() and not (tmp_path / "ing.sta").exists()
