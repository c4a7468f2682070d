"""Clinic webhooks: emitting, signing, retrying to a local receiver, and URL validation."""

import datetime as dt
import json
import shutil
import socket
import ssl
import subprocess

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from programme.models import WebhookAttempt, WebhookEndpoint
from programme.webhooks import events
from programme.webhooks.services import (
    webhook_delivery_resend,
    webhook_emit,
    webhook_endpoint_create,
)
from programme.webhooks.urls_check import check_url
from rehabpath import ledger
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.programme.webhook_receiver import local_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_webhooks(settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    settings.WEBHOOK_RETRY_DELAYS = [0, 0, 0]


@pytest.fixture
def clinic(clinic_admin_user):
    return clinic_admin_user.clinic_memberships.get().clinic


def make_endpoint(clinic, admin, url, chosen=(events.ELIGIBILITY_CHANGED,)):
    endpoint, secret = webhook_endpoint_create(
        actor=Actor.for_user(admin), clinic=clinic, url=url, events=list(chosen)
    )
    return endpoint, secret


def emit(clinic, milestone="eligible"):
    return webhook_emit(
        clinic_ids=[clinic.pk],
        event=events.ELIGIBILITY_CHANGED,
        subject_key="trainer:abc:area:1",
        milestone=milestone,
        payload={"trainer": {"id": "abc"}, "status": milestone},
    )


def test_emit_records_one_row_per_subscribed_active_endpoint_once(clinic, clinic_admin_user):
    subscribed, _ = make_endpoint(clinic, clinic_admin_user, "http://127.0.0.1:9/a")
    make_endpoint(clinic, clinic_admin_user, "http://127.0.0.1:9/b", [events.SHARING_STOPPED])
    disabled, _ = make_endpoint(clinic, clinic_admin_user, "http://127.0.0.1:9/c")
    WebhookEndpoint.objects.filter(pk=disabled.pk).update(is_active=False)
    other_clinic = factories.ClinicFactory()

    assert emit(clinic) == 1
    assert emit(clinic) == 0  # the same change again: nothing new
    assert emit(clinic, milestone="not_eligible") == 1
    assert (
        webhook_emit(
            clinic_ids=[other_clinic.pk],
            event=events.ELIGIBILITY_CHANGED,
            subject_key="x",
            milestone="",
            payload={},
        )
        == 0
    )

    rows = Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK)
    assert {row.destination for row in rows} == {str(subscribed.public_id)}
    assert all(row.recipient_id is None and not row.in_app for row in rows)
    assert rows.first().context["payload"]["trainer"] == {"id": "abc"}


@pytest.mark.parametrize("endpoints", [1, 6])
def test_emit_takes_the_same_queries_for_any_number_of_endpoints(
    clinic, clinic_admin_user, django_assert_num_queries, endpoints
):
    for n in range(endpoints):
        make_endpoint(clinic, clinic_admin_user, f"http://127.0.0.1:9/{n}")
    # The endpoints; one INSERT ... ON CONFLICT DO NOTHING.
    with django_assert_num_queries(2):
        assert emit(clinic) == endpoints


def test_a_receiver_failing_twice_gets_one_accepted_signed_delivery(clinic, clinic_admin_user):
    with local_receiver([503, 503, 200]) as receiver:
        endpoint, secret = make_endpoint(clinic, clinic_admin_user, receiver.url)
        assert emit(clinic) == 1
        row = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)

        outcomes = [ledger.deliver([row.pk]) for _ in range(3)]
        # Sent already: a duplicate task sends nothing.
        again = ledger.deliver([row.pk])

    assert [max(o, key=o.get) for o in outcomes] == [
        ledger.Outcome.RETRY,
        ledger.Outcome.RETRY,
        ledger.Outcome.SENT,
    ]
    assert again[ledger.Outcome.SENT] == 0 and again[ledger.Outcome.DONE] == 1
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT and row.attempts == 3
    assert len(receiver.received) == 3
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(row.public_id)}
    assert len({r.body for r in receiver.received}) == 1  # the same bytes each time
    attempts = list(WebhookAttempt.objects.filter(delivery=row))
    assert [(a.number, a.status_code, a.accepted) for a in attempts] == [
        (1, 503, False),
        (2, 503, False),
        (3, 200, True),
    ]
    accepted = receiver.received[-1]
    data = Webhook(secret).verify(accepted.body, accepted.headers)
    assert data == {
        "type": "trainer.eligibility_changed",
        "timestamp": row.context["timestamp"],
        "data": {"trainer": {"id": "abc"}, "status": "eligible"},
    }
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(accepted.body, accepted.headers)
    assert json.loads(accepted.body)["type"] == endpoint.events[0]


