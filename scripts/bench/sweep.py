"""`make bench`, second part: the reminder sweep over a large programme (issue 9, item 7).

    .venv/bin/python scripts/bench/sweep.py     # or `make bench-sweep`; `make bench` runs both

1. Makes sure two databases exist, each holding a lean generated programme
   (programme/generate_reminders.py): BENCH_SWEEP_TRAINERS trainers (default 10 x
   BENCH_TRAINERS capped at 100,000: 100,000 with the web benchmark's 10,000, 3,000 in CI's
   small run) and a tenth of that, to show the sweep's queries grow with its batches, not with
   the trainers. Generated once and reused (BENCH_REGENERATE=1 to make them again).
2. For each size, in a process of its own (Django has one database a process): empties the
   ledger, runs the sweep for the day before the data's generation day, as beat would have
   (that is the catch-up sweep of a new deployment, everything within 90 days at its current
   milestone: timed too), marks those rows sent (yesterday's mail), then times
   `rehabpath.reminders.sweep()` for the generation day itself, every registered source as
   beat runs it, counting its SQL statements (per source as well), and a second sweep right
   after, which must record nothing new.
3. At the large size only: starts a real `celery worker --pool solo` (one worker, one task at
   a time) against the bench database and Redis (BENCH_REDIS_URL), with MAIL_URL pointing at
   an SMTP sink on the loopback (aiosmtpd, in this process: real SMTP, nothing kept), and waits
   until the day's pending rows are sent; reports rows a second, and checks that the mails
   received match the ledger rows one to one (by Message-ID).
4. Writes its section of BENCH_OUTPUT (default docs/PERFORMANCE.md) between its own markers.

The sweep runs "on" the generation day (its date in Europe/London, 09:00), whatever today is,
so that a reused database gives the same figures. Fails when the harness breaks (a sweep that
records anything the second time, a worker that does not drain the rows, mails that do not
match the ledger), not when the 60 s target is missed: the section says that.
"""

import argparse
import datetime as dt
import json
import logging
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from common import free_port, machine_facts, signing_key  # scripts/bench/, beside this script

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
START, END = "<!-- bench-sweep:start -->", "<!-- bench-sweep:end -->"
MAX_TRAINERS = 100_000
WALL_TARGET_S = 60.0
REPEATS = int(os.environ.get("BENCH_SWEEP_REPEATS", "3"))
DRAIN_TIMEOUT_S = float(os.environ.get("BENCH_DRAIN_TIMEOUT", "900"))


class HarnessError(Exception):
    pass


def say(message: str) -> None:
    print(f"bench sweep: {message}", flush=True)


# --- configuration -------------------------------------------------------------------------
def sweep_trainers(env: dict[str, str] | os._Environ[str]) -> int:
    """BENCH_SWEEP_TRAINERS, or ten times the web benchmark's trainers up to 100,000."""
    if env.get("BENCH_SWEEP_TRAINERS"):
        return int(env["BENCH_SWEEP_TRAINERS"])
    return min(MAX_TRAINERS, 10 * int(env.get("BENCH_TRAINERS", "10000")))


def database_url(env: dict[str, str] | os._Environ[str]) -> str:
    """BENCH_SWEEP_DATABASE_URL, or the web benchmark's database name with `_sweep`."""
    if env.get("BENCH_SWEEP_DATABASE_URL"):
        return env["BENCH_SWEEP_DATABASE_URL"]
    web = env.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabpath_benchdata")
    return renamed(web, "_sweep")


def renamed(url: str, suffix: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path + suffix))


def django_env(db_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "CREDENTIAL_SIGNING_KEY": signing_key(),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "MAIL_URL": "console://",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "rehabpath.settings",
    }


