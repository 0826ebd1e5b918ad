from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from banking.models import CsvStatementFormat
from receivables.models import BankAccount


class ImportStatementForm(forms.Form):
    bank_account = forms.ModelChoiceField(label=_("Bank Account"), queryset=BankAccount.objects.filter(blocked=False))
    file = forms.FileField(label=_("Statement file"),
                           help_text=_("OFX/QFX, CAMT.053/054, MT940 or a CSV export of your bank."))
    format = forms.ChoiceField(label=_("Format"), initial="auto")
    dry_run = forms.BooleanField(label=_("Check only (import nothing)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [
            ("auto", _("Recognise from the content")), ("ofx", "OFX/QFX"), ("camt", "ISO 20022 CAMT"),
            ("mt940", "SWIFT MT940"),
        ] + [(f"csv:{f.code}", _("CSV: %(name)s") % {"name": f.name}) for f in CsvStatementFormat.objects.all()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.STATEMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s bytes; statements larger than %(limit)s bytes are refused."),
                params={"size": upload.size, "limit": settings.STATEMENT_MAX_BYTES},
            )
        return upload
