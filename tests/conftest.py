"""Persona fixtures: every role, plus the outsiders each access test needs."""

import datetime as dt

import hypothesis
import pytest

from tests import factories

# Property tests judge the code, not the machine: on a loaded CI runner (or two shared cores)
# a slow example is no failure, so neither the deadline nor the too-slow health check apply.
hypothesis.settings.register_profile(
    "rehabpath", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("rehabpath")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file in a private temporary folder, not in memory.

    A real Celery worker (tests/rehabpath/test_worker.py) runs in another process and must
    open the same test database; an in-memory database cannot be shared between processes.
    PostgreSQL needs nothing: the worker connects to the test database by name.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher spends ~0.8 s per password on purpose; hashing is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache namespace (allauth's rate limits and used TOTP codes live
    there): a lockout in one test cannot refuse a login in the next, and a shared Redis (CI)
    is never flushed. Keys expire on their own."""
    import uuid

    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex},
    }


@pytest.fixture(autouse=True)
def _sessions_from_the_cache(settings):
    """Sessions as production keeps them (REDIS_URL: cached_db), with or without Redis here:
    the query counts pinned in the suite are production's whatever the machine."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture(autouse=True)
def _evidence_root(settings, tmp_path):
    # Uploaded evidence goes to a throwaway folder, never to var/.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }


@pytest.fixture
def trainer_user(db):
    return factories.TrainerProfileFactory().user


@pytest.fixture
def other_trainer_user(db):
    return factories.TrainerProfileFactory().user


@pytest.fixture
def mentor_user(db):
    user = factories.MentorProfileFactory().user
    factories.add_totp(user)
    return user


@pytest.fixture
def unassigned_mentor_user(db):
    user = factories.MentorProfileFactory().user
    factories.add_totp(user)
    return user


@pytest.fixture
def ended_mentor_user(db, trainer_user):
    """A mentor whose assignment to `trainer_user` staff have ended."""
    user = factories.MentorProfileFactory().user
    factories.add_totp(user)
    factories.MentorAssignmentFactory(
        mentor=user.mentor_profile,
        trainer=trainer_user.trainer_profile,
        starts_on=dt.date(2025, 1, 1),
        ended_at=dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC),
        end_reason="The trainer moved to another mentor.",
    )
    return user


@pytest.fixture
def clinic_admin_user(db):
    user = factories.ClinicMembershipFactory().user
    factories.add_totp(user)
    return user


@pytest.fixture
def other_clinic_admin_user(db):
    user = factories.ClinicMembershipFactory().user
    factories.add_totp(user)
    return user


@pytest.fixture
def staff_user(db):
    user = factories.UserFactory(is_staff=True)
    factories.add_totp(user)
    return user


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
