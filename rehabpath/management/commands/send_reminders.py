"""manage.py send_reminders: run the reminder sweep now, as beat does every few minutes.

Prints, per reminder source, the items due today and how many of them are new ledger rows
(the rest were recorded by an earlier sweep and are not sent again), then what the ledger
holds for the workers. A second run the same day prints "0 new". `--deliver` also sends what
is due in this process, for a machine with no worker running; the rows are claimed as a
worker claims them, so a worker running after all sends nothing twice.

`--date` pretends today (in Europe/London) is another day. It is refused unless DEBUG is on:
a reminder recorded early on a real programme cannot be taken back, and its milestone would
then never be sent on its real day.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rehabpath.ledger import Outcome, deliver_due
from rehabpath.models import Delivery
from rehabpath.reminders import SOURCES, sweep


class Command(BaseCommand):
    help = "Run the reminder sweep now; --deliver also sends what is due, without a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            metavar="KEY",
            choices=sorted(SOURCES),
            help="Run only this source (repeatable), e.g. expiry.insurance.",
        )
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Pretend today is this day in Europe/London (DEBUG only).",
        )
        parser.add_argument(
            "--deliver",
            action="store_true",
            help="Also send every row that is due now, in this process.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["date"] is not None:
            if not settings.DEBUG:
                raise CommandError(
                    "--date records reminders for another day; it is refused unless DEBUG is "
                    "on (a reminder sent early on a real programme cannot be taken back)."
                )
            noon = dt.datetime.combine(
                options["date"], dt.time(12), tzinfo=ZoneInfo(settings.REMINDER_TIME_ZONE)
            )
            now = noon.astimezone(dt.UTC)

        report = sweep(now=now, only=options["only"])
        self.stdout.write(f"Reminder sweep for {report.today.isoformat()} (Europe/London)")
        for part in report.sources:
            self.stdout.write(
                f"  {part.key}: {part.items} due, {part.new} new"
                f" ({part.batches} batch{'es' if part.batches != 1 else ''},"
                f" {part.seconds:.2f} s)"
            )
        self.stdout.write(f"  total: {report.items} due, {report.new} new")

        if options["deliver"]:
            self._deliver()
        self._ledger_state()

    def _deliver(self) -> None:
        totals = dict.fromkeys(Outcome, 0)
        while True:
            outcomes = deliver_due()
            for outcome, n in outcomes.items():
                totals[outcome] += n
            if not sum(outcomes.values()):
                break
        self.stdout.write(
            f"Delivered here: {totals[Outcome.SENT]} sent, {totals[Outcome.RETRY]} to retry,"
            f" {totals[Outcome.FAILED]} failed"
        )

    def _ledger_state(self) -> None:
        now = timezone.now()
        rows = Delivery.objects
        pending = rows.filter(status=Delivery.Status.PENDING)
        due = pending.filter(next_attempt_at__lte=now).count()
        later = pending.filter(next_attempt_at__gt=now).count()
        sending = rows.filter(status=Delivery.Status.SENDING).count()
        digest = rows.filter(status=Delivery.Status.DIGEST).count()
        self.stdout.write(
            f"Ledger: {due} due now (queued for the workers), {later} waiting to retry,"
            f" {sending} being sent, {digest} waiting for the weekly digest"
        )
