"""The refusals of bank account reconciliation, with NAV's messages where NAV has one."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class BankRecError(Exception):
    """A reconciliation step was refused; nothing was written. `line_no` names the statement line."""

    def __init__(self, message, *, line_no: int | None = None) -> None:
        self.message = str(message)
        self.line_no = line_no
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


# Worksheet.
NOT_A_BANK_RECONCILIATION = _("%(no)s is not a bank account reconciliation.")
ALREADY_POSTED = _("Bank account reconciliation %(no)s of bank account %(bank)s is already posted.")
STATEMENT_NO_TAKEN = _("Bank account %(bank)s already has a statement with statement no. %(no)s.")
BANK_BLOCKED = _("Bank account %(bank)s is blocked.")
REMOVE_MATCH_FIRST = _("Statement line %(line)s is matched. Remove the match before you change its type or delete it.")

# Matching.
SELECT_ONE_LINE = _("Select one statement line and one or more entries to match.")
DIFFERENCE_LINE = _("Statement line %(line)s has the type Difference and cannot be matched to entries.")
WRONG_ENTRY_KIND = _("Statement line %(line)s has the type %(type)s and can only be matched to entries of that type.")
ENTRY_NOT_OPEN = _("%(table)s %(entry)s is not open.")
ENTRY_OTHER_BANK = _("%(table)s %(entry)s belongs to bank account %(other)s, not %(bank)s.")
ENTRY_ALREADY_MATCHED = _("%(table)s %(entry)s is already matched to statement line %(line)s of statement %(no)s.")
CHECK_OF_MATCHED_ENTRY = _(
    "Check Ledger Entry %(entry)s belongs to Bank Account Ledger Entry %(bank_entry)s, which is matched itself."
)
ENTRY_WITH_MATCHED_CHECKS = _(
    "Bank Account Ledger Entry %(entry)s has check ledger entries matched to statement lines; match the cheques "
    "instead."
)
CHECK_NOT_POSTED = _("Check Ledger Entry %(entry)s has the status %(status)s and cannot be reconciled.")
MATCH_SUMMARY = _("%(matched)s reconciliation lines out of %(lines)s are matched.")
SHORT_TEXT = _("Text shorter than %(length)s characters cannot be matched.")

# Transfer to General Journal.
NOTHING_TO_TRANSFER = _("There are no statement lines without entries to transfer.")

# Posting (codeunit 370 "Bank Acc. Reconciliation Post").
STATEMENT_DATE_MISSING = _(
    "Statement Date must have a value in Bank Acc. Reconciliation: Bank Account No.=%(bank)s, Statement "
    "No.=%(no)s. It cannot be zero or empty."
)
ENDING_BALANCE_NOT_TOTAL = _("Statement Ending Balance is not equal to Total Balance.")
APPLICATION_NOT_CORRECT = _("The application is not correct. The total amount applied is %(applied)s; it should be "
                            "%(total)s.")
TOTAL_DIFFERENCE = _("The total difference is %(difference)s. It must be %(expected)s.")
LINE_APPLIED_AMOUNT = _(
    "Applied Amount must be equal to %(expected)s in Bank Acc. Reconciliation Line: Statement Line No.=%(line)s. "
    "Current value is %(applied)s."
)
MATCHED_AMOUNT_CHANGED = _(
    "The remaining amount of Bank Account Ledger Entry %(entry)s is %(remaining)s, but statement line %(line)s "
    "matched %(amount)s. Remove the match and match the entry again."
)
CHECK_MORE_THAN_REMAINING = _(
    "The cheques matched to Bank Account Ledger Entry %(entry)s add up to more than its remaining amount %(remaining)s."
)
