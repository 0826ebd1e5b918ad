"""The admin for master data: what the Master data group can do, and validation it gets."""
from __future__ import annotations

from django.urls import reverse

from receivables.models import Customer, CustomerPostingGroup, PaymentTerms


def customer_form(**overrides) -> dict:
    data = {
        "no": "C20000", "name": "Ny Kunde AS", "name_2": "", "org_no": "", "blocked": "", "address": "",
        "address_2": "", "post_code": "", "city": "", "country_code": "NO", "email": "", "phone_no": "",
        "language_code": "", "posting_group": CustomerPostingGroup.objects.get(code="DOMESTIC").pk,
        "currency": "", "credit_limit": "0", "payment_terms": "", "payment_method": "", "application_method": "manual",
        "reminder_terms_code": "", "fin_charge_terms_code": "",
        "bank_accounts-TOTAL_FORMS": "1", "bank_accounts-INITIAL_FORMS": "0",
        "bank_accounts-0-code": "MAIN", "bank_accounts-0-name": "", "bank_accounts-0-bank_account_no": "",
        "bank_accounts-0-iban": "", "bank_accounts-0-swift_code": "",
    }
    data.update(overrides)
    return data


class MasterDataAdminTests:
    def test_master_data_user_creates_a_customer_with_bank_account(self, client, master_data_user, company):
        client.force_login(master_data_user)
        response = client.post(
            reverse("admin:receivables_customer_add"),
            customer_form(**{"bank_accounts-0-bank_account_no": "8601.11.17947", "bank_accounts-0-iban": "NO93 8601 1117 947"}),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        customer = Customer.objects.get(no="C20000")
        account = customer.bank_accounts.get()
        assert account.bank_account_digits == "86011117947" and account.iban_normalized == "NO9386011117947"

    def test_it_refuses_a_bad_iban_and_account_no(self, client, master_data_user, company):
        client.force_login(master_data_user)
        response = client.post(
            reverse("admin:receivables_customer_add"),
            customer_form(**{"bank_accounts-0-bank_account_no": "8601.11.17948", "bank_accounts-0-iban": "NO93 8601 1117 948"}),
        )
        assert response.status_code == 200
        errors = str(response.context["inline_admin_formsets"][0].formset.errors)
        assert "check digit" in errors
        assert not Customer.objects.filter(no="C20000").exists()

    def test_customer_no_is_unique(self, client, master_data_user, fjord):
        client.force_login(master_data_user)
        response = client.post(reverse("admin:receivables_customer_add"), customer_form(no="C10000"))
        assert response.status_code == 200
        assert "already exists" in str(response.context["adminform"].form.errors)

    def test_a_bad_date_formula_is_refused_with_the_reason(self, client, master_data_user, company):
        client.force_login(master_data_user)
        response = client.post(
            reverse("admin:receivables_paymentterms_add"),
            {"code": "BAD", "description": "", "due_date_calculation": "3X", "discount_date_calculation": "",
             "discount_pct": "0"},
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["due_date_calculation"] == [
            "'3X' is not a valid date formula: unknown unit 'X' at position 2"
        ]
        assert not PaymentTerms.objects.filter(code="BAD").exists()

    def test_posted_entries_are_read_only(self, client, master_data_user, fjord):
        from datetime import date

        from tests.posting_helpers import post_invoice

        entry = post_invoice(fjord, "INV-1", "10.00", date(2026, 1, 1))
        client.force_login(master_data_user)
        url = reverse("admin:receivables_custledgerentry_change", args=[entry.pk])
        assert client.post(url, {"amount": "999"}).status_code == 403

    def test_an_accountant_cannot_edit_master_data(self, client, accountant, company):
        accountant.is_staff = True
        accountant.save()
        client.force_login(accountant)
        assert client.get(reverse("admin:receivables_customer_add")).status_code == 403
