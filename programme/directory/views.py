"""Programme staff find a trainer, read their page, and suspend or reinstate them."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentorship.selectors_scope import labelled_history
from mentorship.selectors_sessions import recent_sessions_for_staff
from programme.certificates.selectors import trainer_certificates
from programme.directory import selectors
from programme.directory.forms import DirectorySearchForm, StatusChangeForm
from qualifications.selectors import cpd_summary_for
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import is_owner
from trainers.models import TrainerProfile
from trainers.services import trainer_reinstate, trainer_suspend


@role_required(Role.STAFF)
def trainer_directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = selectors.trainer_directory(
        query=query,
        status=status,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    filters = request.GET.copy()
    for name in ("after", "before"):
        filters.pop(name, None)
    return render(
        request,
        "programme/directory/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "searching": bool(query or status),
            "filters": filters.urlencode(),
        },
    )


def _profile(public_id: uuid.UUID) -> TrainerProfile:
    return get_object_or_404(TrainerProfile.objects.select_related("user"), public_id=public_id)


@role_required(Role.STAFF)
def trainer_detail(
    request: AuthenticatedHttpRequest,
    public_id: uuid.UUID,
    *,
    status_form: StatusChangeForm | None = None,
) -> HttpResponse:
    profile = _profile(public_id)
    sections = selectors.trainer_records_overview(profile)
    record_ids = [line.record.public_id for _, lines in sections for line in lines]
    history = selectors.trainer_history(
        selectors.trainer_audit_targets(profile, record_ids),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    own = is_owner(request.user, profile)
    session_lines, session_count = recent_sessions_for_staff(profile)
    return render(
        request,
        "programme/directory/detail.html",
        {
            "profile": profile,
            "person": profile.user,
            "sections": sections,
            "record_count": len(record_ids),
            "cpd": cpd_summary_for(profile),
            "history": history,
            "own": own,
            "status_form": status_form or StatusChangeForm(),
            "scope_history": labelled_history(profile),
            "session_lines": session_lines,
            "session_count": session_count,
            "certs": trainer_certificates(profile),
        },
    )


def _change_status(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, *, suspend: bool
) -> HttpResponse:
    profile = _profile(public_id)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        return trainer_detail(request, public_id, status_form=form)
    service = trainer_suspend if suspend else trainer_reinstate
    try:
        service(
            trainer=profile, actor=Actor.from_request(request), reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        who = profile.user.name or profile.user.email
        if suspend:
            messages.success(request, f"{who} is suspended; we have e-mailed them the reason.")
        else:
            messages.success(request, f"{who} is reinstated; we have e-mailed them.")
    return redirect("programme:trainer_detail", public_id=profile.public_id)


@require_POST
@role_required(Role.STAFF)
def trainer_suspend_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _change_status(request, public_id, suspend=True)


@require_POST
@role_required(Role.STAFF)
def trainer_reinstate_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _change_status(request, public_id, suspend=False)
