"""Unapply entries (spec 4.2) and reverse transactions (spec 4.3). Both only add entries."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from receivables.lib.money import ZERO
from receivables.models import (
    BankAccountLedgerEntry,
    CheckLedgerEntry,
    DetailedEntryType,
    GLEntry,
)

from . import errors as E
from .application import add_detail, post_application_control_gl
from .context import Rates, TransactionContext
from .engine import PostingResult, assert_balanced, result_of, start_run
from .errors import PostingError
from .parties import CUSTOMER, VENDOR, PartyKind
from .writer import gl_entry

T = DetailedEntryType
UNAPPLY_SOURCE = {"customer": "UNAPPSALES", "vendor": "UNAPPPURCH"}
DISCOUNT_TYPES = {T.PAYMENT_DISCOUNT, T.PAYMENT_DISCOUNT_TOLERANCE}
# Entries written by documents are corrected with a credit memo, not by reversing (NAV's rule).
DOCUMENT_SOURCE_CODES = {"SALES", "REMINDER", "FINCHRG"}


def latest_application(kind: PartyKind, entry_no: int):
    """The entry's latest application that is not unapplied yet: what Unapply Entries offers."""
    return (
        kind.detail_model.objects.filter(
            **{f"{kind.entry_field}_id": entry_no}, entry_type=T.APPLICATION, unapplied=False
        )
        .order_by("-transaction_no", "-entry_no")
        .first()
    )


def unapply(
    *,
    kind: PartyKind = CUSTOMER,
    entry_no: int | None = None,
    detail_entry_no: int | None = None,
    posting_date: date | None = None,
    document_no: str = "",
    user=None,
) -> PostingResult:
    """Undo one application: mirror its detailed entries and the G/L they caused, reopen the entries."""
    with transaction.atomic():
        if detail_entry_no is not None:
            selected = kind.detail_model.objects.select_for_update().get(pk=detail_entry_no)
            if selected.entry_type != T.APPLICATION:
                raise PostingError(
                    E.UNAPPLY_NO_APPLICATION
                    % {"party": kind.table_label, "entry": getattr(selected, f"{kind.entry_field}_id")}
                )
            if selected.unapplied:
                raise PostingError(E.UNAPPLY_ALREADY)
            entry_no = getattr(selected, f"{kind.entry_field}_id")
        else:
            selected = latest_application(kind, entry_no)
            if selected is None:
                raise PostingError(E.UNAPPLY_NO_APPLICATION % {"party": kind.table_label, "entry": entry_no})
        application_transaction = selected.transaction_no
        details = list(
            kind.detail_model.objects.select_for_update()
            .filter(transaction_no=application_transaction, unapplied=False)
            .exclude(entry_type=T.INITIAL_ENTRY)
            .order_by("entry_no")
        )
        entry_ids = {getattr(d, f"{kind.entry_field}_id") for d in details}
        entries = {
            e.pk: e
            for e in kind.entry_model.objects.select_for_update()
            .select_related(kind.party_field, "posting_group")
            .filter(pk__in=entry_ids)
        }
        _check_unapply(kind, entry_no, application_transaction, entries)
        if posting_date is None:
            posting_date = selected.posting_date
        elif posting_date < selected.posting_date:
            raise PostingError(
                E.POSTING_DATE_BEFORE_ENTRY if kind is CUSTOMER else E.POSTING_DATE_BEFORE_VENDOR_ENTRY,
                field="posting_date",
            )
        setup, writer, transaction_no = start_run(user=user, source_code=UNAPPLY_SOURCE[kind.account_type])
        if not setup.is_posting_date_allowed(posting_date, user):
            raise PostingError(E.POSTING_DATE_NOT_ALLOWED, field="posting_date")
        ctx = TransactionContext(
            setup=setup, writer=writer, rates=Rates(setup.lcy_code), user=user,
            source_code=UNAPPLY_SOURCE[kind.account_type], transaction_no=transaction_no, posting_date=posting_date,
            document_no=document_no or selected.document_no, document_type=selected.document_type,
        )
        applied_targets = {
            e.pk: e
            for e in kind.entry_model.objects.select_for_update().filter(
                pk__in={d.applied_entry_id for d in details if d.applied_entry_id}
            )
        }
        applied_targets.update(entries)
        mirrors = []
        for detail in details:
            entry = entries[getattr(detail, f"{kind.entry_field}_id")]
            target = applied_targets.get(detail.applied_entry_id)
            mirror = add_detail(
                ctx, kind, entry, detail.entry_type, -detail.amount, -detail.amount_lcy,
                applied_entry=target, application_no=detail.application_no,
                remaining_pmt_disc_possible=detail.remaining_pmt_disc_possible,
            )
            mirror.unapplied = True
            detail.unapplied = True
            writer.touch(detail, "unapplied")
            writer.link(detail, "unapplied_by_entry", mirror)
            writer.link(mirror, "unapplied_by_entry", mirror)
            if detail.entry_type == T.APPLICATION:
                mirrors.append(mirror)
            if target is not None:
                _restore_target(writer, detail, target)
        post_application_control_gl(ctx, kind, mirrors)
        for entry in entries.values():
            if entry.open:
                entry.closed_at_date = None
                entry.closed_by_amount = ZERO
                entry.closed_by_amount_lcy = ZERO
                writer.touch(entry, "closed_at_date", "closed_by_amount", "closed_by_amount_lcy", "closed_by_entry_id")
                writer.link(entry, "closed_by_entry", None)
        for gl in writer.gl_entries():
            gl.correction = True
        writer.flush()
        assert_balanced(writer)
        return result_of(writer, transaction_no, 1)


