"""Evidence files: served only through these permission-checked views.

A download is always an attachment. A preview (images and PDFs only, for the review page)
is shown inline but locked down: the content-checked type, nosniff, no caching, a policy that
gives the file nothing to run or load, and framing by this site only.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from trainers.access import get_evidence_for_user
from trainers.evidence import download_name
from trainers.models import EvidenceFile, VerifiableRecord, VerificationStatus
from trainers.records import kind_of
from trainers.services import record_evidence_remove
from trainers.views.records import warn_back_to_pending


def _file_response(evidence: EvidenceFile, *, inline: bool) -> HttpResponse:
    try:
        with evidence.file.open("rb") as handle:
            # At most EVIDENCE_MAX_BYTES: read whole, so no file handle outlives the request.
            content = handle.read()
    except FileNotFoundError:
        raise Http404("This file is no longer in storage.") from None
    # The type we detected from the content when it was uploaded, never the name's guess.
    response = HttpResponse(content, content_type=evidence.mime_type)
    # "attachment; filename=..." or "inline; filename=...": never None with a file name.
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=not inline, filename=download_name(evidence))
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
@login_required
def evidence_download(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    evidence = get_evidence_for_user(request.user, public_id).obj
    response = _file_response(evidence, inline=False)
    # Should a browser render it anyway, it gets no scripts, no plugins and no origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# What a previewed file may do: nothing but be shown, framed by a page of this site. The
# sandbox gives it no scripts, no forms and an opaque origin; Chromium's PDF viewer still
# shows a PDF under it (checked with Chromium 156), so images and PDFs share the policy.
PREVIEW_POLICY = "default-src 'none'; frame-ancestors 'self'; sandbox"


@require_GET
@login_required
@xframe_options_sameorigin
def evidence_preview(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An image or PDF shown inline on the review page; the same rights as a download."""
    evidence = get_evidence_for_user(request.user, public_id).obj
    if not evidence.preview:
        raise Http404("This file has no preview: download it instead.")
    response = _file_response(evidence, inline=True)
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@require_http_methods(["GET", "POST"])
@login_required
def evidence_remove(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Remove a file from a record; from a verified one only once the trainer has confirmed.

    Removing evidence sends a verified record back to pending review, so that record's page
    links here (GET) for a page that says so; a POST without `confirm` (a form from before it
    was verified, say) gets the same page instead of the removal.
    """
    evidence = get_evidence_for_user(request.user, public_id, write=True).obj
    record = evidence.record
    if not isinstance(record, VerifiableRecord):
        # CPD evidence is managed from the CPD log, not here.
        raise Http404("No such record file.")
    kind = kind_of(record)
    confirmed = request.POST.get("confirm") == "yes"
    if request.method == "GET" or (record.status == VerificationStatus.VERIFIED and not confirmed):
        return render(
            request,
            "trainers/evidence_remove.html",
            {
                "evidence": evidence,
                "record": record,
                "kind": kind,
                "record_url": kind.url("detail", record),
            },
        )
    try:
        change = record_evidence_remove(evidence=evidence, actor=Actor.from_request(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{evidence.original_name}” removed.")
        warn_back_to_pending(request, change.reopened_from)
    return redirect(kind.url("detail", record))
