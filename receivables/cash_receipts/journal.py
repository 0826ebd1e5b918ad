"""General journal batches as NAV's journal windows use them: new lines, defaults, apply, post."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from receivables.lib.journal_defaults import fill_from_account
from receivables.lib.money import ZERO
from receivables.lib.numbering import next_no
from receivables.models import (
    AccountType,
    DocumentType,
    GenJournalBatch,
    GenJournalLine,
)
from receivables.posting import PostingResult, post, validate_lines
from receivables.posting.engine import check_amount_to_apply
from receivables.posting.errors import PostingError
from receivables.posting.parties import KINDS

LINE_NO_STEP = 10000
NOTHING_TO_POST = _("There is nothing to post.")


def batch_lines(batch: GenJournalBatch):
    return GenJournalLine.objects.filter(batch=batch).select_related("batch__template").order_by("line_no", "pk")


def new_line(batch: GenJournalBatch, *, posting_date: date, user=None) -> GenJournalLine:
    """An unsaved line with NAV's defaults for the batch: next line no., payment from a customer,
    the batch's balancing account, the previous line's posting date."""
    last = GenJournalLine.objects.filter(batch=batch).order_by("-line_no").first()
    return GenJournalLine(
        batch=batch,
        line_no=(last.line_no if last else 0) + LINE_NO_STEP,
        posting_date=last.posting_date if last else posting_date,
        document_type=DocumentType.PAYMENT,
        account_type=AccountType.CUSTOMER,
        bal_account_type=batch.bal_account_type,
        bal_account_no=batch.bal_account_no,
        created_by=user if getattr(user, "pk", None) else None,
        amount=None,  # shown blank in the new-line row; the form makes an empty amount 0
    )


def complete_line(line: GenJournalLine) -> GenJournalLine:
    """Fill what the user left blank: document no. from the batch's series, description from the
    account, and the amount from the applied document (spec 3: remaining minus possible discount)."""
    batch = line.batch
    if not line.document_no and batch is not None and batch.no_series_id:
        line.document_no = next_no(batch.no_series, on=line.posting_date)[0]
    if not line.line_no and batch is not None:
        top = GenJournalLine.objects.filter(batch=batch).aggregate(top=Max("line_no"))["top"] or 0
        line.line_no = top + LINE_NO_STEP
    fill_from_account(line)
    if line.amount == 0 and line.applies_to_doc_no and line.account_type in KINDS:
        line.amount = suggested_amount(line)
    return line


def suggested_amount(line: GenJournalLine) -> Decimal:
    kind = KINDS[line.account_type]
    entry = kind.entry_model.objects.filter(
        **{f"{kind.party_field}__no": line.account_no}, document_no=line.applies_to_doc_no, open=True
    ).first()
    if entry is None:
        return ZERO
    remaining = entry.remaining_amount
    if entry.pmt_discount_date and line.posting_date <= entry.pmt_discount_date:
        remaining -= entry.remaining_pmt_disc_possible
    return -remaining


def apply_line_to_entries(line: GenJournalLine, *, entry_nos: Sequence[int], amounts: dict[int, Decimal]) -> None:
    """The journal's Apply Entries: one entry sets Applies-to Doc. No., several set Applies-to ID = the
    line's document no. with an amount to apply each; a zero line amount becomes minus their sum."""
    kind = KINDS[line.account_type]
    with transaction.atomic():
        entries = list(
            kind.entry_model.objects.select_for_update().filter(
                pk__in=entry_nos, open=True, **{f"{kind.party_field}__no": line.account_no}
            )
        )
        kind.entry_model.objects.filter(applies_to_id=line.document_no).exclude(pk__in=entry_nos).update(
            applies_to_id="", amount_to_apply=ZERO
        )
        if len(entries) == 1 and entries[0].pk not in amounts:
            entry = entries[0]
            line.applies_to_doc_type = entry.document_type
            line.applies_to_doc_no = entry.document_no
            line.applies_to_id = ""
            if line.amount == 0:
                line.amount = suggested_amount(line)
        else:
            total = ZERO
            for entry in entries:
                amount = amounts.get(entry.pk, entry.remaining_amount)
                check_amount_to_apply(amount, entry.remaining_amount)
                entry.applies_to_id = line.document_no
                entry.amount_to_apply = amount
                entry.save(update_fields=["applies_to_id", "amount_to_apply"])
                total += amount
            line.applies_to_doc_type = ""
            line.applies_to_doc_no = ""
            line.applies_to_id = line.document_no if entries else ""
            if line.amount == 0:
                line.amount = -total
        line.save()


def test_report(batch: GenJournalBatch, *, user=None) -> list[PostingError]:
    return validate_lines(list(batch_lines(batch)), user=user)


def post_batch(batch: GenJournalBatch, *, user=None, preview: bool = False) -> PostingResult:
    lines = list(batch_lines(batch))
    if not lines:
        raise PostingError(NOTHING_TO_POST)
    return post(lines, user=user, source_code=batch.template.source_code, preview=preview)

