"""Forms of the Bank Account Reconciliation pages: the header, a statement line, and the request
pages of Suggest Lines, Match Automatically, Import Bank Statement and Transfer to General Journal."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from banking.bank_rec.transfer import general_journal_batches
from banking.models import BankAccReconciliation, BankAccReconciliationLine
from banking.payment_journal.forms import ImportStatementForm
from receivables.models import BankAccount, GenJournalBatch

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(label, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=20, decimal_places=2, localize=True, required=required,
                              help_text=help_text,
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-s num"}))


class NewReconciliationForm(forms.Form):
    bank_account = forms.ModelChoiceField(label=_("Bank Account No."),
                                          queryset=BankAccount.objects.filter(blocked=False))
    statement_no = forms.CharField(label=_("Statement No."), max_length=35, required=False,
                                   help_text=_("Blank: the bank account's last statement no. incremented."))
    statement_date = forms.DateField(label=_("Statement Date"), required=False, widget=DATE)
    balance_last_statement = money_field(_("Balance Last Statement"), required=False,
                                         help_text=_("Blank: the bank account card's balance last statement."))
    statement_ending_balance = money_field(_("Statement Ending Balance"), required=False)


class HeaderForm(forms.ModelForm):
    balance_last_statement = money_field(_("Balance Last Statement"))
    statement_ending_balance = money_field(_("Statement Ending Balance"))

    class Meta:
        model = BankAccReconciliation
        fields = ["statement_no", "statement_date", "balance_last_statement", "statement_ending_balance"]
        labels = {"statement_no": _("Statement No."), "statement_date": _("Statement Date")}
        widgets = {"statement_no": forms.TextInput(attrs={"class": "w-s"}), "statement_date": DATE}


class LineForm(forms.ModelForm):
    statement_amount = money_field(_("Statement Amount"))

    class Meta:
        model = BankAccReconciliationLine
        fields = ["type", "transaction_date", "value_date", "document_no", "check_no", "description",
                  "statement_amount", "related_party_name", "additional_transaction_info"]
        labels = {
            "type": _("Type"), "transaction_date": _("Transaction Date"), "value_date": _("Value Date"),
            "document_no": _("Document No."), "check_no": _("Check No."), "description": _("Description"),
            "related_party_name": _("Related-Party Name"),
            "additional_transaction_info": _("Additional Transaction Info"),
        }
        widgets = {
            "transaction_date": DATE, "value_date": DATE,
            "document_no": forms.TextInput(attrs={"class": "w-s"}), "check_no": forms.TextInput(attrs={"class": "w-s"}),
        }


class SuggestLinesForm(forms.Form):
    starting_date = forms.DateField(label=_("Starting Date"), required=False, widget=DATE)
    ending_date = forms.DateField(label=_("Ending Date"), required=False, widget=DATE)
    include_checks = forms.BooleanField(label=_("Include Checks"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("starting_date"), data.get("ending_date")
        if start and end and start > end:
            self.add_error("ending_date", _("The ending date must not be before the starting date."))
        return data


class MatchAutomaticallyForm(forms.Form):
    transaction_date_tolerance = forms.IntegerField(
        label=_("Transaction Date Tolerance (Days)"), min_value=0, max_value=366, required=False, initial=0,
        help_text=_("How many days the transaction date may differ from the posting date. 0: the same date."),
        widget=forms.NumberInput(attrs={"class": "w-xs"}),
    )


class ImportOntoReconciliationForm(ImportStatementForm):
    """Import Bank Statement's upload, for a worksheet whose bank account is known."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["bank_account"]
        del self.fields["dry_run"]


class TransferForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("Journal Batch"), queryset=GenJournalBatch.objects.none())
    lines = forms.ModelMultipleChoiceField(label=_("Statement lines"), queryset=BankAccReconciliationLine.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, lines=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = general_journal_batches()
        self.fields["lines"].queryset = BankAccReconciliationLine.objects.filter(pk__in=[line.pk for line in lines])
        self.fields["lines"].label_from_instance = _line_label
        if not self.is_bound:
            self.initial.setdefault("lines", [line.pk for line in lines])
            first = self.fields["batch"].queryset.first()
            if first is not None:
                self.initial.setdefault("batch", first.pk)


def _line_label(line: BankAccReconciliationLine) -> str:
    from django.utils.formats import date_format, number_format

    return "%s · %s · %s" % (date_format(line.transaction_date, "SHORT_DATE_FORMAT"),
                              line.description or line.transaction_text or "—",
                              number_format(line.statement_amount - line.applied_amount, 2, force_grouping=True))
