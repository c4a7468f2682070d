"""A certificate as the PDF a clinic pins on its wall (WeasyPrint): A4 landscape, one page,
PDF/A-3b with the signed Open Badges 3.0 credential attached, so the file carries its own
machine-verifiable proof next to the printed one (the QR code and the verification code).

What is printed comes from the certificate's own fields, as issued (never from the trainer's
records now), and every one of them is text the Django template escapes. WeasyPrint gets a
URL fetcher that serves only the project's static files from disk: a name such as
`<img src=file:///etc/passwd>` is printed as those characters and makes nothing be fetched.
"""

import functools
import mimetypes
import warnings
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from programme.certificates.credential import credential_bytes
from programme.certificates.links import verification_url
from programme.certificates.qr import qr_svg
from programme.models import Certificate

# The one origin the PDF's HTML may load from: static files, read from disk by the fetcher.
# `.invalid` never resolves (RFC 2606), so even a fetcher that went to the network would fail.
STATIC_BASE = "https://static.rehabpath.invalid/"
ATTACHMENT_NAME = "credential.json"


class RefusedURL(ValueError):
    """A URL the certificate's fetcher does not serve: anything but the project's static files."""


def static_file_for(url: str) -> str:
    """The path on disk of the static file `url` names, or RefusedURL.

    Only `STATIC_BASE` + a relative path without `..`, found by the staticfiles finders (the
    project's and the apps' static directories, the same files collectstatic serves)."""
    if not url.startswith(STATIC_BASE):
        raise RefusedURL(f"Certificates load only the project's static files, not {url[:200]!r}.")
    parts = urlsplit(url)
    relative = unquote(parts.path).lstrip("/")
    segments = PurePosixPath(relative).parts
    if parts.query or not segments or "\\" in relative or ".." in segments or "\0" in relative:
        raise RefusedURL(f"Not a static file: {url[:200]!r}.")
    found = finders.find(relative)
    if not isinstance(found, str):
        raise RefusedURL(f"No such static file: {relative[:200]!r}.")
    return found


def _fetcher_class() -> type:
    # WeasyPrint is imported when a PDF is rendered, not when Django loads the app: its import
    # (Pango, fontconfig) costs ~0.3 s that the web processes never need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):  # type: ignore[misc]
        """Serves `STATIC_BASE` URLs from the static files; refuses everything else (file:,
        http(s):, data:, ...) before any handler of urllib sees the URL."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file_for(url)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as file:
                body = file.read()
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher


@functools.cache
def static_files_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves only the project's static files: one a process,
    since making one builds urllib's openers (an SSL context: ~30 ms, a sixth of a render)
    that this fetcher never uses, and it keeps no state between fetches."""
    return _fetcher_class()()


@functools.cache
def certificate_stylesheet() -> Any:
    """The certificate's CSS (templates/pdf/certificate.css) parsed by WeasyPrint, once a
    process: a parsed stylesheet is only read by a render, so every render may share it."""
    from weasyprint import CSS

    return CSS(
        string=render_to_string("pdf/certificate.css"),
        base_url=STATIC_BASE,
        url_fetcher=static_files_fetcher(),
    )


def certificate_html(certificate: Certificate) -> str:
    url = verification_url(certificate.code)
    return render_to_string(
        "pdf/certificate.html",
        {
            "certificate": certificate,
            "verification_url": url,
            # segno writes the SVG from the URL, which is SITE_URL and a code of the Crockford
            # alphabet: markup we made, not user text.
            "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308
            "name_size": _name_size(certificate.trainer_name),
            "static_base": STATIC_BASE,
        },
    )


def _name_size(name: str) -> str:
    """The name is the certificate's largest line; long names step down so that the longest
    the model allows (150 characters) still fits in two or three lines on the one page."""
    length = len(name)
    if length <= 28:
        return "xl"
    if length <= 48:
        return "l"
    if length <= 90:
        return "m"
    return "s"


def render_certificate_pdf(certificate: Certificate, *, url_fetcher: Any = None) -> bytes:
    """The certificate's PDF/A-3b file, with `credential_bytes(certificate)` attached as
    credential.json. `url_fetcher` is for tests that watch what the render asks for."""
    from weasyprint import HTML, Attachment

    fetcher = url_fetcher or static_files_fetcher()
    # Dated when the certificate was issued, not when the file was made: a re-render (a lost
    # file, a new worker) gives the same attachment dates.
    issued_at = certificate.issued_at
    attachment = Attachment(
        string=credential_bytes(certificate),
        name=ATTACHMENT_NAME,
        description="The signed Open Badges 3.0 credential of this certificate",
        created=issued_at,
        modified=issued_at,
        # PDF/A-3's word for a file that says the same as the page in another form: the
        # credential states this certificate, machine-readable and signed.
        relationship="Alternative",
        url_fetcher=fetcher,
    )
    html = HTML(string=certificate_html(certificate), base_url=STATIC_BASE, url_fetcher=fetcher)
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its own sRGB profile (the PDF/A output intent) and never closes
        # it: the file is collected, unclosed, inside this call. Only that one file's warning.
        warnings.filterwarnings("ignore", r".*sRGB2014\.icc", ResourceWarning)
        pdf: bytes = html.write_pdf(
            stylesheets=[certificate_stylesheet()],
            pdf_variant="pdf/a-3b",
            attachments=[attachment],
        )
    return pdf


def certificate_pdf_filename(certificate: Certificate) -> str:
    """certificate-stroke-zoe-o-suilleabhain-2026-12-02.pdf: ASCII, whatever the name."""
    area = slugify(certificate.area_name)[:40].strip("-") or "area"
    who = slugify(certificate.trainer_name)[:60].strip("-") or "trainer"
    return f"certificate-{area}-{who}-{certificate.issued_on.isoformat()}.pdf"
