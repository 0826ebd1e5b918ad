"""What NAV fills in on a journal line when its fields are validated (OnValidate), kept out of the engine.

The engine posts exactly what a line says; these helpers give a line the defaults a user would see.
"""
from __future__ import annotations

from receivables.lib.dateformula import calc_date
from receivables.models import (
    AccountType,
    Customer,
    DocumentType,
    GenJournalLine,
    PaymentTerms,
    Vendor,
)

DISCOUNT_DOCUMENTS = {DocumentType.INVOICE, DocumentType.CREDIT_MEMO}


def apply_payment_terms(line: GenJournalLine, terms: PaymentTerms | None) -> GenJournalLine:
    """Due date and payment discount from the terms, counted from the document date (spec 1.2)."""
    base = line.document_date or line.posting_date
    line.payment_terms_code = terms.code if terms else ""
    if line.document_type not in DISCOUNT_DOCUMENTS or terms is None:
        line.due_date = line.due_date or base
        return line
    line.due_date = calc_date(terms.due_date_calculation or "", base)
    discount_allowed = line.document_type == DocumentType.INVOICE or terms.calc_pmt_disc_on_cr_memos
    if terms.discount_pct and terms.discount_date_calculation and discount_allowed:
        line.pmt_discount_date = calc_date(terms.discount_date_calculation, base)
        line.payment_discount_pct = terms.discount_pct
    else:
        line.pmt_discount_date = None
        line.payment_discount_pct = 0
    return line


def fill_from_account(line: GenJournalLine) -> GenJournalLine:
    """Description and payment terms from the customer or vendor, as NAV does when Account No. is entered."""
    party = None
    if line.account_type == AccountType.CUSTOMER:
        party = Customer.objects.filter(no=line.account_no).select_related("payment_terms").first()
    elif line.account_type == AccountType.VENDOR:
        party = Vendor.objects.filter(no=line.account_no).select_related("payment_terms").first()
    if party is None:
        return line
    line.description = line.description or party.name
    line.currency_code = line.currency_code or (party.currency.code if party.currency_id else "")
    if line.document_type in DISCOUNT_DOCUMENTS and not line.due_date:
        apply_payment_terms(line, party.payment_terms)
    return line
