"""The rules of unposted sales documents and posting them (spec 1.2 payment terms, 11.1 KID)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from receivables.lib.payment_reference import is_valid_kid, mod10_check_digit
from receivables.models import (
    Blocked,
    CompanySetup,
    CustLedgerEntry,
    GLAccount,
    NoSeries,
    PaymentTerms,
    PostedSalesDocument,
    SalesDocumentType,
    SalesHeader,
    SalesLine,
)
from receivables.posting import PostingError
from receivables.sales import documents
from tests.factories import CustomerFactory

INVOICE = SalesDocumentType.INVOICE
CREDIT_MEMO = SalesDocumentType.CREDIT_MEMO
JAN_15 = date(2026, 1, 15)


def new_document(customer, document_type=INVOICE, **fields):
    fields.setdefault("posting_date", JAN_15)
    fields.setdefault("document_date", JAN_15)
    return documents.create_document(document_type=document_type, customer=customer, **fields)


def line(description="Consulting", quantity="2", unit_price="1000.00", vat_pct="25", account="3000"):
    return SalesLine(
        description=description, gl_account=GLAccount.objects.get(no=account), quantity=Decimal(quantity),
        unit_price=Decimal(unit_price), vat_pct=Decimal(vat_pct),
    )


class CreateDocumentTests:
    def test_it_numbers_invoices_and_credit_memos_from_their_series(self, fjord):
        first = new_document(fjord)
        second = new_document(fjord)
        memo = new_document(fjord, CREDIT_MEMO)
        assert (first.no, second.no, memo.no) == ("SI-0001", "SI-0002", "SC-0001")
        assert NoSeries.objects.get(code="S-INV").last_no_used == "SI-0002"

    def test_it_takes_the_payment_terms_and_due_date_from_the_customer(self, fjord):
        header = new_document(fjord)
        header.refresh_from_db()
        assert header.payment_terms.code == "2%8D30D"
        assert header.due_date == date(2026, 2, 14)  # 30D from the document date

    def test_it_counts_the_due_date_from_the_document_date_not_the_posting_date(self, fjord):
        header = new_document(fjord, posting_date=date(2026, 1, 31), document_date=JAN_15)
        assert header.due_date == date(2026, 2, 14)

    def test_it_keeps_a_due_date_the_user_typed(self, fjord):
        assert new_document(fjord, due_date=date(2026, 3, 1)).due_date == date(2026, 3, 1)

    def test_a_credit_memo_is_due_on_its_document_date(self, fjord):
        assert new_document(fjord, CREDIT_MEMO).due_date == JAN_15

    def test_a_credit_memo_follows_the_terms_when_they_discount_credit_memos(self, fjord):
        PaymentTerms.objects.filter(code="2%8D30D").update(calc_pmt_disc_on_cr_memos=True)
        fjord.refresh_from_db()
        assert new_document(fjord, CREDIT_MEMO).due_date == date(2026, 2, 14)

    def test_applies_to_doc_no_is_kept_for_credit_memos_only(self, fjord):
        assert new_document(fjord, CREDIT_MEMO, applies_to_doc_no="103001").applies_to_doc_no == "103001"
        assert new_document(fjord, INVOICE, applies_to_doc_no="103001").applies_to_doc_no == ""

    @pytest.mark.parametrize("blocked", [Blocked.ALL, Blocked.INVOICE])
    def test_a_blocked_customer_cannot_be_invoiced(self, fjord, blocked):
        fjord.blocked = blocked
        fjord.save()
        with pytest.raises(ValidationError) as error:
            new_document(fjord)
        assert error.value.message_dict == {
            "customer": [f"You cannot invoice customer C10000: the customer is blocked with type "
                         f"{'All' if blocked == Blocked.ALL else 'Invoice'}."]
        }
        assert not SalesHeader.objects.exists()

    def test_a_customer_blocked_for_invoices_can_get_a_credit_memo(self, fjord):
        fjord.blocked = Blocked.INVOICE
        fjord.save()
        assert new_document(fjord, CREDIT_MEMO).pk

    def test_it_needs_a_number_series(self, fjord):
        CompanySetup.objects.update(invoice_nos=None)
        with pytest.raises(ValidationError) as error:
            new_document(fjord)
        assert "no number series for Invoice" in error.value.messages[0]


class UpdateDocumentTests:
    def test_it_recomputes_the_due_date_when_the_document_date_changes(self, fjord):
        header = new_document(fjord)
        header.document_date = date(2026, 2, 1)
        documents.update_document(header=header, changed=["document_date"])
        header.refresh_from_db()
        assert header.due_date == date(2026, 3, 3)

    def test_it_keeps_the_due_date_when_the_user_changed_it_too(self, fjord):
        header = new_document(fjord)
        header.document_date, header.due_date = date(2026, 2, 1), date(2026, 2, 10)
        documents.update_document(header=header, changed=["document_date", "due_date"])
        assert SalesHeader.objects.get(pk=header.pk).due_date == date(2026, 2, 10)

    def test_a_new_customer_brings_its_payment_terms(self, fjord):
        other = CustomerFactory(payment_terms=PaymentTerms.objects.get(code="14D"))
        header = new_document(fjord)
        header.customer = other
        documents.update_document(header=header, changed=["customer"])
        header.refresh_from_db()
        assert (header.payment_terms.code, header.due_date) == ("14D", date(2026, 1, 29))

    def test_a_blanked_due_date_is_calculated_again(self, fjord):
        header = new_document(fjord, due_date=date(2026, 5, 1))
        header.due_date = None
        documents.update_document(header=header, changed=["due_date"])
        assert SalesHeader.objects.get(pk=header.pk).due_date == date(2026, 2, 14)


class LinesAndTotalsTests:
    def test_new_lines_are_numbered_in_steps_of_10000(self, fjord):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line(), line("Travel")])
        documents.save_lines(header=header, lines=[line("Hotel")])
        assert list(header.lines.values_list("line_no", "description")) == [
            (10000, "Consulting"), (20000, "Travel"), (30000, "Hotel")
        ]

    def test_a_line_without_description_gets_the_account_name(self, fjord):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line(description="")])
        assert header.lines.get().description == "Salgsinntekt, avgiftspliktig"

    def test_it_deletes_lines_marked_for_deletion(self, fjord):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line(), line("Travel")])
        first = header.lines.get(line_no=10000)
        documents.save_lines(header=header, lines=[], deleted=[first])
        assert list(header.lines.values_list("description", flat=True)) == ["Travel"]

    def test_totals_round_per_line_like_posting(self):
        lines = [
            SalesLine(quantity=Decimal("3"), unit_price=Decimal("0.335"), vat_pct=Decimal("25")),
            SalesLine(quantity=Decimal("1"), unit_price=Decimal("100"), vat_pct=Decimal("15")),
        ]
        totals = documents.totals(lines)
        # 3 x 0.335 = 1.005 -> 1.01, VAT 0.2525 -> 0.25; 100 + 15 VAT
        assert totals == documents.Totals(Decimal("101.01"), Decimal("15.25"), Decimal("116.26"))

    def test_totals_of_no_lines_are_zero(self):
        assert documents.totals([]) == documents.Totals(Decimal("0"), Decimal("0"), Decimal("0"))


class PostDocumentTests:
    def test_it_posts_an_invoice_with_due_date_discount_and_kid(self, fjord, accountant, ledger_ok):
        header = new_document(fjord, external_document_no="PO-77")
        documents.save_lines(header=header, lines=[line(), line("Travel", "1", "500.00", "0")])

        posted = documents.post_document(header=header, user=accountant)

        assert not SalesHeader.objects.filter(pk=header.pk).exists()
        assert not SalesLine.objects.exists()
        posted.refresh_from_db()
        assert (posted.no, posted.pre_assigned_no) == ("103001", "SI-0001")
        assert posted.amount == Decimal("2500.00") and posted.amount_including_vat == Decimal("3000.00")
        assert posted.lines.count() == 2 and posted.posted_by == accountant
        entry = CustLedgerEntry.objects.get(document_no="103001")
        assert entry == posted.cust_ledger_entry
        assert entry.amount == Decimal("3000.00") and entry.remaining_amount == Decimal("3000.00")
        assert entry.due_date == date(2026, 2, 14)  # 30 days after the document date
        assert entry.pmt_discount_date == date(2026, 1, 23)  # 8 days
        assert entry.original_pmt_disc_possible == Decimal("60.00")  # 2 % of the amount incl. VAT
        assert entry.external_document_no == "PO-77"
        ledger_ok()

    def test_the_kid_is_11_digits_with_a_valid_mod10_check_digit(self, fjord, accountant):
        assert CompanySetup.get().kid_setup == "document_no"
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line()])
        posted = documents.post_document(header=header, user=accountant)
        kid = posted.payment_reference
        assert kid == "0000103001" + mod10_check_digit("0000103001")
        assert len(kid) == 11 and kid.isdigit() and is_valid_kid(kid)
        assert posted.cust_ledger_entry.payment_reference == kid

    def test_a_credit_memo_posts_negative_without_kid(self, fjord, accountant, ledger_ok):
        header = new_document(fjord, CREDIT_MEMO)
        documents.save_lines(header=header, lines=[line(quantity="1")])
        posted = documents.post_document(header=header, user=accountant)
        assert posted.no == "104001" and posted.payment_reference == ""
        assert posted.cust_ledger_entry.amount == Decimal("-1250.00")
        assert posted.cust_ledger_entry.due_date == JAN_15
        ledger_ok()

    def test_it_refuses_a_document_without_an_amount(self, fjord, accountant):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line(unit_price="0")])
        with pytest.raises(ValidationError) as error:
            documents.post_document(header=header, user=accountant)
        assert error.value.messages == ["There is nothing to post: document SI-0001 has no lines with an amount."]
        assert SalesHeader.objects.filter(pk=header.pk).exists()
        assert not PostedSalesDocument.objects.exists() and not CustLedgerEntry.objects.exists()

    def test_it_refuses_a_customer_blocked_after_the_document_was_made(self, fjord, accountant):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line()])
        fjord.blocked = Blocked.ALL
        fjord.save()
        with pytest.raises(ValidationError):
            documents.post_document(header=header, user=accountant)
        assert SalesHeader.objects.filter(pk=header.pk).exists()

    def test_an_engine_refusal_keeps_the_document(self, fjord, accountant):
        CompanySetup.objects.update(allow_posting_from=date(2026, 2, 1))
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line()])
        with pytest.raises(PostingError) as error:
            documents.post_document(header=header, user=accountant)
        assert "Posting date is not within the range of allowed posting dates." in str(error.value)
        assert SalesHeader.objects.get(pk=header.pk).lines.count() == 1
        assert not PostedSalesDocument.objects.exists()

    def test_a_document_posted_twice_posts_once(self, fjord, accountant):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line()])
        documents.post_document(header=header, user=accountant)
        with pytest.raises(ValidationError) as error:
            documents.post_document(header=header, user=accountant)
        assert error.value.messages == ["Document SI-0001 no longer exists: it has been posted or deleted."]
        assert PostedSalesDocument.objects.count() == 1


class DeleteDocumentTests:
    def test_it_deletes_the_header_and_its_lines(self, fjord):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line()])
        documents.delete_document(header=header)
        assert not SalesHeader.objects.exists() and not SalesLine.objects.exists()


class LookupTests:
    def test_gl_accounts_are_posting_accounts_with_direct_posting(self, company):
        GLAccount.objects.filter(no="3095").update(blocked=True)
        values = [row["value"] for row in documents.lookup_gl_accounts("", limit=100)]
        assert "3000" in values
        assert "1500" not in values  # control account: no direct posting
        assert "3095" not in values  # blocked
        assert documents.lookup_gl_accounts("3000") == [{"value": "3000", "label": "3000 Salgsinntekt, avgiftspliktig"}]

    def test_gl_accounts_match_name_and_stop_at_20(self, company):
        assert [r["value"] for r in documents.lookup_gl_accounts("rabatt")] == ["7140"]
        assert len(documents.lookup_gl_accounts("")) <= 20

    def test_customers_match_number_or_name_and_skip_blocked_all(self, fjord):
        CustomerFactory(no="C20000", name="Blokkert AS", blocked=Blocked.ALL)
        assert documents.lookup_customers("fjord") == [{"value": "C10000", "label": "C10000 Fjord Handel AS"}]
        assert documents.lookup_customers("c1") == [{"value": "C10000", "label": "C10000 Fjord Handel AS"}]
        assert documents.lookup_customers("Blokkert") == []


class CustomerBalanceTests:
    def test_it_is_the_sum_of_open_remaining_amounts(self, fjord, accountant):
        assert documents.customer_balance(fjord) == Decimal("0")
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line()])
        documents.post_document(header=header, user=accountant)
        assert documents.customer_balance(fjord) == Decimal("2500.00")


class GiroTests:
    def test_it_splits_the_amount_and_formats_the_account(self, fjord, accountant):
        header = new_document(fjord)
        documents.save_lines(header=header, lines=[line(quantity="1", unit_price="1234.56", vat_pct="0")])
        posted = documents.post_document(header=header, user=accountant)
        context = documents.invoice_print_context(posted)
        giro = context["giro"]
        assert giro.account_no == "1503.12.34567"  # the company's first bank account
        assert (giro.kroner, giro.ore, giro.amount_check_digit) == ("1234", "56", mod10_check_digit("123456"))
        assert giro.kid == posted.payment_reference and giro.due_date == date(2026, 2, 14)
        assert context["discount_amount"] == Decimal("24.69")

    def test_a_credit_memo_has_no_giro(self, fjord, accountant):
        header = new_document(fjord, CREDIT_MEMO)
        documents.save_lines(header=header, lines=[line()])
        posted = documents.post_document(header=header, user=accountant)
        assert documents.invoice_print_context(posted)["giro"] is None

    def test_norwegian_account_numbers_print_in_groups(self):
        assert documents.format_bank_account_no("15031234567") == "1503.12.34567"
        assert documents.format_bank_account_no("NO9386011117947") == "NO9386011117947"
