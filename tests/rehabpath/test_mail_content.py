"""What the e-mails say and how they read: text parts unescaped, HTML parts escaped."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from rehabpath.audit import Actor
from rehabpath.celery import app as celery_app
from rehabpath.ledger import Outcome, deliver
from rehabpath.models import Delivery
from tests import factories
from trainers.services import record_reject

AWKWARD = "O'Brien & <Co>"


@pytest.fixture
def eager_tasks():
    """Deliver mails in-process when the transaction commits."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def awkward_user(trainer_user):
    trainer_user.name = f"Siobhán {AWKWARD}"
    trainer_user.save()
    return trainer_user


def _deliver(recipient, template, context):
    delivery = Delivery.objects.create(
        recipient=recipient, kind=template, subject_key="k", template=template, context=context
    )
    assert deliver([delivery.pk])[Outcome.SENT] == 1
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SENT
    return mail.outbox[-1]


def _html(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_the_text_part_of_a_project_mail_is_not_html_escaped(awkward_user):
    message = _deliver(
        awkward_user,
        "record_decision",
        {
            "outcome": "rejected",
            "kind_label": "Qualification",
            "record_label": f"Certificate of {AWKWARD}",
            "reason": f"The name reads {AWKWARD}.",
            "record_path": "/qualifications/records/x/",
        },
    )

    assert f"Certificate of {AWKWARD}" in message.body
    assert f"The name reads {AWKWARD}." in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert "&lt;" not in message.body
    html = _html(message)
    assert "O&#x27;Brien &amp; &lt;Co&gt;" in html
    assert "<Co>" not in html


def test_the_account_claim_mail_names_who_invited_them_as_typed(awkward_user):
    message = _deliver(awkward_user, "account_claim", {"invited_by": AWKWARD})

    assert f"{AWKWARD} has added your qualifications" in message.body
    assert "O&#x27;Brien &amp; &lt;Co&gt; has added" in _html(message)


@pytest.mark.parametrize(
    ("factory", "in_sentence"),
    [("DBSCheckFactory", "DBS check"), ("InsuranceFactory", "insurance")],
)
def test_a_record_decision_mail_names_the_kind_as_written_in_a_sentence(
    factory, in_sentence, staff_user, eager_tasks, django_capture_on_commit_callbacks
):
    record = getattr(factories, factory)()
    with django_capture_on_commit_callbacks(execute=True):
        record_reject(record=record, actor=Actor.for_user(staff_user), reason="Illegible.")
    [message] = mail.outbox

    assert message.subject.endswith(f"Your {in_sentence} needs attention")
    assert f"could not verify your {in_sentence} " in message.body
    assert f"could not verify your {in_sentence} " in _html(message)
    assert "your dbs" not in message.body


def _project_mails():
    root = Path(settings.BASE_DIR) / "templates" / "emails"
    return sorted(p.name.removesuffix("_subject.txt") for p in root.glob("*_subject.txt"))


@pytest.mark.parametrize("name", _project_mails())
def test_every_project_mail_is_built_on_the_branded_base(name):
    root = Path(settings.BASE_DIR) / "templates" / "emails"
    for ext in ("txt", "html"):
        body = (root / f"{name}_body.{ext}").read_text()
        assert body.startswith(f'{{% extends "emails/base.{ext}" %}}'), f"{name}_body.{ext}"
