"""The issuer's signing key, its did:web identifier and the DID document that publishes the key.

The key is an Ed25519 private key in multibase (`z` + base58-btc of the multicodec prefix 0x8026
and the 32 raw bytes), from CREDENTIAL_SIGNING_KEY. With DEBUG and no key set, one is generated
into CREDENTIAL_DEV_KEY_FILE (mode 0600) on first use and reused, so that development credentials
stay verifiable across restarts; without DEBUG an empty key is refused (settings refuse it at
import already; this module does not trust that alone).

The issuer is did:web for SITE_URL: `https://rehab.example` is `did:web:rehab.example`,
`http://127.0.0.1:8000` is `did:web:127.0.0.1%3A8000` (the port's colon percent-encoded, as the
did:web method says), a path's segments follow as `:`-separated parts. did:web resolves a bare
host to `/.well-known/did.json`, which credential_views serves; a SITE_URL with a path resolves
to `<path>/did.json` instead (see docs/CREDENTIALS.md).
"""

import functools
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from programme.certificates import dataintegrity

KEY_FRAGMENT = "key-1"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def new_private_key_multibase() -> str:
    """A fresh Ed25519 private key, as CREDENTIAL_SIGNING_KEY takes it."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return "z" + base58.b58encode(dataintegrity.ED25519_PRIV + raw).decode()


def signing_key() -> Ed25519PrivateKey:
    configured: str = settings.CREDENTIAL_SIGNING_KEY
    if configured:
        return _key_from(configured.strip())
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "Set CREDENTIAL_SIGNING_KEY (make one with `manage.py credential_key`): without it "
            "the certificates' credentials cannot be signed."
        )
    return _key_from(_development_key(Path(settings.CREDENTIAL_DEV_KEY_FILE)))


@functools.lru_cache(maxsize=4)
def _key_from(multibase: str) -> Ed25519PrivateKey:
    try:
        return dataintegrity.private_key_from_multibase(multibase)
    except (dataintegrity.ProofError, ValueError) as error:
        raise ImproperlyConfigured(
            "CREDENTIAL_SIGNING_KEY is not an Ed25519 private key in multibase "
            "(make one with `manage.py credential_key`)."
        ) from error


def _development_key(path: Path) -> str:
    """The development key in `path`, written there first if there is none (0600, exclusive
    create: two processes starting together end up with the same key)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = new_private_key_multibase()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(value + "\n")
    return value


def issuer_id() -> str:
    """did:web for SITE_URL."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return "did:web:" + ":".join(segments)


def verification_method_id() -> str:
    return f"{issuer_id()}#{KEY_FRAGMENT}"


def public_key_multibase() -> str:
    return dataintegrity.multibase_of(signing_key().public_key())


def did_document() -> dict[str, Any]:
    """The issuer's DID document: one Multikey, controlled by the issuer, for assertions."""
    did = issuer_id()
    method = verification_method_id()
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase(),
            }
        ],
        "assertionMethod": [method],
    }


def signer() -> dataintegrity.Signer:
    return dataintegrity.Signer(signing_key(), verification_method_id())
