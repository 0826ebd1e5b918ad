"""The bulk write helpers store exactly what the ORM would, and hand out keys that are never reused."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from receivables.lib.bulk import (
    insert_objects,
    insert_rows,
    new_row,
    reserve_keys,
    update_rows,
)
from receivables.models import (
    AccountType,
    DocumentType,
    GenJournalLine,
    GLAccount,
    GLEntry,
    GLRegister,
)

pytestmark = pytest.mark.django_db


def _entry_fields(account: GLAccount, register: GLRegister) -> dict:
    return dict(
        gl_account=account, register=register, posting_date=date(2026, 1, 5), document_no="D1",
        document_type=DocumentType.PAYMENT, description="Bulk", amount=Decimal("-12.35"),
        credit_amount=Decimal("12.35"), transaction_no=7, bal_account_type=AccountType.BANK_ACCOUNT,
        bal_account_no="NBANK",
    )


class NewRowTests:
    def test_it_builds_what_the_constructor_builds(self, company) -> None:
        account = GLAccount.objects.get(no="1920")
        register = GLRegister.objects.create(source_code="TEST")
        fields = _entry_fields(account, register)
        fast, slow = new_row(GLEntry, **fields), GLEntry(**fields)
        assert model_to_dict(fast) == model_to_dict(slow)
        assert fast._state.adding and fast.pk is None
        assert fast.gl_account is account  # the related object is cached as with the constructor
        assert fast.gl_account_id == account.pk and fast.register_id == register.pk
        assert new_row(GLEntry, gl_account=None).gl_account_id is None

    def test_defaults_are_not_shared_between_rows(self, company) -> None:
        first, second = new_row(GenJournalLine), new_row(GenJournalLine)
        first.description = "changed"
        assert second.description == GenJournalLine().description

    def test_callable_defaults_give_each_row_its_own_value(self, company) -> None:
        from banking.models import MatchDecision

        first, second = new_row(MatchDecision), new_row(MatchDecision)
        first.candidates.append({"entry_no": 1})
        assert second.candidates == [] and first.candidates is not second.candidates


class InsertTests:
    def test_rows_with_reserved_keys_are_stored_as_the_orm_stores_them(self, company) -> None:
        account = GLAccount.objects.get(no="1920")
        register = GLRegister.objects.create(source_code="TEST")
        earlier = GLEntry.objects.create(**_entry_fields(account, register))
        rows = [new_row(GLEntry, **_entry_fields(account, register)) for _ in range(3)]
        keys = reserve_keys(GLEntry, 3)
        assert keys == [earlier.pk + 1, earlier.pk + 2, earlier.pk + 3]
        for row, key in zip(rows, keys):
            row.pk = key
        assert insert_objects(GLEntry, rows) == 3
        assert not rows[0]._state.adding
        stored = GLEntry.objects.get(pk=keys[0])
        assert model_to_dict(stored, exclude=["entry_no"]) == model_to_dict(earlier, exclude=["entry_no"])
        assert stored.amount == Decimal("-12.35") and stored.posting_date == date(2026, 1, 5)

    def test_keys_never_go_below_a_key_given_before(self, company) -> None:
        account = GLAccount.objects.get(no="1920")
        register = GLRegister.objects.create(source_code="TEST")
        last = GLEntry.objects.create(**_entry_fields(account, register))
        # A row that was taken back (a rolled-back test, a deleted draft) keeps its number used.
        GLEntry.objects.filter(pk=last.pk)._raw_delete(GLEntry.objects.db)
        assert reserve_keys(GLEntry, 1)[0] > last.pk

    def test_an_unsaved_related_row_is_refused(self, company) -> None:
        account = GLAccount(no="9999", name="Not saved")
        row = new_row(GLEntry, **_entry_fields(account, GLRegister.objects.create(source_code="TEST")))
        with pytest.raises(ValueError, match="not saved"):
            insert_objects(GLEntry, [row])

    def test_insert_rows_and_update_rows_round_trip(self, company) -> None:
        account = GLAccount.objects.get(no="1920")
        register = GLRegister.objects.create(source_code="TEST")
        fields = _entry_fields(account, register)
        columns = ["gl_account", "register", "posting_date", "document_no", "amount", "debit_amount", "transaction_no"]
        values = [account.pk, register.pk, fields["posting_date"], "R1", Decimal("1.10"), Decimal("1.10"), 3]
        assert insert_rows(GLEntry, columns, [values, values]) == 2
        rows = list(GLEntry.objects.filter(document_no="R1"))
        assert [r.amount for r in rows] == [Decimal("1.10")] * 2
        for row in rows:
            row.description = "updated"
            row.amount = row.debit_amount = Decimal("2.20")
        update_rows(GLEntry, rows, ["description", "amount", "debit_amount"])
        assert set(GLEntry.objects.filter(document_no="R1").values_list("description", "amount")) == {
            ("updated", Decimal("2.20"))
        }


class AwkwardTextTests:
    def test_text_with_tabs_newlines_backslashes_and_quotes_is_stored_as_given(self, company) -> None:
        account = GLAccount.objects.get(no="1920")
        register = GLRegister.objects.create(source_code="TEST")
        text = "Tab\there\nnew line \\N back\\slash 'quote' \"dq\" æøå €"
        row = new_row(GLEntry, **{**_entry_fields(account, register), "description": text, "document_no": "AW1"})
        insert_objects(GLEntry, [row])
        assert GLEntry.objects.get(document_no="AW1").description == text


class ReadValuesTests:
    def test_it_reads_what_the_orm_reads(self, company, fjord) -> None:
        from receivables.lib.bulk import read_values
        from receivables.models import CustLedgerEntry
        from tests.posting_helpers import post_invoice, post_payment

        post_invoice(fjord, "INV-1", "1234.57", date(2026, 1, 5))
        post_payment(fjord, "PAY-1", "-0.10", date(2026, 1, 6))
        query = CustLedgerEntry.objects.values_list(
            "customer__no", "entry_no", "document_no", "posting_date", "due_date", "pmt_discount_date",
            "remaining_amount", "open", "on_hold",
        ).order_by("entry_no")
        fast, orm = list(read_values(query, chunk=1)), list(query)
        assert fast == orm
        assert [str(row[6]) for row in fast] == [str(row[6]) for row in orm]  # same exponent, not only equal

    def test_it_reads_amounts_exactly_as_the_orm_reads_them(self, company) -> None:
        """Every kind of amount SQLite may hand back (REAL, INTEGER; small, negative, 13 digits and
        beyond, where the short cut gives way to Django's own conversion) reads to the same Decimal."""
        from receivables.lib.bulk import read_values

        account = GLAccount.objects.get(no="1920")
        register = GLRegister.objects.create(source_code="TEST")
        amounts = ["0.00", "0.01", "-0.01", "0.10", "100.00", "-100.00", "12.35", "1234.57", "-98765.43",
                   "0.29", "1.15", "2.675", "999999999.99", "-4503599627370.49", "9999999999999.99",
                   "123456789012345.67", "-99999999999999.99"]
        amounts += [f"{n / 100:.2f}" for n in range(-2000, 2000, 7)]
        rows = []
        for amount in map(Decimal, amounts):
            amount = amount.quantize(Decimal("0.01"))  # as a posting stores it
            rows.append(new_row(GLEntry, **{**_entry_fields(account, register), "amount": amount,
                                            "debit_amount": max(amount, 0), "credit_amount": max(-amount, 0)}))
        insert_objects(GLEntry, rows)
        query = GLEntry.objects.filter(register=register).values_list("pk", "amount", "debit_amount").order_by("pk")
        fast, orm = list(read_values(query, chunk=50)), list(query)
        assert fast == orm
        assert [str(row[1]) for row in fast] == [str(row[1]) for row in orm]


class ConverterTests:
    def test_datetimes_and_json_are_converted_as_the_orm_converts_them(self) -> None:
        from datetime import UTC, datetime, timedelta, timezone

        from django.db import connection

        from banking.models import MatchDecision
        from receivables.lib.bulk import db_converter

        stamp = MatchDecision._meta.get_field("created_at")
        convert = db_converter(stamp, connection)
        for value in (datetime(2026, 3, 1, 12, 30, tzinfo=UTC), datetime(2026, 3, 1, 23, 59,
                      tzinfo=timezone(timedelta(hours=2))), None):
            assert convert(value) == stamp.get_db_prep_save(value, connection)
        with pytest.warns(RuntimeWarning):  # a naive datetime takes Django's path, warning included
            convert(datetime(2026, 3, 1, 12, 30))
        reasons = MatchDecision._meta.get_field("reasons")
        convert = db_converter(reasons, connection)
        def plain(value):  # psycopg wraps JSON in an object of its own, without equality
            return getattr(value, "obj", value)

        for value in ([{"code": "kid", "params": {"reference": "1234"}}], {"a": [1, "æ"]}, [], "text", None):
            assert plain(convert(value)) == plain(reasons.get_db_prep_save(value, connection))
