"""Reading the customer and vendor ledgers: filters, an entry's history, and Navigate."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from receivables.lib.listing import Column
from receivables.models import (
    BankAccountLedgerEntry,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    DetailedEntryType,
    DocumentType,
    GLEntry,
    PostedSalesDocument,
    VendorLedgerEntry,
)
from receivables.posting.parties import CUSTOMER, VENDOR, PartyKind

PARTIES = {"customer": CUSTOMER, "vendor": VENDOR}

YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class EntryFilterForm(forms.Form):
    party = forms.CharField(label=_("No."), required=False, max_length=20)
    open = forms.ChoiceField(label=_("Open"), choices=YES_NO, required=False)
    overdue = forms.ChoiceField(label=_("Overdue"), choices=YES_NO, required=False)
    document_type = forms.ChoiceField(
        label=_("Document Type"), choices=[("", _("All"))] + list(DocumentType.choices)[1:], required=False
    )
    document_no = forms.CharField(label=_("Document No."), required=False, max_length=35)
    date_from = forms.DateField(label=_("Posting date from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Posting date to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    amount_min = forms.DecimalField(label=_("Amount from"), required=False, decimal_places=2, max_digits=20)
    amount_max = forms.DecimalField(label=_("Amount to"), required=False, decimal_places=2, max_digits=20)
    entry = forms.IntegerField(label=_("Entry No."), required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def filter_entries(kind: PartyKind, data: dict, today: date) -> QuerySet:
    qs = kind.entry_model.objects.select_related(kind.party_field)
    if data.get("party"):
        qs = qs.filter(**{f"{kind.party_field}__no": data["party"]})
    if data.get("open") == "yes":
        qs = qs.filter(open=True)
    elif data.get("open") == "no":
        qs = qs.filter(open=False)
    if data.get("overdue") == "yes":
        qs = qs.filter(open=True, due_date__lt=today, positive=(kind is CUSTOMER))
    if data.get("document_type"):
        qs = qs.filter(document_type=data["document_type"])
    if data.get("document_no"):
        qs = qs.filter(document_no__icontains=data["document_no"])
    if data.get("date_from"):
        qs = qs.filter(posting_date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(posting_date__lte=data["date_to"])
    if data.get("amount_min") is not None:
        qs = qs.filter(amount__gte=data["amount_min"])
    if data.get("amount_max") is not None:
        qs = qs.filter(amount__lte=data["amount_max"])
    if data.get("entry"):
        qs = qs.filter(pk=data["entry"])
    return qs


def entry_columns(kind: PartyKind) -> list[Column]:
    return [
        Column("posting_date", _("Posting Date"), sort="posting_date"),
        Column("get_document_type_display", _("Document Type"), sort="document_type"),
        Column("document_no", _("Document No."), sort="document_no"),
        Column("external_document_no", _("External Document No.")),
        Column(f"{kind.party_field}.no", _("Customer No.") if kind is CUSTOMER else _("Vendor No."),
               sort=f"{kind.party_field}__no"),
        Column("description", _("Description")),
        Column("amount", _("Original Amount"), sort="amount", num=True),
        Column("remaining_amount", _("Remaining Amount"), sort="remaining_amount", num=True),
        Column("due_date", _("Due Date"), sort="due_date"),
        Column("pmt_discount_date", _("Pmt. Discount Date"), sort="pmt_discount_date"),
        Column("remaining_pmt_disc_possible", _("Remaining Pmt. Disc. Possible"), num=True),
        Column("open", _("Open"), sort="open"),
        Column("on_hold", _("On Hold")),
        Column("payment_reference", _("Payment Reference")),
        Column("entry_no", _("Entry No."), sort="entry_no", num=True),
    ]


def applied_entries(kind: PartyKind, entry) -> list:
    """The entries this one is applied to now (applications not unapplied), as NAV's Applied Entries."""
    details = kind.detail_model.objects.filter(
        **{f"{kind.entry_field}_id": entry.pk}, entry_type=DetailedEntryType.APPLICATION, unapplied=False,
        applied_entry__isnull=False,
    ).values_list("applied_entry_id", "amount", "posting_date")
    amounts: dict[int, tuple] = {}
    for applied_id, amount, posting_date in details:
        total, _day = amounts.get(applied_id, (0, posting_date))
        amounts[applied_id] = (total + amount, posting_date)
    entries = kind.entry_model.objects.filter(pk__in=amounts).exclude(pk=entry.pk).select_related(kind.party_field)
    # The amount applied is shown as a positive figure from either side, as NAV's Applied Entries does.
    return [(e, abs(amounts[e.pk][0]), amounts[e.pk][1]) for e in entries.order_by("entry_no") if amounts[e.pk][0]]


@dataclass
class NavigateResult:
    gl_entries: QuerySet
    cust_entries: QuerySet
    vendor_entries: QuerySet
    detailed_cust_entries: QuerySet
    bank_entries: QuerySet
    posted_documents: QuerySet

    def tables(self) -> list[tuple[str, object, list]]:
        """(key, label, rows) per table, rows read once (Navigate shows every row it counts)."""
        return [
            ("gl", _("G/L Entry"), list(self.gl_entries)),
            ("customer", _("Cust. Ledger Entry"), list(self.cust_entries)),
            ("detailed", _("Detailed Cust. Ledg. Entry"), list(self.detailed_cust_entries)),
            ("vendor", _("Vendor Ledger Entry"), list(self.vendor_entries)),
            ("bank", _("Bank Account Ledger Entry"), list(self.bank_entries)),
            ("document", _("Posted Sales Document"), list(self.posted_documents)),
        ]


def navigate(*, document_no: str = "", posting_date: date | None = None, transaction_no: int | None = None
             ) -> NavigateResult:
    """Everything posted with a document no. (and date), or in one transaction (NAV's Navigate)."""
    if transaction_no is not None:
        condition = Q(transaction_no=transaction_no)
        documents = PostedSalesDocument.objects.filter(cust_ledger_entry__transaction_no=transaction_no)
    else:
        condition = Q(document_no=document_no)
        if posting_date:
            condition &= Q(posting_date=posting_date)
        documents = PostedSalesDocument.objects.filter(no=document_no)
    return NavigateResult(
        gl_entries=GLEntry.objects.filter(condition).select_related("gl_account").order_by("entry_no"),
        cust_entries=CustLedgerEntry.objects.filter(condition).select_related("customer").order_by("entry_no"),
        vendor_entries=VendorLedgerEntry.objects.filter(condition).select_related("vendor").order_by("entry_no"),
        detailed_cust_entries=DetailedCustLedgEntry.objects.filter(condition).order_by("entry_no"),
        bank_entries=BankAccountLedgerEntry.objects.filter(condition).select_related("bank_account")
        .order_by("entry_no"),
        posted_documents=documents.order_by("no"),
    )