def test_a_4xx_fails_at_once_and_a_resend_keeps_the_webhook_id(clinic, clinic_admin_user):
    with local_receiver([410, 200]) as receiver:
        endpoint, secret = make_endpoint(clinic, clinic_admin_user, receiver.url)
        emit(clinic)
        row = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
        assert ledger.deliver([row.pk])[ledger.Outcome.FAILED] == 1
        row.refresh_from_db()
        assert row.status == Delivery.Status.FAILED and "HTTP 410" in row.last_error

        webhook_delivery_resend(
            actor=Actor.for_user(clinic_admin_user), endpoint=endpoint, delivery=row
        )
        assert ledger.deliver([row.pk])[ledger.Outcome.SENT] == 1

    assert [r.headers["webhook-id"] for r in receiver.received] == [str(row.public_id)] * 2
    Webhook(secret).verify(receiver.received[-1].body, receiver.received[-1].headers)
    assert list(
        WebhookAttempt.objects.filter(delivery=row).values_list("number", "status_code")
    ) == [(1, 410), (2, 200)]
    assert AuditEvent.objects.filter(action="webhook_delivery.resend").count() == 1


def test_retries_stop_after_the_last_delay(clinic, clinic_admin_user, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0]
    with local_receiver([500]) as receiver:
        make_endpoint(clinic, clinic_admin_user, receiver.url)
        emit(clinic)
        row = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
        ledger.deliver([row.pk])
        ledger.deliver([row.pk])
    row.refresh_from_db()
    assert row.status == Delivery.Status.FAILED and len(receiver.received) == 2


def test_a_connection_refused_is_retried_later(clinic, clinic_admin_user, settings):
    settings.WEBHOOK_RETRY_DELAYS = [300]
    make_endpoint(clinic, clinic_admin_user, "http://127.0.0.1:9/closed")
    emit(clinic)
    row = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert ledger.deliver([row.pk])[ledger.Outcome.RETRY] == 1
    row.refresh_from_db()
    assert row.status == Delivery.Status.PENDING
    assert row.next_attempt_at > row.created_at + dt.timedelta(seconds=290)
    attempt = WebhookAttempt.objects.get(delivery=row)
    assert attempt.status_code is None and attempt.error


def test_a_deleted_endpoint_fails_its_deliveries(clinic, clinic_admin_user):
    endpoint, _ = make_endpoint(clinic, clinic_admin_user, "http://127.0.0.1:9/x")
    emit(clinic)
    endpoint.delete()
    row = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert ledger.deliver([row.pk])[ledger.Outcome.FAILED] == 1


# --- URL validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the endpoint's URL"),
        ("ftp://example.com/x", "starting with https://"),
        ("http://example.com/x", "Use https://"),
        ("https://user:pw@example.com/x", "user name and password"),
        ("https://127.0.0.1/x", "loopback"),
        ("https://localhost/x", "loopback"),
        ("https://[::1]/x", "loopback"),
        ("https://10.1.2.3/x", "private"),
        ("https://192.168.0.1/x", "private"),
        ("https://172.16.0.1/x", "private"),
        ("https://169.254.169.254/latest", "link-local"),
        ("https://224.0.0.1/x", "multicast"),
        ("https://0.0.0.0/x", "reserved"),
        ("https://240.0.0.1/x", "reserved"),
        ("https://[::ffff:10.0.0.1]/x", "private"),
        ("https://no-such-host.invalid/x", "could not be found"),
        ("https://example.com:99999/x", "not a URL"),
    ],
)
def test_refused_urls_say_why(url, message):
    with pytest.raises(DomainError, match=message) as refused:
        check_url(url, allow_local=False)
    assert refused.value.field == "url"


