"""Editing unposted sales invoices and credit memos, and printing posted ones (spec 1.2, 11.1).

The rules a user meets on the Sales Invoice / Sales Credit Memo windows live here, so the views
only parse input and pick a response:

- a new document takes its number from Sales & Receivables Setup (Invoice Nos. / Credit Memo Nos.);
- the due date follows the payment terms from the document date, as NAV's OnValidate does, unless
  the user typed one; a credit memo is due on its document date unless the terms calculate a
  discount on credit memos;
- a customer blocked *All* cannot be invoiced, and one blocked *Invoice* cannot get an invoice;
- posting needs at least one line with an amount, and runs through `receivables.sales.posting`.

Posting itself (journal lines, the posted number, the KID) belongs to `receivables.sales.posting`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from receivables.lib.aggregates import MoneySum
from receivables.lib.dateformula import calc_date
from receivables.lib.money import ZERO
from receivables.lib.numbering import NumberSeriesError, next_no
from receivables.lib.payment_reference import mod10_check_digit
from receivables.models import (
    BankAccount,
    Blocked,
    CompanySetup,
    CustLedgerEntry,
    Customer,
    GLAccount,
    PaymentTerms,
    PostedSalesDocument,
    PostedSalesLine,
    SalesDocumentType,
    SalesHeader,
    SalesLine,
)
from receivables.sales.posting import (
    NOTHING_TO_POST,
    line_amounts,
    post_sales_documents,
)

NO_SERIES_MISSING = _("The company setup has no number series for %(type)s. Set Invoice Nos. or Credit Memo Nos.")
CUSTOMER_BLOCKED_ALL = _("You cannot invoice customer %(no)s: the customer is blocked with type All.")
CUSTOMER_BLOCKED_INVOICE = _("You cannot invoice customer %(no)s: the customer is blocked with type Invoice.")
ALREADY_POSTED = _("Document %(no)s no longer exists: it has been posted or deleted.")

LINE_NO_STEP = 10000  # NAV numbers lines 10000, 20000, ... so lines can be inserted between them
LOOKUP_LIMIT = 20


# ---------------------------------------------------------------------------- rules


def check_customer_can_be_invoiced(customer: Customer, document_type: str) -> None:
    """NAV's CheckBlockedCustOnDocs: All blocks every document, Invoice blocks invoices."""
    if customer.blocked == Blocked.ALL:
        raise ValidationError({"customer": CUSTOMER_BLOCKED_ALL % {"no": customer.no}})
    if customer.blocked == Blocked.INVOICE and document_type == SalesDocumentType.INVOICE:
        raise ValidationError({"customer": CUSTOMER_BLOCKED_INVOICE % {"no": customer.no}})


def due_date_for(*, document_type: str, document_date: date, terms: PaymentTerms | None) -> date:
    """Due Date = CalcDate(Due Date Calculation, Document Date) (spec 1.2).

    A credit memo is due at once unless its terms calculate a discount on credit memos, as NAV's
    Sales Header does when the payment terms code is validated.
    """
    if terms is None:
        return document_date
    if document_type == SalesDocumentType.CREDIT_MEMO and not terms.calc_pmt_disc_on_cr_memos:
        return document_date
    return calc_date(terms.due_date_calculation or "", document_date)


def apply_header_defaults(header: SalesHeader, *, changed: Iterable[str] = ()) -> SalesHeader:
    """What NAV fills in when header fields are validated.

    Choosing a customer brings its payment terms (unless the terms were chosen in the same go);
    the due date is computed when blank, and again when the customer, the document date or the
    terms change while the user left the due date alone.
    """
    changed = set(changed)
    if "customer" in changed and "payment_terms" not in changed:
        header.payment_terms = header.customer.payment_terms
    recompute = header.due_date is None or (
        "due_date" not in changed and changed & {"customer", "document_date", "payment_terms"}
    )
    if recompute:
        header.due_date = due_date_for(
            document_type=header.document_type, document_date=header.document_date, terms=header.payment_terms
        )
    return header


@dataclass(frozen=True)
class Totals:
    amount: Decimal = ZERO
    vat: Decimal = ZERO
    amount_including_vat: Decimal = ZERO


def totals(lines: Iterable[SalesLine]) -> Totals:
    """The document's totals, rounded per line exactly as posting rounds them."""
    amount = incl = ZERO
    for line in lines:
        line_amount, line_incl = line_amounts(line.quantity, line.unit_price, line.vat_pct)
        amount += line_amount
        incl += line_incl
    return Totals(amount=amount, vat=incl - amount, amount_including_vat=incl)


