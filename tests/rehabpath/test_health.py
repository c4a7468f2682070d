"""GET /healthz: the database's and the broker's status, 503 when either is down."""

from unittest import mock

import pytest
from django.db import OperationalError

from rehabpath.celery import app as celery_app

# Nothing listens on port 1: connecting is refused at once.
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down():
    """Point the Celery app at a closed port for the duration of one test."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = CLOSED_PORT_BROKER
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous


def test_healthz_reports_database_and_broker_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_broker_is_down(client, db, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("rehabpath.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error: OperationalError",
        "broker": "ok",
    }


def test_healthz_needs_no_login_and_accepts_only_get(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.get("/healthz").status_code == 200


def test_livez_says_ok_and_nothing_else_without_touching_the_database(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/livez").status_code == 405
