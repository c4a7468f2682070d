"""Supervised sessions: the trainer's list and form, the one page everyone reads a session on,
and the mentor's single-step decision there.

Who sees what is `mentorship.access.get_session_for_user`: the trainer (their own), their
current mentor (sessions sent to them, dated within the assignment), programme staff (read,
with the delay to sign-off); anyone else 404.
"""

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.access import SessionAccess, current_assignment_of, get_session_for_user
from mentorship.forms_sessions import RETURN, SIGN_OFF, DecisionForm, SessionForm
from mentorship.models import ComplexityLevel, SessionStatus, SupervisedSession
from mentorship.progress import current_requirements, progress_for_trainer
from mentorship.services.sessions import (
    session_create,
    session_delete,
    session_fingerprint,
    session_return,
    session_sign_off,
    session_submit,
    session_update,
)
from qualifications.models import ConditionArea
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.formats import day_label
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import trainer_profile_of
from trainers.forms import FINGERPRINT, posted_fingerprint, renew_fingerprint

PAGE_SIZE = 25


@role_required(Role.TRAINER)
def sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The trainer's sessions, newest first, and their progress by area and level
    (mentorship.progress, as their mentor sees it on the mentee page)."""
    profile = trainer_profile_of(request.user)
    own = SupervisedSession.objects.filter(trainer=profile)
    rows = (
        own.select_related("condition_area")
        .annotate(round_count=Count("rounds"))
        .order_by("-session_date", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    requirements = current_requirements()  # the pathway rules in force
    return render(
        request,
        "mentorship/session_list.html",
        {
            "page": page,
            "progress": progress_for_trainer(profile, requirements=requirements),
            "requirements": requirements,
            "levels": list(ComplexityLevel),
            "returned": own.filter(status=SessionStatus.RETURNED).count(),
            "assignment": current_assignment_of(profile),
        },
    )


def _render_form(
    request: AuthenticatedHttpRequest, form: SessionForm, session: SupervisedSession | None
) -> HttpResponse:
    return render(
        request,
        "mentorship/session_form.html",
        {"form": form, "session": session, "levels": list(ComplexityLevel)},
    )


def _form_error(form: SessionForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def session_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(
                actor=Actor.from_request(request), trainer=profile, data=form.data_for_service()
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                f"Your session of {day_label(session.session_date)} is saved as a draft. "
                "Check it, then send it to your mentor.",
            )
            return redirect("mentorship:session", public_id=session.public_id)
    return _render_form(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = get_session_for_user(request.user, public_id, write=True).obj
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            changed = session_update(
                actor=Actor.from_request(request),
                session=session,
                data=form.data_for_service(),
                expected_fingerprint=posted_fingerprint(form),
            )
        except DomainError as error:
            if error.field == FINGERPRINT:
                form.add_error(None, error.message)
                renew_fingerprint(
                    form, session_fingerprint(SupervisedSession.objects.get(pk=session.pk))
                )
            else:
                _form_error(form, error)
        else:
            messages.success(request, "Your changes are saved." if changed else "Nothing changed.")
            return redirect("mentorship:session", public_id=session.public_id)
    return _render_form(request, form, session)


def _detail_context(access: SessionAccess, form: DecisionForm | None) -> dict[str, Any]:
    session = access.obj
    rounds = list(session.rounds.select_related("decided_by").order_by("number"))
    area_ids = {r.content.get("condition_area_id") for r in rounds}
    area_names = dict(ConditionArea.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    # What each round sent, as the snapshot holds it (ids and ISO dates) in plain words.
    shown = [
        {
            "round": r,
            "area": area_names.get(r.content.get("condition_area_id"), ""),
            "level": ComplexityLevel(r.content["complexity"]).label,
            "day": day_label(dt.date.fromisoformat(r.content["session_date"])),
        }
        for r in rounds
    ]
    delay = None
    if access.is_staff and session.signed_off_at is not None:
        delay = (session.signed_off_at.date() - session.session_date).days
    if form is None and access.can_decide:
        form = DecisionForm(session=session)
    return {
        "session": session,
        "access": access,
        "rounds": shown,
        "open_round": next((r for r in rounds if not r.decision), None),
        "last_round": rounds[-1] if rounds else None,
        "delay_days": delay,
        "form": form,
    }


@login_required
def session(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = get_session_for_user(request.user, public_id)
    return render(request, "mentorship/session_detail.html", _detail_context(access, None))


@login_required
@require_POST
def session_submit_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = get_session_for_user(request.user, public_id, write=True).obj
    try:
        round_ = session_submit(actor=Actor.from_request(request), session=session)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        again = " again" if round_.number > 1 else ""
        messages.success(
            request, f"Sent to your mentor{again}. You will get a mail when they decide."
        )
    return redirect("mentorship:session", public_id=session.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def session_delete_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = get_session_for_user(request.user, public_id, write=True)
    session = access.obj
    if not access.can_delete:
        raise PermissionDenied("Only a draft can be deleted.")
    if request.method == "POST":
        try:
            session_delete(actor=Actor.from_request(request), session=session)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("mentorship:session", public_id=session.public_id)
        messages.success(request, f"The draft of {day_label(session.session_date)} is deleted.")
        return redirect("mentorship:sessions")
    return render(request, "mentorship/session_confirm_delete.html", {"session": session})


@login_required
@require_POST
def session_decide(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The mentor's one step: feedback and sign off, or feedback and return."""
    access = get_session_for_user(request.user, public_id)
    session = access.obj
    if not access.is_mentor:
        raise PermissionDenied("Only the trainer's current mentor decides on this session.")
    form = DecisionForm(request.POST, session=session)
    if form.is_valid():
        actor = Actor.from_request(request)
        feedback = form.cleaned_data["feedback"]
        try:
            if form.cleaned_data["decision"] == SIGN_OFF:
                session_sign_off(
                    actor=actor,
                    session=session,
                    feedback=feedback,
                    statement=form.cleaned_data["statement"],
                )
                messages.success(
                    request, "Signed off. A copy of what you signed is on its way to you by mail."
                )
            elif form.cleaned_data["decision"] == RETURN:
                session_return(actor=actor, session=session, feedback=feedback)
                messages.success(request, "Returned to the trainer with your feedback.")
        except DomainError as error:
            if error.field not in form.fields:
                # Decided meanwhile (another tab), or no longer theirs: show it as it is now.
                messages.error(request, error.message)
                return redirect("mentorship:session", public_id=session.public_id)
            form.add_error(error.field, error.message)
        else:
            return redirect("mentorship:session", public_id=session.public_id)
    return render(request, "mentorship/session_detail.html", _detail_context(access, form))
