from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from receivables.lib.aggregates import MoneySum
from receivables.models import (
    ApplicationMethod,
    Blocked,
    CompanySetup,
    Currency,
    CurrencyExchangeRate,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    DetailedEntryType,
    DocumentType,
    GLEntry,
    GLRegister,
    VendorLedgerEntry,
)
from tests.factories import CustomerFactory, VendorFactory

HEADER = (
    "account_type,account_no,document_type,document_no,external_document_no,posting_date,document_date,due_date,"
    "pmt_discount_date,pmt_discount_amount,currency_code,amount,remaining_amount,payment_reference,description\n"
)


def write(tmp_path: Path, text: str, name: str = "open.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_open_entries", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path, *args: str) -> tuple[CommandError, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_open_entries", str(path), *args, stdout=out, stderr=err)
    return error.value, out.getvalue(), err.getvalue()


def gl_balance(no: str) -> Decimal:
    return GLEntry.objects.filter(gl_account__no=no).aggregate(total=MoneySum("amount"))["total"] or Decimal("0")


@pytest.fixture
def vendor(company):
    return VendorFactory(no="L20000", name="Kontorleverandøren AS")


class ImportOpenEntriesTests:
    def test_it_posts_each_row_as_an_open_entry_through_the_engine(self, tmp_path, fjord, vendor, ledger_ok):
        path = write(tmp_path, (
            "customer,C10000,invoice,103001,PO-77,2025-12-01,2025-11-30,2025-12-31,2025-12-09,20.00,,1000.00,1000.00,"
            "0001030019,Faktura 103001\n"
            "customer,C10000,credit_memo,104001,,2025-12-05,,,,,,-250.00,-250.00,,\n"
            "customer,C10000,payment,B-17,,2025-12-10,,,,,NOK,-99.50,-99.50,,Innbetaling uten faktura\n"
            "vendor,L20000,invoice,F-9001,,2025-12-03,,2026-01-02,,,,-4000.00,-4000.00,,\n"
        ))
        out, err = run(path, "--json")
        assert json.loads(out) == {"imported": 4, "created": 4, "updated": 0, "transactions": 4}
        assert err == "Imported 4 open entries from open.csv in 4 transactions.\n"
        invoice = CustLedgerEntry.objects.get(document_no="103001")
        assert (invoice.document_type, invoice.amount, invoice.remaining_amount, invoice.open) == (
            DocumentType.INVOICE, Decimal("1000.00"), Decimal("1000.00"), True
        )
        assert (invoice.posting_date, invoice.document_date, invoice.due_date, invoice.pmt_discount_date) == (
            date(2025, 12, 1), date(2025, 11, 30), date(2025, 12, 31), date(2025, 12, 9)
        )
        assert (invoice.original_pmt_disc_possible, invoice.remaining_pmt_disc_possible) == (
            Decimal("20.00"), Decimal("20.00")
        )
        assert (invoice.payment_reference, invoice.external_document_no, invoice.description) == (
            "0001030019", "PO-77", "Faktura 103001"
        )
        assert (invoice.source_code, invoice.bal_account_no, invoice.journal_line_no) == ("OPENING", "2090", 2)
        credit_memo = CustLedgerEntry.objects.get(document_no="104001")
        assert (credit_memo.remaining_amount, credit_memo.due_date, credit_memo.description) == (
            Decimal("-250.00"), date(2025, 12, 5), "Fjord Handel AS"
        )
        payment = CustLedgerEntry.objects.get(document_no="B-17")
        assert (payment.remaining_amount, payment.currency_code) == (Decimal("-99.50"), "")
        bill = VendorLedgerEntry.objects.get()
        assert (bill.amount, bill.remaining_amount, bill.due_date) == (
            Decimal("-4000.00"), Decimal("-4000.00"), date(2026, 1, 2)
        )
        assert len({e.transaction_no for e in CustLedgerEntry.objects.all()} | {bill.transaction_no}) == 4
        assert GLRegister.objects.get().source_code == "OPENING"
        assert gl_balance("2090") == Decimal("-650.50") + Decimal("4000.00")
        assert gl_balance("1500") == Decimal("650.50")
        ledger_ok()

    def test_a_partly_paid_document_keeps_its_amount_and_the_remaining_amount_of_the_file(
        self, tmp_path, fjord, vendor, ledger_ok
    ):
        path = write(tmp_path, (
            "customer,C10000,invoice,103002,,2025-12-01,,2025-12-31,2025-12-09,20.00,,1000.00,400.00,,\n"
            # Within the company's payment tolerance (1 %, max 5.00): it must still stay open.
            "customer,C10000,invoice,103003,,2025-12-01,,,,,,1000.00,3.00,,\n"
            "customer,C10000,credit_memo,104002,,2025-12-02,,,,,,-300.00,-100.00,,\n"
            "vendor,L20000,invoice,F-1,,2025-12-03,,,,,,-500.00,-200.00,,\n"
        ))
        out, _err = run(path, "--json")
        assert json.loads(out) == {"imported": 4, "created": 4, "updated": 0, "transactions": 4}
        invoice = CustLedgerEntry.objects.get(document_no="103002", document_type=DocumentType.INVOICE)
        assert (invoice.amount, invoice.remaining_amount, invoice.open) == (
            Decimal("1000.00"), Decimal("400.00"), True
        )
        assert invoice.remaining_pmt_disc_possible == Decimal("20.00")
        assert list(
            DetailedCustLedgEntry.objects.filter(cust_ledger_entry=invoice).values_list("entry_type", "amount")
        ) == [(DetailedEntryType.INITIAL_ENTRY, Decimal("1000.00")), (DetailedEntryType.APPLICATION, Decimal("-600.00"))]
        paid = CustLedgerEntry.objects.get(document_no="103002", document_type=DocumentType.PAYMENT)
        assert (paid.amount, paid.open, paid.closed_by_entry_id, paid.description) == (
            Decimal("-600.00"), False, invoice.pk, "Paid before the migration"
        )
        assert paid.transaction_no == invoice.transaction_no
        small = CustLedgerEntry.objects.get(document_no="103003", document_type=DocumentType.INVOICE)
        assert (small.remaining_amount, small.open) == (Decimal("3.00"), True)
        credit_memo = CustLedgerEntry.objects.get(document_no="104002", document_type=DocumentType.CREDIT_MEMO)
        assert credit_memo.remaining_amount == Decimal("-100.00")
        assert CustLedgerEntry.objects.get(document_no="104002", document_type=DocumentType.REFUND).amount == Decimal(
            "200.00"
        )
        bill = VendorLedgerEntry.objects.get(document_type=DocumentType.INVOICE)
        assert (bill.amount, bill.remaining_amount) == (Decimal("-500.00"), Decimal("-200.00"))
        assert VendorLedgerEntry.objects.get(document_type=DocumentType.PAYMENT).amount == Decimal("300.00")
        # The opening balance account carries what is still open, nothing else.
        assert gl_balance("2090") == Decimal("-303.00") + Decimal("200.00")
        assert not GLEntry.objects.filter(gl_account__no__in=["3045", "7145", "7140"]).exists()
        ledger_ok()

    def test_a_partly_paid_foreign_currency_invoice_books_no_rounding_gain_or_loss(self, tmp_path, fjord, ledger_ok):
        eur = Currency.objects.create(code="EUR")
        CurrencyExchangeRate.objects.create(
            currency=eur, starting_date=date(2025, 1, 1), relational_exch_rate_amount=Decimal("11.4567")
        )
        path = write(tmp_path, "customer,C10000,invoice,103004,,2025-12-01,,,,,EUR,100.33,33.33,,\n")
        run(path)
        invoice = CustLedgerEntry.objects.get(document_type=DocumentType.INVOICE)
        assert (invoice.currency_code, invoice.amount, invoice.remaining_amount) == (
            "EUR", Decimal("100.33"), Decimal("33.33")
        )
        assert invoice.amount_lcy == Decimal("1149.45")
        # The paid part is valued at the invoice's own rate: 67.00 of 1149.45 LCY for 100.33 EUR is 767.60.
        assert invoice.remaining_amount_lcy == Decimal("381.85")
        assert not GLEntry.objects.filter(gl_account__no__in=["8060", "8160"]).exists()
        ledger_ok()

    def test_it_rejects_the_whole_file_and_names_every_bad_row(self, tmp_path, fjord, vendor):
        Currency.objects.create(code="EUR")
        CustomerFactory(no="C20000", blocked=Blocked.ALL)
        path = write(tmp_path, (
            "customer,C10000,invoice,OK-1,,2025-12-01,,,,,,100.00,100.00,,\n"
            "client,C10000,bill,X-1,,2025-13-01,,,,,,1 000,,,\n"
            "customer,C10000,invoice,X-2,,2025-12-01,,,,,,-100.00,-100.00,,\n"
            "vendor,L20000,invoice,X-3,,2025-12-01,,,,,,100.00,100.00,,\n"
            "customer,C10000,invoice,X-4,,2025-12-01,,,,,,100.00,150.00,,\n"
            "customer,C10000,invoice,X-5,,2025-12-01,,,,,,100.00,-50.00,,\n"
            "customer,C10000,invoice,X-6,,2025-12-01,,,,,,100.00,0,,\n"
            "customer,C99999,invoice,X-7,,2025-12-01,,,,,,100.00,,,\n"
            "customer,C10000,invoice,X-8,,2025-12-01,,,,,USD,100.00,,,\n"
            "customer,C10000,invoice,X-9,,2025-12-01,,,,,EUR,100.00,,,\n"
            "customer,C10000,invoice,OK-1,,2025-12-02,,,,,,100.00,,,\n"
            "customer,C10000,invoice,X-10,,2025-12-01,,,,60.00,,100.00,50.00,,\n"
            "customer,C10000,invoice,X-11,,2025-12-01,,,,5.00,,100.00,,,\n"
            "customer,C10000,payment,X-12,,2025-12-01,,,2025-12-05,-5.00,,-100.00,,,\n"
            "customer,C20000,invoice,X-13,,2025-12-01,,,,,,100.00,,,\n"
            "customer,C10000,invoice,,,2025-12-01,,,,,,100.00,100.005,,\n"
        ))
        error, out, err = run_failing(path, "--json")
        assert str(error) == "open.csv: 15 bad rows; nothing was imported."
        assert err.splitlines() == [
            "open.csv, line 3, field account_type: 'client' is not one of: customer, vendor.",
            "open.csv, line 3, field document_type: 'bill' is not one of: invoice, credit_memo, payment, refund, "
            "finance_charge_memo, reminder.",
            "open.csv, line 3, field posting_date: '2025-13-01' is not a date: write it as YYYY-MM-DD, such as "
            "2024-01-31.",
            "open.csv, line 3, field amount: '1 000' is not an amount: write it with a dot and at most two decimals, "
            "such as -1250.50.",
            "open.csv, line 4, field amount: A customer Invoice is positive (NAV's signs): the amount must be above "
            "zero.",
            "open.csv, line 5, field amount: A vendor Invoice is negative (NAV's signs): the amount must be below zero.",
            "open.csv, line 6, field remaining_amount: The remaining amount must not be larger than the amount.",
            "open.csv, line 7, field remaining_amount: The remaining amount must have the same sign as the amount.",
            "open.csv, line 8, field remaining_amount: The remaining amount must not be zero: only open entries are "
            "imported.",
            "open.csv, line 9, field account_no: Customer C99999 does not exist.",
            "open.csv, line 10, field currency_code: Currency USD does not exist.",
            "open.csv, line 11, field currency_code: There is no exchange rate for currency EUR on 2025-12-01.",
            "open.csv, line 12, field document_no: Invoice OK-1 of customer C10000 appears more than once in the file "
            "(first on line 2).",
            "open.csv, line 13, field pmt_discount_amount: The payment discount must be smaller than the remaining "
            "amount.",
            "open.csv, line 14, field pmt_discount_date: A payment discount needs a pmt. discount date.",
            "open.csv, line 15, field pmt_discount_amount: Only invoices and credit memos have a payment discount.",
            "open.csv, line 16, field account_no: You cannot post this type of document when Customer C20000 is "
            "blocked with type All",
            "open.csv, line 17, field document_no: This field cannot be blank.",
            "open.csv, line 17, field remaining_amount: '100.005' is not an amount: write it with a dot and at most two "
            "decimals, such as -1250.50.",
        ]
        assert json.loads(out)["errors"][0] == {
            "file": "open.csv", "line": 3, "field": "account_type", "message": "'client' is not one of: customer, vendor."
        }
        assert json.loads(out)["imported"] == 0
        assert not CustLedgerEntry.objects.exists() and not GLEntry.objects.exists()

    def test_importing_the_same_file_twice_is_refused(self, tmp_path, fjord, ledger_ok):
        path = write(tmp_path, "customer,C10000,invoice,103001,,2025-12-01,,,,,,1000.00,1000.00,,\n")
        run(path)
        entry = CustLedgerEntry.objects.get()
        _error, _out, err = run_failing(path)
        assert err == (
            f"open.csv, line 2, field document_no: Customer C10000 already has invoice 103001 in the ledger (entry "
            f"{entry.pk}): the file may have been imported before.\n"
        )
        assert CustLedgerEntry.objects.count() == 1
        ledger_ok()

    def test_it_balances_against_the_account_given(self, tmp_path, fjord, ledger_ok):
        path = write(tmp_path, "customer,C10000,invoice,103001,,2025-12-01,,,,,,1000.00,,,\n")
        run(path, "--balance-account", "2050")
        assert gl_balance("2050") == Decimal("-1000.00") and gl_balance("2090") == 0
        ledger_ok()

    def test_it_refuses_a_balance_account_it_cannot_post_to(self, tmp_path, fjord):
        path = write(tmp_path, "customer,C10000,invoice,103001,,2025-12-01,,,,,,1000.00,,,\n")
        with pytest.raises(CommandError, match="^G/L Account 9999 does not exist.$"):
            run(path, "--balance-account", "9999")
        with pytest.raises(CommandError, match="^Direct Posting must be Yes in G/L Account 1500"):
            run(path, "--balance-account", "1500")
        CompanySetup.objects.update(opening_balance_account=None)
        with pytest.raises(CommandError) as error:
            run(path)
        assert str(error.value) == (
            "There is no opening balance account: set one in the company setup or name one for this import."
        )
        assert not CustLedgerEntry.objects.exists()

    def test_apply_to_oldest_customers_keep_every_entry_open(self, tmp_path, fjord, ledger_ok):
        fjord.application_method = ApplicationMethod.APPLY_TO_OLDEST
        fjord.save()
        path = write(tmp_path, (
            "customer,C10000,invoice,103001,,2025-12-01,,,,,,1000.00,,,\n"
            "customer,C10000,payment,B-1,,2025-12-02,,,,,,-300.00,,,\n"
            "customer,C10000,invoice,103002,,2025-12-03,,,,,,500.00,200.00,,\n"
        ))
        run(path)
        assert list(CustLedgerEntry.objects.filter(open=True).values_list("document_no", "remaining_amount")) == [
            ("103001", Decimal("1000.00")), ("B-1", Decimal("-300.00")), ("103002", Decimal("200.00"))
        ]
        ledger_ok()

    def test_the_same_document_no_of_several_vendors_gets_a_transaction_per_row(self, tmp_path, company, ledger_ok):
        for no in ("L1", "L2", "L3"):
            VendorFactory(no=no)
        path = write(tmp_path, (
            "vendor,L1,invoice,1001,,2025-12-31,,,,,,-100.00,,,\n"
            "vendor,L2,invoice,1001,,2025-12-31,,,,,,-200.00,-50.00,,\n"
            "vendor,L3,invoice,1001,,2025-12-31,,,,,,-300.00,,,\n"
            "vendor,L1,invoice,1002,,2025-12-31,,,,,,-400.00,,,\n"
            "vendor,L2,invoice,1003,,2025-12-31,,,,,,-500.00,,,\n"
        ))
        out, _err = run(path, "--json")
        assert json.loads(out)["transactions"] == 5
        by_vendor = {
            (e.vendor.no, e.document_no, e.document_type): e.transaction_no
            for e in VendorLedgerEntry.objects.select_related("vendor")
        }
        assert len(set(by_vendor.values())) == 5
        assert by_vendor[("L2", "1001", "invoice")] == by_vendor[("L2", "1001", "payment")]
        assert VendorLedgerEntry.objects.get(vendor__no="L2", document_no="1001", document_type="invoice").remaining_amount == Decimal(
            "-50.00"
        )
        ledger_ok()

    def test_rows_that_cannot_be_kept_apart_share_a_balanced_transaction(self, tmp_path, company, ledger_ok):
        VendorFactory(no="L1")
        VendorFactory(no="L2")
        path = write(tmp_path, (
            "vendor,L1,invoice,1001,,2025-12-31,,,,,,-100.00,,,\n"
            "vendor,L2,invoice,1001,,2025-12-31,,,,,,-200.00,,,\n"
        ))
        out, _err = run(path, "--json")
        assert json.loads(out) == {"imported": 2, "created": 2, "updated": 0, "transactions": 1}
        assert VendorLedgerEntry.objects.count() == 2
        ledger_ok()

    def test_it_respects_the_posting_window(self, tmp_path, fjord):
        CompanySetup.objects.update(allow_posting_from=date(2026, 1, 1))
        path = write(tmp_path, "customer,C10000,invoice,103001,,2025-12-01,,,,,,1000.00,,,\n")
        _error, _out, err = run_failing(path)
        assert err == (
            "open.csv, line 2, field posting_date: Posting date is not within the range of allowed posting dates.\n"
        )

    def test_dry_run_checks_with_the_engine_and_posts_nothing(self, tmp_path, fjord):
        path = write(tmp_path, "customer,C10000,invoice,103001,,2025-12-01,,,,,,1000.00,,,\n")
        out, err = run(path, "--dry-run", "--json")
        assert json.loads(out) == {"imported": 1, "created": 1, "updated": 0, "transactions": 1, "dry_run": True}
        assert err == "Checked 1 open entries from open.csv in 1 transactions.\n"
        assert not CustLedgerEntry.objects.exists() and not GLRegister.objects.exists()
