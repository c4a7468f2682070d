"""The template side of rehabpath.formats: ``{{ value|day }}``."""

import datetime as dt

from django import template

from rehabpath.formats import day_label

register = template.Library()


# expects_localtime: a datetime arrives in the current time zone, as Django's |date gets it.
@register.filter(expects_localtime=True)
def day(value: dt.date | None) -> str:
    """A date (or a datetime's day) as "7 Mar 2026"; "" for none."""
    return day_label(value)