def check_postable(header: SalesHeader) -> None:
    """The checks NAV makes before it starts posting, with messages naming the field."""
    check_customer_can_be_invoiced(header.customer, header.document_type)
    if not any(line_amounts(line.quantity, line.unit_price, line.vat_pct)[0] for line in header.lines.all()):
        raise ValidationError(NOTHING_TO_POST % {"no": header.no})


def quantity_format(value: Decimal) -> str:
    """The floatformat argument that shows a quantity with the decimals it has: 2, 12.5, 0.125."""
    exponent = value.normalize().as_tuple().exponent
    return f"{max(0, -exponent) if isinstance(exponent, int) else 0}g"


def lines_for_display(lines: Iterable[SalesLine | PostedSalesLine]) -> list:
    """Lines with `.amount` (unposted lines compute it) and `.quantity_format` for the templates."""
    rows = list(lines)
    for line in rows:
        if not isinstance(line, PostedSalesLine):
            line.amount = line_amounts(line.quantity, line.unit_price, line.vat_pct)[0]
        line.quantity_format = quantity_format(line.quantity)
    return rows


def customer_balance(customer: Customer) -> Decimal:
    """Balance (LCY): what the customer owes, the sum of the open entries' remaining amounts."""
    return (
        CustLedgerEntry.objects.filter(customer=customer, open=True).aggregate(
            balance=MoneySum("remaining_amount_lcy")
        )["balance"]
        or ZERO
    )


# ---------------------------------------------------------------------------- processes


@transaction.atomic
def create_document(
    *,
    document_type: str,
    customer: Customer,
    posting_date: date,
    document_date: date,
    due_date: date | None = None,
    payment_terms: PaymentTerms | None = None,
    external_document_no: str = "",
    applies_to_doc_no: str = "",
    user=None,
) -> SalesHeader:
    """A new unposted invoice or credit memo, numbered from Invoice Nos. / Credit Memo Nos."""
    check_customer_can_be_invoiced(customer, document_type)
    setup = CompanySetup.get()
    series = setup.invoice_nos if document_type == SalesDocumentType.INVOICE else setup.credit_memo_nos
    if series is None:
        raise ValidationError(NO_SERIES_MISSING % {"type": SalesDocumentType(document_type).label})
    try:
        [no] = next_no(series, on=posting_date)
    except NumberSeriesError as error:
        raise ValidationError(str(error)) from error
    header = SalesHeader(
        document_type=document_type, no=no, customer=customer, posting_date=posting_date,
        document_date=document_date, due_date=due_date, payment_terms=payment_terms or customer.payment_terms,
        currency_code=customer.currency.code if customer.currency_id else "",
        external_document_no=external_document_no,
        applies_to_doc_no=applies_to_doc_no if document_type == SalesDocumentType.CREDIT_MEMO else "",
        created_by=user if getattr(user, "pk", None) else None,
    )
    apply_header_defaults(header)
    header.save()
    return header


@transaction.atomic
def update_document(*, header: SalesHeader, changed: Sequence[str]) -> SalesHeader:
    """Save header changes made on the card (the form has set them on `header`)."""
    check_customer_can_be_invoiced(header.customer, header.document_type)
    if "customer" in changed:
        header.currency_code = header.customer.currency.code if header.customer.currency_id else ""
    if header.document_type != SalesDocumentType.CREDIT_MEMO:
        header.applies_to_doc_no = ""
    apply_header_defaults(header, changed=changed)
    header.save()
    return header


@transaction.atomic
def save_lines(*, header: SalesHeader, lines: Sequence[SalesLine], deleted: Sequence[SalesLine] = ()) -> None:
    """Save edited and new lines of a document; new lines go to the end (10000, 20000, ...)."""
    # Lock the header: two users adding lines at once must not take the same line number.
    _lock_header(header.pk)
    for line in deleted:
        if line.pk and line.header_id == header.pk:
            line.delete()
    last = header.lines.aggregate(last=Max("line_no"))["last"] or 0
    for line in lines:
        line.header = header
        if not line.description:
            line.description = line.gl_account.name
        if not line.pk:
            last += LINE_NO_STEP
            line.line_no = last
        line.save()


def post_document(*, header: SalesHeader, user) -> PostedSalesDocument:
    """Post one unposted document; returns the posted document. Raises ValidationError or PostingError."""
    with transaction.atomic():
        # Lock, re-check, write: a double click or a second user posts the document once; the
        # loser finds the header gone. (No select_related: FOR UPDATE cannot lock outer joins.)
        if not _lock_header(header.pk):
            raise ValidationError(ALREADY_POSTED % {"no": header.no})
        header = SalesHeader.objects.select_related("customer__payment_terms", "payment_terms").get(pk=header.pk)
        check_postable(header)
        [document] = post_sales_documents(headers=[header], user=user)
    return document


