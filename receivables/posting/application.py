"""Applying open customer/vendor entries to each other (NAV codeunit 12, spec section 2).

Works on in-memory ledger entries: every movement is a detailed entry added with `add_detail`,
which also keeps the entry's remaining amount, open flag and closed-by fields in step. G/L for
discounts, tolerances and realized gains/losses is written beside it (flagged `from_application`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from receivables.lib.bulk import new_row
from receivables.lib.money import ZERO, round_amount, sign
from receivables.models import (
    DetailedEntryType,
    DocumentType,
    GLAccount,
    TolerancePosting,
)

from .context import TransactionContext
from .errors import POSTING_GROUP_ACCOUNT_MISSING, PostingError
from .parties import PartyKind
from .writer import gl_entry

T = DetailedEntryType
# Detailed entry types that move money between the party's control account and another G/L account.
GL_TYPES = {
    T.PAYMENT_DISCOUNT,
    T.PAYMENT_DISCOUNT_TOLERANCE,
    T.PAYMENT_TOLERANCE,
    T.APPLN_ROUNDING,
    T.REALIZED_GAIN,
    T.REALIZED_LOSS,
}
PAYMENT_LIKE = {DocumentType.PAYMENT, DocumentType.REFUND}
DISCOUNT_DOCUMENTS = {DocumentType.INVOICE, DocumentType.CREDIT_MEMO}


def add_detail(
    ctx: TransactionContext,
    kind: PartyKind,
    entry,
    entry_type: str,
    amount: Decimal,
    amount_lcy: Decimal,
    *,
    applied_entry=None,
    application_no: int | None = None,
    remaining_pmt_disc_possible: Decimal = ZERO,
):
    """Add one detailed entry to `entry` and bring the entry's derived fields up to date."""
    detail = new_row(
        kind.detail_model,
        entry_type=entry_type,
        posting_date=ctx.posting_date,
        document_type=ctx.document_type if entry_type != T.INITIAL_ENTRY else entry.document_type,
        document_no=ctx.document_no,
        amount=amount,
        amount_lcy=amount_lcy,
        debit_amount_lcy=amount_lcy if amount_lcy > 0 else ZERO,
        credit_amount_lcy=-amount_lcy if amount_lcy < 0 else ZERO,
        currency_code=entry.currency_code,
        transaction_no=ctx.transaction_no,
        application_no=application_no,
        remaining_pmt_disc_possible=remaining_pmt_disc_possible,
        max_payment_tolerance=entry.max_payment_tolerance,
        initial_entry_due_date=entry.due_date,
        initial_document_type=entry.document_type,
        ledger_entry_amount=entry_type in (T.INITIAL_ENTRY, T.REALIZED_GAIN, T.REALIZED_LOSS),
        user=ctx.user if getattr(ctx.user, "pk", None) else None,
    )
    setattr(detail, kind.party_field + "_id", kind.party_id_of(entry))
    # Ledger entries are saved before detailed entries, so plain assignment works even for new ones.
    setattr(detail, kind.entry_field, entry)
    detail.applied_entry = applied_entry
    ctx.writer.add(detail)
    entry.remaining_amount += amount
    entry.remaining_amount_lcy += amount_lcy
    entry.open = entry.remaining_amount != 0
    ctx.writer.touch(entry, "remaining_amount", "remaining_amount_lcy", "open")
    if entry_type in GL_TYPES:
        post_detail_gl(ctx, kind, entry, entry_type, amount_lcy)
    return detail


def _account(group, field_name: str, kind: PartyKind) -> GLAccount:
    account = getattr(group, field_name)
    if account is None:
        raise PostingError(
            POSTING_GROUP_ACCOUNT_MISSING
            % {"field": group._meta.get_field(field_name).verbose_name, "group": kind.label, "code": group.code}
        )
    return account


def counter_account(ctx: TransactionContext, kind: PartyKind, entry, entry_type: str, counter: Decimal) -> GLAccount:
    """The G/L account on the other side of the control account for a detailed entry type."""
    group = entry.posting_group
    debit = counter > 0
    setup = ctx.setup
    if entry_type == T.PAYMENT_DISCOUNT or (
        entry_type == T.PAYMENT_DISCOUNT_TOLERANCE
        and setup.pmt_disc_tolerance_posting == TolerancePosting.DISCOUNT_ACCOUNTS
    ) or (entry_type == T.PAYMENT_TOLERANCE and setup.payment_tolerance_posting == TolerancePosting.DISCOUNT_ACCOUNTS):
        name = "payment_disc_debit_acc" if debit else "payment_disc_credit_acc"
    elif entry_type in (T.PAYMENT_DISCOUNT_TOLERANCE, T.PAYMENT_TOLERANCE):
        name = "payment_tolerance_debit_acc" if debit else "payment_tolerance_credit_acc"
    elif entry_type == T.APPLN_ROUNDING:
        name = "debit_curr_appln_rndg_acc" if debit else "credit_curr_appln_rndg_acc"
    else:  # realized gain / loss: the currency's accounts, else the company's
        currency = ctx.rates.currency(entry.currency_code)
        if entry_type == T.REALIZED_GAIN:
            account = (currency and currency.realized_gains_account) or setup.realized_gains_account
        else:
            account = (currency and currency.realized_losses_account) or setup.realized_losses_account
        if account is None:
            raise PostingError(
                POSTING_GROUP_ACCOUNT_MISSING
                % {"field": "realized gains/losses account", "group": "currency", "code": entry.currency_code}
            )
        return account
    return _account(group, name, kind)


