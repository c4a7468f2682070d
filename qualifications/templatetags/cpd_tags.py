"""Template helpers for the CPD pages and the portfolio PDF."""

from decimal import Decimal, InvalidOperation

from django import template

from qualifications.scoring import fmt_number

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
