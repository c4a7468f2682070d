"""The CPD log: a trainer's activities, their progress over the CPD year and the portfolio.

Who sees what:
- the trainer reads and writes their own activities only;
- programme staff may read one activity (detail page, through
  ``trainers.access.get_trainer_record_for_user``) when a trainer's CPD is audited, but
  cannot change it; the log, progress and export pages are the trainer's own;
- mentors and clinic admins never see CPD entries or reflections (404).
"""

import copy
import datetime as dt
import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from qualifications.cpd_chart import NARROW, WIDE, month_chart
from qualifications.forms.cpd import (
    CPDActivityForm,
    CPDYearForm,
    PortfolioExportForm,
    PortfolioPeriodForm,
)
from qualifications.models import CPDActivity
from qualifications.portfolio import (
    build_portfolio,
    portfolio_activities,
    render_portfolio_csv,
    render_portfolio_pdf,
)
from qualifications.scoring import fmt_number
from qualifications.selectors import (
    active_rules,
    cpd_activities,
    cpd_summary_for,
    cpd_year_choices,
    current_cpd_year,
)
from qualifications.services.cpd import (
    cpd_activity_create,
    cpd_activity_delete,
    cpd_activity_update,
    cpd_portfolio_export,
    cpd_practice_summary_update,
)
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import Access, get_trainer_record_for_user, trainer_profile_of
from trainers.models import TrainerProfile

PAGE_SIZE = 25
RENDER_FAILED = (
    "Your portfolio could not be made just now, so nothing was downloaded or saved. "
    "Try again in a minute."
)

logger = logging.getLogger(__name__)


def _get_activity(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, *, write: bool = False
) -> Access[CPDActivity]:
    queryset = CPDActivity.objects.prefetch_related("condition_areas", "evidence")
    return get_trainer_record_for_user(request.user, queryset, public_id, write=write)


