"""manage.py verify_credential <file | URL | code>: verify a credential as a third party would,
with the project's own verifier, and print each check.

The credential comes from a JSON file, from one of this site's own URLs (/verify/<code>.json or
/verify/<code>/), or from a code. A URL is never fetched: this site's own are resolved
in-process, and any other is refused, so the command cannot be pointed at internal services
(SSRF). To check a credential from elsewhere, download it and pass the file.

Exits with an error when the credential is not valid, so that scripts can rely on it.
"""

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import Resolver404, resolve

from programme.certificates.lookup import certificate_by_code
from programme.certificates.verifier import verify_credential

OWN_VIEWS = {"programme:certificate_credential", "programme:certificate_verify"}


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential (a file, this site's URL, or a code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="A JSON file, this site's credential URL, or a code.")
        parser.add_argument(
            "--did-document", type=Path, help="The issuer's did.json, for another issuer."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        document = self.load(options["source"])
        did_document = None
        if options["did_document"]:
            did_document = self.read_json(options["did_document"])
        result = verify_credential(document, did_document=did_document)
        for check in result.checks:
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(f"{mark} {check.name}: {check.explanation}")
        if not result.valid:
            raise CommandError(f"The credential is {result.status}.")
        self.stdout.write(self.style.SUCCESS("The credential is valid."))

    def load(self, source: str) -> dict[str, Any]:
        if source.startswith(("http://", "https://")):
            return self.from_url(source)
        path = Path(source)
        if path.is_file():
            return self.read_json(path)
        return self.from_code(source)

    def read_json(self, path: Path) -> dict[str, Any]:
        try:
            document = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path} is not a JSON file: {error}") from error
        if not isinstance(document, dict):
            raise CommandError(f"{path} holds no JSON object.")
        return document

    def from_url(self, url: str) -> dict[str, Any]:
        site: str = settings.SITE_URL
        if not url.startswith(site + "/"):
            raise CommandError(
                f"Only this site's URLs ({site}/…) are read, and never over the network; "
                "download the credential and pass the file."
            )
        try:
            match = resolve(urlsplit(url).path.removeprefix(urlsplit(site).path))
        except Resolver404:
            match = None
        if match is None or match.view_name not in OWN_VIEWS:
            raise CommandError(f"{url} is not a certificate's address on this site.")
        return self.from_code(match.kwargs["code"])

    def from_code(self, code: str) -> dict[str, Any]:
        certificate = certificate_by_code(code)
        if certificate is None or not certificate.credential:
            raise CommandError("No file, and no certificate has this code.")
        credential: dict[str, Any] = certificate.credential
        return credential
