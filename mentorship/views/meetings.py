"""Supervision meetings (/meetings/): the trainer and their mentor record them, the other
person confirms or disputes, and only confirmed meetings count.

Who sees what is `mentorship.access.get_meeting_for_user`: the trainer, their current mentor
and programme staff read a meeting; only the two people who met act on it.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.access import MeetingAccess, current_assignments, get_meeting_for_user
from mentorship.forms_meetings import ConfirmForm, DisputeForm, MeetingForm
from mentorship.models import MentorAssignment, SupervisionMeeting
from mentorship.selectors_meetings import (
    meetings_for,
    meetings_waiting_for,
    supervision_overview,
)
from mentorship.services.meetings import (
    meeting_confirm,
    meeting_dispute,
    meeting_fingerprint,
    meeting_record,
    meeting_update,
    meeting_withdraw,
)
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role, has_role
from trainers.forms import FINGERPRINT, posted_fingerprint, renew_fingerprint

PAGE_SIZE = 25


def _other_name(meeting: SupervisionMeeting, user_id: int) -> str:
    assignment = meeting.assignment
    other = (
        assignment.mentor.user if assignment.trainer.user_id == user_id else assignment.trainer.user
    )
    return other.name or other.email


@role_required(Role.TRAINER, Role.MENTOR)
def meetings(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(meetings_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/meetings.html",
        {
            "page": page,
            "waiting": meetings_waiting_for(request.user),
            "overview": supervision_overview(request.user),
            "is_mentor": has_role(request.user, Role.MENTOR),
        },
    )


def _recordable(request: AuthenticatedHttpRequest) -> list[MentorAssignment]:
    """The user's current assignments, as trainer (one at most) and as mentor."""
    rows = current_assignments().select_related("trainer__user", "mentor__user")
    mine = []
    if has_role(request.user, Role.TRAINER):
        mine += list(rows.filter(trainer__user=request.user))
    if has_role(request.user, Role.MENTOR):
        mine += list(rows.filter(mentor__user=request.user).order_by("trainer__user__name", "pk"))
    return mine


@role_required(Role.TRAINER, Role.MENTOR)
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    assignments = _recordable(request)
    initial = {}
    mentee = request.GET.get("mentee")  # the mentee page links here with the trainer chosen
    chosen = next((a for a in assignments if str(a.trainer.public_id) == mentee), None)
    if chosen is not None:
        initial["assignment"] = chosen.pk
    form = MeetingForm(
        request.POST or None,
        assignments=assignments,
        viewer_id=request.user.pk,
        writes_notes=has_role(request.user, Role.MENTOR),
        initial=initial,
    )
    if request.method == "POST" and assignments and form.is_valid():
        assignment = form.cleaned_data["assignment"]
        try:
            meeting = meeting_record(
                actor=Actor.from_request(request),
                assignment=assignment,
                data=form.data_for_service(),
                identifiers_acknowledged=form.acknowledged,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Meeting recorded. We have asked {_other_name(meeting, request.user.pk)} to "
                "confirm it: it counts once they have.",
            )
            return redirect("mentorship:meeting", public_id=meeting.public_id)
    return render(
        request,
        "mentorship/meeting_form.html",
        {"form": form, "meeting": None, "assignments": assignments},
    )


