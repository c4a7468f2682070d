"""Clinics' API tokens: created and revoked by the clinic's admins, found again by their secret.

A token's secret reads `rp_<prefix>_<random>`: `prefix` (8 lower-case letters and digits) is
kept as it is, so that a token found in a log or a repository can be recognised on the
clinic's token page; the whole secret is kept only as its SHA-256, and shown once, in the
response that created it. Looking a secret up is one indexed query on the digest; a secret
that does not have the shape is refused without one.
"""

import hashlib
import re
import secrets
import string
import uuid

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from programme.models import ApiToken
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from trainers.models import Clinic, ClinicMembership

SCHEME = "rp"
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
SECRET_BYTES = 32  # 256 bits of randomness after the prefix
# token_urlsafe(32) gives 43 characters; the digest decides, the shape only spares a query.
SECRET_FORMAT = re.compile(r"^rp_([a-z0-9]{8})_([A-Za-z0-9_-]{32,128})$")
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length or 100


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(token: ApiToken) -> str:
    """What the clinic sees of a token: enough to recognise it, not to use it."""
    return f"{SCHEME}_{token.prefix}_…"


def _new_prefix() -> str:
    for _ in range(10):
        prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix
    # 36**8 prefixes: ten collisions in a row mean something else is wrong.
    raise RuntimeError("Could not find an unused API token prefix.")


@transaction.atomic
def api_token_create(*, actor: Actor, clinic: Clinic, name: str) -> tuple[ApiToken, str]:
    """A new token for `clinic`, and its secret (to show once: it is not kept)."""
    person = actor.person()
    if not ClinicMembership.objects.filter(clinic=clinic, user=person).exists():
        raise DomainError("Only an admin of this clinic can create its API tokens.")
    name = " ".join(name.split())
    if not name:
        raise DomainError("Give the token a name that says what uses it.", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"Keep the name to {NAME_MAX_LENGTH} characters or fewer.", field="name")
    prefix = _new_prefix()
    secret = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    token = ApiToken.objects.create(
        clinic=clinic,
        name=name,
        prefix=prefix,
        token_sha256=digest(secret),
        created_by=person,
    )
    record_event(
        actor=actor,
        action="api_token.create",
        target=token,
        after={"name": name, "prefix": display_prefix(token), "clinic": clinic.name},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke `token` at once and for good: its next request is refused."""
    person = actor.person()
    token = ApiToken.objects.select_for_update().select_related("clinic").get(pk=token.pk)
    if not ClinicMembership.objects.filter(clinic=token.clinic, user=person).exists():
        raise DomainError("Only an admin of this clinic can revoke its API tokens.")
    if token.revoked_at is not None:
        raise DomainError("This token was already revoked.")
    token.revoked_at = timezone.now()
    token.revoked_by = person
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_event(
        actor=actor,
        action="api_token.revoke",
        target=token,
        before={"status": "active"},
        after={"status": "revoked", "prefix": display_prefix(token)},
    )
    return token


def tokens_of(clinic: Clinic) -> QuerySet[ApiToken]:
    """A clinic's tokens, active ones first, newest first."""
    return (
        ApiToken.objects.filter(clinic=clinic)
        .select_related("created_by", "revoked_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-id")
    )


def get_token_of_clinic(clinic: Clinic, public_id: uuid.UUID) -> ApiToken:
    """The token `public_id` if it is `clinic`'s; 404 otherwise (access.py's convention)."""
    token = ApiToken.objects.filter(clinic=clinic, public_id=public_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, revoked or not; None for an unknown or malformed one."""
    found = SECRET_FORMAT.match(secret)
    if found is None:
        return None
    token = (
        ApiToken.objects.select_related("clinic", "created_by")
        .filter(token_sha256=digest(secret))
        .first()
    )
    # The digest decides; the prefix must agree (it always does for a secret we made).
    if token is None or not secrets.compare_digest(token.prefix, found.group(1)):
        return None
    return token
