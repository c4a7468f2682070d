"""The public verification pages: /verify/ (type a code) and /verify/<code>/ (what it says).

Anyone may read them, without signing in, and they are the product's fastest pages: one query,
no session, no user, no messages. They are rendered without the request's context processors
(a lean public layout, templates/programme/certificates/public_base.html) so that nothing of
the reader reaches the page: a shared cache may keep it (Cache-Control: public, max-age=30), as
this server's cache does for 30 seconds (`_page_html`), and a revocation shows everywhere within
a minute.

Unknown and malformed codes in the URL get the same 404 (the same page, byte for byte), and
every look-up counts against the reader's rate limit, so that guessing learns nothing and is
slow. The code is a bearer secret in the URL: no referrer leaves the page, and search engines
are asked not to index it.
"""

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from programme.certificates import codes, links
from programme.certificates.lookup import certificate_for_page
from programme.models import Certificate, CertificateStatus
from rehabpath.audit import client_ip

RATE_WINDOW_SECONDS = 60
# How long this server's cache, then a browser or shared cache, may keep a certificate's page:
# a revocation reads on it within twice this (a minute). Short enough for that, long enough
# that a QR code scanned by a room of people (or a verifier's retries) costs one look-up.
PAGE_MAX_AGE_SECONDS = 30
MALFORMED = (
    "That is not a certificate code: codes are 28 letters and digits in groups of four, like "
    "7KQ2-M9XD-4HBN-Q1RS-8TVW-2YZA-3CEF. Type it as printed under the QR code."
)


def _count_and_get(request: HttpRequest, page_key: str | None) -> tuple[float | None, Any]:
    """Count a look-up for the reader's address, and read the kept page `page_key` (if any):
    (the seconds to wait when over the limit, else None; the kept page or None).

    A fixed window per clock minute counted in the shared cache, as the API's token limit
    (programme.api.auth) does, so that every web process counts together; with Redis both in
    one round trip, as this page is the product's fastest.
    """
    limit: int = settings.VERIFY_RATE_LIMIT_PER_MINUTE
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    counter = f"verify-rate:{client_ip(request) or 'unknown'}:{window}"
    timeout = RATE_WINDOW_SECONDS * 2
    both = getattr(cache, "count_and_get", None)
    if both is not None and page_key is not None:  # rehabpath.cache.DegradingRedisCache
        count, kept = both(counter, timeout, page_key)
    else:
        cache.add(counter, 0, timeout=timeout)
        try:
            count = int(cache.incr(counter))
        except ValueError:  # expired between add and incr, or the cache is away
            count = None
        kept = cache.get(page_key) if page_key is not None else None
    if count is None or count <= limit:  # no count while the cache is away (rehabpath.cache)
        return None, kept
    return RATE_WINDOW_SECONDS - now % RATE_WINDOW_SECONDS, None


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


@require_safe
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
        return PublicStatus(status, f"Replaced on {ended}", replacement=replacement)
    if certificate.revocation == Certificate.Revocation.SUSPENDED:
        detail = f"Revoked on {ended} because the trainer's registration was suspended."
    else:
        detail = f"The programme gave this reason: {certificate.revocation_reason}"
    return PublicStatus(status, f"Revoked on {ended}", detail, replacement)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _page_key(code: str) -> str:
    """Where the page of this canonical code is kept for the current window.

    Kept in the shared cache for a window of PAGE_MAX_AGE_SECONDS (the key names the window,
    so a kept page is never older than that): a certificate read by many (its QR code on a
    clinic's wall, a verifier's retries) costs one query a window, and a revocation reads on
    the page within it. Misses are never kept: an unknown code always costs its query.
    """
    return f"verify-page:{code}:{int(time.time() // PAGE_MAX_AGE_SECONDS)}"


def _render_page(code: str, key: str) -> str | None:
    """The page of the certificate with this canonical code, kept at `key`; None if none."""
    certificate = certificate_for_page(code)
    if certificate is None:
        return None
    html = render_to_string(
        "programme/certificates/verify.html",
        {
            "certificate": certificate,
            "state": public_status(certificate, timezone.localdate()),
            "credential_url": links.credential_url(certificate.code),
        },
    )
    cache.set(key, html, timeout=PAGE_MAX_AGE_SECONDS)
    return html


@require_safe
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """A certificate's public page: name, credential, status and dates, nothing else."""
    canonical = codes.normalise(code)
    key = _page_key(canonical) if canonical == code else None
    wait, html = _count_and_get(request, key)
    if wait is not None:
        return _too_many(wait)
    if canonical is None:
        return _not_found()  # the same 404 as an unknown code, before any query
    if canonical != code:
        return HttpResponsePermanentRedirect(
            reverse("programme:certificate_verify", args=[canonical])
        )
    if html is None:
        html = _render_page(canonical, _page_key(canonical))
    if html is None:
        return _not_found()
    response = HttpResponse(html)
    response["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE_SECONDS}"
    return _public(response)
