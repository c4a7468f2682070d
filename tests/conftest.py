"""Persona fixtures: every role, plus the outsiders each access test needs."""

import pytest

from tests import factories


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
