"""The clinic admin's webhook pages: add (secret once), edit, rotate, test, deliveries, resend."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from programme.models import WebhookAttempt, WebhookEndpoint
from programme.webhooks import events
from programme.webhooks.services import deliveries_of, webhook_emit, webhook_endpoint_create
from rehabpath import ledger
from rehabpath.audit import Actor
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.programme.webhook_receiver import local_receiver

pytestmark = pytest.mark.django_db

# The user (the session is cached), the clinic, the endpoint, the page of deliveries with
# each one's last try, the count of the admin's clinics.
DELIVERIES_PAGE_QUERIES = 5


@pytest.fixture(autouse=True)
def _local_webhooks(settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    settings.WEBHOOK_RETRY_DELAYS = [0, 0]


@pytest.fixture
def clinic(clinic_admin_user):
    return clinic_admin_user.clinic_memberships.get().clinic


@pytest.fixture
def admin(client, clinic_admin_user):
    client.force_login(clinic_admin_user)
    return client


def _list_url(clinic):
    return reverse("programme:webhooks", kwargs={"clinic_id": clinic.public_id})


def _url(name, endpoint, **extra):
    return reverse(
        f"programme:{name}",
        kwargs={"clinic_id": endpoint.clinic.public_id, "endpoint_id": endpoint.public_id, **extra},
    )


def _endpoint(clinic, user, url="http://127.0.0.1:9/hook", chosen=(events.TRAINER_SUSPENDED,)):
    endpoint, _ = webhook_endpoint_create(
        actor=Actor.for_user(user), clinic=clinic, url=url, events=list(chosen)
    )
    return endpoint


def _emit(clinic, n):
    for i in range(n):
        webhook_emit(
            clinic_ids=[clinic.pk],
            event=events.TRAINER_SUSPENDED,
            subject_key=f"trainer:{i}",
            milestone="suspended",
            payload={"trainer": {"id": str(i)}},
        )


def test_adding_an_endpoint_shows_its_secret_once(admin, clinic):
    response = admin.post(
        _list_url(clinic),
        {
            "url": "http://127.0.0.1:9/hook",
            "events": [events.TRAINER_SUSPENDED, events.SHARING_STOPPED],
            "description": "HR system",
        },
    )

    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.text
    assert "no-store" in response["Cache-Control"]
    assert secret not in str(dict(admin.session))
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == sorted([events.TRAINER_SUSPENDED, events.SHARING_STOPPED])
    again = admin.get(_list_url(clinic))
    assert secret not in again.text and "HR system" in again.text
    assert secret not in admin.get(_url("webhook_endpoint", endpoint)).text
    assert AuditEvent.objects.filter(action="webhook_endpoint.create").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "ftp://x.example/", "events": ["trainer.suspended"]}, "starting with https://"),
        ({"url": "http://127.0.0.1:9/", "events": []}, "Choose at least one event"),
        ({"url": "https://u:p@127.0.0.1/", "events": ["trainer.suspended"]}, "user name"),
    ],
)
def test_the_form_says_what_is_wrong(admin, clinic, data, message):
    response = admin.post(_list_url(clinic), data)
    assert response.status_code == 200 and response.context["secret"] is None
    assert escape(message) in response.text
    assert not WebhookEndpoint.objects.exists()


def test_outside_tests_loopback_and_http_are_refused_on_the_form(admin, clinic, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    for url, message in [
        ("http://hooks.example.com/", "Use https://"),
        ("https://127.0.0.1/hook", "is a loopback address"),
    ]:
        response = admin.post(_list_url(clinic), {"url": url, "events": ["trainer.suspended"]})
        assert escape(message) in response.text
    assert not WebhookEndpoint.objects.exists()


def test_certificate_events_can_be_chosen_and_say_when_they_start(admin, clinic):
    text = admin.get(_list_url(clinic)).text
    assert "Certificate revoked (sent" not in text  # revocation is emitted
    assert "Certificate revoked" in text
    assert "Eligibility changed" in text


def test_editing_disabling_and_deleting_are_audited(admin, clinic, clinic_admin_user):
    endpoint = _endpoint(clinic, clinic_admin_user)
    response = admin.post(
        _url("webhook_endpoint", endpoint),
        {"url": endpoint.url, "events": [events.SHARING_STOPPED], "description": "Rota"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == [events.SHARING_STOPPED] and not endpoint.is_active
    _emit(clinic, 1)
    assert not Delivery.objects.exists()  # disabled: nothing recorded

    confirm = admin.get(_url("webhook_delete", endpoint))
    assert "Delete the endpoint" in confirm.text
    assert admin.post(_url("webhook_delete", endpoint))["Location"] == _list_url(clinic)
    assert not WebhookEndpoint.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="webhook_endpoint.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["webhook_endpoint.create", "webhook_endpoint.update", "webhook_endpoint.delete"]
    update = AuditEvent.objects.get(action="webhook_endpoint.update")
    assert update.before["active"] is True and update.after["active"] is False


def test_rotating_shows_the_new_secret_once(admin, clinic, clinic_admin_user):
    endpoint = _endpoint(clinic, clinic_admin_user)
    old = endpoint.secret
    assert "Rotate the secret" in admin.get(_url("webhook_rotate", endpoint)).text
    response = admin.post(_url("webhook_rotate", endpoint))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.text
    assert "no-store" in response["Cache-Control"]
    assert endpoint.secret not in admin.get(_url("webhook_endpoint", endpoint)).text
    assert AuditEvent.objects.filter(action="webhook_endpoint.rotate_secret").count() == 1


def test_a_test_event_is_delivered_and_listed(admin, clinic, clinic_admin_user):
    with local_receiver([200]) as receiver:
        endpoint = _endpoint(clinic, clinic_admin_user, url=receiver.url)
        response = admin.post(_url("webhook_test", endpoint))
        assert response.status_code == 302
        row = deliveries_of(endpoint).get()
        assert row.kind == events.TEST
        ledger.deliver([row.pk])
    assert len(receiver.received) == 1
    page = admin.get(_url("webhook_endpoint", endpoint)).text
    assert "Test event" in page and "Delivered" in page and "HTTP 200" in page


def test_a_delivery_page_shows_each_try_and_resends_with_the_same_id(
    admin, clinic, clinic_admin_user
):
    with local_receiver([503, 404, 200]) as receiver:
        endpoint = _endpoint(clinic, clinic_admin_user, url=receiver.url)
        _emit(clinic, 1)
        row = deliveries_of(endpoint).get()
        ledger.deliver([row.pk])  # 503: retried
        ledger.deliver([row.pk])  # 404: failed for good
        detail = _url("webhook_delivery", endpoint, delivery_id=row.public_id)
        page = admin.get(detail)
        assert page.context["can_resend"] and "HTTP 503" in page.text and "HTTP 404" in page.text
        assert str(row.public_id) in page.text

        response = admin.post(_url("webhook_resend", endpoint, delivery_id=row.public_id))
        assert response["Location"] == detail
        ledger.deliver([row.pk])

    assert [r.headers["webhook-id"] for r in receiver.received] == [str(row.public_id)] * 3
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT
    assert WebhookAttempt.objects.filter(delivery=row).count() == 3
    assert "Delivered" in admin.get(detail).text


def test_another_clinics_endpoint_is_not_found_through_ours(admin, clinic):
    other = factories.ClinicMembershipFactory()
    theirs = _endpoint(other.clinic, other.user)
    url = reverse(
        "programme:webhook_endpoint",
        kwargs={"clinic_id": clinic.public_id, "endpoint_id": theirs.public_id},
    )
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize("count", [3, 40])
def test_the_deliveries_list_reads_a_fixed_number_of_queries(
    admin, clinic, clinic_admin_user, count, django_assert_num_queries
):
    endpoint = _endpoint(clinic, clinic_admin_user)
    _emit(clinic, count)
    for row in deliveries_of(endpoint)[:3]:
        for number in (1, 2):
            WebhookAttempt.objects.create(delivery=row, number=number, status_code=500)
    url = _url("webhook_endpoint", endpoint)
    admin.get(url)

    with django_assert_num_queries(DELIVERIES_PAGE_QUERIES):
        response = admin.get(url)

    page = response.context["page"]
    assert len(page.object_list) == min(count, 25)
    assert (page.older is not None) == (count > 25)
    assert sorted(row.tries for row in page.object_list)[-3:] == [2, 2, 2]
    if page.older:
        older = admin.get(url, {"older": page.older}).context["page"]
        assert len(older.object_list) == count - 25
