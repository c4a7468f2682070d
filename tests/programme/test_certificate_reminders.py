"""Certificates nearing and passing their expiry (programme.certificates.reminders): the
trainer is reminded at 90, 30 and 7 days and on the day, once each; the clinics the trainer
shares with get certificate.expired once, the day after; revoked and replaced certificates
get neither."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from programme.certificates.links import verification_url
from programme.certificates.payloads import certificate_payload
from programme.models import Certificate, WebhookEndpoint
from programme.webhooks.events import CERTIFICATE_EXPIRED, CERTIFICATE_REVOKED, EVENT_TYPES
from rehabpath.ledger import deliver
from rehabpath.models import Delivery, NotificationPreference
from rehabpath.notifications import kind_for
from rehabpath.reminders import sweep
from tests.factories import (
    CertificateFactory,
    ClinicFactory,
    ClinicShareFactory,
    TrainerProfileFactory,
)
from trainers.models import TrainerProfile

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ISSUED = dt.date(2024, 6, 1)
EXPIRES = dt.date(2027, 5, 31)
REMINDER = "expiry.certificate"
EXPIRED_SOURCE = "webhook.certificate_expired"


def at_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def run(day: dt.date, *sources: str, **kwargs) -> int:
    """The sweep of `day` at noon London time, the clock frozen there."""
    with time_machine.travel(at_noon(day), tick=False):
        return sweep(only=list(sources or (REMINDER, EXPIRED_SOURCE)), **kwargs).new


def certificate(**fields) -> Certificate:
    fields.setdefault("issued_on", ISSUED)
    fields.setdefault("expires_on", EXPIRES)
    return CertificateFactory.create(**fields)


def revoke(cert: Certificate, *, how=Certificate.Revocation.REVOKED, replaced_by=None) -> None:
    cert.revoked_at = timezone.now()
    cert.revocation = how
    cert.revocation_reason = "Recorded in error."
    cert.replaced_by = replaced_by
    cert.save()


def send_all(day: dt.date) -> None:
    with time_machine.travel(at_noon(day) + dt.timedelta(minutes=1), tick=False):
        deliver(Delivery.objects.values_list("id", flat=True))


def reminders() -> list[str]:
    rows = Delivery.objects.filter(kind=REMINDER).order_by("created_at", "id")
    return list(rows.values_list("milestone", flat=True))


def endpoint(clinic, events=(CERTIFICATE_EXPIRED,), *, active=True) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        clinic=clinic,
        url="https://hooks.example.org/rehabpath",
        events=list(events),
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        is_active=active,
    )


def expired_hooks():
    return Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK, kind=CERTIFICATE_EXPIRED)


# --- The trainer's reminders ------------------------------------------------------------------


def test_the_trainer_is_reminded_90_30_and_7_days_before_and_on_the_day_once_each():
    cert = certificate()
    for days_before in range(100, -3, -1):
        day = EXPIRES - dt.timedelta(days=days_before)
        run(day)
        run(day)  # a second beat the same day
    assert reminders() == [f"2027-05-31:{m}d" for m in (90, 30, 7, 0)]
    for row in Delivery.objects.filter(kind=REMINDER):
        assert row.recipient_id == cert.trainer.user_id
        assert row.subject_key == f"certificate:{cert.public_id}"
        assert row.path == reverse("programme:my_certificates")
        assert row.in_app
        assert row.status == Delivery.Status.PENDING


@pytest.mark.parametrize(
    ("days_before", "milestone"), [(90, "90d"), (30, "30d"), (7, "7d"), (0, "0d")]
)
def test_each_milestone_is_sent_on_its_day(days_before, milestone):
    certificate()
    assert run(EXPIRES - dt.timedelta(days=days_before), REMINDER) == 1
    assert reminders() == [f"2027-05-31:{milestone}"]


def test_nothing_before_the_first_milestone_or_after_the_day():
    certificate()
    assert run(EXPIRES - dt.timedelta(days=91), REMINDER) == 0
    assert run(EXPIRES + dt.timedelta(days=1), REMINDER) == 0
    assert reminders() == []


def test_a_missed_week_sends_the_milestone_reached_once():
    certificate()
    run(EXPIRES - dt.timedelta(days=40), REMINDER)
    run(EXPIRES - dt.timedelta(days=5), REMINDER)
    run(EXPIRES - dt.timedelta(days=4), REMINDER)
    assert reminders() == ["2027-05-31:90d", "2027-05-31:7d"]


def test_the_reminder_is_e_mailed_even_to_a_trainer_who_chose_no_e_mail(settings):
    assert kind_for(REMINDER).critical
    cert = certificate()
    NotificationPreference.objects.create(
        user=cert.trainer.user, kind=REMINDER, choice=NotificationPreference.Choice.OFF
    )
    run(EXPIRES - dt.timedelta(days=30), REMINDER)
    send_all(EXPIRES - dt.timedelta(days=30))
    (message,) = mail.outbox
    assert message.to == [cert.trainer.user.email]
    assert message.subject.endswith("Your competency certificate expires on 31 May 2027")
    assert f"Your competency certificate in {cert.area_name} (code {cert.code}) expires on" in (
        message.body
    )
    assert "in 30 days" in message.body
    assert "programme staff issue a new one while you are Recognised" in message.body
    assert "Keep your records current" in message.body
    link = settings.SITE_URL + reverse("programme:my_certificates")
    assert f"Your certificates: {link}" in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert escape(cert.area_name) in html


def test_on_the_day_the_mail_says_it_reads_expired_from_tomorrow():
    certificate()
    run(EXPIRES, REMINDER)
    send_all(EXPIRES)
    (message,) = mail.outbox
    assert message.subject.endswith("Your competency certificate expires today")
    assert "expires today, 31 May 2027. From tomorrow, anyone who verifies it reads it as" in (
        " ".join(message.body.split())
    )


def test_revoked_and_replaced_certificates_are_never_reminded():
    revoked = certificate()
    revoke(revoked)
    replaced = certificate()
    successor = certificate(trainer=replaced.trainer, condition_area=replaced.condition_area)
    successor.expires_on = EXPIRES + dt.timedelta(days=3 * 365)
    successor.save()
    revoke(replaced, how=Certificate.Revocation.REPLACED, replaced_by=successor)
    suspended = certificate()
    revoke(suspended, how=Certificate.Revocation.SUSPENDED)
    for days_before in (90, 30, 7, 0):
        run(EXPIRES - dt.timedelta(days=days_before), REMINDER)
    assert reminders() == []


def test_a_newer_certificate_for_the_area_silences_the_old_one():
    old = certificate()
    certificate(
        trainer=old.trainer,
        condition_area=old.condition_area,
        issued_on=EXPIRES - dt.timedelta(days=20),
        expires_on=EXPIRES + dt.timedelta(days=3 * 365),
    )
    run(EXPIRES - dt.timedelta(days=7), REMINDER)
    assert reminders() == []


def test_a_certificate_in_another_area_does_not_silence_it():
    old = certificate()
    certificate(trainer=old.trainer, expires_on=EXPIRES + dt.timedelta(days=365))
    run(EXPIRES - dt.timedelta(days=7), REMINDER)
    assert reminders() == ["2027-05-31:7d"]


def test_a_suspended_trainer_is_not_reminded():
    cert = certificate(trainer=TrainerProfileFactory(status=TrainerProfile.Status.SUSPENDED))
    assert cert.trainer.status == TrainerProfile.Status.SUSPENDED
    run(EXPIRES - dt.timedelta(days=30), REMINDER)
    assert reminders() == []


@pytest.mark.parametrize("count", [3, 40])
def test_the_reminders_take_the_same_queries_whatever_their_number(
    django_assert_num_queries, count
):
    for _ in range(count):
        certificate()
    # One keyset page, the recipients' preferences, one INSERT ... ON CONFLICT.
    with django_assert_num_queries(3):
        assert run(EXPIRES - dt.timedelta(days=30), REMINDER, batch_size=50) == count


# --- certificate.expired to the clinics --------------------------------------------------------


def test_the_expired_event_is_emitted_now():
    (event,) = [e for e in EVENT_TYPES if e.key == CERTIFICATE_EXPIRED]
    assert event.emitted


def test_sharing_subscribed_clinics_get_certificate_expired_once_the_day_after():
    cert = certificate()
    riverside, hillside, elsewhere = (ClinicFactory() for _ in range(3))
    ClinicShareFactory(trainer=cert.trainer, clinic=riverside)
    ClinicShareFactory(trainer=cert.trainer, clinic=hillside)
    stopped = ClinicShareFactory(trainer=cert.trainer, clinic=elsewhere)
    stopped.ended_at = timezone.now()
    stopped.save()
    subscribed = endpoint(riverside)
    endpoint(riverside, active=False)  # disabled
    endpoint(hillside, [CERTIFICATE_REVOKED])  # another event only
    endpoint(elsewhere)  # the trainer stopped sharing with it
    endpoint(ClinicFactory())  # a clinic the trainer never shared with

    run(EXPIRES)  # the last valid day
    assert not expired_hooks().exists()
    for days_after in (1, 1, 2, 3):  # a second beat, and the days after
        run(EXPIRES + dt.timedelta(days=days_after))

    hook = expired_hooks().get()
    assert hook.destination == str(subscribed.public_id)
    assert (hook.subject_key, hook.milestone) == (f"certificate:{cert.public_id}", "expired")
    with time_machine.travel(at_noon(EXPIRES + dt.timedelta(days=1)), tick=False):
        assert hook.context["payload"] == certificate_payload(cert)
    sent = dt.datetime.fromisoformat(hook.context["timestamp"])
    assert sent == at_noon(EXPIRES + dt.timedelta(days=1))


def test_the_expired_payload_describes_the_certificate_and_the_trainer():
    cert = certificate()
    clinic = ClinicFactory()
    ClinicShareFactory(trainer=cert.trainer, clinic=clinic)
    endpoint(clinic)
    run(EXPIRES + dt.timedelta(days=1), EXPIRED_SOURCE)
    payload = expired_hooks().get().context["payload"]
    assert payload == {
        "certificate": {
            "code": cert.code,
            "verification_url": verification_url(cert.code),
            "condition_area": {"slug": cert.condition_area.slug, "name": cert.area_name},
            "issued_on": "2024-06-01",
            "expires_on": "2027-05-31",
            "status": "expired",
            "revoked_at": None,
            "revocation": None,
            "revocation_reason": None,
        },
        "trainer": {"public_id": str(cert.trainer.public_id), "name": cert.trainer_name},
    }


def test_midnight_in_london_is_when_it_expires():
    """31 May 23:30 UTC is 1 June 00:30 in London (BST): the day after the last valid day."""
    cert = certificate()
    clinic = ClinicFactory()
    ClinicShareFactory(trainer=cert.trainer, clinic=clinic)
    endpoint(clinic)
    with time_machine.travel(dt.datetime(2027, 5, 31, 22, 30, tzinfo=dt.UTC), tick=False):
        sweep(only=[EXPIRED_SOURCE])
    assert not expired_hooks().exists()
    with time_machine.travel(dt.datetime(2027, 5, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        sweep(only=[EXPIRED_SOURCE])
    assert expired_hooks().count() == 1


def test_a_revoked_certificate_never_expires_to_the_clinics():
    cert = certificate()
    clinic = ClinicFactory()
    ClinicShareFactory(trainer=cert.trainer, clinic=clinic)
    endpoint(clinic)
    revoke(cert)
    run(EXPIRES + dt.timedelta(days=1), EXPIRED_SOURCE)
    assert not expired_hooks().exists()


def test_a_stopped_sweep_sends_it_when_it_resumes_within_a_week_only():
    late, too_late = certificate(), certificate(expires_on=EXPIRES - dt.timedelta(days=3))
    clinic = ClinicFactory()
    for cert in (late, too_late):
        ClinicShareFactory(trainer=cert.trainer, clinic=clinic)
    endpoint(clinic)
    run(EXPIRES + dt.timedelta(days=6), EXPIRED_SOURCE)
    assert [h.subject_key for h in expired_hooks()] == [f"certificate:{late.public_id}"]


def test_a_certificate_nobody_is_told_about_records_nothing():
    certificate()  # the trainer shares with no clinic
    assert run(EXPIRES + dt.timedelta(days=1), EXPIRED_SOURCE) == 0


@pytest.mark.parametrize("count", [2, 12])
def test_the_expired_events_take_the_same_queries_whatever_their_number(
    django_assert_num_queries, count
):
    clinic = ClinicFactory()
    endpoint(clinic)
    for _ in range(count):
        ClinicShareFactory(trainer=certificate().trainer, clinic=clinic)
    # The keyset page, its certificates, their shares, the endpoints, one INSERT.
    with django_assert_num_queries(5):
        assert run(EXPIRES + dt.timedelta(days=1), EXPIRED_SOURCE, batch_size=50) == count