def _lock_header(pk: int) -> bool:
    """Lock a header row until the transaction ends; False when it is gone."""
    return bool(list(SalesHeader.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)))


@transaction.atomic
def delete_document(*, header: SalesHeader) -> None:
    header.lines.all().delete()
    header.delete()


# ---------------------------------------------------------------------------- lookups


def lookup_gl_accounts(query: str, limit: int = LOOKUP_LIMIT) -> list[dict]:
    """Posting accounts open for direct posting whose number starts with, or name contains, the text."""
    accounts = postable_gl_accounts()
    if query:
        accounts = accounts.filter(Q(no__startswith=query) | Q(name__icontains=query))
    return [{"value": a.no, "label": f"{a.no} {a.name}"} for a in accounts.order_by("no")[:limit]]


def postable_gl_accounts() -> QuerySet[GLAccount]:
    return GLAccount.objects.filter(account_type=GLAccount.Kind.POSTING, direct_posting=True, blocked=False)


def lookup_customers(query: str, limit: int = LOOKUP_LIMIT) -> list[dict]:
    customers = Customer.objects.exclude(blocked=Blocked.ALL)
    if query:
        customers = customers.filter(Q(no__istartswith=query) | Q(name__icontains=query))
    return [{"value": c.no, "label": f"{c.no} {c.name}"} for c in customers.order_by("no")[:limit]]


# ---------------------------------------------------------------------------- printing


def format_bank_account_no(value: str) -> str:
    """Norwegian account numbers print as 1234.56.78903."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    return value


@dataclass(frozen=True)
class Giro:
    """The payment part of a Norwegian invoice (the giro's lower part)."""

    account_no: str
    kid: str
    amount: Decimal
    kroner: str
    ore: str
    amount_check_digit: str
    due_date: date | None


def giro_for(document: PostedSalesDocument, bank: BankAccount | None) -> Giro | None:
    """Only invoices are paid through a giro; a credit memo carries no KID (spec 11.1)."""
    if document.document_type != SalesDocumentType.INVOICE:
        return None
    account = format_bank_account_no(bank.bank_account_no) if bank and bank.bank_account_no else (
        bank.iban if bank else ""
    )
    kroner, ore = f"{document.amount_including_vat:.2f}".split(".")
    return Giro(
        account_no=account, kid=document.payment_reference, amount=document.amount_including_vat,
        kroner=kroner, ore=ore, amount_check_digit=mod10_check_digit(kroner + ore),
        due_date=document.due_date,
    )


def invoice_print_context(document: PostedSalesDocument) -> dict:
    setup = CompanySetup.get()
    bank = BankAccount.objects.filter(blocked=False).order_by("no").first()
    lines = lines_for_display(document.lines.select_related("gl_account").order_by("line_no"))
    return {
        "document": document,
        "lines": lines,
        "vat": document.amount_including_vat - document.amount,
        "company": setup,
        "bank": bank,
        "giro": giro_for(document, bank),
        "discount_amount": (document.cust_ledger_entry.original_pmt_disc_possible
                            if document.payment_discount_pct else ZERO),
    }


def render_invoice_html(document: PostedSalesDocument) -> str:
    return render_to_string("receivables/sales/posted_document_pdf.html", invoice_print_context(document))


def render_invoice_pdf(document: PostedSalesDocument) -> bytes:
    """The printed invoice or credit memo as PDF bytes (WeasyPrint, system fonts)."""
    # Imported here: WeasyPrint loads pango and fonts, which only printing needs.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # The HTML holds customer data; the renderer may fetch nothing but inline data: URIs.
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(string=render_to_string("receivables/sales/invoice_pdf.css"), url_fetcher=fetcher)
    html = HTML(string=render_invoice_html(document), url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet])



# ---------------------------------------------------------------------------- lists


def filter_documents(
    documents: QuerySet, *, customer: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet:
    """The list filters shared by unposted and posted documents: customer no. or name, posting dates."""
    if customer:
        documents = documents.filter(Q(customer__no__iexact=customer) | Q(customer__name__icontains=customer))
    if date_from:
        documents = documents.filter(posting_date__gte=date_from)
    if date_to:
        documents = documents.filter(posting_date__lte=date_to)
    return documents


def with_totals(headers: Iterable[SalesHeader]) -> list[SalesHeader]:
    """Headers with `.totals` set from their prefetched lines (lists show amounts without N+1)."""
    rows = list(headers)
    for header in rows:
        header.totals = totals(header.lines.all())
    return rows
