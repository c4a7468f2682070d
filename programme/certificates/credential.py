"""A certificate as a signed Open Badges 3.0 OpenBadgeCredential (VC Data Model 2.0).

Made once, in the issuing transaction, and stored in `Certificate.credential`: what it says never
changes afterwards. Whether it still holds is said by its one credentialStatus entry, in the
published Bitstring Status List (statuslist), so revocation needs no new credential.

Choices where Open Badges 3.0 leaves room (docs/CREDENTIALS.md explains each field):

- `id` is the credential's own public URL (/verify/<code>.json): dereferenceable, so a verifier
  given only the document can fetch the current copy; every verifier takes a URL as an id.
- The trainer is identified by a salted SHA-256 of their e-mail address (lower-cased), not the
  address. Their name, which the certificate prints, goes in a second IdentityObject of
  identityType "name", unhashed: OB 3.0's AchievementSubject has no `name` property, and an
  IdentityObject is where the specification puts a recipient's name.
- The achievement's `id` is a URN (a UUID derived from the site, the area's slug and the scope's
  version), not a URL: the site publishes no achievement pages, and an id that dereferences to
  nothing would mislead. The same area and scope version always give the same id.
- achievementType is "Certification" from OB 3.0's vocabulary: a time-limited attestation that
  the holder is qualified in a profession.
"""

import datetime as dt
import hashlib
import json
import secrets
import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.utils import timezone

from programme.certificates import dataintegrity, keys, links, statuslist
from programme.models import Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
ACHIEVEMENT_TYPE = "Certification"

# The status lists' loader: one for the process reads and checks each pinned context once.
LOADER = statuslist.LOADER


def xsd_datetime(moment: dt.datetime) -> str:
    """UTC, to the second, with Z: the form every verifier parses."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of `day` in the site's time zone: a certificate is valid through it."""
    local = dt.datetime.combine(day, dt.time(23, 59, 59), zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(dt.UTC)


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0's IdentityHash: `sha256$` and the hex digest of the identifier with the salt
    appended, both UTF-8."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def achievement_id(certificate: Certificate) -> str:
    name = f"{settings.SITE_URL}/achievements/{certificate.condition_area.slug}"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/scope-v{certificate.scope_version}").urn


def unsigned_credential(certificate: Certificate, *, salt: str) -> dict[str, Any]:
    status_url = statuslist.status_list_url(certificate.status_list)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": links.credential_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.area_name} competency certificate",
        "issuer": {
            "id": keys.issuer_id(),
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": settings.SITE_URL,
        },
        "validFrom": xsd_datetime(certificate.issued_at),
        "validUntil": xsd_datetime(end_of_day(certificate.expires_on)),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(certificate.trainer.user.email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.trainer_name,
                    "identityType": "name",
                    "hashed": False,
                },
            ],
            "achievement": {
                "id": achievement_id(certificate),
                "type": ["Achievement"],
                "achievementType": ACHIEVEMENT_TYPE,
                "name": f"Competency in {certificate.area_name}",
                "description": (
                    f"Recognised by {certificate.issuer_name} as competent to train people "
                    f"with {certificate.area_name} conditions, within the scope of practice "
                    f"“{certificate.scope_title}” (version {certificate.scope_version})."
                ),
                "criteria": {
                    "narrative": (
                        f"Recognised for {certificate.area_name} under the programme's pathway "
                        "rules: verified qualifications, supervised sessions signed off by a "
                        "mentor, current CPD, and a declared scope of practice."
                    )
                },
            },
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": OB_SCHEMA_TYPE}],
        "credentialStatus": {
            "id": f"{status_url}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": status_url,
        },
    }


def credential_for(certificate: Certificate) -> dict[str, Any]:
    """The signed OpenBadgeCredential of a certificate whose fields are set (it may be unsaved).

    The salt is random for each credential, so the hash cannot be matched across certificates;
    it travels in the credential, as OB 3.0 requires for a verifier who knows the address."""
    document = unsigned_credential(certificate, salt=secrets.token_hex(16))
    signed = dataintegrity.add_proof(
        document, signer=keys.signer(), created=xsd_datetime(timezone.now()), loader=LOADER
    )
    # OB 3.0's schema takes `proof` only as an array; VC 2.0 allows both (a set of one here).
    signed["proof"] = [signed["proof"]]
    return signed


def credential_bytes(certificate: Certificate) -> bytes:
    """The stored credential as UTF-8 JSON, formatted the same way every time: the file the PDF
    attaches and /verify/<code>.json serves."""
    stored = certificate.credential
    # PostgreSQL's jsonb keeps keys in its own order; "@context" first reads as JSON-LD does.
    document = {"@context": stored.get("@context"), **stored} if stored else stored
    return json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"
