"""The mail channel of the ledger, and the mails trainers get from it."""

import re
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from qualifications.kinds import QUALIFICATION
from rehabpath.audit import Actor
from rehabpath.celery import app as celery_app
from rehabpath.errors import DomainError
from rehabpath.ledger import Outcome, deliver
from rehabpath.mail import message_id
from rehabpath.models import Delivery
from rehabpath.notifications import notify
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
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@pytest.fixture
def eager_tasks():
    """Run tasks in-process when the transaction commits (the worker test runs a real one)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _decision(user, **kwargs) -> Delivery:
    row = notify(
        kind="record.decided",
        recipient=user,
        subject_key="k",
        context=CONTEXT,
        path="/qualifications/records/x/",
        **kwargs,
    )
    assert row is not None
    return row


def test_a_row_is_mailed_once_however_often_it_is_delivered(trainer_user):
    row = _decision(trainer_user)

    assert deliver([row.pk])[Outcome.SENT] == 1
    again = deliver([row.pk])
    assert (again[Outcome.SENT], again[Outcome.DONE]) == (0, 1)

    [message] = mail.outbox
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.SENT, 1)
    assert row.sent_at is not None
    assert message.to == [trainer_user.email]
    assert message.subject == "[RehabPath] Your qualification is verified"


def test_every_mail_carries_the_rows_message_id_and_a_link_to_the_page(trainer_user, settings):
    row = _decision(trainer_user)
    deliver([row.pk])

    [message] = mail.outbox
    assert message.message()["Message-ID"] == f"<{row.public_id}@{_host(settings)}>"
    assert message_id(row) == message.message()["Message-ID"]
    assert settings.SITE_URL + "/qualifications/records/x/" in message.body


def test_the_message_id_stays_the_same_across_attempts(trainer_user, settings):
    row = _decision(trainer_user)
    seen: list[str] = []

    def refuse(self, messages):
        seen.extend(m.message()["Message-ID"] for m in messages)
        raise SMTPServerDisconnected("gone")

    with mock.patch(LOCMEM_SEND, refuse):
        assert deliver([row.pk])[Outcome.RETRY] == 1
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert deliver([row.pk])[Outcome.SENT] == 1

    assert seen == [mail.outbox[0].message()["Message-ID"]]
    assert seen[0] == f"<{row.public_id}@{_host(settings)}>"


def _host(settings) -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname


def test_a_mail_server_that_drops_the_connection_leaves_the_rest_of_the_batch_sent(
    trainer_user, other_trainer_user
):
    first = _decision(trainer_user)
    second = _decision(other_trainer_user)
    real = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages[0].to)
        if len(calls) == 1:
            raise SMTPServerDisconnected("dropped")
        return real(self, messages)

    with mock.patch(LOCMEM_SEND, flaky):
        outcomes = deliver([first.pk, second.pk])

    assert (outcomes[Outcome.RETRY], outcomes[Outcome.SENT]) == (1, 1)
    assert [m.to for m in mail.outbox] == [[other_trainer_user.email]]
    first.refresh_from_db()
    assert first.status == Delivery.Status.PENDING
    assert "SMTPServerDisconnected: dropped" in first.last_error


def test_a_broken_template_fails_the_row_at_once(trainer_user):
    row = Delivery.objects.create(
        recipient=trainer_user, kind="record.decided", subject_key="k", template="no_such"
    )

    assert deliver([row.pk])[Outcome.FAILED] == 1

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.FAILED, 1)
    assert "no_such" in row.last_error
    assert deliver([row.pk])[Outcome.DONE] == 1
    assert mail.outbox == []


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
    assert Delivery.objects.get().status == Delivery.Status.SENT


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
    row = Delivery.objects.get()
    assert "token" not in str(row.context)
    assert row.in_app is False  # an invitation is no news in the notification list


def test_a_mail_server_out_of_reach_fails_the_batch_for_now_after_one_try(
    trainer_user, other_trainer_user
):
    rows = [_decision(trainer_user), _decision(other_trainer_user)]
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.open",
        side_effect=ConnectionRefusedError("refused"),
    ) as open_:
        outcomes = deliver([row.pk for row in rows])

    assert outcomes[Outcome.RETRY] == 2
    assert open_.call_count == 1  # not once a row: each would wait for the connect timeout
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Delivery.Status.PENDING, 1)
        assert row.last_error == "ConnectionRefusedError: refused"
    assert mail.outbox == []
