"""A real Celery worker, in its own process, runs a task against the test database.

Nothing is mocked: the test enqueues through the configured broker (Redis when REDIS_URL is
set, else kombu's SQLAlchemy transport on SQLite), `celery -A rehabpath worker --pool solo`
consumes it and writes to the same test database (a file on SQLite, see tests/conftest.py).
A private queue keeps the test away from any other worker on the same broker (`make run`).
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation
from django.utils import timezone

from rehabpath.tasks import clear_expired_sessions

BASE_DIR = Path(settings.BASE_DIR)
WORKER_TIMEOUT = 60  # seconds to wait for the task's effect; a slow CI machine needs ~10


def _test_database_url() -> str:
    """The DATABASE_URL of the database this test process is using right now."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        assert not SQLiteCreation.is_in_memory_db(name), "the worker cannot open an in-memory db"
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{db['NAME']}"
    raise AssertionError(f"no DATABASE_URL for {connection.vendor}")


@pytest.fixture
def worker(transactional_db, tmp_path):
    """Start a worker on a private queue; always stop it, and show its log on failure."""
    queue = f"test-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    command = [
        sys.executable, "-m", "celery", "-A", "rehabpath", "worker",
        "--pool", "solo", "--queues", queue, "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"{queue}@%h",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process, queue, log_path
    finally:
        # Warm shutdown, as in production (about 5 s); SIGKILL if it hangs.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until(condition, *, process, log_path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.25)
    pytest.fail(f"no effect after {timeout}s; worker log:\n{log_path.read_text(errors='replace')}")


def test_a_real_worker_deletes_expired_sessions(worker):
    process, queue, log_path = worker
    now = timezone.now()
    expired = Session.objects.create(
        session_key="expired" + "x" * 25, session_data="", expire_date=now - dt.timedelta(days=1)
    )
    current = Session.objects.create(
        session_key="current" + "x" * 25, session_data="", expire_date=now + dt.timedelta(days=1)
    )

    clear_expired_sessions.apply_async(queue=queue)

    _wait_until(
        lambda: "rehabpath.tasks.clear_expired_sessions" in _succeeded(log_path),
        process=process,
        log_path=log_path,
        timeout=WORKER_TIMEOUT,
    )
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=current.pk).exists()


def _succeeded(log_path: Path) -> str:
    """The worker's "Task ... succeeded" lines."""
    lines = log_path.read_text(errors="replace").splitlines()
    return "\n".join(line for line in lines if "succeeded in" in line)


def test_a_real_worker_sends_a_mail_once_when_the_task_is_delivered_twice(worker):
    """The broker delivers at least once; the ledger's claim makes the second run a no-op."""
    from rehabpath.models import Delivery
    from rehabpath.tasks import deliver_rows
    from tests.factories import TrainerQualificationFactory

    process, queue, log_path = worker
    record = TrainerQualificationFactory(status="verified")
    delivery = Delivery.objects.create(
        recipient=record.trainer.user,
        kind="record.decided",
        subject_key=f"record_decision:{record.public_id}",
        template="record_decision",
        context={
            "outcome": "verified",
            "kind_label": "Qualification",
            "kind_in_sentence": "qualification",
            "record_label": str(record),
            "reason": "",
            "record_path": "/",
        },
    )

    # The same delivery twice, as a redelivery after a lost ack or a duplicate beat would do.
    deliver_rows.apply_async(args=[[delivery.pk]], queue=queue)
    deliver_rows.apply_async(args=[[delivery.pk]], queue=queue)

    _wait_until(
        lambda: _succeeded(log_path).count("rehabpath.tasks.deliver_rows") == 2,
        process=process,
        log_path=log_path,
        timeout=WORKER_TIMEOUT,
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    outcomes = _succeeded(log_path)
    assert outcomes.count("{'sent': 1}") == 1
    assert outcomes.count("{'done': 1}") == 1
