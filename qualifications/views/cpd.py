"""The CPD log: a trainer's activities, their progress over the CPD year and the portfolio.

Who sees what:
- the trainer reads and writes their own activities only;
- programme staff may read one activity (detail page, through
  ``trainers.access.get_trainer_record_for_user``) when a trainer's CPD is audited, but
  cannot change it; the log, progress and export pages are the trainer's own;
- mentors and clinic admins never see CPD entries or reflections (404).
"""

import logging
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from qualifications.cpd_chart import NARROW, WIDE, month_chart
from qualifications.forms.cpd import (
    CPDActivityForm,
    CPDYearForm,
    CPDYearStartForm,
    GapExplanationForm,
    PortfolioExportForm,
    PortfolioPeriodForm,
)
from qualifications.models import CPDActivity, PortfolioExport
from qualifications.scoring import fmt_number
from qualifications.selectors import (
    active_rules,
    cpd_log,
    cpd_summary_for,
    cpd_year_choices,
    cpd_year_of,
    current_cpd_year,
    gap_explanation_for,
    gap_explanations,
    reflection_candidates,
)
from qualifications.services.cpd import (
    cpd_activity_create,
    cpd_activity_delete,
    cpd_activity_fingerprint,
    cpd_activity_update,
    cpd_practice_summary_update,
    cpd_year_start_update,
)
from qualifications.services.cpd import cpd_gap_explain as cpd_gap_explain_service
from qualifications.services.portfolio import (
    MAX_REFLECTIONS,
    portfolio_export_download,
    portfolio_export_request,
)
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import Access, get_trainer_record_for_user, trainer_profile_of
from trainers.forms import FINGERPRINT, posted_fingerprint, renew_fingerprint
from trainers.models import TrainerProfile

PAGE_SIZE = 25
POLL_SECONDS = 3  # how often the "being prepared" page checks again

logger = logging.getLogger(__name__)


def _get_activity(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, *, write: bool = False
) -> Access[CPDActivity]:
    queryset = CPDActivity.objects.prefetch_related("condition_areas", "evidence")
    return get_trainer_record_for_user(request.user, queryset, public_id, write=write)


