"""Template helpers for the CPD pages and the portfolio PDF."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template

from qualifications.scoring import day_label, fmt_number

register = template.Library()


@register.filter
def cpd_number(value: Decimal | float | str | None) -> str:
    """2.50 -> "2.5", 3.00 -> "3": hours and points as people write them."""
    if value is None:
        return ""
    try:
        return fmt_number(Decimal(value))
    except (InvalidOperation, ValueError):
        return ""


@register.filter
def cpd_day(value: dt.date | None) -> str:
    """A date as "7 Mar 2026"."""
    return day_label(value) if value else ""
