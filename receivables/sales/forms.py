"""Forms of the Sales Invoice / Sales Credit Memo windows: header, lines grid and list filters."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from receivables.models import (
    Customer,
    PaymentTerms,
    SalesDocumentType,
    SalesHeader,
    SalesLine,
)
from receivables.sales.documents import (
    check_customer_can_be_invoiced,
    postable_gl_accounts,
)

CUSTOMER_NOT_FOUND = _("There is no customer with No. %(value)s.")
GL_ACCOUNT_NOT_FOUND = _(
    "There is no G/L account %(value)s that can be posted to directly. Choose a posting account."
)
QUANTITY_NOT_A_NUMBER = _("Quantity must be a number.")
UNIT_PRICE_NOT_A_NUMBER = _("Unit Price Excl. VAT must be a number.")
VAT_NOT_A_NUMBER = _("VAT % must be a number.")
VAT_OUT_OF_RANGE = _("VAT % must be between 0 and 100.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _trimmed(value: Decimal | None, places: int) -> Decimal | None:
    """Show 2.00000 as 2 (quantity) or 1500.00000 as 1500.00 (price), keeping real decimals."""
    if value is None:
        return None
    normalized = value.normalize()
    if -normalized.as_tuple().exponent < places:
        return value.quantize(Decimal(1).scaleb(-places))
    return normalized


class SalesHeaderForm(forms.ModelForm):
    customer = forms.ModelChoiceField(
        label=_("Customer No."),
        queryset=Customer.objects.all(),
        to_field_name="no",
        widget=forms.TextInput(attrs={"data-lookup-url": reverse_lazy("receivables:customer-lookup"),
                                      "class": "w-m", "autocomplete": "off"}),
        error_messages={"invalid_choice": CUSTOMER_NOT_FOUND},
    )
    payment_terms = forms.ModelChoiceField(
        label=_("Payment Terms Code"), queryset=PaymentTerms.objects.all(), required=False,
        help_text=_("Blank on a new document: the customer's payment terms."),
    )

    class Meta:
        model = SalesHeader
        fields = [
            "customer", "posting_date", "document_date", "payment_terms", "due_date",
            "external_document_no", "applies_to_doc_no",
        ]
        labels = {
            "posting_date": _("Posting Date"),
            "document_date": _("Document Date"),
            "due_date": _("Due Date"),
            "external_document_no": _("External Document No."),
            "applies_to_doc_no": _("Applies-to Doc. No."),
        }
        help_texts = {"due_date": _("Leave blank to calculate it from the payment terms and the document date.")}
        widgets = {"posting_date": DateInput(), "document_date": DateInput(), "due_date": DateInput()}

    def __init__(self, *args, document_type: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.document_type = document_type
        if self.instance.pk:
            self.initial["customer"] = self.instance.customer.no
            self.fields["payment_terms"].help_text = ""
            self.fields["payment_terms"].empty_label = _("(none)")
        else:
            # NAV's work date: a new document is dated today until the user says otherwise.
            today = timezone.localdate()
            for name in ("posting_date", "document_date"):
                self.initial[name] = self.initial.get(name) or today
            self.fields["payment_terms"].empty_label = _("(the customer's)")
        if document_type != SalesDocumentType.CREDIT_MEMO:
            del self.fields["applies_to_doc_no"]

    def clean(self):
        cleaned = super().clean()
        customer = cleaned.get("customer")
        if customer is not None:
            try:
                check_customer_can_be_invoiced(customer, self.document_type)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class SalesLineForm(forms.ModelForm):
    gl_account = forms.ModelChoiceField(
        label=_("G/L Account No."),
        queryset=postable_gl_accounts(),
        to_field_name="no",
        widget=forms.TextInput(attrs={"data-lookup-url": reverse_lazy("receivables:gl-account-lookup"),
                                      "data-lookup-fill": "description", "autocomplete": "off"}),
        error_messages={"invalid_choice": GL_ACCOUNT_NOT_FOUND},
    )
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=18, decimal_places=5, initial=Decimal("1"), localize=True,
        error_messages={"invalid": QUANTITY_NOT_A_NUMBER, "required": QUANTITY_NOT_A_NUMBER},
    )
    unit_price = forms.DecimalField(
        label=_("Unit Price Excl. VAT"), max_digits=20, decimal_places=5, initial=Decimal("0"), localize=True,
        error_messages={"invalid": UNIT_PRICE_NOT_A_NUMBER, "required": UNIT_PRICE_NOT_A_NUMBER},
    )
    vat_pct = forms.DecimalField(
        label=_("VAT %"), max_digits=6, decimal_places=3, initial=Decimal("25"), localize=True,
        error_messages={"invalid": VAT_NOT_A_NUMBER, "required": VAT_NOT_A_NUMBER},
    )

    class Meta:
        model = SalesLine
        fields = ["gl_account", "description", "quantity", "unit_price", "vat_pct"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["gl_account"] = self.instance.gl_account.no
            self.initial["quantity"] = _trimmed(self.instance.quantity, 0)
            self.initial["unit_price"] = _trimmed(self.instance.unit_price, 2)
            self.initial["vat_pct"] = _trimmed(self.instance.vat_pct, 0)
        for field in self.fields.values():
            # The grid has column headers, not labels: each field names itself to screen readers.
            field.widget.attrs.setdefault("aria-label", str(field.label))
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.setdefault("inputmode", "decimal")

    def clean_vat_pct(self) -> Decimal:
        # Not min_value/max_value: their messages are %-formatted, and this one has a literal '%'.
        vat_pct = self.cleaned_data["vat_pct"]
        if not 0 <= vat_pct <= 100:
            raise ValidationError(VAT_OUT_OF_RANGE, code="vat_out_of_range")
        return vat_pct


class BaseSalesLineFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Delete")
            form.fields["DELETE"].widget.attrs["aria-label"] = str(_("Delete line"))


SalesLineFormSet = forms.inlineformset_factory(
    SalesHeader, SalesLine, form=SalesLineForm, formset=BaseSalesLineFormSet, extra=1, can_delete=True,
)


def line_formset(header: SalesHeader, data=None) -> forms.BaseInlineFormSet:
    return SalesLineFormSet(
        data, instance=header, prefix="lines",
        queryset=header.lines.select_related("gl_account").order_by("line_no"),
    )


class DocumentFilterForm(forms.Form):
    """The filter bar of the document lists (a GET form: a filtered list is a URL)."""

    customer = forms.CharField(
        label=_("Customer"), required=False,
        widget=forms.TextInput(attrs={"data-lookup-url": reverse_lazy("receivables:customer-lookup"),
                                      "placeholder": _("Customer no. or name"), "autocomplete": "off",
                                      "data-shortcut": "filter"}),
    )
    date_from = forms.DateField(
        label=_("Posting date from"), required=False, widget=DateInput(attrs={"title": _("Posting date from")})
    )
    date_to = forms.DateField(
        label=_("Posting date to"), required=False, widget=DateInput(attrs={"title": _("Posting date to")})
    )

    def filters(self) -> dict:
        """The valid filters; a bad date is ignored (and shown with its error) rather than failing the list."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}
