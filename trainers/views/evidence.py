"""Evidence files: served only through this permission-checked view, always as a download."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from trainers.access import get_evidence_for_user
from trainers.evidence import download_name
from trainers.models import VerifiableRecord
from trainers.records import kind_of
from trainers.services import record_evidence_remove
from trainers.views.records import warn_back_to_pending


@require_GET
@login_required
def evidence_download(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    evidence = get_evidence_for_user(request.user, public_id).obj
    try:
        with evidence.file.open("rb") as handle:
            # At most EVIDENCE_MAX_BYTES: read whole, so no file handle outlives the request.
            content = handle.read()
    except FileNotFoundError:
        raise Http404("This file is no longer in storage.") from None
    # The type we detected from the content when it was uploaded, never the name's guess.
    response = HttpResponse(content, content_type=evidence.mime_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=download_name(evidence)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser render it anyway, it gets no scripts, no plugins and no origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@login_required
def evidence_remove(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    evidence = get_evidence_for_user(request.user, public_id, write=True).obj
    record = evidence.record
    if not isinstance(record, VerifiableRecord):
        # CPD evidence is managed from the CPD log, not here.
        raise Http404("No such record file.")
    try:
        change = record_evidence_remove(evidence=evidence, actor=Actor.from_request(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{evidence.original_name}” removed.")
        warn_back_to_pending(request, change.reopened_from)
    return redirect(kind_of(record).url("detail", record))
