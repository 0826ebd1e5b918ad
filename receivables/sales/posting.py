"""Posting sales invoices and credit memos: a customer entry with due date, discount and KID (spec 1.2, 11.1).

Builds the journal lines of a document (customer, revenue per line, output VAT) and hands them to the
posting engine, so a document posts exactly like everything else: balanced, atomic, validated first.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from receivables.lib.journal_defaults import apply_payment_terms
from receivables.lib.money import ZERO, round_amount
from receivables.lib.numbering import next_no
from receivables.lib.payment_reference import make_kid
from receivables.models import (
    AccountType,
    CompanySetup,
    DocumentType,
    GenJournalLine,
    PostedSalesDocument,
    PostedSalesLine,
    SalesDocumentType,
    SalesHeader,
)
from receivables.posting import PostingError, post

NOTHING_TO_POST = _("There is nothing to post: document %(no)s has no lines with an amount.")
NO_VAT_ACCOUNT = _("The company setup has no sales VAT account.")
NO_POSTED_SERIES = _("The company setup has no number series for posted %(type)s.")


def line_amounts(quantity: Decimal, unit_price: Decimal, vat_pct: Decimal) -> tuple[Decimal, Decimal]:
    amount = round_amount(quantity * unit_price)
    return amount, amount + round_amount(amount * vat_pct / 100)


def payment_reference_for(setup: CompanySetup, *, document_no: str, customer_no: str) -> str:
    """The KID printed on an invoice; credit memos never carry one (spec 11.1)."""
    if not setup.kid_setup:
        return ""
    return make_kid(
        document_no=document_no, customer_no=customer_no, setup=setup.kid_setup,
        document_no_length=setup.kid_document_no_length, customer_no_length=setup.kid_customer_no_length,
    )


@transaction.atomic
def post_sales_documents(*, headers: Sequence[SalesHeader], user=None) -> list[PostedSalesDocument]:
    """Post documents in one run; each becomes its own transaction. All or nothing."""
    setup = CompanySetup.get()
    if setup.sales_vat_account is None:
        raise PostingError(NO_VAT_ACCOUNT)
    lines: list[GenJournalLine] = []
    prepared = []
    by_type: dict[str, list[SalesHeader]] = defaultdict(list)
    for header in headers:
        by_type[header.document_type].append(header)
    numbers: dict[int, str] = {}
    for document_type, group in by_type.items():
        series = setup.posted_invoice_nos if document_type == SalesDocumentType.INVOICE else setup.posted_credit_memo_nos
        if series is None:
            raise PostingError(NO_POSTED_SERIES % {"type": SalesDocumentType(document_type).label})
        for header, no in zip(group, next_no(series, count=len(group)), strict=True):
            numbers[id(header)] = no
    for header in headers:
        document_lines, header_lines = _document_lines(setup, header, numbers[id(header)])
        lines += document_lines
        prepared.append((header, header_lines, document_lines[0]))
    result = post(lines, user=user, source_code="SALES", delete_journal_lines=False)
    entries = iter(result.cust_entries)
    posted = []
    posted_lines = []
    for header, header_lines, customer_line in prepared:
        entry = next(entries)
        document = PostedSalesDocument(
            document_type=header.document_type, no=customer_line.document_no, pre_assigned_no=header.no,
            customer=header.customer, customer_name=header.customer.name,
            customer_address=", ".join(p for p in (header.customer.address, header.customer.post_code,
                                                   header.customer.city) if p),
            posting_date=header.posting_date, document_date=header.document_date, due_date=entry.due_date,
            pmt_discount_date=entry.pmt_discount_date, payment_discount_pct=customer_line.payment_discount_pct,
            currency_code=header.currency_code, external_document_no=header.external_document_no,
            amount=sum((amount for *_x, amount, _incl in header_lines), ZERO),
            amount_including_vat=abs(customer_line.amount), payment_reference=customer_line.payment_reference,
            cust_ledger_entry=entry, posted_by=user if getattr(user, "pk", None) else None,
        )
        posted_lines += [
            PostedSalesLine(
                document=document, line_no=line.line_no, description=line.description, gl_account=line.gl_account,
                quantity=line.quantity, unit_price=line.unit_price, vat_pct=line.vat_pct, amount=amount,
                amount_including_vat=incl,
            )
            for line, amount, incl in header_lines
        ]
        posted.append(document)
    PostedSalesDocument.objects.bulk_create(posted, batch_size=1000)
    PostedSalesLine.objects.bulk_create(posted_lines, batch_size=1000)
    SalesHeader.objects.filter(pk__in=[header.pk for header in headers if header.pk]).delete()
    return posted


def _document_lines(setup: CompanySetup, header: SalesHeader, posted_no: str):
    invoice = header.document_type == SalesDocumentType.INVOICE
    sign = 1 if invoice else -1
    header_lines = []
    for line in header.lines.all() if header.pk else getattr(header, "unsaved_lines", []):
        amount, incl = line_amounts(line.quantity, line.unit_price, line.vat_pct)
        if amount:
            header_lines.append((line, amount, incl))
    if not header_lines:
        raise PostingError(NOTHING_TO_POST % {"no": header.no})
    total_incl = sum((incl for *_x, incl in header_lines), ZERO)
    total_vat = total_incl - sum((amount for _line, amount, _incl in header_lines), ZERO)
    common = {
        "posting_date": header.posting_date, "document_date": header.document_date, "document_no": posted_no,
        "external_document_no": header.external_document_no, "currency_code": header.currency_code,
    }
    customer_line = GenJournalLine(
        document_type=DocumentType.INVOICE if invoice else DocumentType.CREDIT_MEMO,
        account_type=AccountType.CUSTOMER, account_no=header.customer.no,
        description=header.customer.name, amount=sign * total_incl,
        sales_lcy=sign * (total_incl - total_vat), applies_to_doc_no=header.applies_to_doc_no,
        payment_reference=payment_reference_for(setup, document_no=posted_no, customer_no=header.customer.no)
        if invoice else "",
        **common,
    )
    apply_payment_terms(customer_line, header.payment_terms or header.customer.payment_terms)
    if header.due_date:
        customer_line.due_date = header.due_date
    lines = [customer_line]
    for line, amount, _incl in header_lines:
        lines.append(
            GenJournalLine(
                document_type=customer_line.document_type, account_type=AccountType.GL_ACCOUNT,
                account_no=line.gl_account.no, description=line.description, amount=-sign * amount, **common,
            )
        )
    if total_vat:
        lines.append(
            GenJournalLine(
                document_type=customer_line.document_type, account_type=AccountType.GL_ACCOUNT,
                account_no=setup.sales_vat_account.no, description=str(_("Output VAT")), amount=-sign * total_vat,
                **common,
            )
        )
    return lines, header_lines
