"""What the e-mails say and how they read: text parts unescaped, HTML parts escaped."""

import pytest
from django.core import mail

from rehabpath.mail import mail_deliver, mail_enqueue
from rehabpath.models import MailDelivery

AWKWARD = "O'Brien & <Co>"


@pytest.fixture
def awkward_user(trainer_user):
    trainer_user.name = f"Siobhán {AWKWARD}"
    trainer_user.save()
    return trainer_user


def _deliver(recipient, template, context):
    delivery = mail_enqueue(
        recipient=recipient, subject_key="k", template=template, context=context
    )
    assert mail_deliver(delivery.pk) == "sent"
    assert MailDelivery.objects.get(pk=delivery.pk).status == MailDelivery.Status.SENT
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
