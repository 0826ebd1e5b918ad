from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from receivables.models import (
    BankAccountLedgerEntry,
    CustLedgerEntry,
    DetailedEntryType,
    GLEntry,
    GLRegister,
)
from tests.posting_helpers import post_invoice

HEADER = (
    "posting_date,document_type,document_no,external_document_no,account_type,account_no,description,currency_code,"
    "amount,bal_account_type,bal_account_no,applies_to_doc_type,applies_to_doc_no,payment_reference\n"
)


def write(tmp_path: Path, text: str, name: str = "journal.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("post_journal", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path, *args: str) -> tuple[CommandError, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("post_journal", str(path), *args, stdout=out, stderr=err)
    return error.value, out.getvalue(), err.getvalue()


INVOICE_AND_PAYMENT = (
    "2026-01-05,invoice,INV-1,PO-1,customer,C10000,,,1000.00,gl_account,3000,,,0000000017\n"
    "2026-01-10,payment,PAY-1,,customer,C10000,Innbetaling,,-980.00,bank_account,NBANK,invoice,INV-1,\n"
)


class PostJournalTests:
    def test_it_posts_with_the_customers_payment_terms_and_applies(self, tmp_path, fjord, ledger_ok):
        out, err = run(write(tmp_path, INVOICE_AND_PAYMENT))
        assert out == ""
        register = GLRegister.objects.get()
        assert err == f"Posted 2 lines from journal.csv in 2 transactions (G/L register {register.pk}).\n"
        assert register.source_code == "GENJNL"
        invoice = CustLedgerEntry.objects.get(document_no="INV-1")
        # 2%8D30D from the customer card: due 30 days, 2 % discount until 8 days after the document date.
        assert (invoice.due_date, invoice.pmt_discount_date, invoice.original_pmt_disc_possible) == (
            date(2026, 2, 4), date(2026, 1, 13), Decimal("20.00")
        )
        assert (invoice.description, invoice.external_document_no, invoice.payment_reference) == (
            "Fjord Handel AS", "PO-1", "0000000017"
        )
        assert (invoice.open, invoice.remaining_amount, invoice.journal_line_no) == (False, Decimal("0.00"), 2)
        payment = CustLedgerEntry.objects.get(document_no="PAY-1")
        assert (payment.open, payment.description, payment.journal_line_no) == (False, "Innbetaling", 3)
        assert payment.detailed_entries.filter(entry_type=DetailedEntryType.PAYMENT_DISCOUNT).get().amount == Decimal(
            "-20.00"
        )
        assert BankAccountLedgerEntry.objects.get().amount == Decimal("980.00")
        ledger_ok()

    def test_preview_prints_what_would_be_posted_and_writes_nothing(self, tmp_path, fjord):
        out, err = run(write(tmp_path, INVOICE_AND_PAYMENT), "--preview")
        assert err == "Preview of journal.csv: 2 lines in 2 transactions; nothing was posted.\n"
        assert out.splitlines() == [
            "G/L entries per account:",
            "  1500     Kundefordringer                  debit        1000.00  credit        1000.00  net           0.00",
            "  1920     Bankinnskudd                     debit         980.00  credit           0.00  net         980.00",
            "  3000     Salgsinntekt, avgiftspliktig     debit           0.00  credit        1000.00  net       -1000.00",
            "  7140     Kontantrabatt                    debit          20.00  credit           0.00  net          20.00",
            "Customer ledger entries:",
            "  C10000     2026-01-05 invoice      INV-1                       1000.00  remaining           0.00  due "
            "2026-02-04",
            "  C10000     2026-01-10 payment      PAY-1                       -980.00  remaining           0.00  due "
            "2026-01-10",
            "Bank account ledger entries:",
            "  NBANK      PAY-1                        980.00",
            "Applications:",
            "  C10000     payment_discount           payment PAY-1 / invoice INV-1          20.00",
            "  C10000     application                invoice INV-1 / payment PAY-1        1000.00",
        ]
        assert not CustLedgerEntry.objects.exists() and not GLEntry.objects.exists()
        assert not GLRegister.objects.exists()

    def test_preview_as_json(self, tmp_path, fjord):
        out, _err = run(write(tmp_path, INVOICE_AND_PAYMENT), "--preview", "--json")
        report = json.loads(out)
        assert (report["preview"], report["lines"], report["transactions"], report["register"]) == (True, 2, 2, None)
        assert {row["gl_account_no"]: row["amount"] for row in report["gl_accounts"]} == {
            "1500": "0.00", "1920": "980.00", "3000": "-1000.00", "7140": "20.00",
        }
        assert report["customer_entries"][0] == {
            "account_no": "C10000", "document_type": "invoice", "document_no": "INV-1", "posting_date": "2026-01-05",
            "amount": "1000.00", "remaining_amount": "0.00", "open": False, "due_date": "2026-02-04",
        }
        assert report["applications"] == [
            {"account_type": "customer", "account_no": "C10000", "entry_type": "payment_discount",
             "document_type": "payment", "document_no": "PAY-1", "applied_document_type": "invoice",
             "applied_document_no": "INV-1", "amount": "20.00"},
            {"account_type": "customer", "account_no": "C10000", "entry_type": "application",
             "document_type": "invoice", "document_no": "INV-1", "applied_document_type": "payment",
             "applied_document_no": "PAY-1", "amount": "1000.00"},
        ]
        assert not CustLedgerEntry.objects.exists()

    def test_it_names_every_bad_value_with_file_and_line(self, tmp_path, fjord):
        path = write(tmp_path, (
            "2026-01-05,invoice,INV-1,,customer,C10000,,,1000.00,gl_account,3000,,,\n"
            "05.01.2026,bill,,,employee,,,,12,5,,,,,\n"
            "2026-01-05,,G-1,,gl_account,6300,,,100.00,,,quote,X,\n"
        ))
        error, out, err = run_failing(path)
        assert err.splitlines() == [
            "journal.csv, line 3: The row has 15 values; the header has 14.",
            "journal.csv, line 4, field applies_to_doc_type: 'quote' is not one of: payment, invoice, credit_memo, "
            "finance_charge_memo, reminder, refund, blank.",
        ]
        assert str(error) == "journal.csv: 2 bad rows; nothing was imported."
        assert out == ""
        path = write(tmp_path, "05.01.2026,bill,,,employee,,,,12.5,,,,,\n")
        _error, _out, err = run_failing(path)
        assert err.splitlines() == [
            "journal.csv, line 2, field account_no: This value is required.",
            "journal.csv, line 2, field document_no: This field cannot be blank.",
            "journal.csv, line 2, field posting_date: '05.01.2026' is not a date: write it as YYYY-MM-DD, such as "
            "2024-01-31.",
            "journal.csv, line 2, field document_type: 'bill' is not one of: payment, refund, invoice, credit_memo, "
            "blank.",
            "journal.csv, line 2, field account_type: 'employee' is not one of: gl_account, customer, vendor, "
            "bank_account.",
        ]
        path = write(tmp_path, "05.01.2026,bill,,,employee,K1,,,12.555,,,,,\n")
        _error, _out, err = run_failing(path)
        assert err.splitlines() == [
            "journal.csv, line 2, field document_no: This field cannot be blank.",
            "journal.csv, line 2, field posting_date: '05.01.2026' is not a date: write it as YYYY-MM-DD, such as "
            "2024-01-31.",
            "journal.csv, line 2, field document_type: 'bill' is not one of: payment, refund, invoice, credit_memo, "
            "blank.",
            "journal.csv, line 2, field account_type: 'employee' is not one of: gl_account, customer, vendor, "
            "bank_account.",
            "journal.csv, line 2, field amount: '12.555' is not an amount: write it with a dot and at most two "
            "decimals, such as -1250.50.",
        ]
        assert not GLEntry.objects.exists()

    def test_it_maps_the_engines_errors_to_the_files_lines(self, tmp_path, fjord):
        path = write(tmp_path, (
            "2026-01-05,invoice,INV-1,,customer,C10000,,,1000.00,gl_account,3000,,,\n"
            "2026-01-05,invoice,INV-2,,customer,C99999,,,1000.00,gl_account,3000,,,\n"
            "2026-01-05,,G-1,,gl_account,6300,,,100.00,,,,,\n"
            "2026-01-05,,G-1,,gl_account,1500,,,-90.00,,,,,\n"
            "2026-01-05,payment,PAY-1,,customer,C10000,,USD,-5.00,bank_account,NBANK,,,\n"
        ))
        _error, out, err = run_failing(path, "--json")
        assert err.splitlines() == [
            "journal.csv, line 3, field account_no: Customer C99999 does not exist.",
            "journal.csv, line 5, field account_no: Direct Posting must be Yes in G/L Account 1500: it is a control "
            "account, post to its customer, vendor or bank account instead.",
            "journal.csv, line 6, field currency_code: Currency USD does not exist.",
        ]
        assert json.loads(out)["errors"][0] == {
            "file": "journal.csv", "line": 3, "field": "account_no", "message": "Customer C99999 does not exist."
        }
        path = write(tmp_path, (
            "2026-01-05,,G-1,,gl_account,6300,,,100.00,,,,,\n"
            "2026-01-05,,G-1,,gl_account,7770,,,-90.00,,,,,\n"
        ))
        _error, _out, err = run_failing(path)
        assert err == (
            "journal.csv, line 3, field amount: Document No. G-1 on 2026-01-05 is out of balance by 10.00. The lines "
            "must sum to zero.\n"
        )
        assert not GLEntry.objects.exists()

    def test_an_error_found_while_posting_names_its_line_and_nothing_is_posted(self, tmp_path, fjord):
        post_invoice(fjord, "INV-0", "500.00", date(2026, 1, 1))
        path = write(tmp_path, (
            "2026-01-05,invoice,INV-1,,customer,C10000,,,1000.00,gl_account,3000,,,\n"
            "2026-01-10,payment,PAY-1,,customer,C10000,,,-500.00,bank_account,NBANK,invoice,INV-9,\n"
        ))
        _error, _out, err = run_failing(path)
        assert err == (
            "journal.csv, line 3, field applies_to_doc_no: There is no open customer ledger entry with Document No. "
            "INV-9 for customer C10000.\n"
        )
        assert list(CustLedgerEntry.objects.values_list("document_no", flat=True)) == ["INV-0"]
