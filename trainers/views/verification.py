"""Programme staff verify or reject pending records: the queue and one review page per record."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.models import AuditEvent
from rehabpath.roles import Role
from trainers.access import get_trainer_record_for_user
from trainers.forms import QueueFilterForm, RejectForm, VerifyForm
from trainers.models import VerificationStatus
from trainers.records import (
    RecordKind,
    record_facts,
    record_fingerprint,
    record_warnings,
    verification_summary,
)
from trainers.selectors import verification_queue as pending_records
from trainers.services import record_reject, record_verify

OWN_RECORD = "This is your own record. Another member of programme staff must verify or reject it."


@role_required(Role.STAFF)
def verification_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    page = pending_records(
        user=request.user,
        filters=filters,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    filtered = bool(filters.kind or filters.older_than_days or filters.has_evidence is not None)
    return render(
        request,
        "trainers/verification_queue.html",
        {
            "form": form,
            "page": page,
            "rows": page.rows,
            "filters": filters,
            "filtered": filtered,
            "query": query.urlencode(),
        },
    )


@role_required(Role.STAFF)
def verification_review(
    request: AuthenticatedHttpRequest,
    kind: RecordKind,
    public_id: uuid.UUID,
    *,
    verify_form: VerifyForm | None = None,
    reject_form: RejectForm | None = None,
) -> HttpResponse:
    access = get_trainer_record_for_user(request.user, kind.queryset(), public_id)
    record = access.obj
    pending = record.status == VerificationStatus.PENDING
    history = AuditEvent.objects.filter(
        target_type=record._meta.label_lower, target_id=str(record.public_id)
    ).order_by("occurred_at", "id")
    evidence = list(record.evidence.all())
    # What this page shows; a form re-shown with errors keeps the fingerprint first posted.
    seen = {"fingerprint": record_fingerprint(record)}
    context = {
        "kind": kind,
        "record": record,
        "status": record.display_status(),
        "facts": record_facts(record),
        "warnings": record_warnings(record),
        "evidence": evidence,
        "decision": verification_summary(record),
        "history": history,
        "own": access.is_owner,
        "own_message": OWN_RECORD,
        "can_decide": pending and access.can_verify,
        "verify_form": verify_form or VerifyForm(initial=seen),
        "reject_form": reject_form or RejectForm(initial=seen),
    }
    return render(request, "trainers/verification_review.html", context)


@require_POST
@role_required(Role.STAFF)
def record_verify_view(
    request: AuthenticatedHttpRequest, kind: RecordKind, public_id: uuid.UUID
) -> HttpResponse:
    record = get_trainer_record_for_user(request.user, kind.queryset(), public_id).obj
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return verification_review(request, kind, public_id, verify_form=form)
    try:
        record_verify(
            record=record,
            actor=Actor.from_request(request),
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
            verified_on=form.cleaned_data["verified_on"],
            expected_fingerprint=form.cleaned_data["fingerprint"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(kind.url_for_review(record))
    messages.success(request, f"{kind.label} “{record}” of {record.trainer} verified.")
    return redirect("trainers:verification_queue")


@require_POST
@role_required(Role.STAFF)
def record_reject_view(
    request: AuthenticatedHttpRequest, kind: RecordKind, public_id: uuid.UUID
) -> HttpResponse:
    record = get_trainer_record_for_user(request.user, kind.queryset(), public_id).obj
    form = RejectForm(request.POST)
    if not form.is_valid():
        return verification_review(request, kind, public_id, reject_form=form)
    try:
        record_reject(
            record=record,
            actor=Actor.from_request(request),
            reason=form.cleaned_data["reason"],
            expected_fingerprint=form.cleaned_data["fingerprint"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(kind.url_for_review(record))
    messages.success(
        request, f"{kind.label} “{record}” of {record.trainer} rejected; they will see why."
    )
    return redirect("trainers:verification_queue")