# --- the measuring process (one database) --------------------------------------------------
def ensure_database(url: str) -> None:
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_programme(trainers: int, regenerate: bool) -> float | None:
    """The generated programme; the seconds its generation took (None: reused)."""
    from django.core.management import call_command

    from programme.generate import empty_tables, is_empty
    from programme.generate_reminders import generate_for_sweep
    from trainers.models import TrainerProfile

    call_command("migrate", "--noinput", verbosity=0)
    have = TrainerProfile.objects.count()
    if have == trainers and not regenerate:
        say(f"reusing the programme of {have:,} trainers")
        return None
    if not is_empty():
        empty_ledger()
        empty_tables()
    say(f"generating {trainers:,} trainers (programme/generate_reminders.py)")
    started = time.perf_counter()
    report = generate_for_sweep(trainers)
    seconds = time.perf_counter() - started
    slow = sorted(report.seconds.items(), key=lambda kv: -kv[1])[:4]
    say(f"generated in {seconds:.0f} s (" + ", ".join(f"{k} {v:.0f} s" for k, v in slow) + ")")
    return seconds


def empty_ledger() -> None:
    """The ledger, and what sources remember between sweeps (the eligibility watch's states,
    each dated by the day it was computed): every run starts from the same place."""
    from django.db import connection

    from programme.models import EligibilityState
    from rehabpath.models import Delivery, NotificationPreference

    tables = [
        Delivery._meta.db_table,
        NotificationPreference._meta.db_table,
        EligibilityState._meta.db_table,
    ]
    with connection.cursor() as cursor:
        # CASCADE: the webhook attempts of the ledger's rows go with them.
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def bench_day() -> tuple[dt.date, dt.datetime]:
    """The generation day in Europe/London, and 09:00 on it as an aware UTC instant."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db.models import Max

    from trainers.models import TrainerProfile

    made = TrainerProfile.objects.aggregate(at=Max("created_at"))["at"]
    if made is None:
        raise HarnessError("the sweep database has no trainers")
    london = ZoneInfo(settings.REMINDER_TIME_ZONE)
    day = made.astimezone(london).date()
    return day, dt.datetime.combine(day, dt.time(9), tzinfo=london).astimezone(dt.UTC)


def data_sizes() -> dict[str, int]:
    from django.db import connection

    queries = {
        "trainers": "SELECT count(*) FROM trainers_trainerprofile",
        "qualifications": "SELECT count(*) FROM qualifications_trainerqualification",
        "insurance policies": "SELECT count(*) FROM trainers_insurance",
        "DBS checks": "SELECT count(*) FROM trainers_dbscheck",
        "scope declarations": "SELECT count(*) FROM mentorship_scopedeclaration",
        "CPD activities": "SELECT count(*) FROM qualifications_cpdactivity",
        "open mentor assignments": (
            "SELECT count(*) FROM mentorship_mentorassignment WHERE ended_at IS NULL"
        ),
        "supervised sessions": "SELECT count(*) FROM mentorship_supervisedsession",
        "records pending verification": (
            "SELECT (SELECT count(*) FROM qualifications_trainerqualification"
            " WHERE status = 'pending') + (SELECT count(*) FROM trainers_insurance"
            " WHERE status = 'pending') + (SELECT count(*) FROM trainers_dbscheck"
            " WHERE status = 'pending')"
        ),
        "accounts": "SELECT count(*) FROM rehabpath_user",
    }
    sizes = {}
    with connection.cursor() as cursor:
        for label, sql in queries.items():
            cursor.execute(sql)
            sizes[label] = int(cursor.fetchone()[0])
    return sizes


class Counter:
    """Counts every SQL statement run on the connection (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.n = 0
        self.seconds: dict[str, float] = {}  # by statement: SELECT, INSERT, ...

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[verb] = self.seconds.get(verb, 0.0) + time.perf_counter() - started


def counted_sweep(now: dt.datetime) -> dict[str, Any]:
    """sweep(now=...) with its wall time and statements, in total and by source."""
    from django.db import connection

    from rehabpath import reminders

    counter = Counter()
    per_source: dict[str, int] = {}
    originals = dict(reminders.SOURCES)

    def counting(key: str, source: reminders.ReminderSource) -> reminders.ReminderSource:
        def wrapped(day: reminders.SweepDay) -> Any:
            before = counter.n
            yield from source(day)  # the sweep records each batch before asking for the next
            per_source[key] = counter.n - before

        return wrapped

    reminders.SOURCES.update({k: counting(k, s) for k, s in originals.items()})
    rows_before = ledger_rows()
    try:
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            report = reminders.sweep(now=now)
            seconds = time.perf_counter() - started
    finally:
        reminders.SOURCES.clear()
        reminders.SOURCES.update(originals)
    return {
        "seconds": seconds,
        # A source that recorded rows of its own would yield none to the sweep: the ledger's
        # growth counts them too.
        "rows_added": ledger_rows() - rows_before,
        "queries": counter.n,
        "sql_seconds": counter.seconds,
        "items": report.items,
        "new": report.new,
        "batches": report.batches,
        "sources": [
            {
                "key": s.key,
                "batches": s.batches,
                "items": s.items,
                "new": s.new,
                "seconds": s.seconds,
                "queries": per_source.get(s.key, 0),
            }
            for s in report.sources
        ],
    }


def counted_watch(now: dt.datetime) -> dict[str, Any]:
    """The day's first eligibility watch (its own beat entry, beside the sweep), timed."""
    from django.db import connection

    from programme.eligibility.watch import eligibility_watch_daily

    counter = Counter()
    rows_before = ledger_rows()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        report = eligibility_watch_daily(now=now)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "queries": counter.n,
        "batches": report.batches,
        "trainers": report.trainers,
        "changes": report.changes,
        "rows_added": ledger_rows() - rows_before,
    }


