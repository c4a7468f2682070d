"""Exactly once, with real processes: a worker killed mid-sweep, two beats, Redis stopped.

Each test starts the project's own `celery worker` and `celery beat` against the test
database and a private redis-server, and counts what an SMTP server on 127.0.0.1 accepted
against the ledger (rehabpath.ledger): one message per row, each with its row's Message-ID.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.urls import reverse

from mentorship.models import SessionStatus
from rehabpath.celery import app as celery_app
from rehabpath.mail import message_id
from rehabpath.models import Delivery, User
from rehabpath.reminders import local_today
from rehabpath.tasks import reminder_sweep
from tests import factories
from tests.reliability.conftest import wait_until
from trainers.models import Insurance, TrainerProfile, VerificationStatus

# "a few thousand due reminders": enough for the sweep (batches of 50) and the sending
# (batches of 50) to be in full swing when the worker is killed.
DUE = 2000


def _due_insurances(n: int) -> None:
    """n trainers whose verified insurance expires within the first milestone (bulk: fast)."""
    today = local_today()
    users = User.objects.bulk_create(factories.UserFactory.build_batch(n))
    profiles = TrainerProfile.objects.bulk_create(
        [factories.TrainerProfileFactory.build(user=user) for user in users]
    )
    Insurance.objects.bulk_create(
        [
            factories.InsuranceFactory.build(
                trainer=profile,
                status=VerificationStatus.VERIFIED,
                expires_on=today + dt.timedelta(days=1 + i % 60),
            )
            for i, profile in enumerate(profiles)
        ]
    )


def _reminders():
    return Delivery.objects.filter(kind="expiry.insurance")


def _sent(rows=None) -> int:
    rows = _reminders() if rows is None else rows
    return rows.filter(status=Delivery.Status.SENT).count()


def _publish(task, broker_url: str) -> None:
    """Send a task to the private broker, as beat does."""
    with celery_app.connection_for_write(broker_url) as connection:
        task.apply_async(connection=connection)


def _check_one_to_one(mailbox, *, kills_while_sending: int) -> None:
    """Every ledger row that was sent reached the SMTP server, under its own Message-ID, once
    (or twice, at most once per kill, if the kill fell between "250" and "recorded")."""
    rows = Delivery.objects.filter(channel=Delivery.Channel.MAIL)
    unsent = rows.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
    # Beat's sweeps may have recorded other reminders (a digest, say) on their way out.
    wait_until(lambda: not unsent.exists(), timeout=60, what="the ledger to settle")
    failed = rows.filter(status=Delivery.Status.FAILED)
    assert not failed.exists(), list(failed.values_list("kind", "last_error"))
    ledger = {message_id(row) for row in rows.filter(status=Delivery.Status.SENT)}
    captured = Counter(mailbox.message_ids())
    assert set(captured) == ledger, (
        f"{len(set(captured) - ledger)} mails not in the ledger, "
        f"{len(ledger - set(captured))} ledger rows never mailed"
    )
    duplicates = {mid: n for mid, n in captured.items() if n > 1}
    assert sum(n - 1 for n in duplicates.values()) <= kills_while_sending, (
        "more duplicates than the one window (accepted by SMTP, worker killed before recording "
        f"it as sent) allows per kill: {duplicates}"
    )
    assert all(n == 2 for n in duplicates.values()), duplicates


def test_a_worker_killed_mid_sweep_and_mid_send_delivers_every_reminder_exactly_once(
    processes, redis_server, smtp
):
    mailbox, _ = smtp
    _due_insurances(DUE)
    processes.worker("worker-1")
    _publish(reminder_sweep, redis_server.url)

    # kill -9 while the sweep is recording the rows.
    wait_until(lambda: _reminders().exists(), timeout=60, what="the sweep", logs=processes)
    processes.kill("worker-1")
    recorded_at_kill = _reminders().count()
    assert recorded_at_kill < DUE, "the sweep finished before the kill: make it bigger"

    # Again, with beat: its next sweep records the rest, its ledger tick sends.
    processes.worker("worker-2")
    processes.beat("beat")
    wait_until(
        lambda: _sent() >= DUE // 3, timeout=120, what="a third of the mails", logs=processes
    )
    # kill -9 while it is sending: its claimed rows wait for their lease, then the tick.
    processes.kill("worker-2")
    sent_at_kill = _sent()
    assert sent_at_kill < DUE, "the sending finished before the kill: make it bigger"

    processes.worker("worker-3")
    wait_until(lambda: _sent() == DUE, timeout=180, what="every reminder sent", logs=processes)

    assert _reminders().count() == DUE  # one row per due item, whatever the sweeps did
    assert sorted(set(_reminders().values_list("attempts", flat=True))) in ([1], [1, 2])
    _check_one_to_one(mailbox, kills_while_sending=1)


def test_two_beats_on_the_same_schedule_send_nothing_twice(processes, smtp):
    mailbox, _ = smtp
    _due_insurances(300)
    # Two workers of four threads each: eight claimers at once, and no time limit enforced
    # (only prefork enforces one), so only the ledger's own lease keeps them apart.
    threads = ("--pool", "threads", "--concurrency", "4")
    processes.worker("worker-a", *threads)
    processes.worker("worker-b", *threads)
    processes.beat("beat-a")
    processes.beat("beat-b")

    wait_until(lambda: _sent() == 300, timeout=120, what="every reminder sent", logs=processes)

    def sweeps(name: str) -> int:
        return processes.logs[name].read_text().count("Sending due task reminder-sweep")

    # Both beats go on sweeping and ticking: nothing new is recorded or sent.
    wait_until(
        lambda: sweeps("beat-a") >= 2 and sweeps("beat-b") >= 2,
        timeout=30,
        what="two sweeps from each beat",
        logs=processes,
    )
    assert _reminders().count() == 300
    _check_one_to_one(mailbox, kills_while_sending=0)
    assert len(mailbox.message_ids()) == 300


@contextmanager
def _broker(url: str) -> Iterator[None]:
    """This process (the web) publishes to `url`, as it would with REDIS_URL pointing there."""

    app: Any = celery_app  # the connection pools are private: dropped, they are rebuilt

    def rebind(to: str) -> None:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.broker_url = to

    previous = celery_app.conf.broker_url
    rebind(url)
    try:
        yield
    finally:
        rebind(previous)


def test_redis_stopped_while_a_mentor_signs_off_the_page_works_and_the_mail_follows(
    processes, redis_server, smtp, client, caplog, settings
):
    """One Redis for everything, as in production: broker, cache and sessions (cached_db).

    The cache degrades to misses (rehabpath.cache): the session comes from the database, the
    sign-off is saved, the publish fails fast and is logged, and the ledger tick sends the mail
    once Redis is back.
    """
    from rehabpath.cache import DegradingRedisCache

    mailbox, _ = smtp
    settings.CACHES = {
        "default": {
            "BACKEND": "rehabpath.cache.DegradingRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    DegradingRedisCache._down_until = 0.0
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    trainer = factories.TrainerProfileFactory()
    mentor = factories.MentorProfileFactory().user
    factories.add_totp(mentor)
    factories.MentorAssignmentFactory(
        mentor=mentor.mentor_profile, trainer=trainer, starts_on=dt.date(2026, 1, 1)
    )
    session = factories.SupervisedSessionFactory(trainer=trainer, condition_area=area)
    client.force_login(trainer.user)
    assert (
        client.post(reverse("mentorship:session_submit", args=[session.public_id])).status_code
        == 302
    )
    Delivery.objects.all().delete()  # the sign-off request's mail is not under test
    processes.worker("worker")
    processes.beat("beat")

    redis_server.stop()
    client.force_login(mentor)
    with _broker(redis_server.url):
        response = client.post(
            reverse("mentorship:session_decide", args=[session.public_id]),
            {"decision": "sign_off", "feedback": "Good.", "statement": "observed_directly"},
        )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.SIGNED_OFF
    assert "broker unavailable" in caplog.text
    assert "cache unavailable" in caplog.text  # the session was read from the database
    rows = Delivery.objects.filter(kind__in=["session.decided", "session.signed_copy"])
    assert rows.count() == 2
    assert _sent(rows) == 0

    redis_server.start()  # the same port: the worker and beat reconnect by themselves
    DegradingRedisCache._down_until = 0.0
    wait_until(lambda: _sent(rows) == 2, timeout=60, what="the mails after Redis", logs=processes)
    _check_one_to_one(mailbox, kills_while_sending=0)
    ours = {message_id(row) for row in rows}
    recipients = sorted(m["To"] for m in mailbox.messages if m["Message-ID"] in ours)
    assert recipients == sorted([trainer.user.email, mentor.email])
