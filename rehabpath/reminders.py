"""The reminder sweep: find what is due today in Europe/London and record it in the ledger.

Beat runs the sweep on a plain UTC interval (REMINDER_SWEEP_SECONDS); the sweep works out
today's date in REMINDER_TIME_ZONE itself, so British Summer Time changes nothing and there is
no local-time crontab and no task scheduled days ahead. Each app registers its sources in its
`notifications` module: a source gets the day and yields batches of items (found with an
indexed date-range query, a keyset page at a time). The sweep records each batch with one
INSERT ... ON CONFLICT DO NOTHING, so a second beat, a retried task or a re-run sweep finds
every row already there and sends nothing twice; a sweep cut short by a crash is completed by
the next one, because "due" is a range of days, never one exact day.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from rehabpath.notifications import Item, notify_many

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepDay:
    """What a source is asked: which day it is (in Europe/London), and how big a batch is."""

    today: dt.date
    now: dt.datetime  # aware, UTC
    batch_size: int


ReminderSource = Callable[[SweepDay], Iterator[Sequence[Item]]]
SOURCES: dict[str, ReminderSource] = {}


def reminder_source(key: str) -> Callable[[ReminderSource], ReminderSource]:
    """Register a source under a stable key (the sweep's report and `--only` use it)."""

    def register(source: ReminderSource) -> ReminderSource:
        SOURCES[key] = source
        return source

    return register


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date where the programme works (REMINDER_TIME_ZONE, Europe/London)."""
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(settings.REMINDER_TIME_ZONE)).date()


def milestone_for(days_left: int, milestones: Sequence[int]) -> int | None:
    """The milestone reached `days_left` days before a date: the smallest one not below it.

    With (90, 30, 7, 0): 45 days left is the 90-day milestone, 30 is 30, 5 is 7, 0 is the day
    itself; past the date (-1) or further than the first milestone (91) is none. A sweep that
    missed days (an outage) still sends the milestone reached, once, and never an earlier one
    retroactively.
    """
    if days_left < 0:
        return None
    reached = [m for m in milestones if m >= days_left]
    return min(reached) if reached else None


def milestone_label(milestone: int) -> str:
    """The ledger's milestone text: "90d", ..., "0d" (on the day)."""
    return f"{milestone}d"


@dataclass
class SourceReport:
    key: str
    batches: int = 0
    items: int = 0  # due items found (new or recorded before)
    new: int = 0  # ledger rows this sweep added
    seconds: float = 0.0


@dataclass
class SweepReport:
    today: dt.date
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(source.new for source in self.sources)

    @property
    def items(self) -> int:
        return sum(source.items for source in self.sources)

    @property
    def batches(self) -> int:
        return sum(source.batches for source in self.sources)


def sweep(
    *,
    now: dt.datetime | None = None,
    batch_size: int | None = None,
    only: Sequence[str] | None = None,
) -> SweepReport:
    """Run every registered source (or those in `only`) for today and record what is due."""
    now = now or timezone.now()
    day = SweepDay(
        today=local_today(now), now=now, batch_size=batch_size or settings.REMINDER_BATCH_SIZE
    )
    report = SweepReport(today=day.today)
    for key, source in SOURCES.items():
        if only is not None and key not in only:
            continue
        started = time.perf_counter()
        part = SourceReport(key=key)
        for batch in source(day):
            part.batches += 1
            part.items += len(batch)
            part.new += notify_many(batch)
        part.seconds = time.perf_counter() - started
        report.sources.append(part)
        logger.info("reminder source %s: %d due, %d new", key, part.items, part.new)
    return report


def batched(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    """Cut a stream of items into lists of `size` (a source's last batch may be shorter)."""
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