def ledger_rows() -> int:
    from rehabpath.models import Delivery

    return Delivery.objects.count()


def mark_sent(at: dt.datetime) -> int:
    """Yesterday's rows were sent yesterday: the steady state a daily sweep runs in."""
    from rehabpath.models import Delivery

    return Delivery.objects.filter(status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENT, sent_at=at, attempts=1
    )


def purge_broker() -> int:
    """Drop the tasks the warm-up sweep published (their rows are marked sent already)."""
    from rehabpath.celery import app

    return int(app.control.purge() or 0)


def measure(trainers: int, regenerate: bool, send: bool) -> dict[str, Any]:
    from django.conf import settings
    from django.db.models import Count

    from rehabpath import reminders
    from rehabpath.models import Delivery

    generated = ensure_programme(trainers, regenerate)
    day, now = bench_day()
    sizes = data_sizes()
    empty_ledger()
    purge_broker()
    say(f"{trainers:,} trainers: sources {', '.join(reminders.SOURCES) or '(none yet)'}")
    say(f"catch-up sweep for {day - dt.timedelta(days=1)} (an empty ledger)")
    catch_up = counted_sweep(now - dt.timedelta(days=1))
    counted_watch(now - dt.timedelta(days=1))  # the states a day's watch compares with
    marked = mark_sent(now - dt.timedelta(days=1))
    purge_broker()
    say(
        f"catch-up: {catch_up['new']:,} rows in {catch_up['seconds']:.1f} s, "
        f"{catch_up['queries']:,} queries; marked {marked:,} sent"
    )
    say(f"the day's sweep for {day}")
    first = counted_sweep(now)
    say(
        f"first: {first['items']:,} due, {first['new']:,} new ({first['rows_added']:,} rows "
        f"added), {first['batches']:,} batches, "
        f"{first['queries']:,} queries in {first['seconds']:.2f} s, SQL {sql_split(first)}"
    )
    say(f"the day's eligibility watch for {day}")
    watch = counted_watch(now)
    say(
        f"watch: {watch['trainers']:,} trainers in {watch['batches']:,} batches, "
        f"{watch['changes']:,} changes, {watch['queries']:,} queries in {watch['seconds']:.2f} s"
    )
    # Again, REPEATS times: nothing new each time; the median tells the machine's noise apart.
    again = [counted_sweep(now) for _ in range(REPEATS)]
    second = again[0]
    second["times"] = [run["seconds"] for run in again]
    say(
        f"again x{REPEATS}: {sum(run['new'] for run in again):,} new, {second['queries']:,} "
        f"queries, " + ", ".join(f"{run['seconds']:.2f}" for run in again) + " s"
    )
    if any(run["new"] or run["rows_added"] for run in again):
        raise HarnessError("a sweep right after the first recorded new rows")
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING).count()
    result: dict[str, Any] = {
        "trainers": trainers,
        "day": day.isoformat(),
        "now": now.isoformat(),
        "generated_seconds": generated,
        "sizes": sizes,
        "batch_size": settings.REMINDER_BATCH_SIZE,
        "delivery_batch_size": settings.DELIVERY_BATCH_SIZE,
        "catch_up": catch_up,
        "first": first,
        "second": second,
        "watch": watch,
        "pending": pending,
        "by_status": dict(
            Delivery.objects.values_list("status").annotate(n=Count("id")).order_by()
        ),
        "machine": machine(),
    }
    if send:
        result["sending"] = drain(pending)
    return result