def test_a_public_https_url_is_allowed(monkeypatch):
    monkeypatch.setattr(
        "programme.webhooks.urls_check.resolve", lambda host, port: ("93.184.215.14",)
    )
    checked = check_url("https://hooks.example.com/in?x=1", allow_local=False)
    assert (checked.host, checked.port, checked.path) == ("hooks.example.com", 443, "/in?x=1")


def test_a_host_resolving_to_any_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(
        "programme.webhooks.urls_check.resolve",
        lambda host, port: ("93.184.215.14", "10.0.0.7"),
    )
    with pytest.raises(DomainError, match="resolves to 10.0.0.7, which is a private"):
        check_url("https://hooks.example.com/in", allow_local=False)


def test_the_address_is_checked_again_at_send_time(
    clinic, clinic_admin_user, settings, monkeypatch
):
    endpoint, _ = make_endpoint(clinic, clinic_admin_user, "http://127.0.0.1:9/x")
    emit(clinic)
    settings.WEBHOOKS_ALLOW_LOCAL = False  # as if DNS now pointed the host somewhere private
    row = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert ledger.deliver([row.pk])[ledger.Outcome.FAILED] == 1
    assert "Use https://" in WebhookAttempt.objects.get(delivery=row).error


def test_the_request_goes_to_the_address_that_was_checked(monkeypatch):
    """DNS answering the check with one address and the connection with another changes
    nothing: the connection is made to the checked address, under the URL's host name."""
    from programme.webhooks.channel import post

    with local_receiver([204]) as receiver:
        port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
        monkeypatch.setattr(
            "programme.webhooks.urls_check.resolve", lambda host, port: ("127.0.0.1",)
        )
        checked = check_url(f"http://hooks.example.com:{port}/in?x=1", allow_local=True)
        # Any later look-up of the name would fail: it is not made.
        real = socket.getaddrinfo

        def getaddrinfo(host, *args, **kwargs):
            if host == "hooks.example.com":
                raise OSError("looked the name up again")
            return real(host, *args, **kwargs)

        monkeypatch.setattr("socket.getaddrinfo", getaddrinfo)
        status, _ = post(checked, "{}", {"Content-Type": "application/json"})
    assert status == 204
    (request,) = receiver.received
    assert request.path == "/in?x=1" and request.headers["Host"] == f"hooks.example.com:{port}"


def test_the_dev_receiver_says_whether_a_signature_verifies(capsys):
    from programme.management.commands.webhook_receiver import Command

    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"type":"webhook.test","timestamp":"t","data":{}}'
    now = dt.datetime.now(dt.UTC)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_1", now, body),
    }
    command = Command()
    command.report(body.encode(), headers, secret)
    command.report(body.encode(), {**headers, "webhook-id": "msg_2"}, secret)
    out = capsys.readouterr().out
    assert "signature: verifies" in out and "DOES NOT VERIFY" in out


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for hooks.example.com (openssl), as (cert, key) paths."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs openssl to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - fixed argv
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=hooks.example.com",
            "-addext",
            "subjectAltName=DNS:hooks.example.com",
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.fixture
def trusting(monkeypatch, certificate):
    """hooks.example.com resolves to 127.0.0.1, and the test certificate is trusted."""
    monkeypatch.setattr("programme.webhooks.urls_check.resolve", lambda host, port: ("127.0.0.1",))
    real = ssl.create_default_context
    monkeypatch.setattr(
        "programme.webhooks.channel.ssl.create_default_context",
        lambda *a, **k: real(cafile=certificate[0]),
    )
    return certificate


def test_an_https_delivery_checks_the_certificate_against_the_host_name(trusting):
    from programme.webhooks.channel import post

    with local_receiver([200], tls=trusting, host="hooks.example.com") as receiver:
        checked = check_url(receiver.url, allow_local=True)
        assert post(checked, "{}", {})[0] == 200
        # The same server under a name its certificate does not hold: refused.
        other = checked.__class__(**{**checked.__dict__, "host": "other.example.com"})
        with pytest.raises(ssl.SSLCertVerificationError):
            post(other, "{}", {})
    assert len(receiver.received) == 1
