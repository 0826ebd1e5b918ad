from __future__ import annotations

from django import template

from banking.matching.reasons import reason_text as _reason_text

register = template.Library()


@register.filter
def reason_text(reason) -> str:
    """{{ reason|reason_text }}: a stored matching reason in the user's language."""
    return _reason_text(reason)
