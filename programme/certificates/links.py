"""A certificate's public addresses, absolute (from SITE_URL): printed in the PDF, encoded in
the QR code, and used as ids inside the signed credential, so they must never change."""

from django.conf import settings
from django.urls import reverse


def verification_url(code: str) -> str:
    """The public page of the certificate with this (canonical) code: the QR code's target."""
    site: str = settings.SITE_URL
    return site + reverse("programme:certificate_verify", args=[code])


def credential_url(code: str) -> str:
    """The signed Open Badges 3.0 credential of the certificate with this code."""
    site: str = settings.SITE_URL
    return site + reverse("programme:certificate_credential", args=[code])
