"""The once-only mail ledger and the mails trainers get from it."""

import datetime as dt
import re
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qualifications.kinds import QUALIFICATION
from rehabpath.audit import Actor
from rehabpath.celery import app as celery_app
from rehabpath.errors import DomainError
from rehabpath.mail import Outcome, claim_lease, mail_deliver, mail_enqueue
from rehabpath.models import Delivery
from tests.factories import TrainerQualificationFactory
from trainers.services import record_reject, record_verify

CONTEXT = {
    "outcome": "verified",
    "kind_label": "Qualification",
    "kind_in_sentence": "qualification",
    "record_label": "Level 3 Certificate in Personal Training",
    "reason": "",
    "record_path": "/qualifications/records/x/",
}


@pytest.fixture
def eager_tasks():
    """Run tasks in-process when the transaction commits (the worker test runs a real one)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_the_same_mail_is_enqueued_once(trainer_user):
    first = mail_enqueue(
        recipient=trainer_user, subject_key="k", template="record_decision", context=CONTEXT
    )
    second = mail_enqueue(
        recipient=trainer_user, subject_key="k", template="record_decision", context=CONTEXT
    )
    assert first is not None
    assert second is None
    assert Delivery.objects.count() == 1


def test_another_milestone_is_a_new_mail(trainer_user):
    for milestone in ("90d", "30d"):
        mail_enqueue(
            recipient=trainer_user,
            subject_key="k",
            milestone=milestone,
            template="record_decision",
            context=CONTEXT,
        )
    assert Delivery.objects.count() == 2


def test_a_delivery_is_sent_once_however_often_the_task_runs(trainer_user):
    delivery = mail_enqueue(
        recipient=trainer_user, subject_key="k", template="record_decision", context=CONTEXT
    )
    assert mail_deliver(delivery.pk) is Outcome.SENT
    assert mail_deliver(delivery.pk) is Outcome.DONE
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert mail.outbox[0].to == [trainer_user.email]
    assert mail.outbox[0].subject == "[RehabPath] Your qualification is verified"


def test_a_transient_smtp_failure_leaves_the_mail_to_be_retried(trainer_user):
    delivery = mail_enqueue(
        recipient=trainer_user, subject_key="k", template="record_decision", context=CONTEXT
    )
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send",
            side_effect=SMTPServerDisconnected("gone"),
        ),
        pytest.raises(SMTPServerDisconnected),
    ):
        mail_deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert "gone" in delivery.last_error

    assert mail_deliver(delivery.pk) is Outcome.SENT
    assert len(mail.outbox) == 1


def test_a_broken_template_marks_the_mail_failed_not_pending(trainer_user):
    delivery = mail_enqueue(recipient=trainer_user, subject_key="k", template="no_such_template")
    with pytest.raises(Exception, match="no_such_template"):
        mail_deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert mail_deliver(delivery.pk) is Outcome.DONE


def test_the_trainer_is_mailed_when_staff_verify_their_record(
    staff_user, eager_tasks, django_capture_on_commit_callbacks
):
    record = TrainerQualificationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        record_verify(
            record=record,
            actor=Actor.for_user(staff_user),
            method="register",
            note="On the register.",
            verified_on=timezone.localdate(),
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [record.trainer.user.email]
    assert "is verified" in message.subject
    assert QUALIFICATION.url("detail", record) in message.body


def test_the_trainer_is_mailed_the_reason_when_staff_reject_their_record(
    staff_user, eager_tasks, django_capture_on_commit_callbacks
):
    record = TrainerQualificationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        record_reject(
            record=record,
            actor=Actor.for_user(staff_user),
            reason="The certificate is not legible.",
        )
    assert len(mail.outbox) == 1
    assert "needs attention" in mail.outbox[0].subject
    assert "The certificate is not legible." in mail.outbox[0].body


def test_no_mail_leaves_when_the_decision_is_rolled_back(staff_user, trainer_user):
    record = TrainerQualificationFactory(trainer=trainer_user.trainer_profile)

    with pytest.raises(DomainError):  # a trainer cannot decide on records
        record_verify(
            record=record,
            actor=Actor.for_user(trainer_user),
            method="register",
            note="",
            verified_on=timezone.localdate(),
        )
    assert Delivery.objects.count() == 0


def test_imported_trainers_get_a_working_link_to_claim_their_account(
    staff_user, client, eager_tasks, django_capture_on_commit_callbacks
):
    from programme.imports import trainers_import_apply, trainers_import_preview
    from qualifications.catalogue import load_catalogue

    load_catalogue()
    text = (
        "email,name,qualification,awarding_body,certificate_number,awarded_on,expires_on\n"
        "new.trainer@example.org,New Trainer,l3-personal-training,Active IQ,AIQ-1,2021-05-04,\n"
    )
    preview = trainers_import_preview(
        upload=SimpleUploadedFile("t.csv", text.encode(), content_type="text/csv")
    )
    assert preview.is_valid, preview
    with django_capture_on_commit_callbacks(execute=True):
        trainers_import_apply(
            actor=Actor.for_user(staff_user),
            text=preview.text,
            sha256=preview.sha256,
            filename="t.csv",
        )
    claims = [m for m in mail.outbox if "account is ready" in m.subject]
    assert len(claims) == 1
    assert claims[0].to == ["new.trainer@example.org"]
    link = re.search(r"https?://[^/\s]+(/trainers/claim/\S+)", claims[0].body)
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    assert b"password1" in response.content  # the set-a-password form, not "bad token"
    assert "token" not in str(Delivery.objects.get().context)


def test_a_live_claim_is_left_alone_and_a_dead_one_is_taken_over(trainer_user):
    delivery = mail_enqueue(
        recipient=trainer_user, subject_key="k", template="record_decision", context=CONTEXT
    )
    # A worker claimed the row a moment ago and is still sending.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now()
    )
    assert mail_deliver(delivery.pk) is Outcome.BUSY
    assert mail.outbox == []

    # That worker died mid-send: once its lease has run out, the mail still goes out.
    stale = timezone.now() - claim_lease() - dt.timedelta(seconds=1)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=stale)
    assert mail_deliver(delivery.pk) is Outcome.SENT
    assert len(mail.outbox) == 1
