"""The task base class: retries on transient failures only, with Celery's own backoff."""

from smtplib import SMTPServerDisconnected
from unittest import mock

from django.conf import settings
from django.db import OperationalError

from rehabpath.celery import app as celery_app
from rehabpath.mail import mail_enqueue
from rehabpath.models import Delivery
from rehabpath.tasks import BaseTask, clear_expired_sessions, deliver_mail

CONTEXT = {
    "outcome": "verified",
    "kind_label": "Qualification",
    "kind_in_sentence": "qualification",
    "record_label": "Level 3 Certificate in Personal Training",
    "reason": "",
    "record_path": "/qualifications/records/x/",
}


def test_every_task_gets_the_base_class_and_retries_transient_errors_with_backoff():
    assert isinstance(clear_expired_sessions, BaseTask)
    assert isinstance(deliver_mail, BaseTask)
    assert OperationalError in deliver_mail.autoretry_for
    assert (deliver_mail.retry_backoff, deliver_mail.retry_jitter) == (30, True)
    assert celery_app.task_cls == "rehabpath.tasks:BaseTask"


def test_the_broker_visibility_timeout_outlasts_the_longest_retry():
    timeout = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    assert timeout > BaseTask.retry_backoff_max + settings.CELERY_TASK_TIME_LIMIT
    if settings.REDIS_URL:
        assert celery_app.conf.broker_transport_options == {"visibility_timeout": timeout}


def _delivery(user) -> Delivery:
    delivery = mail_enqueue(
        recipient=user, subject_key="k", template="record_decision", context=CONTEXT
    )
    assert delivery is not None
    return delivery


def test_a_mail_server_that_comes_back_gets_the_mail_on_a_retry(trainer_user):
    delivery = _delivery(trainer_user)
    failures = [SMTPServerDisconnected("gone"), SMTPServerDisconnected("gone")]

    def send(self, *args, **kwargs):
        if failures:
            raise failures.pop()
        return 1

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", send):
        result = deliver_mail.apply(args=[delivery.pk])  # in-process, retries included

    assert result.get() == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 3)


def test_a_mail_server_that_stays_away_leaves_the_row_failed_and_visible(trainer_user):
    delivery = _delivery(trainer_user)
    gone = mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=SMTPServerDisconnected("x")
    )
    with gone:
        result = deliver_mail.apply(args=[delivery.pk])

    assert result.failed()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1 + deliver_mail.max_retries
    assert "SMTPServerDisconnected" in delivery.last_error


def test_a_permanent_error_is_not_retried(trainer_user):
    delivery = _delivery(trainer_user)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=ValueError("bad header")
    ):
        deliver_mail.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
