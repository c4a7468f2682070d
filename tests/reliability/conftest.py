"""Real processes for the reliability tests: a private redis-server, Celery workers and beats
against the test database, and an SMTP server in this process that records every message.

Nothing inside the project is mocked. The broker is a redis-server of our own on a free port
(so a test can stop it, and no worker of `make run` or of another test takes our tasks); the
workers and beats get short leases, ticks and sweeps through the environment, as an operator
would set them; their mail goes over SMTP to 127.0.0.1.
"""

import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from tests.rehabpath.test_worker import _test_database_url

BASE_DIR = Path(settings.BASE_DIR)
REDIS_SERVER = shutil.which("redis-server")

# What the workers and beats are told: a short lease (a worker sends for half of it, then
# hands the rest back: rehabpath.ledger.send_claimed), and the tick and sweep run often.
FAST = {
    "DELIVERY_CLAIM_LEASE_SECONDS": "6",
    "LEDGER_TICK_SECONDS": "1",
    "REMINDER_SWEEP_SECONDS": "4",
    "REMINDER_BATCH_SIZE": "50",
    "DELIVERY_BATCH_SIZE": "50",
    "CELERY_TASK_TIME_LIMIT": "30",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a `worker` test, skipped (saying why) where it cannot run."""
    reason = None
    if not os.environ.get("REDIS_URL"):
        reason = "reliability tests run where REDIS_URL is set (CI, or export it)"
    elif REDIS_SERVER is None:
        reason = "reliability tests start their own redis-server: none on PATH"
    elif settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        reason = "reliability tests need PostgreSQL (several processes write at once)"
    for item in items:
        if "tests/reliability/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.worker)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, logs: "Processes | None" = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    detail = logs.tails() if logs is not None else ""
    pytest.fail(f"{what}: not within {timeout}s\n{detail}")


# --- redis-server ---------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own on a free port, that a test can stop and start again."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        command = [
            REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self.answers, timeout=10, what="redis-server to answer")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """Every message the SMTP server accepted, in order, by Message-ID."""

    messages: list[email.message.Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


# --- Celery processes -----------------------------------------------------------------------


class Processes:
    """Workers and beats of the project, started as an operator would, always stopped."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder = folder
        self.env = env
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        self.logs[name] = log
        command = [sys.executable, "-m", "celery", "-A", "rehabpath", *args, "--loglevel", "INFO"]
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
                command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.running[name] = process
        return process

    def worker(self, name: str, *pool: str) -> subprocess.Popen[bytes]:
        """A worker (`--pool solo` unless told, e.g. "--pool", "threads", "--concurrency", "4")."""
        return self.start(
            name, "worker", *(pool or ("--pool", "solo")), "--without-gossip",
            "--without-mingle", "--without-heartbeat", "--hostname", f"{name}@%h",
        )  # fmt: skip

    def beat(self, name: str) -> subprocess.Popen[bytes]:
        return self.start(
            name, "beat", "--schedule", str(self.folder / f"{name}-schedule"),
            "--max-interval", "1",
        )  # fmt: skip

    def kill(self, name: str) -> None:
        """kill -9: no warm shutdown, no ack, no cleanup: a crash."""
        process = self.running.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.running.values():
            process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=5)  # a warm shutdown; the test is over either way
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.running.clear()

    def tails(self) -> str:
        parts = []
        for name, log in self.logs.items():
            lines = log.read_text(errors="replace").splitlines()[-40:]
            parts.append(f"--- {name} ---\n" + "\n".join(lines))
        return "\n".join(parts)


@pytest.fixture
def processes(transactional_db, tmp_path, redis_server, smtp) -> Iterator[Processes]:
    assert connection.vendor == "postgresql"
    _, smtp_port = smtp
    env = {
        **os.environ,
        **FAST,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_server.url,
        "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=5",
    }
    procs = Processes(tmp_path, env)
    try:
        yield procs
    finally:
        procs.stop_all()
