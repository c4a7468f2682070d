"""How RehabPath writes a day: one way on every page, in every mail and document.

`day_label` for Python code (record facts, CPD periods, messages), the `day` filter for
templates (``{% load formats %}`` then ``{{ value|day }}``).
"""

import datetime as dt
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language

DAY_FORMAT = "j M Y"  # 7 Mar 2026: no zero padding, the month in three letters


def day_label(value: dt.date | None) -> str:
    """7 Mar 2026; "" for no date. A datetime gives its own day: convert it to local first."""
    if not value:
        return ""
    day = value.date() if isinstance(value, dt.datetime) else value
    return _day_label(day, get_language())


@lru_cache(maxsize=8192)
def _day_label(day: dt.date, language: str | None) -> str:
    # Django's date_format goes through the translation machinery for every call; a list
    # page writes dozens of days, mostly the same few. Cached per language it was made in.
    return date_format(day, DAY_FORMAT)


def period_label(start: dt.date, end: dt.date) -> str:
    """7 Mar 2026 to 6 Mar 2027."""
    return f"{day_label(start)} to {day_label(end)}"
