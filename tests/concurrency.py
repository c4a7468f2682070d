"""Real concurrent transactions for the race tests: one thread and one connection a call."""

import threading

import pytest
from django.db import connection, connections

# The races need row locks across connections and the immutability tests the triggers: both
# PostgreSQL's (SQLite serialises whole transactions and has no such triggers here).
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, triggers)"
)


def race(*calls, around=None):
    """Run each call in its own thread and connection, started together; return the errors.

    `around`, when given, is a context-manager factory entered in each thread around its call
    (a frozen clock: time-machine's travel does not reach other threads by itself).
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            if around is None:
                call()
            else:
                with around():
                    call()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
