"""Accounts through allauth: signup, email verification, login, lockout, reset, sessions."""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.core import mail

from rehabpath.models import User
from tests import factories
from tests.factories import PASSWORD

NEW_PASSWORD = "a-new-and-long-passphrase-42"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)")


def _sign_up(client, email="ada@example.org", name="Ada Lovelace"):
    return client.post(
        "/accounts/signup/",
        {"name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def _log_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Signup and email verification --------------------------------------------------------


def test_signup_creates_a_trainer_with_the_name_given(client, db, mailoutbox):
    response = _sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="ada@example.org")
    assert user.name == "Ada Lovelace"
    assert hasattr(user, "trainer_profile")
    assert not user.is_staff
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mailoutbox) == 1
    assert CONFIRM_LINK.search(mailoutbox[0].body)


def test_signup_requires_a_name(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "ada@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not User.objects.filter(email="ada@example.org").exists()


def test_user_cannot_log_in_before_confirming_their_email(client, db, mailoutbox):
    _sign_up(client)
    client.logout()

    response = _log_in(client, "ada@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert _logged_in_user_id(client) is None
    assert client.get("/").status_code == 302


def test_confirming_the_email_verifies_it_and_allows_login(client, db, mailoutbox):
    _sign_up(client)
    client.logout()
    confirm_path = CONFIRM_LINK.search(mailoutbox[0].body).group(1)

    assert client.post(confirm_path).status_code == 302

    assert EmailAddress.objects.get(email="ada@example.org").verified
    client.logout()
    response = _log_in(client, "ada@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_user_id(client) is not None


def test_signing_up_with_a_taken_email_looks_the_same_and_creates_nothing(client, db, mailoutbox):
    existing = factories.UserFactory(email="taken@example.org")

    response = _sign_up(client, email="taken@example.org", name="Someone Else")

    # Same answer as for a new address: the page does not reveal that the account exists.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert User.objects.get(email="taken@example.org").name == existing.name
    assert [m.to for m in mailoutbox] == [["taken@example.org"]]


# --- Login and lockout --------------------------------------------------------------------


def test_login_with_email_and_password(client, trainer_user):
    response = _log_in(client, trainer_user.email)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_user_id(client) == str(trainer_user.pk)


def test_login_with_a_wrong_password_shows_an_error_summary(client, trainer_user):
    response = _log_in(client, trainer_user.email, "not-the-password")

    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert _logged_in_user_id(client) is None


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, trainer_user):
    for _ in range(5):
        assert _log_in(client, trainer_user.email, "not-the-password").status_code == 200

    response = _log_in(client, trainer_user.email, PASSWORD)

    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert _logged_in_user_id(client) is None


def test_lockout_is_per_account(client, trainer_user, other_trainer_user):
    for _ in range(5):
        _log_in(client, trainer_user.email, "not-the-password")

    response = _log_in(client, other_trainer_user.email)

    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(other_trainer_user.pk)


# --- Password reset -----------------------------------------------------------------------


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, trainer_user, mailoutbox
):
    known = client.post("/accounts/password/reset/", {"email": trainer_user.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    reset_mail = [m for m in mailoutbox if m.to == [trainer_user.email]]
    assert len(reset_mail) == 1
    assert RESET_LINK.search(reset_mail[0].body)
    # Whoever owns the unknown address may learn it has no account; the requester may not.
    assert all(not RESET_LINK.search(m.body) for m in mailoutbox if m.to != [trainer_user.email])


def test_password_reset_link_sets_a_new_password(client, trainer_user, mailoutbox):
    client.post("/accounts/password/reset/", {"email": trainer_user.email})
    key_path = RESET_LINK.search(mailoutbox[0].body).group(1)

    form_path = client.get(key_path)["Location"]  # allauth moves the key into the session
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    trainer_user.refresh_from_db()
    assert trainer_user.check_password(NEW_PASSWORD)
    assert _logged_in_user_id(client) is None  # a reset does not sign anyone in


# --- Sessions: logout, password change, other sessions ------------------------------------


def test_logout_ends_the_session(client, trainer_user):
    _log_in(client, trainer_user.email)
    session_key = client.session.session_key

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/").status_code == 302


def test_logout_by_get_only_asks_for_confirmation(client, trainer_user):
    _log_in(client, trainer_user.email)

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert _logged_in_user_id(client) == str(trainer_user.pk)


def test_password_change_ends_this_and_every_other_session(client, trainer_user):
    from django.test import Client

    other_device = Client()
    _log_in(other_device, trainer_user.email)
    _log_in(client, trainer_user.email)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert other_device.get("/").status_code == 302


def test_user_lists_and_ends_their_other_sessions(client, trainer_user):
    from django.test import Client

    other_device = Client(HTTP_USER_AGENT="Other device")
    _log_in(other_device, trainer_user.email)
    _log_in(client, trainer_user.email)

    page = client.get("/accounts/sessions/")
    assert page.status_code == 200
    assert b"Other device" in page.content
    assert b"This device" in page.content

    response = client.post("/accounts/sessions/")

    assert response.status_code == 302
    assert other_device.get("/").status_code == 302
    assert client.get("/").status_code == 200
    assert UserSession.objects.filter(user=trainer_user).count() == 1


# --- Account pages ------------------------------------------------------------------------


class _Controls(HTMLParser):
    """Collects the ids of visible form controls and the targets of <label for>."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled, self.inline_styles = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        hidden = attrs.get("type") in {"hidden", "submit", "button"}
        if tag in {"input", "select", "textarea"} and not hidden:
            self.controls.append(attrs.get("id") or f"<{tag} name={attrs.get('name')}>")


ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
ACCOUNT_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/webauthn/add/",
    "/accounts/reauthenticate/",
    "/accounts/sessions/",
    "/accounts/logout/",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES + ACCOUNT_PAGES)
def test_account_pages_label_every_control_and_have_no_inline_styles(client, trainer_user, path):
    if path in ACCOUNT_PAGES:
        _log_in(client, trainer_user.email)
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    response = client.get(path)

    assert response.status_code == 200
    parser = _Controls()
    parser.feed(response.content.decode())
    assert [c for c in parser.controls if c not in parser.labelled] == []
    assert parser.inline_styles == 0


def test_form_errors_are_summarised_and_linked_to_their_fields(client, db):
    response = client.post("/accounts/signup/", {"email": "not-an-email"})

    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_password1"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/accounts/logout/",
    ],
)
def test_account_pages_share_the_account_navigation(client_for, trainer_user, path):
    response = client_for(trainer_user).get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Account settings"' in html
    assert html.count('aria-current="page"') >= 1
    assert "style=" not in html


def test_header_links_to_the_account_pages(client_for, trainer_user):
    html = client_for(trainer_user).get("/").content.decode()

    assert 'href="/accounts/email/"' in html


def test_no_mail_goes_out_for_a_plain_login(client, trainer_user):
    _log_in(client, trainer_user.email)

    assert mail.outbox == []


# --- Sign-up takes as long for a taken address as for a new one ----------------------------


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting how often a password is hashed."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


@pytest.mark.parametrize("taken", [False, True], ids=["new address", "taken address"])
def test_signup_hashes_the_password_once_whether_or_not_the_address_is_taken(
    client, db, counting_hasher, mailoutbox, taken
):
    if taken:
        factories.UserFactory(email="ada@example.org")
    counting_hasher.calls = 0

    response = _sign_up(client)

    # The same answer, and the same hashing work: the time tells nothing either.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert counting_hasher.calls == 1
    assert User.objects.filter(email="ada@example.org").count() == 1