@role_required(Role.TRAINER)
def cpd_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    page = Paginator(cpd_activities(profile), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "qualifications/cpd/list.html",
        {"page": page, "summary": cpd_summary_for(profile), "tab": "log"},
    )


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def cpd_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    form = CPDActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = cpd_activity_create(
                actor=Actor.from_request(request),
                trainer=profile,
                data=form.data_for_service(),
                evidence=form.new_evidence,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _say_progress(request, profile, f"“{activity.title}” is in your CPD log.")
            return redirect("qualifications:cpd_list")
    return _render_form(request, form, activity=None)


def _render_form(
    request: HttpRequest, form: CPDActivityForm, *, activity: CPDActivity | None
) -> HttpResponse:
    # Browsers never re-send chosen files: say so, or the trainer saves without their evidence.
    files_dropped = bool(form.errors and request.FILES)
    return render(
        request,
        "qualifications/cpd/form.html",
        {"form": form, "activity": activity, "files_dropped": files_dropped},
    )


def _say_progress(request: HttpRequest, profile: TrainerProfile, first: str) -> None:
    summary = cpd_summary_for(profile)
    messages.success(
        request,
        f"{first} This CPD year: {fmt_number(summary.points.achieved)} of "
        f"{fmt_number(summary.points.target)} points, "
        f"{fmt_number(summary.endorsed_points.achieved)} endorsed.",
    )


@login_required
def cpd_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _get_activity(request, public_id)
    activity = access.obj
    rules = active_rules()
    return render(
        request,
        "qualifications/cpd/detail.html",
        {
            "activity": activity,
            "access": access,
            "points": rules.points_for(activity.hours, activity.endorsed),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cpd_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    activity = _get_activity(request, public_id, write=True).obj
    form = CPDActivityForm(request.POST or None, request.FILES or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            changed = cpd_activity_update(
                actor=Actor.from_request(request),
                activity=activity,
                data=form.data_for_service(),
                add_evidence=form.new_evidence,
                remove_evidence=form.removed_evidence,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if changed:
                _say_progress(request, activity.trainer, f"“{activity.title}” is updated.")
            else:
                messages.info(request, "Nothing changed.")
            return redirect("qualifications:cpd_detail", public_id=activity.public_id)
    return _render_form(request, form, activity=activity)


@login_required
@require_http_methods(["GET", "POST"])
def cpd_delete(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    activity = _get_activity(request, public_id, write=True).obj
    if request.method == "POST":
        try:
            cpd_activity_delete(actor=Actor.from_request(request), activity=activity)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("qualifications:cpd_detail", public_id=activity.public_id)
        _say_progress(request, activity.trainer, f"“{activity.title}” is deleted.")
        return redirect("qualifications:cpd_list")
    return render(request, "qualifications/cpd/confirm_delete.html", {"activity": activity})


@role_required(Role.TRAINER)
def cpd_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    today = timezone.localdate()
    years = cpd_year_choices(profile, today)
    form = CPDYearForm(request.GET or None, years=years)
    chosen = form.chosen() if "year" in request.GET else None
    summary = cpd_summary_for(profile, year_start=chosen.start if chosen else None, today=today)
    if not form.is_bound:
        form = CPDYearForm(initial={"year": summary.year.start.isoformat()}, years=years)
    return render(
        request,
        "qualifications/cpd/progress.html",
        {
            "summary": summary,
            "charts": {
                "wide": month_chart(summary, WIDE),
                "narrow": month_chart(summary, NARROW),
            },
            "year_form": form,
            "tab": "progress",
        },
    )


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def cpd_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose a period (GET), then what goes in, and download the PDF or CSV (POST)."""
    profile = trainer_profile_of(request.user)
    today = timezone.localdate()
    defaults = {"start": current_cpd_year(profile, today).start, "end": today}
    source = request.POST if request.method == "POST" else request.GET
    period = PortfolioPeriodForm(source if "start" in source else None, initial=defaults)
    start: dt.date | None
    end: dt.date | None
    if not period.is_bound:
        start, end = defaults["start"], defaults["end"]
    elif period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    else:
        start = end = None

    form = None
    activities: list[CPDActivity] = []
    if start is not None and end is not None:
        activities = list(portfolio_activities(profile, start, end))
        choices = CPDActivity.objects.filter(trainer=profile, date__gte=start, date__lte=end)
        if request.method == "POST":
            form = PortfolioExportForm(request.POST, activities=choices.order_by("date", "id"))
            if form.is_valid():
                try:
                    return _export(request, profile, form, activities)
                except DomainError as error:
                    form.add_error(None, error.message)
        else:
            form = PortfolioExportForm(
                initial={
                    "start": start,
                    "end": end,
                    "practice_summary": profile.practice_summary,
                    "reflections": activities,
                },
                activities=choices.order_by("date", "id"),
            )
    return render(
        request,
        "qualifications/cpd/export.html",
        {
            "period": period if period.is_bound else PortfolioPeriodForm(initial=defaults),
            "form": form,
            "activities": activities,
            "start": start,
            "end": end,
            "tab": "export",
        },
    )


def _export(
    request: AuthenticatedHttpRequest,
    profile: TrainerProfile,
    form: PortfolioExportForm,
    activities: list[CPDActivity],
) -> HttpResponse:
    data = form.cleaned_data
    output = request.POST.get("output", "pdf")
    if output == "save":
        cpd_practice_summary_update(
            actor=Actor.from_request(request), profile=profile, text=data["practice_summary"]
        )
        messages.success(request, "Your practice summary is saved.")
        query = f"?start={data['start']:%Y-%m-%d}&end={data['end']:%Y-%m-%d}"
        return redirect(f"{request.path}{query}")
    # Render with the summary as typed, then save it with the export's audit event: a
    # rendering failure leaves the profile as it was.
    shown = copy.copy(profile)
    shown.practice_summary = data["practice_summary"].strip()
    portfolio = build_portfolio(
        profile=shown,
        start=data["start"],
        end=data["end"],
        reflection_ids={a.public_id for a in data["reflections"]},
        activities=activities,
    )
    ext = "csv" if output == "csv" else "pdf"
    body: str | bytes
    try:
        if ext == "csv":
            body, content_type = render_portfolio_csv(portfolio), "text/csv; charset=utf-8"
        else:
            body, content_type = render_portfolio_pdf(portfolio), "application/pdf"
    except Exception as error:  # WeasyPrint can fail in many ways; the trainer can retry
        logger.exception("CPD portfolio rendering failed")
        hint = " If the PDF fails again, download the CSV instead." if ext == "pdf" else ""
        raise DomainError(RENDER_FAILED + hint) from error
    cpd_portfolio_export(
        actor=Actor.from_request(request),
        profile=profile,
        practice_summary=data["practice_summary"],
        start=data["start"],
        end=data["end"],
        fmt=ext,
        activities=len(portfolio.rows),
        reflections=len(portfolio.reflections),
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{portfolio.filename_stem}.{ext}"'
    response["Cache-Control"] = "no-store"
    return response
