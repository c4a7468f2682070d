"""Template helpers for the CPD pages and the portfolio PDF."""

from decimal import Decimal, InvalidOperation

from django import template

from qualifications.scoring import day_label, fmt_number

register = template.Library()


@register.filter
def cpd_number(value) -> str:
    """2.50 -> "2.5", 3.00 -> "3": hours and points as people write them."""
    try:
        return fmt_number(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def cpd_day(value) -> str:
    """A date as "7 Mar 2026"."""
    return day_label(value) if value else ""
