"""The public verification pages: /verify/ (type a code) and /verify/<code>/ (what it says).

Anyone may read them, without signing in, and they are the product's fastest pages: one query,
no session, no user, no messages. They are rendered without the request's context processors
(a lean public layout, templates/programme/certificates/public_base.html) so that nothing of
the reader reaches the page: a shared cache may keep it (Cache-Control: public, max-age=60), and
a revocation shows everywhere within that minute.

Unknown and malformed codes in the URL get the same 404 (the same page, byte for byte), and
every look-up counts against the reader's rate limit, so that guessing learns nothing and is
slow. The code is a bearer secret in the URL: no referrer leaves the page, and search engines
are asked not to index it.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from programme.certificates import codes, links
from programme.certificates.lookup import certificate_by_code
from programme.models import Certificate, CertificateStatus
from rehabpath.audit import client_ip

RATE_WINDOW_SECONDS = 60
# How long a browser or shared cache may keep a certificate's page: a revocation reads on it
# within a minute. Short enough for that, long enough that a QR code scanned by a room of
# people (or a verifier's retries) costs one look-up.
PAGE_MAX_AGE_SECONDS = 60
MALFORMED = (
    "That is not a certificate code: codes are 28 letters and digits in groups of four, like "
    "7KQ2-M9XD-4HBN-Q1RS-8TVW-2YZA-3CEF. Type it as printed under the QR code."
)


def _rate_limited(request: HttpRequest) -> float | None:
    """Count a look-up for the reader's address; the seconds to wait when over the limit.

    A fixed window per clock minute counted with the cache's atomic add/incr, as the API's
    token limit (programme.api.auth) does, so that every web process counts together.
    """
    limit: int = settings.VERIFY_RATE_LIMIT_PER_MINUTE
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"verify-rate:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    if count <= limit:
        return None
    return RATE_WINDOW_SECONDS - now % RATE_WINDOW_SECONDS


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _too_many(wait: float) -> HttpResponse:
    html = render_to_string("429.html", {"verify_limit": True})
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(max(1, round(wait)))
    response["Cache-Control"] = "no-store"
    return _public(response)


def _not_found() -> HttpResponse:
    """One 404 for every code that is not an issued one: rendered without the request, so
    that its body cannot differ with anything the reader sent."""
    response = HttpResponse(render_to_string("404.html", {}), status=404)
    response["Cache-Control"] = "no-store"
    return _public(response)


@require_GET
def certificate_verify_form(request: HttpRequest) -> HttpResponse:
    """The form to type a code in (GET ?code=): a code sends the reader to its page."""
    typed = request.GET.get("code", "")
    error = ""
    if "code" in request.GET:
        code = codes.normalise(typed)
        if code is not None:
            return redirect("programme:certificate_verify", code=code)
        # Said plainly: whether a typed string has the shape of a code is no secret (the
        # format is printed on every certificate); whether a code was issued stays one.
        error = MALFORMED if typed.strip() else "Type the code printed on the certificate."
    html = render_to_string(
        "programme/certificates/verify_form.html", {"typed": typed[:100], "error": error}
    )
    response = HttpResponse(html, status=400 if error else 200)
    response["Cache-Control"] = "no-store" if error else f"public, max-age={PAGE_MAX_AGE_SECONDS}"
    return _public(response)


@dataclass(frozen=True)
class PublicStatus:
    """What the page says about a certificate's state, in plain words."""

    status: CertificateStatus
    headline: str
    detail: str = ""
    replacement: Certificate | None = None


def public_status(certificate: Certificate, today: dt.date) -> PublicStatus:
    """Only what the certificate itself says: staff's own words on a revocation are shown,
    but never why a trainer was suspended (that is about the person, not the certificate)."""
    status = certificate.status_on(today)
    replacement = certificate.replaced_by
    if status == CertificateStatus.VALID:
        return PublicStatus(status, f"Valid until {_day(certificate.expires_on)}")
    if status == CertificateStatus.EXPIRED:
        return PublicStatus(status, f"Expired on {_day(certificate.expires_on)}")
    ended = _day(timezone.localdate(certificate.revoked_at)) if certificate.revoked_at else ""
    if status == CertificateStatus.REPLACED:
        return PublicStatus(
            status,
            f"Replaced on {ended}",
            "A new certificate replaces this one.",
            replacement,
        )
    if certificate.revocation == Certificate.Revocation.SUSPENDED:
        detail = f"Revoked on {ended} because the trainer's registration was suspended."
    else:
        detail = f"Revoked on {ended} by the programme. The reason given: "
        detail += certificate.revocation_reason
    return PublicStatus(status, f"Revoked on {ended}", detail, replacement)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """A certificate's public page: name, credential, status and dates, nothing else."""
    wait = _rate_limited(request)
    if wait is not None:
        return _too_many(wait)
    canonical = codes.normalise(code)
    if canonical is None:
        return _not_found()  # the same 404 as an unknown code, before any query
    if canonical != code:
        return HttpResponsePermanentRedirect(
            reverse("programme:certificate_verify", args=[canonical])
        )
    certificate = certificate_by_code(canonical)
    if certificate is None:
        return _not_found()
    today = timezone.localdate()
    html = render_to_string(
        "programme/certificates/verify.html",
        {
            "certificate": certificate,
            "state": public_status(certificate, today),
            "credential_url": links.credential_url(certificate.code),
        },
    )
    response = HttpResponse(html)
    response["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE_SECONDS}"
    return _public(response)
