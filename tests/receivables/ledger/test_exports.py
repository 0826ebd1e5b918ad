from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from receivables.ledger.exports import export_entries
from receivables.models import (
    BankAccountLedgerEntry,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    GLEntry,
)
from tests.factories import VendorFactory
from tests.posting_helpers import post_invoice, post_payment


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_entries", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def posted(fjord, ledger_ok):
    """An invoice paid in part, and a second invoice still open."""
    first = post_invoice(fjord, "INV-1", "1000.00", date(2026, 1, 5))
    second = post_invoice(fjord, "INV-2", "250.50", date(2026, 1, 6), terms=False)
    payment = post_payment(fjord, "PAY-1", "-400.00", date(2026, 1, 20), applies_to_doc_no="INV-1").cust_entries[0]
    ledger_ok()
    return first, second, payment


class ExportEntriesTests:
    def test_customer_entries_as_csv(self, posted):
        first, second, payment = posted
        assert export("customer").splitlines() == [
            "entry_no,posting_date,document_type,document_no,account_no,amount,remaining_amount,open,due_date,"
            "pmt_discount_date,remaining_pmt_disc_possible,closed_by_entry_no,transaction_no",
            f"{first.pk},2026-01-05,invoice,INV-1,C10000,1000.00,600.00,true,2026-02-04,2026-01-13,20.00,,"
            f"{first.transaction_no}",
            f"{second.pk},2026-01-06,invoice,INV-2,C10000,250.50,250.50,true,2026-01-06,,0.00,,{second.transaction_no}",
            f"{payment.pk},2026-01-20,payment,PAY-1,C10000,-400.00,0.00,false,2026-01-20,,0.00,{first.pk},"
            f"{payment.transaction_no}",
        ]

    def test_customer_entries_as_json_open_only(self, posted):
        first, second, _payment = posted
        assert json.loads(export("customer", "--open-only", "--format", "json")) == [
            {"entry_no": first.pk, "posting_date": "2026-01-05", "document_type": "invoice", "document_no": "INV-1",
             "account_no": "C10000", "amount": "1000.00", "remaining_amount": "600.00", "open": True,
             "due_date": "2026-02-04", "pmt_discount_date": "2026-01-13", "remaining_pmt_disc_possible": "20.00",
             "closed_by_entry_no": None, "transaction_no": first.transaction_no},
            {"entry_no": second.pk, "posting_date": "2026-01-06", "document_type": "invoice", "document_no": "INV-2",
             "account_no": "C10000", "amount": "250.50", "remaining_amount": "250.50", "open": True,
             "due_date": "2026-01-06", "pmt_discount_date": None, "remaining_pmt_disc_possible": "0.00",
             "closed_by_entry_no": None, "transaction_no": second.transaction_no},
        ]

    def test_detailed_customer_entries(self, posted):
        first, _second, payment = posted
        details = list(DetailedCustLedgEntry.objects.order_by("entry_no"))
        lines = export("detailed_customer").splitlines()
        assert lines[0] == "entry_no,ledger_entry_no,entry_type,posting_date,document_no,amount,transaction_no"
        assert lines[1:] == [
            f"{d.pk},{d.cust_ledger_entry_id},{d.entry_type},{d.posting_date},{d.document_no},{d.amount},"
            f"{d.transaction_no}"
            for d in details
        ]
        assert f"{details[-1].pk},{payment.pk},application,2026-01-20,PAY-1,400.00,{payment.transaction_no}" in lines
        assert f"{details[-2].pk},{first.pk},application,2026-01-20,PAY-1,-400.00,{payment.transaction_no}" in lines

    def test_gl_and_bank_entries(self, posted):
        rows = json.loads(export("gl", "--format", "json"))
        assert len(rows) == GLEntry.objects.count()
        assert list(rows[0]) == ["entry_no", "gl_account_no", "posting_date", "document_no", "amount", "transaction_no"]
        assert sum(float(row["amount"]) for row in rows) == 0
        bank = BankAccountLedgerEntry.objects.get()
        assert export("bank", "--open-only").splitlines() == [
            "entry_no,bank_account_no,posting_date,document_no,amount,remaining_amount,open,transaction_no",
            f"{bank.pk},NBANK,2026-01-20,PAY-1,400.00,400.00,true,{bank.transaction_no}",
        ]

    def test_vendor_and_empty_exports(self, company):
        VendorFactory()
        assert export("vendor") == (
            "entry_no,posting_date,document_type,document_no,account_no,amount,remaining_amount,open,due_date,"
            "pmt_discount_date,remaining_pmt_disc_possible,closed_by_entry_no,transaction_no\n"
        )
        assert json.loads(export("detailed_vendor", "--format", "json")) == []

    def test_open_only_needs_entries_that_have_open(self, company):
        with pytest.raises(CommandError) as error:
            export("gl", "--open-only")
        assert str(error.value) == (
            "--open-only applies to customer, vendor and bank entries; gl entries have no open field."
        )

    def test_it_streams_in_chunks_with_one_query(self, posted, django_assert_num_queries):
        chunks: list[str] = []
        with django_assert_num_queries(1):
            count = export_entries(chunks.append, kind="customer", fmt="json", chunk_size=2)
        assert count == CustLedgerEntry.objects.count() == 3
        assert len(chunks) == 3  # two rows, one row, the closing bracket
        assert len(json.loads("".join(chunks))) == 3
