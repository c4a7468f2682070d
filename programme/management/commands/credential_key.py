"""manage.py credential_key: print a fresh Ed25519 signing key for CREDENTIAL_SIGNING_KEY.

The key signs every certificate's Open Badges credential and the status lists; its public half
is published at /.well-known/did.json. Keep it secret and keep it: a new key makes the
credentials signed with the old one unverifiable (docs/CREDENTIALS.md, "Key rotation").
"""

from typing import Any

from django.core.management.base import BaseCommand

from programme.certificates.keys import new_private_key_multibase


class Command(BaseCommand):
    help = "Print a fresh Ed25519 private key (multibase) for CREDENTIAL_SIGNING_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_private_key_multibase())
