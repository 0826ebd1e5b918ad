"""Apply posted entries to each other (spec 4.1, NAV codeunit 226 "CustEntry-Apply Posted Entries")."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from receivables.lib.money import ZERO
from receivables.models import CompanySetup

from . import errors as E
from .application import ApplicationOptions, apply_entries, post_application_control_gl
from .context import Rates, TransactionContext
from .engine import (
    PostingResult,
    _check_currency,
    _check_targets,
    _PreviewRollback,
    assert_balanced,
    check_amount_to_apply,
    result_of,
    start_run,
)
from .errors import PostingError
from .parties import CUSTOMER, PartyKind

SOURCE_CODES = {"customer": "SALESAPPL", "vendor": "PURCHAPPL"}


def set_applies_to_id(*, kind: PartyKind = CUSTOMER, applying_entry_no: int, entry_nos: list[int], applies_to_id: str,
                      amounts: dict[int, Decimal] | None = None) -> None:
    """Mark entries for application, as Set Applies-to ID does: Amount to Apply = remaining unless given."""
    amounts = amounts or {}
    with transaction.atomic():
        applying = kind.entry_model.objects.select_for_update().get(pk=applying_entry_no)
        if not applying.open:
            raise PostingError(E.ENTRY_CLOSED)
        applying.applying_entry = True
        applying.applies_to_id = applies_to_id
        applying.amount_to_apply = applying.remaining_amount
        applying.save(update_fields=["applying_entry", "applies_to_id", "amount_to_apply"])
        party_id = kind.party_id_of(applying)
        for entry in kind.entry_model.objects.select_for_update().filter(pk__in=entry_nos):
            if kind.party_id_of(entry) != party_id:
                continue
            if not entry.open:
                raise PostingError(E.ENTRY_CLOSED)
            amount = amounts.get(entry.pk, entry.remaining_amount)
            check_amount_to_apply(amount, entry.remaining_amount)
            entry.applies_to_id = applies_to_id
            entry.amount_to_apply = amount
            entry.save(update_fields=["applies_to_id", "amount_to_apply"])


def clear_applies_to_id(*, kind: PartyKind = CUSTOMER, applies_to_id: str) -> int:
    """Leaving Apply Entries without posting clears the marks (spec 4.1 step 5)."""
    return kind.entry_model.objects.filter(applies_to_id=applies_to_id).update(
        applies_to_id="", amount_to_apply=ZERO, applying_entry=False
    )


def post_application(
    *,
    kind: PartyKind = CUSTOMER,
    applying_entry_no: int,
    applies_to_id: str,
    posting_date: date | None = None,
    document_no: str = "",
    user=None,
    accept_payment_tolerance: bool | None = None,
    accept_late_discount: bool | None = None,
    preview: bool = False,
) -> PostingResult:
    """Post the application of an open entry to the entries marked with `applies_to_id`.

    Only detailed entries and the G/L they need (discount, tolerance, gains/losses) are written;
    never bank entries. With preview, everything is computed and rolled back: the result shows what
    posting would write (the Apply Entries page uses it for its balance).
    """
    try:
        return _post_application(
            kind=kind, applying_entry_no=applying_entry_no, applies_to_id=applies_to_id, posting_date=posting_date,
            document_no=document_no, user=user, accept_payment_tolerance=accept_payment_tolerance,
            accept_late_discount=accept_late_discount, preview=preview,
        )
    except _PreviewRollback as rollback:
        return rollback.result


def _post_application(*, kind, applying_entry_no, applies_to_id, posting_date, document_no, user,
                      accept_payment_tolerance, accept_late_discount, preview) -> PostingResult:
    setup = CompanySetup.get()
    if accept_payment_tolerance is None:
        accept_payment_tolerance = not setup.payment_tolerance_warning
    if accept_late_discount is None:
        accept_late_discount = not setup.pmt_disc_tolerance_warning
    with transaction.atomic():
        setup, writer, transaction_no = start_run(user=user, source_code=SOURCE_CODES[kind.account_type])
        # Lock the rows we are about to change: a second user applying the same entries waits, then
        # finds them closed or changed and gets an error instead of a double application.
        applying = kind.entry_model.objects.select_for_update().select_related(
            kind.party_field, "posting_group"
        ).get(pk=applying_entry_no)
        if not applying.open:
            raise PostingError(E.ENTRY_CLOSED)
        targets = list(
            kind.entry_model.objects.select_for_update()
            .select_related("posting_group")
            .filter(**{f"{kind.party_field}_id": kind.party_id_of(applying)}, applies_to_id=applies_to_id, open=True)
            .exclude(pk=applying.pk)
            .order_by("due_date", "entry_no")
        )
        if not targets:
            raise PostingError(E.NOTHING_TO_APPLY)
        _check_targets(targets)
        latest = max([applying.posting_date] + [t.posting_date for t in targets])
        if posting_date is None:
            posting_date = latest
        elif posting_date < latest:
            raise PostingError(
                E.POSTING_DATE_BEFORE_ENTRY if kind is CUSTOMER else E.POSTING_DATE_BEFORE_VENDOR_ENTRY,
                field="posting_date",
            )
        if not setup.is_posting_date_allowed(posting_date, user):
            raise PostingError(E.POSTING_DATE_NOT_ALLOWED, field="posting_date")
        party = kind.party_of(applying)
        for target in targets:
            setattr(target, kind.party_field, party)
        ctx = TransactionContext(
            setup=setup, writer=writer, rates=Rates(setup.lcy_code), user=user,
            source_code=SOURCE_CODES[kind.account_type], transaction_no=transaction_no, posting_date=posting_date,
            document_no=document_no or applying.document_no, document_type=applying.document_type,
        )
        _check_currency(ctx, kind, applying, targets)
        options = ApplicationOptions(
            allow_tolerance=accept_payment_tolerance and not party.block_payment_tolerance,
            accept_late_discount=accept_late_discount,
        )
        applied = apply_entries(ctx, kind, applying, targets, options)
        if not applied:
            raise PostingError(E.NOTHING_TO_APPLY)
        post_application_control_gl(ctx, kind, applied)
        for entry in [applying, *targets]:
            entry.applies_to_id = ""
            entry.amount_to_apply = ZERO
            entry.applying_entry = False
            writer.touch(entry, "applies_to_id", "amount_to_apply", "applying_entry")
        writer.flush()
        assert_balanced(writer)
        result = result_of(writer, transaction_no, 1)
        if preview:
            raise _PreviewRollback(result)
        return result
