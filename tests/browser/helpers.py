"""Signing in from a browser test: through the real form, or fast with a session cookie."""

import time

from django.conf import settings
from django.test import Client

DEMO_PASSWORD = "rehabpath-demo"


def totp_code(user) -> str:
    """The current TOTP code of a user's authenticator, as their phone would show it."""
    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = app_settings.TOTP_PERIOD
    # Never type a code in the last seconds of its period: it could expire in flight.
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def login_via_form(page, email: str, password: str, *, totp_user=None) -> None:
    """Sign in through the real login form; with ``totp_user``, answer the TOTP step too."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    if totp_user is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label("Code").fill(totp_code(totp_user))
        page.locator("form[action='/accounts/2fa/authenticate/'] button[type=submit]").click()
        page.wait_for_load_state()


def force_login(page, user) -> None:
    """Sign in without the form: Django's test client makes the session, the browser gets
    its cookie. Privileged users still need a TOTP authenticator (see with_totp)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": page.live_server_url,
                "httpOnly": True,
                "secure": settings.SESSION_COOKIE_SECURE,
                "sameSite": "Lax",
            }
        ]
    )


def with_totp(user):
    """Give a privileged user (mentor, clinic admin, staff) the TOTP authenticator they need."""
    from allauth.mfa.models import Authenticator

    from tests.factories import add_totp

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        add_totp(user)
    return user
