"""Clinic admins create, list and revoke their clinic's API tokens."""

import hashlib
import re

import pytest
from django.urls import reverse

from programme.api.tokens import api_token_create, api_token_revoke, token_for_secret
from programme.models import ApiToken
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import ActorKind, AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(clinic_admin_user):
    return clinic_admin_user.clinic_memberships.get().clinic


def tokens_url(clinic):
    return reverse("programme:api_tokens", kwargs={"clinic_id": clinic.public_id})


def test_a_token_is_stored_as_its_digest_and_found_by_its_secret(clinic, clinic_admin_user):
    token, secret = api_token_create(
        actor=Actor.for_user(clinic_admin_user), clinic=clinic, name="  Rota   system "
    )

    assert re.fullmatch(r"rp_[a-z0-9]{8}_[A-Za-z0-9_-]{43}", secret)
    assert secret.split("_")[1] == token.prefix
    assert token.token_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.name == "Rota system"
    assert token_for_secret(secret) == token
    assert token_for_secret(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert token_for_secret("rp_nottoken") is None


def test_creating_and_revoking_are_audited(clinic, clinic_admin_user):
    actor = Actor.for_user(clinic_admin_user)
    token, _ = api_token_create(actor=actor, clinic=clinic, name="Rota")
    api_token_revoke(actor=actor, token=token)

    events = list(AuditEvent.objects.filter(target_id=str(token.public_id)).order_by("id"))
    assert [e.action for e in events] == ["api_token.create", "api_token.revoke"]
    assert all(e.actor == clinic_admin_user and e.actor_kind == ActorKind.USER for e in events)
    assert events[0].after["prefix"] == f"rp_{token.prefix}_…"
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == clinic_admin_user


def test_only_the_clinics_admins_create_or_revoke_its_tokens(clinic, other_clinic_admin_user):
    outsider = Actor.for_user(other_clinic_admin_user)
    with pytest.raises(DomainError):
        api_token_create(actor=outsider, clinic=clinic, name="Rota")
    admin = clinic.memberships.get().user
    token, _ = api_token_create(actor=Actor.for_user(admin), clinic=clinic, name="Rota")
    with pytest.raises(DomainError):
        api_token_revoke(actor=outsider, token=token)


def test_a_token_is_revoked_once(clinic, clinic_admin_user):
    actor = Actor.for_user(clinic_admin_user)
    token, _ = api_token_create(actor=actor, clinic=clinic, name="Rota")
    api_token_revoke(actor=actor, token=token)
    with pytest.raises(DomainError, match="already revoked"):
        api_token_revoke(actor=actor, token=token)


def test_the_secret_is_shown_once_in_the_response_that_created_it(
    client, clinic, clinic_admin_user
):
    client.force_login(clinic_admin_user)

    response = client.post(tokens_url(clinic), {"name": "Rota system"})

    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("rp_") and secret in response.text
    assert "no-store" in response["Cache-Control"]
    assert secret not in str(dict(client.session))
    again = client.get(tokens_url(clinic))
    assert secret not in again.text
    token = ApiToken.objects.get()
    assert f"rp_{token.prefix}_…" in again.text
    assert "Rota system" in again.text and "Never" in again.text


def test_a_blank_name_is_refused(client, clinic, clinic_admin_user):
    client.force_login(clinic_admin_user)

    response = client.post(tokens_url(clinic), {"name": "   "})

    assert response.status_code == 200
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_the_clinics_tokens(client, clinic, clinic_admin_user):
    other = factories.ClinicMembershipFactory()
    api_token_create(actor=Actor.for_user(other.user), clinic=other.clinic, name="Theirs")
    api_token_create(actor=Actor.for_user(clinic_admin_user), clinic=clinic, name="Ours")
    client.force_login(clinic_admin_user)

    response = client.get(tokens_url(clinic))

    assert "Ours" in response.text and "Theirs" not in response.text


def test_revoking_asks_first_then_revokes(client, clinic, clinic_admin_user):
    token, _ = api_token_create(actor=Actor.for_user(clinic_admin_user), clinic=clinic, name="Rota")
    url = reverse(
        "programme:api_token_revoke",
        kwargs={"clinic_id": clinic.public_id, "token_id": token.public_id},
    )
    client.force_login(clinic_admin_user)

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Revoke the token" in confirm.text
    token.refresh_from_db()
    assert token.is_active

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == tokens_url(clinic)
    token.refresh_from_db()
    assert not token.is_active
    assert "Revoked" in client.get(tokens_url(clinic)).text


def test_another_clinics_token_cannot_be_revoked_through_ours(client, clinic, clinic_admin_user):
    other = factories.ClinicMembershipFactory()
    theirs, _ = api_token_create(actor=Actor.for_user(other.user), clinic=other.clinic, name="T")
    client.force_login(clinic_admin_user)
    url = reverse(
        "programme:api_token_revoke",
        kwargs={"clinic_id": clinic.public_id, "token_id": theirs.public_id},
    )

    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_an_admin_of_several_clinics_chooses_one(client, clinic, clinic_admin_user):
    second = factories.ClinicMembershipFactory(user=clinic_admin_user).clinic
    client.force_login(clinic_admin_user)

    response = client.get(reverse("programme:api_token_clinics"))

    assert response.status_code == 200
    assert tokens_url(clinic) in response.text and tokens_url(second) in response.text


@pytest.mark.parametrize("tokens", [2, 20])
def test_the_token_page_costs_the_same_for_more_tokens(
    client, clinic, clinic_admin_user, django_assert_num_queries, tokens
):
    actor = Actor.for_user(clinic_admin_user)
    for i in range(tokens):
        api_token_create(actor=actor, clinic=clinic, name=f"Token {i}")
    client.force_login(clinic_admin_user)
    client.get(tokens_url(clinic))  # the session and the user, cached from then on

    # The signed-in user with their roles, the clinic, its tokens with who created and revoked
    # them, the count of the admin's clinics.
    with django_assert_num_queries(4):
        assert client.get(tokens_url(clinic)).status_code == 200