def machine() -> dict[str, str]:
    return {
        **machine_facts(),
        "load average": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- sending: one real worker, a real SMTP sink ---------------------------------------------
class Sink:
    """An SMTP server on the loopback that keeps only the Message-IDs it was handed."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every command
        self.port = free_port()
        self.message_ids: list[str] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        from email import message_from_bytes

        message = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids.append(str(message.get("Message-ID", "")))
        return "250 OK"

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def drain(pending: int) -> dict[str, Any]:
    """Start one solo worker, wait until the day's rows are sent; rows a second."""
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max, Min

    from rehabpath.mail import message_id
    from rehabpath.models import Delivery

    since = dt.datetime.now(dt.UTC)  # the rows sent before (yesterday's) are older
    if not pending:
        return {"rows": 0}
    with Sink() as sink:
        env = {
            **os.environ,
            "MAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=30",
            "LOG_LEVEL": "WARNING",
        }
        log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)
        say(f"a solo celery worker sends {pending:,} rows to an SMTP sink; log {log.name}")
        started = time.perf_counter()
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "rehabpath", "worker", "--pool", "solo"]
            + ["--concurrency", "1", "--without-heartbeat", "--without-gossip"]
            + ["--without-mingle", "--loglevel", "WARNING"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            left = pending
            last_progress = time.monotonic()
            while left:
                time.sleep(0.5)
                if worker.poll() is not None:
                    raise HarnessError(f"the worker exited ({worker.returncode}); see {log.name}")
                now_left = Delivery.objects.filter(
                    status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
                ).count()
                connection.close()
                if now_left < left:
                    last_progress = time.monotonic()
                left = now_left
                if time.monotonic() - last_progress > 60:
                    raise HarnessError(f"no row sent for 60 s, {left:,} left; see {log.name}")
                if time.perf_counter() - started > DRAIN_TIMEOUT_S:
                    raise HarnessError(f"{left:,} rows not sent in {DRAIN_TIMEOUT_S:.0f} s")
            wall = time.perf_counter() - started
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        sent = Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__gte=since)
        span = sent.aggregate(first=Min("sent_at"), last=Max("sent_at"))
        rows = list(sent.only("public_id"))
        failed = Delivery.objects.filter(status=Delivery.Status.FAILED).count()
        expected = sorted(message_id(row) for row in rows)
        with sink.lock:
            received = sorted(sink.message_ids)
    if expected != received:
        missing = len(set(expected) - set(received))
        extra = len(received) - len(set(received) & set(expected))
        raise HarnessError(
            f"mails received do not match the ledger: {len(received):,} received for "
            f"{len(expected):,} rows sent ({missing:,} missing, {extra:,} extra)"
        )
    seconds = (span["last"] - span["first"]).total_seconds() if rows else 0.0
    return {
        "rows": len(rows),
        "failed": failed,
        "mails": len(received),
        "wall_seconds": wall,
        "sending_seconds": seconds,
        "rows_per_second": len(rows) / seconds if seconds else 0.0,
        "wall_rows_per_second": len(rows) / wall if wall else 0.0,
        "batch": settings.DELIVERY_BATCH_SIZE,
    }


