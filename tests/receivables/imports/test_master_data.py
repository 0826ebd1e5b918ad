from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from banking.models import BalSourceType, TextToAccountMapping
from receivables.models import (
    BankAccount,
    Currency,
    Customer,
    CustomerBankAccount,
    CustomerPostingGroup,
    GLAccount,
    Vendor,
    VendorBankAccount,
)
from receivables.posting import post
from tests.posting_helpers import payment_line

CUSTOMER_HEADER = (
    "no,name,org_no,iban,bank_account_no,email,country_code,currency_code,payment_terms_code,customer_posting_group\n"
)


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_master_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[CommandError, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_master_data", *args, stdout=out, stderr=err)
    return error.value, out.getvalue(), err.getvalue()


class CustomerImportTests:
    def test_it_creates_customers_with_their_main_bank_account(self, tmp_path, company):
        path = write(tmp_path, "customers.csv", CUSTOMER_HEADER
                     + "K1,Ålesund Fisk AS,923609016,NO93 8601 1117 947,,post@fisk.no,no,,2%8D30D,\n"
                     + "K2,Bergen Bygg AS,,,8601.11.17947,,,NOK,,DOMESTIC\n", bom=True)
        out, err = run("customers", str(path), "--json")
        assert json.loads(out) == {"imported": 2, "created": 2, "updated": 0}
        assert err == "Imported 2 customers from customers.csv: 2 new, 0 updated.\n"
        first = Customer.objects.get(no="K1")
        assert (first.name, first.org_no, first.email, first.country_code) == (
            "Ålesund Fisk AS", "923609016", "post@fisk.no", "NO"
        )
        assert first.payment_terms.code == "2%8D30D" and first.currency is None
        assert first.posting_group.code == "DOMESTIC"
        bank = CustomerBankAccount.objects.get(customer=first)
        assert (bank.code, bank.iban, bank.iban_normalized, bank.bank_account_no) == (
            "MAIN", "NO93 8601 1117 947", "NO9386011117947", ""
        )
        second = CustomerBankAccount.objects.get(customer__no="K2")
        assert (second.bank_account_no, second.bank_account_digits) == ("8601.11.17947", "86011117947")
        assert Customer.objects.get(no="K2").payment_terms is None

    def test_an_existing_number_is_updated_not_duplicated(self, tmp_path, fjord):
        CustomerBankAccount.objects.create(customer=fjord, code="MAIN", iban="NO9386011117947")
        CustomerBankAccount.objects.create(customer=fjord, code="OTHER", bank_account_no="86011117947")
        path = write(tmp_path, "customers.csv", "no,name,iban,payment_terms_code\n"
                     "C10000,Fjord Handel ASA,SE4550000000058398257466,14D\n")
        out, _err = run("customers", str(path), "--json")
        assert json.loads(out) == {"imported": 1, "created": 0, "updated": 1}
        fjord.refresh_from_db()
        assert Customer.objects.count() == 1
        assert (fjord.name, fjord.payment_terms.code, fjord.posting_group.code) == ("Fjord Handel ASA", "14D", "DOMESTIC")
        main = fjord.bank_accounts.get(code="MAIN")
        assert (main.iban, main.iban_normalized) == ("SE4550000000058398257466", "SE4550000000058398257466")
        assert fjord.bank_accounts.count() == 2

    def test_columns_left_out_are_kept_and_empty_columns_take_the_default(self, tmp_path, fjord):
        fjord.email = "old@fjord.no"
        fjord.currency = Currency.objects.create(code="EUR")
        fjord.save()
        path = write(tmp_path, "customers.csv", "no,name,currency_code\nC10000,Fjord Handel AS,\n")
        run("customers", str(path))
        fjord.refresh_from_db()
        assert fjord.email == "old@fjord.no"
        assert fjord.currency is None
        assert fjord.payment_terms.code == "2%8D30D"

    def test_it_rejects_the_whole_file_and_names_every_bad_row(self, tmp_path, company):
        path = write(tmp_path, "customers.csv", CUSTOMER_HEADER
                     + "K1,Good AS,,,,,,,,\n"
                     + "K2,Bad Iban AS,,NO9386011117948,,,,,,\n"
                     + "K3,Bad Org AS,923609017,,86011117948,not-an-email,NOR,XYZ,60D,EXPORT\n"
                     + "K1,Twice AS,,,,,,,,\n"
                     + ",,,,,,SE,,,\n"
                     + "K5,Short\n")
        error, out, err = run_failing("customers", str(path))
        assert str(error) == "customers.csv: 5 bad rows; nothing was imported."
        assert err.splitlines() == [
            "customers.csv, line 3, field iban: 'NO9386011117948' is not a valid IBAN: the check digits '93' do not match.",
            "customers.csv, line 4, field org_no: '923609017' is not a valid organisation number: the check digit "
            "(MOD11) does not match.",
            "customers.csv, line 4, field email: Enter a valid email address.",
            "customers.csv, line 4, field country_code: 'NOR' is not a country code: use two letters, such as NO or SE.",
            "customers.csv, line 4, field currency_code: There is no currency XYZ.",
            "customers.csv, line 4, field payment_terms_code: There is no payment terms 60D.",
            "customers.csv, line 4, field customer_posting_group: There is no customer posting group EXPORT.",
            "customers.csv, line 4, field bank_account_no: '86011117948' is not a valid Norwegian account number: the "
            "check digit (MOD11) does not match.",
            "customers.csv, line 5, field no: K1 appears more than once in the file (first on line 2).",
            "customers.csv, line 6, field no: This field cannot be blank.",
            "customers.csv, line 6, field name: This field cannot be blank.",
            "customers.csv, line 7: The row has 2 values; the header has 10.",
        ]
        assert out == ""
        assert not Customer.objects.exists()

    def test_a_row_with_the_wrong_number_of_values_is_reported_before_anything_else(self, tmp_path, company):
        path = write(tmp_path, "customers.csv", "no,name\nK1,One AS\nK2\n\nK3,Three AS,extra\n")
        error, _out, err = run_failing("customers", str(path))
        assert err.splitlines() == [
            "customers.csv, line 3: The row has 1 values; the header has 2.",
            "customers.csv, line 5: The row has 3 values; the header has 2.",
        ]
        assert str(error) == "customers.csv: 2 bad rows; nothing was imported."
        assert not Customer.objects.exists()

    def test_the_posting_group_is_required_when_there_are_several(self, tmp_path, company):
        CustomerPostingGroup.objects.create(code="FOREIGN", receivables_account=GLAccount.objects.get(no="1500"))
        path = write(tmp_path, "customers.csv", "no,name,customer_posting_group\nK1,One AS,\nK2,Two AS,FOREIGN\n")
        _error, out, err = run_failing("customers", str(path), "--json")
        assert err == (
            "customers.csv, line 2, field customer_posting_group: There is more than one customer posting group: "
            "name one (DOMESTIC, FOREIGN).\n"
        )
        assert json.loads(out) == {
            "imported": 0, "created": 0, "updated": 0,
            "errors": [{"file": "customers.csv", "line": 2, "field": "customer_posting_group",
                        "message": "There is more than one customer posting group: name one (DOMESTIC, FOREIGN)."}],
        }
        assert not Customer.objects.exists()

    def test_dry_run_checks_and_writes_nothing(self, tmp_path, company):
        path = write(tmp_path, "customers.csv", "no,name\nK1,One AS\n")
        out, err = run("customers", str(path), "--dry-run", "--json")
        assert json.loads(out) == {"imported": 1, "created": 1, "updated": 0, "dry_run": True}
        assert err == "Checked 1 customers from customers.csv: 1 new, 0 updated.\n"
        assert not Customer.objects.exists()

    def test_it_refuses_a_file_that_is_not_utf8(self, tmp_path, company):
        path = tmp_path / "customers.csv"
        path.write_bytes("no,name\nK1,Ålesund AS\n".encode("cp1252"))
        _error, _out, err = run_failing("customers", str(path))
        assert err == (
            "customers.csv, line 2: The file is not UTF-8 text (the byte at position 12 cannot be read). Save it as "
            "\"CSV UTF-8\" and import it again.\n"
        )

    def test_it_refuses_unknown_and_missing_columns(self, tmp_path, company):
        path = write(tmp_path, "customers.csv", "name,e-mail\nOne AS,x@y.no\n")
        _error, _out, err = run_failing("customers", str(path))
        assert err.splitlines() == [
            "customers.csv, line 1, field e-mail: Unknown column. The columns are: no, name, org_no, iban, "
            "bank_account_no, email, country_code, currency_code, payment_terms_code, customer_posting_group.",
            "customers.csv, line 1, field no: The header has no column no.",
        ]

    def test_it_reads_semicolon_separated_files(self, tmp_path, company):
        path = write(tmp_path, "customers.csv", "no;name;email\nK1;\"Fisk; Sjø AS\";a@b.no\n")
        run("customers", str(path))
        assert Customer.objects.get(no="K1").name == "Fisk; Sjø AS"

    def test_a_missing_file_is_a_clear_error(self, tmp_path, company):
        with pytest.raises(CommandError, match=r"Cannot read .*nope.csv: No such file or directory"):
            run("customers", str(tmp_path / "nope.csv"))


class VendorImportTests:
    def test_it_creates_and_updates_vendors(self, tmp_path, company):
        path = write(tmp_path, "vendors.csv", "no,name,bank_account_no,vendor_posting_group,payment_terms_code\n"
                     "L1,Kontor AS,86011117947,DOMESTIC,30D\nL2,Papir AS,,,\n")
        out, _err = run("vendors", str(path), "--json")
        assert json.loads(out) == {"imported": 2, "created": 2, "updated": 0}
        path = write(tmp_path, "vendors.csv", "no,name,iban\nL1,Kontor og Papir AS,NO9386011117947\n")
        out, _err = run("vendors", str(path), "--json")
        assert json.loads(out) == {"imported": 1, "created": 0, "updated": 1}
        vendor = Vendor.objects.get(no="L1")
        assert vendor.name == "Kontor og Papir AS" and vendor.payment_terms.code == "30D"
        account = VendorBankAccount.objects.get(vendor=vendor, code="MAIN")
        assert (account.iban_normalized, account.bank_account_digits) == ("NO9386011117947", "86011117947")
        assert Vendor.objects.count() == 2

    def test_it_uses_the_vendor_posting_group_column(self, tmp_path, company):
        path = write(tmp_path, "vendors.csv", "no,name,customer_posting_group\nL1,Kontor AS,DOMESTIC\n")
        _error, _out, err = run_failing("vendors", str(path))
        assert err.startswith("vendors.csv, line 1, field customer_posting_group: Unknown column.")


class BankAccountImportTests:
    def test_it_needs_a_posting_group_when_there_are_several(self, tmp_path, company):
        path = write(tmp_path, "banks.csv", "no,name,iban,bank_account_no,currency_code,bank_account_posting_group\n"
                     "B1,Driftskonto,NO9386011117947,,,\nB2,Valuta,,,EUR,BANK2\n")
        _error, _out, err = run_failing("bank_accounts", str(path))
        assert err.splitlines() == [
            "banks.csv, line 2, field bank_account_posting_group: There is more than one bank account posting group: "
            "name one (BANK, BANK2).",
            "banks.csv, line 3, field currency_code: There is no currency EUR.",
        ]
        assert BankAccount.objects.count() == 1  # the company fixture's NBANK

    def test_it_creates_and_updates_bank_accounts(self, tmp_path, company):
        Currency.objects.create(code="EUR")
        path = write(tmp_path, "banks.csv", "no,name,iban,currency_code,bank_account_posting_group\n"
                     "B1,Driftskonto,NO9386011117947,,BANK\nB2,Valuta,,EUR,BANK2\nNBANK,Nordbank ASA,,,\n")
        out, _err = run("bank_accounts", str(path), "--json")
        assert json.loads(out) == {"imported": 3, "created": 2, "updated": 1}
        assert BankAccount.objects.get(no="B2").currency.code == "EUR"
        nbank = BankAccount.objects.get(no="NBANK")
        assert (nbank.name, nbank.posting_group.code, nbank.bank_account_no) == ("Nordbank ASA", "BANK", "15031234567")

    def test_the_currency_of_a_bank_account_with_entries_cannot_change(self, tmp_path, fjord, ledger_ok):
        Currency.objects.create(code="EUR")
        post([payment_line(fjord, "PAY-1", "-100.00", date(2026, 1, 5))])
        path = write(tmp_path, "banks.csv", "no,name,currency_code\nNBANK,Nordbank,EUR\n")
        _error, _out, err = run_failing("bank_accounts", str(path))
        assert err == (
            "banks.csv, line 2, field currency_code: Bank account NBANK has ledger entries in NOK; its currency "
            "cannot change to EUR.\n"
        )
        ledger_ok()


class TextToAccountMappingImportTests:
    HEADER = "mapping_text,debit_acc_no,credit_acc_no,bal_source_type,bal_source_no\n"

    def test_it_creates_and_updates_mappings(self, tmp_path, fjord):
        TextToAccountMapping.objects.create(mapping_text="Gebyr", debit_acc_no="7770")
        path = write(tmp_path, "mappings.csv", self.HEADER
                     + "Gebyr,7770,3095,,\nRenter,8150,8050,gl_account,\nFjord Handel,,,customer,C10000\n"
                     + "Nordbank,,,bank_account,NBANK\n")
        out, _err = run("text_to_account_mappings", str(path), "--json")
        assert json.loads(out) == {"imported": 4, "created": 3, "updated": 1}
        fee = TextToAccountMapping.objects.get(mapping_text="Gebyr")
        assert (fee.debit_acc_no, fee.credit_acc_no, fee.bal_source_type) == ("7770", "3095", BalSourceType.GL_ACCOUNT)
        customer = TextToAccountMapping.objects.get(mapping_text="Fjord Handel")
        assert (customer.bal_source_type, customer.bal_source_no) == (BalSourceType.CUSTOMER, "C10000")

    def test_it_checks_the_accounts(self, tmp_path, company):
        path = write(tmp_path, "mappings.csv", self.HEADER
                     + "Gebyr,9999,,,\nTomt,,,gl_account,\nKunde,,,customer,C404\nLev,,,vendor,\n"
                     + "Feil,,,employee,E1\nKonto,7770,,gl_account,1920\n")
        _error, _out, err = run_failing("text_to_account_mappings", str(path))
        assert err.splitlines() == [
            "mappings.csv, line 2, field debit_acc_no: G/L account 9999 does not exist.",
            "mappings.csv, line 3, field debit_acc_no: A mapping to a G/L account needs a debit acc. no. or a credit "
            "acc. no.",
            "mappings.csv, line 4, field bal_source_no: Customer C404 does not exist.",
            "mappings.csv, line 5, field bal_source_no: This value is required.",
            "mappings.csv, line 6, field bal_source_type: 'employee' is not one of: gl_account, customer, vendor, "
            "bank_account.",
            "mappings.csv, line 7, field bal_source_no: Bal. source no. is used with a customer, vendor or bank "
            "account; leave it empty for a G/L account.",
        ]
        assert not TextToAccountMapping.objects.exists()