def _check_unapply(kind: PartyKind, entry_no: int, application_transaction: int, entries: dict) -> None:
    later = (
        kind.detail_model.objects.filter(
            **{f"{kind.entry_field}_id__in": list(entries)},
            entry_type=T.APPLICATION,
            unapplied=False,
            transaction_no__gt=application_transaction,
        )
        .values_list(f"{kind.entry_field}_id", flat=True)
        .distinct()
    )
    later = set(later)
    if entry_no in later:
        raise PostingError(E.UNAPPLY_NOT_LAST)
    if later:
        raise PostingError(E.UNAPPLY_NOT_LAST_IN_ENTRY % {"party": kind.table_label, "entry": min(later)})
    for entry in entries.values():
        if entry.reversed:
            raise PostingError(E.UNAPPLY_REVERSED % {"party": kind.table_label, "entry": entry.pk})


def _restore_target(writer, detail, target) -> None:
    """Give back what the application took from the target: its possible discount and tolerance marks."""
    if detail.entry_type in DISCOUNT_TYPES:
        target.remaining_pmt_disc_possible = detail.remaining_pmt_disc_possible
        target.pmt_disc_given_lcy = ZERO
        target.accepted_pmt_disc_tolerance = False
        writer.touch(target, "remaining_pmt_disc_possible", "pmt_disc_given_lcy", "accepted_pmt_disc_tolerance")
    elif detail.entry_type == T.PAYMENT_TOLERANCE:
        # The tolerance detail sits on the payment with the opposite sign of the target's note.
        target.pmt_tolerance_lcy += detail.amount_lcy
        target.accepted_payment_tolerance = target.pmt_tolerance_lcy
        writer.touch(target, "pmt_tolerance_lcy", "accepted_payment_tolerance")


def reverse_transaction(*, transaction_no: int, user=None) -> PostingResult:
    """Post mirror entries of a journal transaction; customer/vendor entries close against their reversal."""
    with transaction.atomic():
        gl_entries = list(
            GLEntry.objects.select_for_update().select_related("gl_account").filter(transaction_no=transaction_no)
        )
        party_entries = []
        for kind in (CUSTOMER, VENDOR):
            for entry in kind.entry_model.objects.select_for_update().select_related(
                kind.party_field, "posting_group"
            ).filter(transaction_no=transaction_no):
                party_entries.append((kind, entry))
        bank_entries = list(
            BankAccountLedgerEntry.objects.select_for_update().filter(transaction_no=transaction_no)
        )
        to_mirror = [e for e in gl_entries if not e.from_application]
        if not to_mirror and not party_entries and not bank_entries:
            raise PostingError(E.REVERSE_NOTHING % {"transaction": transaction_no})
        setup, writer, new_no = start_run(user=user, source_code="REVERSAL")
        _check_reversal(setup, user, to_mirror, party_entries, bank_entries)
        first = to_mirror[0] if to_mirror else (party_entries[0][1] if party_entries else bank_entries[0])
        ctx = TransactionContext(
            setup=setup, writer=writer, rates=Rates(setup.lcy_code), user=user, source_code="REVERSAL",
            transaction_no=new_no, posting_date=first.posting_date, document_no=first.document_no,
            document_type=first.document_type,
        )
        for entry in to_mirror:
            mirror = writer.add(
                gl_entry(
                    gl_account=entry.gl_account, amount=-entry.amount, document_type=entry.document_type,
                    external_document_no=entry.external_document_no, description=entry.description,
                    source_type=entry.source_type, source_no=entry.source_no,
                    bal_account_type=entry.bal_account_type, bal_account_no=entry.bal_account_no,
                    reversed=True, **(ctx.entry_fields() | {"document_no": entry.document_no,
                                                            "posting_date": entry.posting_date}),
                )
            )
            _mark_reversed(writer, entry, mirror)
        for kind, entry in party_entries:
            _reverse_party_entry(ctx, kind, entry)
        for entry in bank_entries:
            mirror = writer.add(
                BankAccountLedgerEntry(
                    bank_account_id=entry.bank_account_id, document_type=entry.document_type,
                    external_document_no=entry.external_document_no, description=entry.description,
                    currency_code=entry.currency_code, amount=-entry.amount, amount_lcy=-entry.amount_lcy,
                    remaining_amount=-entry.amount, open=True, bal_account_type=entry.bal_account_type,
                    bal_account_no=entry.bal_account_no, reversed=True,
                    **(ctx.entry_fields() | {"document_no": entry.document_no, "posting_date": entry.posting_date}),
                )
            )
            _mark_reversed(writer, entry, mirror)
        writer.flush()
        assert_balanced(writer)
        return result_of(writer, new_no, 1)


