"""A second factor is required for mentors, clinic admins and programme staff; the admin
login goes through allauth, so it gets the same rate limits and MFA."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings

from tests import factories
from tests.factories import PASSWORD

MFA_SETUP = "/accounts/2fa/"


def _mentor():
    return factories.MentorProfileFactory().user


def _clinic_admin():
    return factories.ClinicMembershipFactory().user


def _staff():
    return factories.UserFactory(is_staff=True)


PRIVILEGED = {"mentor": _mentor, "clinic_admin": _clinic_admin, "staff": _staff}


@pytest.mark.parametrize("make_user", PRIVILEGED.values(), ids=PRIVILEGED.keys())
def test_privileged_roles_without_mfa_are_sent_to_mfa_setup(client_for, db, make_user):
    client = client_for(make_user())

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == MFA_SETUP
    page = client.get(MFA_SETUP)
    assert page.status_code == 200
    assert b"needs a second factor" in page.content


@pytest.mark.parametrize("make_user", PRIVILEGED.values(), ids=PRIVILEGED.keys())
def test_privileged_roles_with_totp_reach_the_dashboard(client_for, db, make_user):
    user = make_user()
    factories.add_totp(user)

    assert client_for(user).get("/").status_code == 200


def test_a_passkey_also_meets_the_requirement(client_for, db):
    user = _staff()
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={})

    assert client_for(user).get("/").status_code == 200


def test_recovery_codes_alone_do_not_meet_the_requirement(client_for, db):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = _staff()
    RecoveryCodes.activate(user)

    assert client_for(user).get("/")["Location"] == MFA_SETUP


def test_staff_who_sets_up_totp_reaches_the_dashboard(client, db):
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    user = _staff()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.get("/")["Location"] == MFA_SETUP
    # Adding a factor asks for the password again (allauth's reauthentication).
    assert client.get("/accounts/2fa/totp/activate/").status_code == 302
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))

    response = client.post("/accounts/2fa/totp/activate/", {"code": code})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200


def test_trainers_need_no_second_factor(client_for, trainer_user):
    assert client_for(trainer_user).get("/").status_code == 200


def test_mentor_who_is_also_a_trainer_still_needs_mfa(client_for, db):
    user = _mentor()
    factories.TrainerProfileFactory(user=user)

    assert client_for(user).get("/")["Location"] == MFA_SETUP


def test_account_pages_stay_reachable_without_mfa(client_for, db):
    client = client_for(_staff())

    for path in ("/accounts/2fa/", "/accounts/email/", "/accounts/logout/", "/healthz"):
        assert client.get(path).status_code == 200, path


def test_the_admin_is_also_behind_the_mfa_requirement(client_for, db):
    assert client_for(_staff()).get("/admin/")["Location"] == MFA_SETUP


def test_login_of_a_user_with_totp_asks_for_the_code(client, staff_user):
    response = client.post("/accounts/login/", {"login": staff_user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.session.get("_auth_user_id") is None


# --- DEMO_MODE waiver ---------------------------------------------------------------------


def test_demo_mode_waives_mfa_for_seeded_demo_accounts_when_debug(client_for, db, settings):
    settings.DEBUG = True
    settings.DEMO_MODE = True
    demo_staff = factories.UserFactory(is_staff=True, is_demo=True)

    assert client_for(demo_staff).get("/").status_code == 200


def test_demo_mode_does_not_waive_mfa_for_other_accounts(client_for, db, settings):
    settings.DEBUG = True
    settings.DEMO_MODE = True

    assert client_for(_staff()).get("/")["Location"] == MFA_SETUP


def test_demo_accounts_need_mfa_when_debug_is_off(client_for, db, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = True  # cannot happen (settings refuse it), and is ignored anyway
    demo_staff = factories.UserFactory(is_staff=True, is_demo=True)

    assert client_for(demo_staff).get("/")["Location"] == MFA_SETUP


def test_settings_refuse_demo_mode_without_debug():
    env = {**os.environ, "DEBUG": "false", "DEMO_MODE": "true"}
    result = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "DEMO_MODE may only be enabled together with DEBUG" in result.stderr


# --- The Django admin login goes through allauth ------------------------------------------


def test_admin_login_page_redirects_to_the_allauth_login(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_posting_credentials_to_the_admin_login_does_not_sign_in(client, staff_user):
    response = client.post(
        "/admin/login/", {"username": staff_user.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.session.get("_auth_user_id") is None


def test_admin_index_sends_anonymous_users_through_the_allauth_login(client, db):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_non_staff_user_is_refused_by_the_admin_login(client_for, trainer_user):
    assert client_for(trainer_user).get("/admin/login/").status_code == 403


def test_staff_with_mfa_reaches_the_admin(client_for, staff_user):
    assert client_for(staff_user).get("/admin/").status_code == 200
