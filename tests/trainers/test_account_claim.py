"""An imported trainer claims their account from the claim mail and ends signed in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from rehabpath.audit import Actor
from rehabpath.celery import app as celery_app
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent, User
from trainers.mails import mail_account_claim
from trainers.models import TrainerProfile
from trainers.services import account_claim
from trainers.views.claim import WELCOME

NEW_PASSWORD = "a-long-and-new-passphrase-42"
CLAIM_LINK = re.compile(r"https?://[^/\s]+(/trainers/claim/\S+/)")


@pytest.fixture
def imported_user(db):
    """An account as the bulk import creates it: no usable password, a verified address."""
    user = User(email="imported@example.org", name="Ima Ported")
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    TrainerProfile.objects.create(user=user)
    return user


@pytest.fixture
def claim_path(imported_user, staff_user, django_capture_on_commit_callbacks):
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            mail_account_claim(user=imported_user, invited_by=staff_user)
    finally:
        celery_app.conf.task_always_eager = False
    [message] = mail.outbox
    [(html, _)] = message.alternatives
    path = CLAIM_LINK.search(message.body).group(1)
    assert path in html
    return path


def _claim(client, claim_path, password=NEW_PASSWORD):
    form = client.get(claim_path)  # the key moves from the URL into the session
    assert form.status_code == 302
    page = client.get(form["Location"])
    assert page.status_code == 200
    return client.post(form["Location"], {"password1": password, "password2": password})


def test_the_claim_page_asks_for_a_password_in_plain_words(client, claim_path, imported_user):
    response = client.get(claim_path, follow=True)
    html = response.content.decode()

    assert "Claim your account" in html
    assert imported_user.email in html
    assert 'name="password1"' in html
    assert "Change Password" not in html


def test_claiming_the_account_signs_the_trainer_in_on_the_dashboard(
    client, claim_path, imported_user
):
    response = _claim(client, claim_path)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(imported_user.pk)
    imported_user.refresh_from_db()
    assert imported_user.check_password(NEW_PASSWORD)
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert WELCOME in dashboard.content.decode()
    event = AuditEvent.objects.get(action="account.claim")
    assert event.actor == imported_user
    assert event.target_id == str(imported_user.public_id)


def test_a_weak_password_is_refused_and_nothing_changes(client, claim_path, imported_user):
    response = _claim(client, claim_path, password="12345")

    assert response.status_code == 200
    assert b"error-summary" in response.content or b"errorlist" in response.content
    assert "_auth_user_id" not in client.session
    imported_user.refresh_from_db()
    assert not imported_user.has_usable_password()
    assert not AuditEvent.objects.filter(action="account.claim").exists()


def test_a_used_claim_link_says_so_and_leads_to_sign_in(client, claim_path):
    _claim(client, claim_path)
    client.logout()

    response = client.get(claim_path)
    html = response.content.decode()

    assert response.status_code == 200
    assert "This link no longer works" in html
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/password/reset/"' in html


def test_an_account_with_a_password_cannot_be_claimed_again(trainer_user):
    with pytest.raises(DomainError):
        account_claim(user=trainer_user, password=NEW_PASSWORD, actor=Actor.for_user(trainer_user))

    trainer_user.refresh_from_db()
    assert not trainer_user.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action="account.claim").exists()
