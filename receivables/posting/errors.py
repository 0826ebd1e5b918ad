"""Errors the posting engine raises. Messages are NAV's, as constants, translatable."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PostingError(Exception):
    """A posting was refused; nothing was written. Names the line and field where it can."""

    def __init__(self, message: str, *, line_no: int | None = None, field: str = "", document_no: str = "") -> None:
        self.message = str(message)
        self.line_no = line_no
        self.field = field
        self.document_no = document_no
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.line_no is not None:
            where.append(_("line %(line_no)s") % {"line_no": self.line_no})
        if self.field:
            where.append(_("field %(field)s") % {"field": self.field})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class AlreadyApplied(PostingError):
    """Another user applied or changed the same entry first."""


POSTING_DATE_NOT_ALLOWED = gettext_lazy("Posting date is not within the range of allowed posting dates.")
AMOUNT_TO_APPLY_SIGN = gettext_lazy("Amount to Apply must have the same sign as Remaining Amount.")
AMOUNT_TO_APPLY_TOO_LARGE = gettext_lazy("Amount to Apply must not be larger than Remaining Amount.")
NOTHING_TO_APPLY = gettext_lazy(
    "Cannot post because you did not specify which entry to apply. You must specify an entry in the "
    "Applies-to ID field for one or more open entries."
)
ENTRY_CLOSED = gettext_lazy("One or more of the entries that you selected is closed. You cannot apply closed entries.")
POSTING_DATE_BEFORE_ENTRY = gettext_lazy(
    "The Posting Date entered must not be before the Posting Date on the Cust. Ledger Entry."
)
POSTING_DATE_BEFORE_VENDOR_ENTRY = gettext_lazy(
    "The Posting Date entered must not be before the Posting Date on the Vendor Ledger Entry."
)
CUSTOMER_BLOCKED = gettext_lazy("You cannot post this type of document when Customer %(no)s is blocked with type All")
VENDOR_BLOCKED = gettext_lazy("You cannot post this type of document when Vendor %(no)s is blocked with type All")
BOTH_APPLIES_TO = gettext_lazy("You cannot use both Applies-to Doc. No. and Applies-to ID on the same line.")
APPLIES_TO_DOC_NOT_FOUND = gettext_lazy(
    "There is no open %(party)s ledger entry with Document No. %(doc)s for %(party)s %(no)s."
)
DIFFERENT_CURRENCY = gettext_lazy(
    "You cannot apply entry %(entry)s in currency %(entry_currency)s to a payment in %(currency)s."
)
OUT_OF_BALANCE = gettext_lazy(
    "Document No. %(doc)s on %(date)s is out of balance by %(amount)s. The lines must sum to zero."
)
ACCOUNT_MISSING = gettext_lazy("%(type)s %(no)s does not exist.")
ACCOUNT_BLOCKED = gettext_lazy("%(type)s %(no)s is blocked.")
ACCOUNT_NO_MISSING = gettext_lazy("Account No. must have a value.")
DOCUMENT_NO_MISSING = gettext_lazy("Document No. must have a value.")
AMOUNT_ZERO = gettext_lazy("Amount must not be zero.")
GL_ACCOUNT_NOT_POSTING = gettext_lazy("G/L Account %(no)s is a heading and cannot be posted to.")
GL_NO_DIRECT_POSTING = gettext_lazy(
    "Direct Posting must be Yes in G/L Account %(no)s: it is a control account, post to its customer, vendor or "
    "bank account instead."
)
NO_EXCHANGE_RATE = gettext_lazy("There is no exchange rate for currency %(code)s on %(date)s.")
UNKNOWN_CURRENCY = gettext_lazy("Currency %(code)s does not exist.")
BANK_CURRENCY_MISMATCH = gettext_lazy(
    "The currency %(line)s of the line must be the currency %(bank)s of bank account %(no)s."
)
POSTING_GROUP_ACCOUNT_MISSING = gettext_lazy("%(field)s must have a value in %(group)s %(code)s.")
TRANSACTION_UNBALANCED = gettext_lazy("Transaction %(transaction)s does not balance: the G/L entries sum to %(amount)s.")
CONCURRENT_CHANGE = gettext_lazy(
    "Ledger entry %(entry)s was changed by another user while you were posting. Open it again and retry."
)

# Unapply (spec 4.2), in the order they are checked.
UNAPPLY_NOT_LAST = gettext_lazy(
    "Before you can unapply this entry, you must first unapply all application entries that were posted after "
    "this entry."
)
UNAPPLY_NOT_LAST_IN_ENTRY = gettext_lazy(
    "Before you can unapply this entry, you must first unapply all application entries in %(party)s "
    "No. %(entry)s that were posted after this entry."
)
UNAPPLY_REVERSED = gettext_lazy(
    "You cannot unapply %(party)s No. %(entry)s because the entry is part of a reversal."
)
UNAPPLY_NO_APPLICATION = gettext_lazy("%(party)s No. %(entry)s does not have an application entry.")
UNAPPLY_ALREADY = gettext_lazy("This application has already been unapplied.")

# Reverse (spec 4.3).
REVERSE_NOT_FROM_JOURNAL = gettext_lazy("You can only reverse entries that were posted from a journal.")
REVERSE_APPLIED = gettext_lazy(
    "You cannot reverse %(table)s No. %(entry)s because the entry is either applied to an entry or has been "
    "changed by a batch job."
)
REVERSE_CLOSED = gettext_lazy("You cannot reverse %(table)s No. %(entry)s because the entry is closed.")
REVERSE_CHECK = gettext_lazy(
    "You cannot reverse %(table)s No. %(entry)s because the entry has a related check ledger entry."
)
REVERSE_DATE = gettext_lazy(
    "You cannot reverse %(table)s No. %(entry)s because the posting date is not within the allowed posting period."
)
REVERSE_UNBALANCED = gettext_lazy("You cannot reverse the transaction because it is out of balance.")
REVERSE_ALREADY = gettext_lazy("You cannot reverse %(table)s No. %(entry)s because it has already been reversed.")
REVERSE_NOTHING = gettext_lazy("There is nothing to reverse in transaction %(transaction)s.")
