"""Security headers and cookies, with the production-like settings the suite runs under
(pyproject's [tool.pytest.ini_options] env: DEBUG off, a real SECRET_KEY)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PASSWORD


def _directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_responses_carry_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/", secure=True)

    csp = _directives(response["Content-Security-Policy"])
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_secure_responses_carry_hsts_nosniff_and_frame_denial(client, db):
    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csrf_cookie_is_secure_httponly_and_samesite(client, db):
    response = client.get("/accounts/login/", secure=True)

    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_session_cookie_is_secure_httponly_and_samesite(client, trainer_user):
    response = client.post(
        "/accounts/login/", {"login": trainer_user.email, "password": PASSWORD}, secure=True
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_account_pages_have_no_inline_scripts(client, db):
    html = client.get("/accounts/login/").content.decode()

    # Only external scripts and JSON data blocks (which browsers never execute).
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening


def test_debug_is_off_under_test():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_rate_limits_use_the_shared_cache():
    # allauth counts attempts in Django's default cache: Redis whenever REDIS_URL is set,
    # so every web process sees the same counts.
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "rehabpath.cache.DegradingRedisCache"  # still Redis, see its trade-off
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/300s/key"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
def test_failed_logins_are_counted_in_redis_where_every_web_process_sees_them(client, trainer_user):
    import redis

    for _ in range(2):
        client.post("/accounts/login/", {"login": trainer_user.email, "password": "wrong"})

    # An independent connection, as another gunicorn worker would have.
    other_process = redis.Redis.from_url(os.environ["REDIS_URL"])
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = [key.decode() for key in other_process.scan_iter(f"{prefix}:*")]
    assert any("login_failed" in key for key in keys), keys


def _load_settings(**overrides):
    """Import the settings in a fresh interpreter with the suite's environment and `overrides`
    (None removes a variable)."""
    env = {**os.environ, "DEBUG": "false"}
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_refuse_a_cache_local_to_each_process():
    result = _load_settings(REDIS_URL=None, ALLOW_LOCAL_CACHE=None)

    assert result.returncode != 0
    assert "Set REDIS_URL" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize(
    "overrides",
    [
        {"REDIS_URL": None, "ALLOW_LOCAL_CACHE": "true"},  # one process, or a build step
        {"REDIS_URL": None, "ALLOW_LOCAL_CACHE": None, "DEBUG": "true"},  # development
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "ALLOW_LOCAL_CACHE": None},  # production
    ],
    ids=["allowed", "debug", "redis"],
)
def test_a_shared_cache_or_an_explicit_allowance_loads_the_settings(overrides):
    result = _load_settings(**overrides)

    assert result.returncode == 0, result.stderr


# --- Request size ---------------------------------------------------------------------------


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(client, trainer_user):
    client.force_login(trainer_user)
    too_big = settings.MAX_REQUEST_BYTES + 1

    response = client.generic(
        "POST",
        "/trainers/records/insurance/add/",
        b"x",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(too_big),
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert "Too much to send at once" in html
    assert "at most 51 MB can be sent in one go" in html
    assert "<nav" in html  # the site's own page, not a bare error


def test_the_request_limit_leaves_room_for_a_records_evidence():
    assert settings.MAX_REQUEST_BYTES >= (
        settings.EVIDENCE_MAX_FILES * settings.EVIDENCE_MAX_BYTES
        + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def test_a_body_within_the_limit_reaches_the_view(client, trainer_user, settings):
    settings.MAX_REQUEST_BYTES = 10_000
    client.force_login(trainer_user)

    response = client.post("/trainers/records/insurance/add/", {"insurer": "x" * 100})

    assert response.status_code == 200  # the form, with its errors
    assert "Too much to send at once" not in response.content.decode()


def test_form_fields_beyond_512_kib_are_refused(client, trainer_user):
    client.force_login(trainer_user)

    response = client.post("/trainers/records/insurance/add/", {"insurer": "x" * (600 * 1024)})

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 512 * 1024
    assert response.status_code == 400
