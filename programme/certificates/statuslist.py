"""The Bitstring Status Lists (W3C Bitstring Status List v1.0) that say which certificates are
revoked, for any verifier.

Each certificate holds one entry: a list number and an index in it. The index is random
(`secrets`), so that neighbouring indexes say nothing about when or to whom certificates were
issued, and a list has STATUS_LIST_SIZE entries (131,072, the specification's minimum for group
privacy) whatever the number of certificates. Once a list is more than three-quarters full, new
certificates go to the next list: a random free index is then found in a few tries (each free
with probability at least 1/4), and the lists stay sparse enough for that to remain true.

A list's bit is set for every certificate of the list with `revoked_at` set, whatever the kind
of revocation: a replaced certificate is revoked for verifiers too (its page points to the new
one). Revocation is permanent, so a list's content changes only when a certificate is revoked:
its revision is the count and the latest `revoked_at` of its revoked rows, one indexed query,
and the signed document is cached under that revision. A revocation therefore shows in the very
next request, and an unchanged list costs one query and no signing.
"""

import base64
import datetime as dt
import gzip
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from programme.certificates import dataintegrity, keys
from programme.models import Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
FULL_FRACTION = 0.75
ALLOCATION_TRIES = 32
CACHE_SECONDS = 24 * 60 * 60

# One loader for the process: it reads and checks each pinned context once.
LOADER = dataintegrity.ContextLoader()


def status_list_url(number: int) -> str:
    site: str = settings.SITE_URL
    return site + reverse("programme:certificate_status_list", args=[number])


def size() -> int:
    value: int = settings.STATUS_LIST_SIZE
    return value


def allocate_entry() -> tuple[int, int]:
    """A list number and a random index in it that no certificate holds yet.

    Two concurrent issues could draw the same free index (one chance in the list's free
    entries); the unique constraint on (status_list, status_index) then refuses the second."""
    latest = (
        Certificate.objects.values("status_list")
        .annotate(entries=Count("id"))
        .order_by("-status_list")
        .first()
    )
    number = latest["status_list"] if latest else 1
    if latest and latest["entries"] > FULL_FRACTION * size():
        number += 1
    for _ in range(ALLOCATION_TRIES):
        index = secrets.randbelow(size())
        taken = Certificate.objects.filter(status_list=number, status_index=index).exists()
        if not taken:
            return number, index
    # Only a list filled past three-quarters by other means gets here: start the next one.
    return number + 1, secrets.randbelow(size())


def encode(indexes: Iterable[int], length: int) -> str:
    """The spec's encodedList: multibase base64url (no padding, prefix "u") of the GZIP of the
    bitstring, where index 0 is the leftmost (most significant) bit of the first byte."""
    bits = bytearray(length // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    """The bitstring of an encodedList (raises ValueError if it is not one)."""
    if not encoded.startswith("u"):
        raise ValueError("the encoded list is not base64url multibase")
    data = encoded[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (OSError, EOFError) as error:
        raise ValueError("the encoded list is not GZIP") from error


def bit(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


@dataclass(frozen=True)
class Revision:
    """What the content of a list depends on: one query."""

    number: int
    revoked: int
    last_revoked_at: dt.datetime | None

    @property
    def etag(self) -> str:
        last = self.last_revoked_at.isoformat() if self.last_revoked_at else "-"
        key = f"{self.number}:{self.revoked}:{last}:{keys.verification_method_id()}"
        key += ":" + keys.public_key_multibase()
        return hashlib.sha256(key.encode()).hexdigest()[:32]


def revision(number: int) -> Revision:
    row = Certificate.objects.filter(status_list=number, revoked_at__isnull=False).aggregate(
        revoked=Count("id"), last=Max("revoked_at")
    )
    return Revision(number, row["revoked"], row["last"])


def status_list_credential(number: int, *, current: Revision | None = None) -> dict[str, Any]:
    """The signed BitstringStatusListCredential of list `number`, from the cache when no
    certificate of the list was revoked since it was signed."""
    current = current or revision(number)
    cache_key = f"certificates:status-list:{current.etag}"
    document: dict[str, Any] | None = cache.get(cache_key)
    if document is None:
        document = _signed_list(number)
        cache.set(cache_key, document, CACHE_SECONDS)
    return document


def _signed_list(number: int) -> dict[str, Any]:
    revoked = Certificate.objects.filter(status_list=number, revoked_at__isnull=False)
    indexes = revoked.values_list("status_index", flat=True)
    url = status_list_url(number)
    valid_from = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_id(),
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(indexes, size()),
        },
    }
    return dataintegrity.add_proof(
        document, signer=keys.signer(), created=valid_from, loader=LOADER
    )