def _mark_reversed(writer, original, mirror) -> None:
    original.reversed = True
    writer.touch(original, "reversed", "reversed_by_entry_id")
    writer.link(original, "reversed_by_entry", mirror)
    writer.link(mirror, "reversed_entry", original)


def _check_reversal(setup, user, gl_entries, party_entries, bank_entries) -> None:
    gl_label = GLEntry._meta.verbose_name
    for entry in gl_entries:
        if entry.source_code in DOCUMENT_SOURCE_CODES:
            raise PostingError(E.REVERSE_NOT_FROM_JOURNAL)
        if entry.reversed:
            raise PostingError(E.REVERSE_ALREADY % {"table": gl_label, "entry": entry.pk})
        if not setup.is_posting_date_allowed(entry.posting_date, user):
            raise PostingError(E.REVERSE_DATE % {"table": gl_label, "entry": entry.pk})
    if sum((e.amount for e in gl_entries), ZERO) != 0:
        raise PostingError(E.REVERSE_UNBALANCED)
    for kind, entry in party_entries:
        table = kind.table_label
        if entry.source_code in DOCUMENT_SOURCE_CODES:
            raise PostingError(E.REVERSE_NOT_FROM_JOURNAL)
        if entry.reversed:
            raise PostingError(E.REVERSE_ALREADY % {"table": table, "entry": entry.pk})
        applied = (
            kind.detail_model.objects.filter(**{f"{kind.entry_field}_id": entry.pk}, unapplied=False)
            .exclude(entry_type=T.INITIAL_ENTRY)
            .exists()
        )
        if applied:
            raise PostingError(E.REVERSE_APPLIED % {"table": table, "entry": entry.pk})
    bank_label = BankAccountLedgerEntry._meta.verbose_name
    for entry in bank_entries:
        if entry.reversed:
            raise PostingError(E.REVERSE_ALREADY % {"table": bank_label, "entry": entry.pk})
        if not entry.open or entry.statement_status != "open":
            raise PostingError(E.REVERSE_CLOSED % {"table": bank_label, "entry": entry.pk})
        if CheckLedgerEntry.objects.filter(bank_account_ledger_entry=entry).exists():
            raise PostingError(E.REVERSE_CHECK % {"table": bank_label, "entry": entry.pk})


def _reverse_party_entry(ctx: TransactionContext, kind: PartyKind, entry) -> None:
    """A mirror entry, closed against the original; the G/L side is in the mirrored G/L entries."""
    fields = {
        f.attname: getattr(entry, f.attname)
        for f in kind.entry_model._meta.concrete_fields
        if f.attname not in {"entry_no", "register_id", "closed_by_entry_id", "reversed_by_entry_id",
                             "reversed_entry_id", "user_id", "transaction_no", "source_code", "created_at"}
    }
    mirror = kind.entry_model(**fields)
    mirror.transaction_no = ctx.transaction_no
    mirror.source_code = ctx.source_code
    mirror.user = ctx.user if getattr(ctx.user, "pk", None) else None
    mirror.amount = -entry.amount
    mirror.amount_lcy = -entry.amount_lcy
    mirror.remaining_amount = ZERO
    mirror.remaining_amount_lcy = ZERO
    mirror.positive = not entry.positive
    mirror.original_pmt_disc_possible = -entry.original_pmt_disc_possible
    mirror.remaining_pmt_disc_possible = ZERO
    mirror.max_payment_tolerance = -entry.max_payment_tolerance
    mirror.reversed = True
    mirror.open = False
    mirror.applies_to_id = ""
    mirror.amount_to_apply = ZERO
    setattr(mirror, kind.party_field, kind.party_of(entry))
    mirror.posting_group = entry.posting_group
    ctx.writer.add(mirror)
    ctx.document_type = entry.document_type
    add_detail(ctx, kind, mirror, T.INITIAL_ENTRY, mirror.amount, mirror.amount_lcy)
    remaining, remaining_lcy = entry.remaining_amount, entry.remaining_amount_lcy
    add_detail(ctx, kind, entry, T.APPLICATION, -remaining, -remaining_lcy, applied_entry=mirror)
    add_detail(ctx, kind, mirror, T.APPLICATION, remaining, remaining_lcy, applied_entry=entry)
    for closed, by in ((entry, mirror), (mirror, entry)):
        closed.closed_at_date = ctx.posting_date
        closed.closed_by_amount = by.amount
        closed.closed_by_amount_lcy = by.amount_lcy
        ctx.writer.touch(closed, "closed_at_date", "closed_by_amount", "closed_by_amount_lcy", "closed_by_entry_id")
        ctx.writer.link(closed, "closed_by_entry", by)
    entry.remaining_pmt_disc_possible = ZERO
    ctx.writer.touch(entry, "remaining_pmt_disc_possible")
    _mark_reversed(ctx.writer, entry, mirror)