@role_required(Role.TRAINER)
def cpd_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    page = Paginator(cpd_log(profile), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for activity in page.object_list:
        setattr(activity, "cpd_year", cpd_year_of(profile, activity.date))  # noqa: B010
    summary = cpd_summary_for(profile)
    return render(
        request,
        "qualifications/cpd/list.html",
        {
            "page": page,
            "summary": summary,
            "gaps": gap_explanations(profile, summary.gaps),
            "tab": "log",
        },
    )


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def cpd_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    form = CPDActivityForm(
        request.POST or None, request.FILES or None, cpd_year=current_cpd_year(profile)
    )
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
            _say_progress(
                request, profile, f"“{activity.title}” is in your CPD log.", activity=activity
            )
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


def _say_progress(
    request: HttpRequest,
    profile: TrainerProfile,
    first: str,
    *,
    activity: CPDActivity | None = None,
) -> None:
    summary = cpd_summary_for(profile)
    elsewhere = ""
    if activity is not None and activity.date not in summary.year:
        # Never silently: an activity of an earlier CPD year adds nothing to this one.
        elsewhere = (
            f" It counts in the CPD year {cpd_year_of(profile, activity.date).label}, not in "
            "this one."
        )
    messages.success(
        request,
        f"{first}{elsewhere} This CPD year: {fmt_number(summary.points.achieved)} of "
        f"{fmt_number(summary.points.target)} points, "
        f"{fmt_number(summary.endorsed_points.achieved)} endorsed.",
    )


@login_required
def cpd_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _get_activity(request, public_id)
    activity = access.obj
    rules = active_rules()
    year = cpd_year_of(activity.trainer, activity.date)
    return render(
        request,
        "qualifications/cpd/detail.html",
        {
            "activity": activity,
            "access": access,
            "points": rules.points_for(activity.hours, activity.endorsed),
            "cpd_year": year,
            "in_current_year": timezone.localdate() in year,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cpd_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    activity = _get_activity(request, public_id, write=True).obj
    form = CPDActivityForm(
        request.POST or None,
        request.FILES or None,
        instance=activity,
        cpd_year=current_cpd_year(activity.trainer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = cpd_activity_update(
                actor=Actor.from_request(request),
                activity=activity,
                data=form.data_for_service(),
                add_evidence=form.new_evidence,
                remove_evidence=form.removed_evidence,
                expected_fingerprint=posted_fingerprint(form),
            )
        except DomainError as error:
            if error.field == FINGERPRINT:
                form.add_error(None, error.message)
                fresh = CPDActivity.objects.prefetch_related("condition_areas", "evidence")
                renew_fingerprint(form, cpd_activity_fingerprint(fresh.get(pk=activity.pk)))
            else:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if changed:
                _say_progress(
                    request, activity.trainer, f"“{activity.title}” is updated.", activity=activity
                )
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
            "gaps": gap_explanations(profile, summary.gaps),
            "tab": "progress",
        },
    )


PICKER_PAGE_SIZE = 10
RECENT_EXPORTS = 5


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def cpd_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The portfolio page: one form for the period, the summary and the chosen reflections.

    Every button posts the whole form. "Download" asks the worker for the file of exactly
    what is on screen; the other buttons only show the page again (another period, another
    page of the reflection picker) or save the summary.
    """
    profile = trainer_profile_of(request.user)
    today = timezone.localdate()
    own = CPDActivity.objects.filter(trainer=profile)
    action = request.POST.get("action", "show") if request.method == "POST" else "show"
    if request.method == "POST":
        form = PortfolioExportForm(request.POST, activities=own)
    else:
        asked = PortfolioPeriodForm(request.GET if "start" in request.GET else None)
        period = asked.cleaned_data if asked.is_valid() else {}
        form = PortfolioExportForm(
            initial={
                "start": period.get("start", current_cpd_year(profile, today).start),
                "end": period.get("end", today),
                "practice_summary": profile.practice_summary,
            },
            activities=own,
        )
    if request.method == "POST" and form.is_valid() and action in {"pdf", "csv", "save"}:
        data = form.cleaned_data
        actor = Actor.from_request(request)
        try:
            if action == "save":
                cpd_practice_summary_update(
                    actor=actor, profile=profile, text=data["practice_summary"]
                )
                messages.success(request, "Your practice summary is saved.")
                query = urlencode({"start": data["start"], "end": data["end"]})
                return redirect(f"{request.path}?{query}")
            export = portfolio_export_request(
                actor=actor,
                profile=profile,
                start=data["start"],
                end=data["end"],
                fmt=action,
                reflections=data["reflections"],
                practice_summary=data["practice_summary"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("qualifications:cpd_export_status", public_id=export.public_id)
    return render(request, "qualifications/cpd/export.html", _export_context(profile, form))


def _export_context(profile: TrainerProfile, form: PortfolioExportForm) -> dict[str, Any]:
    """What the page shows for the period on screen (or the last valid one)."""
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        search = form.cleaned_data["search"].strip()
        picker_page = form.cleaned_data["picker_page"] or 1
    elif form.is_bound:
        start = end = None
        search, picker_page = "", 1
    else:
        start, end = form.initial["start"], form.initial["end"]
        search, picker_page = "", 1
    chosen = form.chosen
    context = {
        "form": form,
        "start": start,
        "end": end,
        "chosen": chosen,
        "max_reflections": MAX_REFLECTIONS,
        "too_many": len(chosen) > MAX_REFLECTIONS,
        "exports": PortfolioExport.objects.filter(trainer=profile)[:RECENT_EXPORTS],
        "tab": "export",
    }
    if start is not None:
        in_period = CPDActivity.objects.filter(trainer=profile, date__gte=start, date__lte=end)
        candidates = reflection_candidates(
            profile, start, end, search=search, exclude=tuple(chosen)
        )
        context.update(
            activity_count=in_period.count(),
            search=search,
            candidates=Paginator(candidates, PICKER_PAGE_SIZE).get_page(picker_page),
        )
    return context


def _get_export(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> Access[PortfolioExport]:
    return get_trainer_record_for_user(request.user, PortfolioExport.objects.all(), public_id)


@login_required
@require_GET
def cpd_export_status(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One export: "being prepared" (the page checks again by itself), then its download."""
    access = _get_export(request, public_id)
    export = access.obj
    context = {
        "export": export,
        "is_owner": access.is_owner,
        "poll_seconds": POLL_SECONDS,
        "tab": "export",
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "qualifications/cpd/_export_status.html", context)
    return render(request, "qualifications/cpd/export_status.html", context)


@login_required
@require_GET
def cpd_export_download(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The file, as an attachment: the owner, or programme staff reading it (audited)."""
    export = _get_export(request, public_id).obj
    try:
        portfolio_export_download(actor=Actor.from_request(request), export=export)
    except DomainError as error:
        messages.info(request, error.message)
        return redirect("qualifications:cpd_export_status", public_id=export.public_id)
    try:
        with export.file.open("rb") as handle:
            # A few hundred KB for a year of CPD: read whole, so no handle outlives the request.
            content = handle.read()
    except FileNotFoundError:
        raise Http404("This file is no longer in storage.") from None
    content_type = "text/csv; charset=utf-8" if export.format == "csv" else "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def cpd_year_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """When the trainer's CPD year starts (their membership anniversary)."""
    profile = trainer_profile_of(request.user)
    anchor = profile.cpd_year_start
    form = CPDYearStartForm(
        request.POST or None, initial={"day": anchor.day, "month": anchor.month}
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = cpd_year_start_update(
                actor=Actor.from_request(request),
                profile=profile,
                day=form.cleaned_data["day"],
                month=form.cleaned_data["month"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if updated.cpd_year_start == anchor:
                messages.info(request, "Nothing changed.")
            else:
                year = current_cpd_year(updated)
                messages.success(
                    request,
                    f"Your CPD year now starts on {updated.cpd_year_start:%-d %B}. This CPD "
                    f"year: {year.label}.",
                )
            return redirect("qualifications:cpd_year_settings")
    today = timezone.localdate()
    return render(
        request,
        "qualifications/cpd/year_settings.html",
        {"form": form, "year": current_cpd_year(profile, today), "tab": "year"},
    )


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def cpd_gap_explain(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Type (or change, or remove) the explanation of one gap of the progress page."""
    profile = trainer_profile_of(request.user)
    form = GapExplanationForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()
    if {"start", "end"} & form.errors.keys():
        raise Http404("No such gap.")  # the dates come from a link of the progress page
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    existing = gap_explanation_for(profile, start, end)
    if request.method == "GET":
        form = GapExplanationForm(
            initial={"start": start, "end": end, "text": existing.text if existing else ""}
        )
    elif form.is_valid():
        try:
            saved = cpd_gap_explain_service(
                actor=Actor.from_request(request),
                profile=profile,
                start=start,
                end=end,
                text=form.cleaned_data["text"],
                existing=existing,
            )
        except DomainError as error:
            form.add_error("text" if error.field == "text" else None, error.message)
        else:
            messages.success(
                request,
                "Your explanation is saved." if saved else "The explanation is removed.",
            )
            year = current_cpd_year(profile, start)
            return redirect(
                f"{reverse('qualifications:cpd_progress')}?year={year.start:%Y-%m-%d}#gaps-title"
            )
    return render(
        request,
        "qualifications/cpd/gap_form.html",
        {
            "form": form,
            "gap_start": start,
            "gap_end": end,
            "days": (end - start).days + 1,
            "existing": existing,
            "year": current_cpd_year(profile, start),
            "tab": "progress",
        },
    )
