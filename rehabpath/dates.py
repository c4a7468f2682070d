"""The days RehabPath accepts, and day arithmetic that cannot run off the end of the calendar.

A form's date field accepts any day from year 1 to year 9999; the day after 9999-12-31 (or the
CPD year that starts on it) does not exist, and computing it would raise instead of answering.
"""

import datetime as dt


def day_after(day: dt.date) -> dt.date | None:
    """The next day, or None after the last day there is (no upper bound is then needed)."""
    return None if day >= dt.date.max else day + dt.timedelta(days=1)
