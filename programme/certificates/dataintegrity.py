"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa, section 3.2).

The credential and the proof's configuration are each canonicalised with RDFC-1.0 (pyld's
URDNA2015) and hashed with SHA-256; the Ed25519 signature is over the proof configuration's
hash followed by the document's, and travels as a base58-btc multibase `proofValue`.

Canonicalising a JSON-LD document reads its contexts. The document loader here knows only the
contexts vendored beside this module (and whatever a caller adds, such as a test's), each
pinned by its SHA-256 and checked when read: it never goes to the network, so a verifier's
answer cannot depend on what a remote server serves that day.
"""

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

# URL -> (file in CONTEXTS_DIR, its SHA-256). Sources: contexts/SOURCES.md.
PINNED_CONTEXTS: dict[str, tuple[Path, str]] = {
    "https://www.w3.org/ns/credentials/v2": (
        CONTEXTS_DIR / "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        CONTEXTS_DIR / "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
}

CRYPTOSUITE = "eddsa-rdfc-2022"
# Multicodec prefixes of Ed25519 keys in a multibase string (did:key, Multikey).
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


class ProofError(Exception):
    """A proof that cannot be made or does not verify, with the reason in plain words."""


class ContextLoader:
    """A pyld document loader over pinned local files; any other URL is refused."""

    def __init__(self, extra: Mapping[str, tuple[Path, str]] | None = None) -> None:
        self.pinned = {**PINNED_CONTEXTS, **(extra or {})}
        self.cache: dict[str, Any] = {}

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        if url not in self.cache:
            try:
                path, sha256 = self.pinned[url]
            except KeyError:
                raise ProofError(f"the context {url} is not one this site knows") from None
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                raise ProofError(f"the vendored context {path.name} does not match its pin")
            self.cache[url] = json.loads(data)
        return {"contextUrl": None, "documentUrl": url, "document": self.cache[url]}


def canonical(document: Mapping[str, Any], loader: ContextLoader) -> str:
    """The document's RDFC-1.0 canonical N-Quads."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    try:
        nquads: str = jsonld.normalize(copy.deepcopy(dict(document)), options)
        return nquads
    except jsonld.JsonLdError as error:
        # pyld wraps what the loader raised: say the loader's reason, not pyld's guesses.
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, ProofError):
            cause = cause.__cause__ or cause.__context__ or getattr(cause, "cause", None)
        raise (cause or ProofError(f"the document is not valid JSON-LD: {error}")) from error


def _hash_data(
    document: Mapping[str, Any], proof_config: Mapping[str, Any], loader: ContextLoader
) -> bytes:
    config_hash = hashlib.sha256(canonical(proof_config, loader).encode()).digest()
    document_hash = hashlib.sha256(canonical(document, loader).encode()).digest()
    return config_hash + document_hash


@dataclass(frozen=True)
class Signer:
    key: Ed25519PrivateKey
    verification_method: str  # "did:web:example.org#key-1"


def add_proof(
    document: Mapping[str, Any], *, signer: Signer, created: str, loader: ContextLoader
) -> dict[str, Any]:
    """`document` with an eddsa-rdfc-2022 DataIntegrityProof for the assertionMethod purpose."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": signer.verification_method,
        "proofPurpose": "assertionMethod",
        "@context": unsigned["@context"],
    }
    signature = signer.key.sign(_hash_data(unsigned, config, loader))
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = "z" + base58.b58encode(signature).decode()
    return {**unsigned, "proof": proof}


def verify_proof(
    document: Mapping[str, Any], *, public_key: Ed25519PublicKey, loader: ContextLoader
) -> None:
    """Raise ProofError unless `document` carries a valid eddsa-rdfc-2022 proof by the key."""
    proof = document.get("proof")
    # A proof set of one (Open Badges 3.0's schema wants `proof` as an array) is that proof.
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, Mapping):
        raise ProofError("the document has no proof")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"the proof is not a DataIntegrityProof of {CRYPTOSUITE}")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("the proof value is not base58-btc multibase")
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsigned["@context"]
    try:
        public_key.verify(base58.b58decode(value[1:]), _hash_data(unsigned, config, loader))
    except (InvalidSignature, ValueError) as error:
        raise ProofError("the signature does not match the document") from error


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    raw = base58.b58decode(value.removeprefix("z"))
    if not value.startswith("z") or raw[:2] != ED25519_PUB or len(raw) != 34:
        raise ProofError("not an Ed25519 public key in multibase")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    raw = base58.b58decode(value.removeprefix("z"))
    if not value.startswith("z") or raw[:2] != ED25519_PRIV or len(raw) != 34:
        raise ProofError("not an Ed25519 private key in multibase")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def multibase_of(public_key: Ed25519PublicKey) -> str:
    """The key as Multikey publishes it ("z6Mk..."): /.well-known/did.json uses it."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB + raw).decode()
