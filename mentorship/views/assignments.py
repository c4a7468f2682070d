"""Programme staff assign mentors to trainers and end assignments (/staff/mentoring/)."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mentorship import selectors
from mentorship.forms import AssignmentForm, EndAssignmentForm, MentoringSearchForm
from mentorship.models import MentorAssignment
from mentorship.services.assignments import assignment_create, assignment_end
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from rehabpath.search import normalise_query
from trainers.models import TrainerProfile


def _queries(request: AuthenticatedHttpRequest) -> tuple[MentoringSearchForm, str, str]:
    form = MentoringSearchForm(request.GET)
    if not form.is_valid():
        return form, "", ""
    return (
        form,
        normalise_query(form.cleaned_data["q"]),
        normalise_query(form.cleaned_data["mq"]),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@role_required(Role.STAFF)
def mentoring(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, query, mentor_query = _queries(request)
    filters = request.GET.copy()
    for name in ("after", "assignments_after"):
        filters.pop(name, None)
    return render(
        request,
        "mentorship/mentoring.html",
        {
            "form": form,
            "query": query,
            "mentor_query": mentor_query,
            "trainers": selectors.trainers_without_mentor(
                query=query, after=request.GET.get("after")
            ),
            "mentors": selectors.mentors_with_room(query=mentor_query),
            "assignments": selectors.open_assignments(
                after=_int(request.GET.get("assignments_after"))
            ),
            "filters": filters.urlencode(),
            "mentors_shown": selectors.MENTORS_SHOWN,
        },
    )


@role_required(Role.STAFF)
def assign(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    trainer = get_object_or_404(TrainerProfile.objects.select_related("user"), public_id=public_id)
    search, _query, mentor_query = _queries(request)
    mentors = selectors.mentors_with_room(query=mentor_query)
    form = AssignmentForm(request.POST or None, mentors=mentors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = assignment_create(
                actor=Actor.from_request(request),
                mentor=data["mentor"],
                trainer=trainer,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                areas=data["areas"],
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                f"{assignment.mentor.user.name or assignment.mentor.user.email} now mentors "
                f"{trainer.user.name or trainer.user.email}. We have told them both.",
            )
            return redirect("mentorship:mentoring")
    return render(
        request,
        "mentorship/assign.html",
        {"trainer": trainer, "form": form, "search": search, "mentor_query": mentor_query},
    )


@role_required(Role.STAFF)
def end(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    assignment = get_object_or_404(
        MentorAssignment.objects.select_related("mentor__user", "trainer__user").filter(
            ended_at__isnull=True
        ),
        public_id=public_id,
    )
    form = EndAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_end(
                actor=Actor.from_request(request),
                assignment=assignment,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, "Assignment ended. We have told the trainer and the mentor.")
            return redirect("mentorship:mentoring")
    return render(request, "mentorship/end.html", {"assignment": assignment, "form": form})
