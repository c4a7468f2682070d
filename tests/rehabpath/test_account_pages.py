"""allauth's pages in the project's voice: sentence case, a real support address, a way on."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from rehabpath.models import User
from tests.factories import PASSWORD

LOCALE = Path(settings.BASE_DIR) / "locale" / "en_GB" / "LC_MESSAGES"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")
SUPPORT = "help@rehab.example"
# allauth's Title Case that must not reach a page.
TITLE_CASE = [
    "Sign In",
    "Sign Up",
    "Sign Out",
    "Change Password",
    "Remember Me",
    "Password Reset",
    "Current Password",
    "New Password",
    "Email Addresses",
    "Two-Factor Authentication",
    "Verify Your Email Address",
    "Reset My Password",
]


@pytest.fixture(autouse=True)
def _support(settings):
    settings.SUPPORT_EMAIL = SUPPORT


def _text(response):
    assert response.status_code == 200
    return response.content.decode()


def _assert_sentence_case(html):
    found = [words for words in TITLE_CASE if words in html]
    assert found == []


def _h1(html):
    return re.search(r"<h1>\s*(.*?)\s*</h1>", html, re.S).group(1)


def _po_catalogue():
    """msgid -> msgstr of django.po (every entry is one line of each, as written there)."""
    text = (LOCALE / "django.po").read_text()
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.MULTILINE)
    assert len(pairs) == text.count("\nmsgid ") - 1  # the header is the only other entry
    return dict(pairs)


def test_the_compiled_catalogue_matches_its_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalogue = _po_catalogue()
    assert catalogue
    for msgid, msgstr in catalogue.items():
        assert compiled.gettext(msgid) == msgstr, f"run `make messages`: {msgid!r}"


def test_the_sign_in_page_speaks_in_sentence_case(client, db):
    html = _text(client.get("/accounts/login/"))

    assert _h1(html) == "Sign in"
    assert re.search(r"<title>\s*Sign in\s*· RehabPath</title>", html)
    assert re.search(r">\s*Sign in\s*</button>", html)
    assert "Remember me" in html
    _assert_sentence_case(html)


def test_the_sign_up_page_speaks_in_sentence_case(client, db):
    html = _text(client.get("/accounts/signup/"))

    assert _h1(html) == "Sign up"
    _assert_sentence_case(html)


def test_the_change_password_page_speaks_in_sentence_case(client, trainer_user):
    client.force_login(trainer_user)
    html = _text(client.get("/accounts/password/change/"))

    assert _h1(html) == "Change password"
    assert "Current password" in html and "New password" in html
    _assert_sentence_case(html)


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/2fa/", "/accounts/sessions/"])
def test_the_account_pages_speak_in_sentence_case(path, client, trainer_user):
    client.force_login(trainer_user)
    _assert_sentence_case(_text(client.get(path)))


@pytest.mark.parametrize(
    "path",
    ["/accounts/password/reset/", "/accounts/password/reset/done/", "/accounts/confirm-email/"],
)
def test_pages_that_say_whom_to_ask_give_the_support_address(path, client, db):
    html = _text(client.get(path))

    assert f'<a href="mailto:{SUPPORT}">{SUPPORT}</a>' in html
    assert "contact us" not in html
    _assert_sentence_case(html)


def test_a_reset_password_ends_with_a_way_to_sign_in(client, db):
    html = _text(client.get("/accounts/password/reset/key/done/"))

    assert 'href="/accounts/login/"' in html
    _assert_sentence_case(html)


def test_the_confirmation_mail_of_a_new_account_is_branded(client, db, mailoutbox):
    client.post(
        "/accounts/signup/",
        {
            "name": "Ada O'Brien & <Co>",
            "email": "ada@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    [message] = mailoutbox
    [(html, mimetype)] = message.alternatives

    assert message.subject == "[RehabPath] Confirm your e-mail address"
    assert mimetype == "text/html"
    for body in (message.body, html):
        assert "Hello from" not in body
        assert "Hello Ada," in body
        assert "The RehabPath team" in body
    assert f"Write to {SUPPORT}." in message.body
    assert f'<a href="mailto:{SUPPORT}"' in html
    confirm_path = CONFIRM_LINK.search(message.body).group(1)
    assert f'href="http://testserver{confirm_path}"' in html
    assert client.post(confirm_path).status_code == 302
    assert User.objects.get(email="ada@example.org").emailaddress_set.get().verified
