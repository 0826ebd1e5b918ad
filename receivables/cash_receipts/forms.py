from __future__ import annotations

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from receivables.models import AccountType, DocumentType, GenJournalLine

LINE_FIELDS = [
    "posting_date", "document_type", "document_no", "external_document_no", "account_type", "account_no",
    "description", "amount", "bal_account_type", "bal_account_no", "applies_to_doc_type", "applies_to_doc_no",
    "applies_to_id",
]
JOURNAL_DOCUMENT_TYPES = [
    ("", _("(blank)")), (DocumentType.PAYMENT, DocumentType.PAYMENT.label), (DocumentType.REFUND, DocumentType.REFUND.label),
]


class JournalLineForm(forms.ModelForm):
    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=2, localize=True, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-s num"}))

    class Meta:
        model = GenJournalLine
        fields = LINE_FIELDS
        widgets = {
            "posting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "document_no": forms.TextInput(attrs={"class": "w-s"}),
            "external_document_no": forms.TextInput(attrs={"class": "w-s"}),
            "account_no": forms.TextInput(attrs={"class": "w-s", "autocomplete": "off"}),
            "bal_account_no": forms.TextInput(attrs={"class": "w-s", "autocomplete": "off"}),
            "applies_to_doc_no": forms.TextInput(attrs={"class": "w-s"}),
            "applies_to_id": forms.TextInput(attrs={"class": "w-s"}),
            "description": forms.TextInput(attrs={"class": "w-m"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = JOURNAL_DOCUMENT_TYPES + [
            (DocumentType.INVOICE, DocumentType.INVOICE.label), (DocumentType.CREDIT_MEMO, DocumentType.CREDIT_MEMO.label)
        ]
        self.fields["document_no"].required = False
        self.fields["account_type"].choices = AccountType.choices
        self.fields["bal_account_type"].choices = [("", "")] + list(AccountType.choices)
        for name in ("account_no", "bal_account_no"):
            field_type = self["account_type" if name == "account_no" else "bal_account_type"].value() or "gl_account"
            self.fields[name].widget.attrs["data-lookup-url"] = f"/lookup/accounts/?type={field_type}&q="
            self.fields[name].widget.attrs["data-lookup-fill"] = "description" if name == "account_no" else ""

    def clean_amount(self):
        return self.cleaned_data.get("amount") or 0

    def clean(self):
        data = super().clean()
        if data.get("account_no") and not data.get("account_type"):
            self.add_error("account_type", _("Choose the account type."))
        return data

    def has_content(self) -> bool:
        """Whether the new-line row was typed into (its defaults alone do not make a line)."""
        amount = (self.data.get(self.add_prefix("amount")) or "").strip().strip("0.,-")
        return bool(self.data.get(self.add_prefix("account_no")) or amount)


JournalLineFormSet = modelformset_factory(GenJournalLine, form=JournalLineForm, extra=0, can_delete=True)