def _detail(
    request: AuthenticatedHttpRequest,
    access: MeetingAccess,
    *,
    confirm_form: ConfirmForm | None = None,
    dispute_form: DisputeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    meeting = access.obj
    fingerprint = meeting_fingerprint(meeting)
    if access.can_confirm:
        confirm_form = confirm_form or ConfirmForm(
            writes_notes=access.is_mentor, fingerprint=fingerprint
        )
        dispute_form = dispute_form or DisputeForm(fingerprint=fingerprint)
    return render(
        request,
        "mentorship/meeting.html",
        {
            "meeting": meeting,
            "access": access,
            "areas": list(meeting.condition_areas.all()),
            "other_name": _other_name(meeting, request.user.pk) if access.is_party else "",
            "confirm_form": confirm_form,
            "dispute_form": dispute_form,
            "open_dispute": dispute_form is not None and dispute_form.is_bound,
            # Staff read a meeting without a list of their own to go back to.
            "in_lists": has_role(request.user, Role.TRAINER) or has_role(request.user, Role.MENTOR),
        },
        status=status,
    )


@login_required
def meeting(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, get_meeting_for_user(request.user, public_id))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = get_meeting_for_user(request.user, public_id, act=True)
    meeting = access.obj
    if not access.is_recorder:
        raise PermissionDenied("Only whoever recorded a meeting corrects it.")
    if meeting.is_confirmed:
        messages.error(request, "This meeting is confirmed: it can no longer change.")
        return redirect("mentorship:meeting", public_id=meeting.public_id)
    areas = list(meeting.condition_areas.all())
    form = MeetingForm(
        request.POST or None,
        writes_notes=access.is_mentor,
        fingerprint=meeting_fingerprint(meeting),
        initial={
            "meeting_date": meeting.meeting_date,
            "kind": meeting.kind,
            "mode": meeting.mode,
            "topics": meeting.topics,
            "condition_areas": [a.pk for a in areas],
            "agreed_actions": meeting.agreed_actions,
            "mentor_notes": meeting.mentor_notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = meeting_update(
                actor=Actor.from_request(request),
                meeting=meeting,
                data=form.data_for_service(),
                expected_fingerprint=posted_fingerprint(form),
                identifiers_acknowledged=form.acknowledged,
            )
        except DomainError as error:
            if error.field == FINGERPRINT:
                form.add_error(None, error.message)
                renew_fingerprint(
                    form, meeting_fingerprint(SupervisionMeeting.objects.get(pk=meeting.pk))
                )
            else:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if changed:
                messages.success(
                    request,
                    f"Meeting updated. It waits for {_other_name(meeting, request.user.pk)} "
                    "to confirm it.",
                )
            else:
                messages.info(request, "Nothing changed.")
            return redirect("mentorship:meeting", public_id=meeting.public_id)
    return render(request, "mentorship/meeting_form.html", {"form": form, "meeting": meeting})


STALE_DECISION = (
    "This meeting changed since you opened it: nothing was saved. Read it again below, then "
    "confirm or dispute it."
)


def _refused(
    request: AuthenticatedHttpRequest, meeting: SupervisionMeeting, error: DomainError
) -> HttpResponse:
    messages.error(request, STALE_DECISION if error.field == FINGERPRINT else error.message)
    return redirect("mentorship:meeting", public_id=meeting.public_id)


@login_required
@require_POST
def meeting_confirm_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = get_meeting_for_user(request.user, public_id, act=True)
    meeting = access.obj
    form = ConfirmForm(
        request.POST,
        writes_notes=access.is_mentor,
        fingerprint=meeting_fingerprint(meeting),
    )
    if not form.is_valid():
        return _detail(request, access, confirm_form=form)
    try:
        meeting_confirm(
            actor=Actor.from_request(request),
            meeting=meeting,
            mentor_notes=form.cleaned_data.get("mentor_notes"),
            expected_fingerprint=posted_fingerprint(form),
            identifiers_acknowledged=form.acknowledged,
        )
    except DomainError as error:
        if error.field != FINGERPRINT and error.field in form.fields:
            form.add_error(error.field, error.message)
            return _detail(request, access, confirm_form=form)
        return _refused(request, meeting, error)
    messages.success(request, "Meeting confirmed. It counts towards the monthly supervision.")
    return redirect("mentorship:meeting", public_id=meeting.public_id)


@login_required
@require_POST
def meeting_dispute_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = get_meeting_for_user(request.user, public_id, act=True)
    meeting = access.obj
    form = DisputeForm(request.POST, fingerprint=meeting_fingerprint(meeting))
    if not form.is_valid():
        return _detail(request, access, dispute_form=form)
    try:
        meeting_dispute(
            actor=Actor.from_request(request),
            meeting=meeting,
            reason=form.cleaned_data["reason"],
            expected_fingerprint=posted_fingerprint(form),
            identifiers_acknowledged=form.acknowledged,
        )
    except DomainError as error:
        if error.field != FINGERPRINT and error.field in form.fields:
            form.add_error(error.field, error.message)
            return _detail(request, access, dispute_form=form)
        return _refused(request, meeting, error)
    messages.success(
        request,
        f"Meeting disputed. {meeting.recorded_by.name or meeting.recorded_by.email} corrects "
        "it and sends it back to you.",
    )
    return redirect("mentorship:meeting", public_id=meeting.public_id)


@login_required
@require_POST
def meeting_withdraw_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = get_meeting_for_user(request.user, public_id, act=True)
    if not access.is_recorder:
        raise PermissionDenied("Only whoever recorded a meeting withdraws it.")
    try:
        meeting_withdraw(actor=Actor.from_request(request), meeting=access.obj)
    except DomainError as error:
        return _refused(request, access.obj, error)
    messages.success(request, "Meeting withdrawn.")
    return redirect("mentorship:meetings")
