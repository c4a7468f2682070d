"""The project's own verifier of an Open Badges 3.0 credential: what a careful third party checks,
in the same order, with each answer in plain words.

1. The document is an OpenBadgeCredential at all.
2. The issuer's key: the proof's verification method is in the issuer's DID document, whose id
   is the issuer, controlled by the issuer, and listed for assertions.
3. The signature (eddsa-rdfc-2022, over the vendored, pinned contexts: nothing is fetched).
4. The OB 3.0 JSON schema (vendored beside this module).
5. The dates: valid from `validFrom` through `validUntil`.
6. The status: the Bitstring Status List it points to is itself signed by the same issuer, and
   the credential's bit in it is not set.

It never goes to the network. The DID document is the site's own unless a caller passes one
(e.g. one downloaded from another issuer's /.well-known/did.json); status lists come from a
`status_list_fetcher(url) -> dict`, by default the site's own lists, read in-process.
"""

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from programme.certificates import credential, dataintegrity, keys, statuslist

SCHEMA_FILE = (
    Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
)
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
MIN_LIST_ENTRIES = 131_072

StatusListFetcher = Callable[[str], Mapping[str, Any]]


class Check(NamedTuple):
    name: str
    ok: bool
    explanation: str


@dataclass(frozen=True)
class Verification:
    """`status`: valid, revoked, expired, not yet valid, or invalid (anything that makes the
    document untrustworthy: a bad signature, an unknown key, a broken schema or status list)."""

    status: str
    checks: tuple[Check, ...]

    @property
    def valid(self) -> bool:
        return self.status == "valid"


class VerificationError(Exception):
    """A step that cannot be completed, with the reason in plain words."""


def local_status_list(url: str) -> Mapping[str, Any]:
    """One of this site's own status lists, read in-process; any other URL is refused."""
    site: str = settings.SITE_URL
    if not url.startswith(site + "/"):
        raise VerificationError(f"the status list {url} is not this site's, and is not fetched")
    try:
        match = resolve(urlsplit(url).path.removeprefix(urlsplit(site).path))
    except Resolver404:
        raise VerificationError(f"this site publishes no status list at {url}") from None
    if match.view_name != "programme:certificate_status_list":
        raise VerificationError(f"{url} is not a status list")
    return statuslist.status_list_credential(match.kwargs["number"])


def _schema_validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(json.loads(SCHEMA_FILE.read_text()))