def post_detail_gl(ctx: TransactionContext, kind: PartyKind, entry, entry_type: str, amount_lcy: Decimal) -> None:
    if amount_lcy == 0:
        return
    common = ctx.entry_fields() | {
        "document_type": ctx.document_type,
        "description": entry.description,
        "source_type": kind.account_type,
        "source_no": kind.party_of(entry).no,
        "from_application": True,
    }
    control = entry.posting_group.control_account
    other = counter_account(ctx, kind, entry, entry_type, -amount_lcy)
    ctx.writer.add(gl_entry(gl_account=control, amount=amount_lcy, **common))
    ctx.writer.add(gl_entry(gl_account=other, amount=-amount_lcy, **common))


def lcy_share(entry, amount: Decimal) -> Decimal:
    """The LCY value of `amount` of an entry's remaining amount, at the entry's own rate."""
    if amount == abs(entry.remaining_amount):
        return abs(entry.remaining_amount_lcy)
    if not entry.currency_code or entry.remaining_amount == entry.remaining_amount_lcy:
        return amount
    return round_amount(amount * abs(entry.remaining_amount_lcy) / abs(entry.remaining_amount))


@dataclass
class ApplicationOptions:
    allow_tolerance: bool
    accept_late_discount: bool


def _discount(ctx: TransactionContext, applying, target, *, full_close: bool, options: ApplicationOptions):
    """The discount the target may get from this payment, and whether it is a late (tolerance) one."""
    if not full_close or target.remaining_pmt_disc_possible == 0 or target.pmt_discount_date is None:
        return None
    if applying.document_type not in PAYMENT_LIKE or target.document_type not in DISCOUNT_DOCUMENTS:
        return None
    if ctx.posting_date <= target.pmt_discount_date:
        return T.PAYMENT_DISCOUNT
    tolerance_date = target.pmt_disc_tolerance_date
    if options.accept_late_discount and tolerance_date and ctx.posting_date <= tolerance_date:
        return T.PAYMENT_DISCOUNT_TOLERANCE
    return None


def apply_entries(
    ctx: TransactionContext, kind: PartyKind, applying, targets: list, options: ApplicationOptions
) -> list:
    """Apply `applying` (with any same-sign targets pooled behind it) to the opposite-sign targets.

    Returns the detailed entries of type Application it wrote. Targets are applied in the order given;
    each target's Amount to Apply (0 = all) limits what is taken from it.
    """
    if applying.remaining_amount == 0:
        return []
    applying_sign = sign(applying.remaining_amount)
    pool = [applying] + [t for t in targets if t is not applying and sign(t.remaining_amount) == applying_sign]
    opposite = [t for t in targets if sign(t.remaining_amount) == -applying_sign]
    if not opposite:
        return []

    def limit(entry) -> Decimal:
        return abs(entry.amount_to_apply) if entry.amount_to_apply else abs(entry.remaining_amount)

    avail = {id(e): limit(e) for e in pool}
    full = {id(t): limit(t) == abs(t.remaining_amount) for t in opposite}
    tolerance_left = (
        sum((abs(t.max_payment_tolerance) for t in opposite if full[id(t)]), ZERO) if options.allow_tolerance else ZERO
    )
    application_no = ctx.transaction_no
    written: list = []
    index = 0
    for target in opposite:
        while index < len(pool) and avail[id(pool[index])] == 0:
            index += 1
        if index == len(pool):
            break
        payer = pool[index]
        target_sign = sign(target.remaining_amount)
        total_avail = sum((avail[id(e)] for e in pool[index:]), ZERO)
        discount_type = _discount(ctx, payer, target, full_close=full[id(target)], options=options)
        if discount_type is not None:
            discount = abs(target.remaining_pmt_disc_possible)
            if total_avail + tolerance_left >= abs(target.remaining_amount) - discount:
                discount_lcy = ctx.rates.to_lcy(payer.currency_code, ctx.posting_date, discount)
                add_detail(
                    ctx, kind, payer, discount_type, -target_sign * discount, -target_sign * discount_lcy,
                    applied_entry=target, application_no=application_no,
                    remaining_pmt_disc_possible=target.remaining_pmt_disc_possible,
                )
                avail[id(payer)] += discount
                total_avail += discount
                target.remaining_pmt_disc_possible = ZERO
                target.pmt_disc_given_lcy = target_sign * discount_lcy
                target.accepted_pmt_disc_tolerance = discount_type == T.PAYMENT_DISCOUNT_TOLERANCE
                ctx.writer.touch(
                    target, "remaining_pmt_disc_possible", "pmt_disc_given_lcy", "accepted_pmt_disc_tolerance"
                )
        if full[id(target)] and options.allow_tolerance:
            shortfall = abs(target.remaining_amount) - total_avail
            if 0 < shortfall <= tolerance_left:
                shortfall_lcy = ctx.rates.to_lcy(payer.currency_code, ctx.posting_date, shortfall)
                add_detail(
                    ctx, kind, payer, T.PAYMENT_TOLERANCE, -target_sign * shortfall, -target_sign * shortfall_lcy,
                    applied_entry=target, application_no=application_no,
                )
                avail[id(payer)] += shortfall
                tolerance_left -= shortfall
                _note_tolerance(ctx, target, target_sign * shortfall_lcy)
        to_apply = limit(target)
        while to_apply > 0 and index < len(pool):
            payer = pool[index]
            amount = min(avail[id(payer)], to_apply)
            if amount > 0:
                written += _apply_pair(ctx, kind, payer, target, amount, application_no)
                avail[id(payer)] -= amount
                to_apply -= amount
            if avail[id(payer)] == 0:
                index += 1

    # An overpayment within tolerance closes the payment too (spec 2.5, scenario 7).
    leftover = avail[id(applying)]
    if (
        options.allow_tolerance
        and 0 < leftover <= tolerance_left
        and leftover == abs(applying.remaining_amount)
        and not applying.amount_to_apply
        and all(not t.open for t in opposite)
    ):
        leftover_lcy = lcy_share(applying, leftover)
        add_detail(
            ctx, kind, applying, T.PAYMENT_TOLERANCE, -applying_sign * leftover, -applying_sign * leftover_lcy,
            applied_entry=opposite[-1], application_no=application_no,
        )
        _note_tolerance(ctx, opposite[-1], applying_sign * leftover_lcy)
        _close(ctx, applying, opposite[-1], applying_sign * leftover)
    return written


