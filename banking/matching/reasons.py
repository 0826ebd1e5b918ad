"""The matcher's reasons in the user's language.

The matcher (banking.matching) is pure and writes each reason as a stable code, the parameters a
sentence needs, and an English sentence. Pages show the sentence for the code in the user's
language; a reason whose parameters do not fit its sentence (kept from an older version) shows the
English sentence it was stored with.
"""
from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from banking.models import MatchConfidence

MESSAGES = {
    "rule": _("Rule %(confidence)s (priority %(priority)s): related party %(related_party)s, document no. "
              "%(doc_no)s, amount incl. tolerance %(amount)s"),
    "kid": _("KID %(reference)s matches document %(document_no)s"),
    "rf": _("RF reference %(reference)s matches document %(document_no)s"),
    "doc_no_in_text": _("Document no. %(document_no)s found in the text"),
    "ext_doc_no_in_text": _("External document no. %(external_document_no)s of document %(document_no)s found in "
                            "the text"),
    "iban": _("Payer IBAN %(account)s is a bank account of %(kind)s %(party_no)s"),
    "account_no": _("Payer account no. %(account)s is a bank account of %(kind)s %(party_no)s"),
    "learned_account": _("Payments from account %(account)s were applied to %(kind)s %(party_no)s before"),
    "learned_text": _("Text '%(text_key)s' was applied to %(kind)s %(party_no)s before"),
    "multiple_parties": _("The evidence fits several parties equally: %(parties)s"),
    "name_exact": _("Name '%(name)s' names %(kind)s %(party_no)s"),
    "name_similar": _("Name '%(name)s' resembles %(kind)s %(party_no)s (similarity %(similarity)s, nearness "
                      "%(nearness)s)"),
    "amount_exact": _("Amount %(amount)s equals the remaining amount %(remaining)s"),
    "amount_with_discount": _("Amount %(amount)s pays %(remaining)s after payment discount %(discount)s"),
    "amount_within_tolerance": _("Amount %(amount)s is within the match tolerance of %(remaining)s"),
    "amount_sum_of_entries": _("Amount %(amount)s equals the sum of %(count)s open entries: %(documents)s"),
    "amount_not_unique": _("Other open entries have an amount in the same range"),
    "partial_payment": _("Amount %(amount)s is less than the remaining amount %(remaining)s: partial payment"),
    "amount_exceeds": _("Amount %(amount)s is more than the remaining amount %(remaining)s"),
    "amount_only": _("Only the amount points to this entry (no reference, number, account or name)"),
    "text_mapping": _("Text '%(mapping_text)s' is mapped to %(account_type)s %(account_no)s"),
    "text_mapping_overridden": _("A text-to-account mapping was overridden by a better match"),
    "conflict_lost": _("%(documents)s was already applied by line(s) %(lines)s with better evidence"),
    "conflict_partial": _("Line(s) %(lines)s already took part of %(documents)s; only the rest was applied"),
    "insufficient_amount": _("Document No. %(document_no)s was not applied because the transaction amount was "
                             "insufficient."),
    "no_match": _("No candidate found"),
}

# Words the parameters carry as codes.
WORDS = {
    "customer": _("customer"),
    "vendor": _("vendor"),
    "gl_account": _("G/L account"),
    "bank_account": _("bank account"),
    "fully": _("fully matched"),
    "partially": _("partially matched"),
    "yes": _("matched"),
    "yes_multiple": _("matched, several"),
    "no": _("not matched"),
    "one_match": _("one match"),
    "multiple_matches": _("several matches"),
    "no_matches": _("no match"),
}
_WORDED = {"kind", "account_type", "related_party", "doc_no"}


def reason_text(reason: Mapping) -> str:
    """The sentence for a stored reason ({"code", "text", "params"}) in the active language."""
    code = reason.get("code", "")
    params = dict(reason.get("params") or {})
    if code == "learned":
        code = "learned_text" if "text_key" in params else "learned_account"
    message = MESSAGES.get(code)
    if message is None:
        return reason.get("text", "")
    for name in _WORDED & params.keys():
        params[name] = WORDS.get(params[name], params[name])
    if code == "rule":  # here the amount is the rule's condition (a word), elsewhere a sum of money
        amount = params.get("amount", "")
        params["amount"] = WORDS.get(amount, amount)
        params["confidence"] = _confidence_label(params.get("confidence", ""))
    try:
        return str(message) % params
    except (KeyError, ValueError, TypeError):
        return reason.get("text", "")


def _confidence_label(value: str) -> str:
    try:
        return str(MatchConfidence(value).label)
    except ValueError:
        return value
