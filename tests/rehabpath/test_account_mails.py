"""allauth's mails (confirmation, password reset, security notices...) carry the project's
brand in text and HTML, through the one renderer the project's own mails use."""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.utils import timezone

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
PROJECT_TEMPLATES = Path(settings.BASE_DIR) / "templates"
SUPPORT = "help@rehab.example"
# Words that keep their capital inside a sentence.
PROPER = {"RehabPath"}


def allauth_mails():
    """Every mail the installed allauth can send for the apps the project uses."""
    for app in ("account", "mfa"):
        for subject in sorted((ALLAUTH_TEMPLATES / app / "email").glob("*_subject.txt")):
            yield f"{app}/email/{subject.name.removesuffix('_subject.txt')}"


def sample_context(user):
    return {
        "user": user,
        "email": user.email,
        "activate_url": "https://rehab.example/accounts/confirm-email/KEY/",
        "key": "KEY",
        "password_reset_url": "https://rehab.example/accounts/password/reset/key/1-x/",
        "signup_url": "https://rehab.example/accounts/signup/",
        "from_email": "old@example.org",
        "to_email": "new@example.org",
        "deleted_email": "old@example.org",
        "timestamp": timezone.now(),
        "ip": "192.0.2.10",
        "user_agent": "Mozilla/5.0 Firefox/140.0",
    }


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def is_sentence_case(text):
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    return all(not word[0].isupper() or word in PROPER for word in words[1:])


@pytest.fixture
def brand(settings):
    settings.SITE_NAME = "RehabPath"
    settings.SUPPORT_EMAIL = SUPPORT
    settings.EMAIL_SUBJECT_PREFIX = "[RehabPath] "


@pytest.mark.parametrize("prefix", list(allauth_mails()))
def test_every_allauth_mail_is_branded_in_text_and_html(prefix, brand, trainer_user):
    for part in ("subject.txt", "message.txt", "message.html"):
        assert (PROJECT_TEMPLATES / f"{prefix}_{part}").exists(), f"{prefix}_{part}"

    message = get_adapter().render_mail(prefix, trainer_user.email, sample_context(trainer_user))

    html = html_of(message)
    for body in (message.body, html):
        assert "Hello from" not in body
        assert "Thank you for using" not in body
        assert f"Hello {trainer_user.get_short_name()}," in body
        assert "The RehabPath team" in body
        assert "{{" not in body and "None" not in body
    assert f"Write to {SUPPORT}." in message.body
    assert f'href="mailto:{SUPPORT}"' in html
    assert message.subject.startswith("[RehabPath] ")
    subject = message.subject.removeprefix("[RehabPath] ")
    assert is_sentence_case(subject), subject
