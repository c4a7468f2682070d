"""How RehabPath writes a day: one way on every page, in every mail and document.

`day_label` for Python code (record facts, CPD periods, messages), the `day` filter for
templates (``{% load formats %}`` then ``{{ value|day }}``).
"""

import datetime as dt

from django.utils.formats import date_format

DAY_FORMAT = "j M Y"  # 7 Mar 2026: no zero padding, the month in three letters


def day_label(value: dt.date | None) -> str:
    """7 Mar 2026; "" for no date. A datetime gives its own day: convert it to local first."""
    return date_format(value, DAY_FORMAT) if value else ""


def period_label(start: dt.date, end: dt.date) -> str:
    """7 Mar 2026 to 6 Mar 2027."""
    return f"{day_label(start)} to {day_label(end)}"