def _note_tolerance(ctx: TransactionContext, target, amount_lcy: Decimal) -> None:
    target.pmt_tolerance_lcy += amount_lcy
    target.accepted_payment_tolerance += amount_lcy
    ctx.writer.touch(target, "pmt_tolerance_lcy", "accepted_payment_tolerance")


def _apply_pair(ctx: TransactionContext, kind: PartyKind, payer, target, amount: Decimal, application_no: int) -> list:
    target_sign = sign(target.remaining_amount)
    payer_lcy = lcy_share(payer, amount)
    target_lcy = lcy_share(target, amount)
    details = [
        add_detail(
            ctx, kind, target, T.APPLICATION, -target_sign * amount, -target_sign * payer_lcy,
            applied_entry=payer, application_no=application_no,
        ),
        add_detail(
            ctx, kind, payer, T.APPLICATION, target_sign * amount, target_sign * payer_lcy,
            applied_entry=target, application_no=application_no,
        ),
    ]
    # The two sides were booked at different rates: the difference is a realized gain or loss (spec 2.7).
    difference = target_sign * (payer_lcy - target_lcy)
    if difference:
        entry_type = T.REALIZED_GAIN if difference > 0 else T.REALIZED_LOSS
        add_detail(ctx, kind, target, entry_type, ZERO, difference, applied_entry=payer, application_no=application_no)
    if not target.open:
        _close(ctx, target, payer, -target_sign * amount)
    if not payer.open:
        _close(ctx, payer, target, target_sign * amount)
    return details


def _close(ctx: TransactionContext, entry, by_entry, amount: Decimal) -> None:
    entry.closed_at_date = ctx.posting_date
    entry.closed_by_amount = amount
    entry.closed_by_amount_lcy = ctx.rates.to_lcy(entry.currency_code, ctx.posting_date, amount)
    entry.applies_to_id = ""
    entry.amount_to_apply = ZERO
    ctx.writer.touch(
        entry, "closed_at_date", "closed_by_amount", "closed_by_amount_lcy", "applies_to_id", "amount_to_apply"
    )
    ctx.writer.link(entry, "closed_by_entry", by_entry)
    if entry.pk is not None:
        ctx.writer.touch(entry, "closed_by_entry_id")


def post_application_control_gl(ctx: TransactionContext, kind: PartyKind, details: list) -> None:
    """Applications between entries of different posting groups move the balance between control accounts."""
    by_account: dict[int, tuple[GLAccount, Decimal, object]] = {}
    for detail in details:
        entry = getattr(detail, kind.entry_field)
        account = entry.posting_group.control_account
        _, total, _ = by_account.get(account.pk, (account, ZERO, entry))
        by_account[account.pk] = (account, total + detail.amount_lcy, entry)
    for account, total, entry in by_account.values():
        if total:
            ctx.writer.add(
                gl_entry(
                    gl_account=account, amount=total, from_application=True, document_type=ctx.document_type,
                    description=entry.description, source_type=kind.account_type,
                    source_no=kind.party_of(entry).no, **ctx.entry_fields(),
                )
            )
