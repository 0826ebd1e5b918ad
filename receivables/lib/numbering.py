"""Document numbers from number series, taken from a locked row so two users never get the same one."""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from receivables.models import NoSeries, increment_no

SERIES_EXHAUSTED = _("Number series %(code)s has no more numbers after %(last)s (ending no. %(ending)s).")


class NumberSeriesError(Exception):
    pass


def next_no(series: NoSeries | str, *, on: date | None = None, count: int = 1) -> list[str]:
    """Take the next `count` numbers of a series. Runs inside the caller's transaction when there is one."""
    code = series if isinstance(series, str) else series.code
    with transaction.atomic():
        locked = NoSeries.objects.select_for_update().get(code=code)
        numbers = []
        current = locked.last_no_used
        for _i in range(count):
            current = increment_no(current) if current else locked.starting_no
            if locked.ending_no and _compare(current, locked.ending_no) > 0:
                raise NumberSeriesError(
                    SERIES_EXHAUSTED % {"code": code, "last": locked.last_no_used, "ending": locked.ending_no}
                )
            numbers.append(current)
        locked.last_no_used = current
        locked.last_date_used = on or locked.last_date_used
        locked.save(update_fields=["last_no_used", "last_date_used"])
    return numbers


def _compare(a: str, b: str) -> int:
    """Numbers of one series have the same width, so comparing as (length, text) orders them."""
    return (len(a) > len(b)) - (len(a) < len(b)) or (a > b) - (a < b)
