"""Small builders for journal lines, so posting tests read like the spec's scenarios."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from receivables.lib.journal_defaults import apply_payment_terms
from receivables.models import AccountType, Customer, DocumentType, GenJournalLine
from receivables.posting import post


def invoice_line(customer: Customer, doc_no: str, amount: str, on: date, *, terms=True, **fields) -> GenJournalLine:
    line = GenJournalLine(
        posting_date=on, document_date=on, document_type=DocumentType.INVOICE, document_no=doc_no,
        account_type=AccountType.CUSTOMER, account_no=customer.no, description=f"Invoice {doc_no}",
        amount=Decimal(amount), bal_account_type=AccountType.GL_ACCOUNT, bal_account_no="3000", **fields,
    )
    if terms:
        apply_payment_terms(line, customer.payment_terms)
    return line


def post_invoice(customer: Customer, doc_no: str, amount: str, on: date, **fields):
    result = post([invoice_line(customer, doc_no, amount, on, **fields)])
    return result.cust_entries[0]


def payment_line(customer: Customer, doc_no: str, amount: str, on: date, **fields) -> GenJournalLine:
    fields.setdefault("document_type", DocumentType.PAYMENT)
    return GenJournalLine(
        posting_date=on, document_no=doc_no, account_type=AccountType.CUSTOMER, account_no=customer.no,
        amount=Decimal(amount), bal_account_type=AccountType.BANK_ACCOUNT, bal_account_no="NBANK", **fields,
    )


def post_payment(customer: Customer, doc_no: str, amount: str, on: date, **options):
    line_fields = {k: v for k, v in options.items() if k not in {"accept_payment_tolerance", "accept_late_discount"}}
    post_options = {k: v for k, v in options.items() if k in {"accept_payment_tolerance", "accept_late_discount"}}
    return post([payment_line(customer, doc_no, amount, on, **line_fields)], **post_options)
