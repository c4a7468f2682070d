"""Trainers: their certificates (status, dates, the public link and code) and the PDFs, which
programme staff download here too."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from programme.certificates.access import get_certificate_for_user
from programme.certificates.links import verification_url
from programme.certificates.selectors import certificates_of
from rehabpath.access import role_required
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import trainer_profile_of


@role_required(Role.TRAINER)
def my_certificates(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    today = timezone.localdate()
    rows = [
        (certificate, certificate.status_on(today), verification_url(certificate.code))
        for certificate in certificates_of(profile)
    ]
    return render(
        request,
        "programme/certificates/mine.html",
        {"profile": profile, "rows": rows},
    )


@login_required
def certificate_pdf(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The PDF as an attachment, to the trainer it belongs to and to programme staff; 404 to
    anyone else, whatever their role (get_certificate_for_user)."""
    certificate, _ = get_certificate_for_user(request.user, public_id)
    if not certificate.pdf:
        # Rendered by a worker just after issue: say so rather than fail.
        return render(
            request,
            "programme/certificates/pdf_pending.html",
            {"certificate": certificate},
            status=202,
        )
    from programme.certificates.pdf import certificate_pdf_filename

    try:
        with certificate.pdf.open("rb") as handle:
            # A few hundred KB: read whole, so no file handle outlives the request.
            content = handle.read()
    except FileNotFoundError:
        raise Http404("This PDF is no longer in storage.") from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=True, filename=certificate_pdf_filename(certificate)
        )
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