def child(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        result = measure(args.trainers, args.regenerate, args.send)
    except HarnessError as error:
        print(f"bench sweep: FAILED: {error}", file=sys.stderr)
        return 1
    print("SWEEP_JSON " + json.dumps(result, default=str), flush=True)
    return 0


# --- the report ----------------------------------------------------------------------------
def source_table(large: dict[str, Any], small: dict[str, Any]) -> str:
    lines = [
        f"| source | due at {small['trainers']:,} | batches | queries "
        f"| due at {large['trainers']:,} | new | batches | queries | seconds "
        f"| catch-up new at {large['trainers']:,} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    small_by = {s["key"]: s for s in small["first"]["sources"]}
    catch_by = {s["key"]: s for s in large["catch_up"]["sources"]}
    for s in large["first"]["sources"]:
        t = small_by.get(s["key"], {"items": 0, "batches": 0, "queries": 0})
        c = catch_by.get(s["key"], {"new": 0})
        lines.append(
            f"| `{s['key']}` | {t['items']:,} | {t['batches']:,} | {t['queries']:,} "
            f"| {s['items']:,} | {s['new']:,} | {s['batches']:,} | {s['queries']:,} "
            f"| {s['seconds']:.2f} | {c['new']:,} |"
        )
    for size in (small, large):
        f = size["first"]
        lines.append(
            f"| **all, {size['trainers']:,} trainers** | {f['items']:,} | {f['batches']:,} "
            f"| {f['queries']:,} | | {f['new']:,} | | | {f['seconds']:.2f} "
            f"| {size['catch_up']['new']:,} |"
        )
    return "\n".join(lines)


def sql_split(run: dict[str, Any]) -> str:
    parts = sorted(run.get("sql_seconds", {}).items(), key=lambda kv: -kv[1])
    total = sum(seconds for _verb, seconds in parts)
    return f"{total:.1f} s (" + ", ".join(f"{verb} {sec:.1f} s" for verb, sec in parts) + ")"


def render(large: dict[str, Any], small: dict[str, Any], started: dt.datetime) -> str:
    facts = "; ".join(f"{k}: {v}" for k, v in large["machine"].items())
    sizes = ", ".join(f"{v:,} {k}" for k, v in large["sizes"].items())
    f, s2, c, w = large["first"], large["second"], large["catch_up"], large["watch"]
    met = "yes" if f["seconds"] < WALL_TARGET_S else "**no**"
    sending = large.get("sending") or {}
    send_line = (
        f"- Sending (one `celery worker --pool solo`, mail by SMTP to an aiosmtpd sink on the "
        f"loopback, {sending['batch']} rows a task): {sending['rows']:,} rows sent in "
        f"{sending['sending_seconds']:.1f} s from the first to the last, "
        f"**{sending['rows_per_second']:,.1f} rows/s** ({sending['wall_rows_per_second']:,.1f} "
        f"rows/s counting the worker's start, {sending['wall_seconds']:.1f} s); "
        f"{sending['failed']:,} failed; the {sending['mails']:,} mails received match the "
        "ledger's rows one to one by Message-ID."
        if sending.get("rows")
        else "- Sending: nothing was due, so nothing was sent."
    )
    per_batch = [
        size["first"]["queries"] / size["first"]["batches"] if size["first"]["batches"] else 0
        for size in (small, large)
    ]
    return "\n".join(
        [
            START,
            f"Run of {started:%Y-%m-%d %H:%M} UTC, written by `make bench` "
            "(scripts/bench/sweep.py).",
            "",
            f"- Machine: {facts}.",
            f"- Data ({large['trainers']:,} trainers, programme/generate_reminders.py): {sizes}.",
            f"- The sweep runs for {large['day']} (the data's generation day, 09:00 Europe/"
            f"London), REMINDER_BATCH_SIZE={large['batch_size']:,}; the ledger holds the day "
            f"before's rows, sent (a catch-up sweep on an empty ledger for the day before made "
            f"{c['new']:,} rows in {c['seconds']:.1f} s and {c['queries']:,} queries).",
            f"- **The day's sweep at {large['trainers']:,} trainers: {f['seconds']:.1f} s wall, "
            f"{f['queries']:,} queries, {f['items']:,} due items in {f['batches']:,} batches, "
            f"{f['new']:,} new rows ({f['rows_added']:,} rows added to the ledger, those of "
            f"sources that record their own included)**; target under {WALL_TARGET_S:.0f} s "
            f"met? {met}. "
            f"Waiting on SQL: {sql_split(f)}; the rest is Python (building the items and the "
            "rows, the client's side of the statements). "
            f"The same sweep {len(s2['times'])} times right after: 0 new each time, "
            f"{s2['queries']:,} queries, median {statistics.median(s2['times']):.1f} s ("
            + ", ".join(f"{t:.1f}" for t in s2["times"])
            + " s: the machine's noise).",
            f"- Queries against trainers: {small['first']['queries']:,} at "
            f"{small['trainers']:,} trainers ({small['first']['batches']:,} batches), "
            f"{f['queries']:,} at {large['trainers']:,} ({f['batches']:,} batches): "
            f"{per_batch[0]:.1f} and {per_batch[1]:.1f} queries a batch.",
            f"- The eligibility watch (not a reminder source: its own beat entry on the sweep's "
            f"interval, whose first run of a London day recomputes every shared trainer): "
            f"{w['trainers']:,} trainers in {w['batches']:,} batches, {w['changes']:,} changes, "
            f"{w['queries']:,} queries, {w['seconds']:.1f} s.",
            send_line,
            "",
            source_table(large, small),
            END,
        ]
    )


def write_report(path: Path, section: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text() if path.exists() else "# Performance\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Reminder sweep\n\n" + section + "\n"
    path.write_text(text)


def run_child(db_url: str, redis_url: str, trainers: int, *, send: bool, regen: bool) -> Any:
    ensure_database(db_url)
    command = [str(BIN / "python"), __file__, "--child", "--trainers", str(trainers)]
    command += ["--send"] if send else []
    command += ["--regenerate"] if regen else []
    found = None
    with subprocess.Popen(
        command, cwd=ROOT, env=django_env(db_url, redis_url), stdout=subprocess.PIPE, text=True
    ) as process:
        for line in process.stdout or ():  # the child's progress as it goes
            if line.startswith("SWEEP_JSON "):
                found = line
            else:
                print(line, end="", flush=True)
    if process.returncode or found is None:
        raise HarnessError(f"the sweep at {trainers:,} trainers failed")
    return json.loads(found.removeprefix("SWEEP_JSON "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trainers", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--send", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--regenerate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    env = os.environ
    large_n = sweep_trainers(env)
    small_n = int(env.get("BENCH_SWEEP_SMALL_TRAINERS") or max(1, large_n // 10))
    url = database_url(env)
    redis_url = env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    output = Path(env.get("BENCH_OUTPUT", str(ROOT / "docs" / "PERFORMANCE.md")))
    regen = env.get("BENCH_REGENERATE", "") in {"1", "true", "yes"}
    started = dt.datetime.now(dt.UTC)
    try:
        small = run_child(renamed(url, "_small"), redis_url, small_n, send=False, regen=regen)
        large = run_child(url, redis_url, large_n, send=True, regen=regen)
    except HarnessError as error:
        print(f"bench sweep: FAILED: {error}", file=sys.stderr)
        return 1
    section = render(large, small, started)
    write_report(output, section)
    say(f"wrote {output}")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
