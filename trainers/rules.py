"""Rules about a trainer's records that more than one model, or more than one row, needs.

The models' `clean()` methods call these; so do the services (through `full_clean`), the
forms (through `ModelForm`'s model validation) and the bulk import, which runs the same pure
functions over rows it has loaded in a fixed number of queries. Nothing here imports a model.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

# A date before this is a typing slip (0202 for 2020), not a real certificate.
EARLIEST_RECORD_DATE = dt.date(1950, 1, 1)

# ASCII digits only: `\d` would also take Arabic-Indic (١٢٣) and other scripts' digits.
DBS_NUMBER = re.compile(r"[0-9]{12}")


def validate_not_future(value: dt.date | None, what: str, *, today: dt.date | None = None) -> None:
    if value and value > (today or timezone.localdate()):
        raise ValidationError(f"{what} cannot be in the future.", code="future")


def validate_plausible(value: dt.date | None, what: str) -> None:
    if value and value < EARLIEST_RECORD_DATE:
        raise ValidationError(
            f"{what} is before {EARLIEST_RECORD_DATE:%Y}: check the year.", code="implausible"
        )


def check_date(
    value: dt.date | None, what: str, *, not_future: bool = False, today: dt.date | None = None
) -> ValidationError | None:
    """The first thing wrong with a record's date (`what` names it in the message), or None."""
    try:
        if not_future:
            validate_not_future(value, what, today=today)
        validate_plausible(value, what)
    except ValidationError as error:
        return error
    return None
