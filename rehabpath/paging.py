"""Keyset paging ("older" / "newer" from a position) for long lists sorted newest first.

OFFSET paging reads and throws away every row before the page, and its page count needs a
COUNT(*) over everything that matches: both grow with the table. A keyset page starts at a
position, (time, id) of the row next to it, so one index range scan reads the page alone
whatever its depth. The cursor in the URL is that position: "<microseconds since epoch>-<id>".
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class KeysetPage[M: Model]:
    object_list: list[M]
    newer: str | None  # cursor for the page before (newer rows), None on the first page
    older: str | None  # cursor for the page after (older rows), None on the last page

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def cursor_of(when: dt.datetime, pk: int) -> str:
    delta = when - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}-{pk}"


def parse_cursor(raw: str | None) -> tuple[dt.datetime, int] | None:
    """The position in a cursor, or None for a missing or malformed one (the first page)."""
    found = CURSOR.match(raw or "")
    if found is None:
        return None
    try:
        when = EPOCH + dt.timedelta(microseconds=int(found.group(1)))
    except OverflowError:
        return None
    return when, int(found.group(2))


def keyset_page[M: Model](
    rows: QuerySet[M],
    *,
    field: str,
    size: int,
    older_than: str | None = None,
    newer_than: str | None = None,
) -> KeysetPage[M]:
    """One page of `rows`, newest first by (`field`, id), from a cursor or from the top.

    Needs an index on (`field`, id) (or (filter column, `field`, id)) to read only the page.
    """
    newer = parse_cursor(newer_than)
    older = parse_cursor(older_than) if newer is None else None
    if newer is not None:
        when, pk = newer
        # The plain range on `field` is what the index scan starts from; the OR breaks ties.
        after: dict[str, Any] = {f"{field}__gte": when}
        tie = Q(**{f"{field}__gt": when}) | Q(**{field: when, "pk__gt": pk})
        found = list(rows.filter(tie, **after).order_by(field, "pk")[: size + 1])
        more_newer = len(found) > size
        page = list(reversed(found[:size]))
        return _page(page, field, has_newer=more_newer, has_older=True)
    if older is not None:
        when, pk = older
        before: dict[str, Any] = {f"{field}__lte": when}
        tie = Q(**{f"{field}__lt": when}) | Q(**{field: when, "pk__lt": pk})
        rows = rows.filter(tie, **before)
    found = list(rows.order_by(f"-{field}", "-pk")[: size + 1])
    return _page(found[:size], field, has_newer=older is not None, has_older=len(found) > size)


def _page[M: Model](
    page: list[M], field: str, *, has_newer: bool, has_older: bool
) -> KeysetPage[M]:
    if not page:
        # Past either end (a stale cursor): nothing here, and the way back to the top.
        return KeysetPage([], None, None)
    first, last = page[0], page[-1]
    return KeysetPage(
        object_list=page,
        newer=cursor_of(getattr(first, field), first.pk) if has_newer else None,
        older=cursor_of(getattr(last, field), last.pk) if has_older else None,
    )