def _issuer_of(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _proof_of(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    return proof if isinstance(proof, Mapping) else None


def _key_for(document: Mapping[str, Any], did_document: Mapping[str, Any]) -> Ed25519PublicKey:
    """The issuer's key that signed `document`, or VerificationError saying why there is none."""
    issuer = _issuer_of(document)
    if issuer is None:
        raise VerificationError("the document names no issuer")
    if did_document.get("id") != issuer:
        raise VerificationError(
            f"the issuer is {issuer}, but the DID document at hand is {did_document.get('id')}"
        )
    proof = _proof_of(document)
    if proof is None:
        raise VerificationError("the document has no proof (or more than one)")
    method_id = proof.get("verificationMethod")
    if proof.get("proofPurpose") != "assertionMethod":
        raise VerificationError("the proof is not made for the assertionMethod purpose")
    if method_id not in did_document.get("assertionMethod", []):
        raise VerificationError(f"the issuer does not list {method_id} for assertions")
    methods = [m for m in did_document.get("verificationMethod", []) if m.get("id") == method_id]
    if not methods:
        raise VerificationError(f"the issuer's DID document has no key {method_id}")
    method = methods[0]
    if method.get("controller") != issuer:
        raise VerificationError("the key is not controlled by the issuer")
    try:
        return dataintegrity.public_key_from_multibase(str(method.get("publicKeyMultibase")))
    except (dataintegrity.ProofError, ValueError) as error:
        raise VerificationError(f"the issuer's key cannot be read: {error}") from error


def _moment(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(value)
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def _signature_check(
    document: Mapping[str, Any], did_document: Mapping[str, Any]
) -> tuple[Check, Check]:
    try:
        key = _key_for(document, did_document)
    except VerificationError as error:
        return (
            Check("issuer key", False, f"No key to check the signature with: {error}."),
            Check("signature", False, "Not checked: the issuer's key is not known."),
        )
    key_check = Check(
        "issuer key", True, f"The key is the issuer's ({did_document['id']}), for assertions."
    )
    try:
        dataintegrity.verify_proof(document, public_key=key, loader=credential.LOADER)
    except KeyError:
        return key_check, Check("signature", False, "The document has no @context.")
    except dataintegrity.ProofError as error:
        return key_check, Check("signature", False, f"The signature does not hold: {error}.")
    return key_check, Check(
        "signature", True, "The issuer signed exactly this content (eddsa-rdfc-2022)."
    )


def _schema_check(document: Mapping[str, Any]) -> Check:
    errors = sorted(_schema_validator().iter_errors(document), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.path) or "the document"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return Check("schema", False, f"Not valid OB 3.0: at {where}, {first.message}{more}.")
    return Check("schema", True, "Valid against the Open Badges 3.0 AchievementCredential schema.")


def _dates_check(document: Mapping[str, Any], on: dt.datetime) -> tuple[Check, str | None]:
    try:
        valid_from = _moment(document.get("validFrom"))
        until = document.get("validUntil")
        valid_until = _moment(until) if until is not None else None
    except ValueError:
        return Check("dates", False, "validFrom or validUntil is not a date and time."), "invalid"
    if on < valid_from:
        return Check("dates", False, f"Not valid before {valid_from:%d %B %Y}."), "not yet valid"
    if valid_until is not None and on > valid_until:
        return Check("dates", False, f"Expired on {valid_until:%d %B %Y}."), "expired"
    until_text = f" until {valid_until:%d %B %Y}" if valid_until else ""
    return Check("dates", True, f"Valid from {valid_from:%d %B %Y}{until_text}."), None


def _status_check(
    document: Mapping[str, Any],
    did_document: Mapping[str, Any],
    fetch: StatusListFetcher,
    on: dt.datetime,
) -> tuple[Check, str | None]:
    entry = document.get("credentialStatus")
    if isinstance(entry, list):
        entry = entry[0] if len(entry) == 1 else None
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        return Check("status", False, "No single BitstringStatusListEntry."), "invalid"
    if entry.get("statusPurpose") != "revocation":
        return Check("status", False, "The status entry is not for revocation."), "invalid"
    url = str(entry.get("statusListCredential"))
    try:
        index = int(str(entry.get("statusListIndex")))
        status_list = fetch(url)
        key = _key_for(status_list, did_document)
        dataintegrity.verify_proof(status_list, public_key=key, loader=credential.LOADER)
    except ValueError:
        return Check("status", False, "The status list index is not a number."), "invalid"
    except (VerificationError, dataintegrity.ProofError, KeyError) as error:
        return Check("status", False, f"The status list cannot be trusted: {error}."), "invalid"
    if _issuer_of(status_list) != _issuer_of(document):
        return Check("status", False, "The status list has another issuer."), "invalid"
    subject = status_list.get("credentialSubject")
    until = status_list.get("validUntil")
    if until is not None and on > _moment(until):
        return Check("status", False, "The status list has expired."), "invalid"
    if not isinstance(subject, Mapping) or subject.get("statusPurpose") != "revocation":
        return Check("status", False, "The status list is not for revocation."), "invalid"
    try:
        bits = statuslist.decode(str(subject.get("encodedList")))
    except ValueError as error:
        return Check("status", False, f"The status list cannot be read: {error}."), "invalid"
    if len(bits) * 8 < MIN_LIST_ENTRIES or not 0 <= index < len(bits) * 8:
        return Check("status", False, "The status list is too short for the index."), "invalid"
    if statuslist.bit(bits, index):
        return Check("status", False, "Revoked by the issuer (its status list says so)."), (
            "revoked"
        )
    return Check("status", True, "Not revoked: the signed status list says so."), None


def verify_credential(
    document: Mapping[str, Any],
    *,
    did_document: Mapping[str, Any] | None = None,
    status_list_fetcher: StatusListFetcher | None = None,
    on: dt.datetime | None = None,
) -> Verification:
    on = on or timezone.now()
    did_document = did_document if did_document is not None else keys.did_document()
    fetch = status_list_fetcher or local_status_list
    types = document.get("type") if isinstance(document, Mapping) else None
    if not isinstance(types, list) or not CREDENTIAL_TYPES & set(types):
        check = Check("format", False, "Not an Open Badges 3.0 credential.")
        return Verification("invalid", (check,))
    checks = [Check("format", True, "An Open Badges 3.0 credential.")]
    checks += _signature_check(document, did_document)
    checks.append(_schema_check(document))
    dates, dates_status = _dates_check(document, on)
    status, status_status = _status_check(document, did_document, fetch, on)
    checks += [dates, status]
    if not all(check.ok for check in checks[:4]) or "invalid" in (dates_status, status_status):
        verdict = "invalid"
    else:
        verdict = status_status or dates_status or "valid"
    return Verification(verdict, tuple(checks))
