"""The clinic admin's pages: the roster, the check page, stored checks and their PDF records.

Every page finds the clinic through `get_clinic_for_user` (another clinic's admin: 404) and a
trainer through `get_shared_trainer` (a trainer who stopped sharing: 404); a stored check is
the clinic's own record and stays readable whoever it was about.
"""

import datetime as dt
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from mentorship.progress import Area
from programme.clinics.access import clinics_of, get_clinic_for_user, get_shared_trainer
from programme.eligibility.access import get_check_for_clinic
from programme.eligibility.forms import CheckForm, RosterFilterForm
from programme.eligibility.pdf import PDF_MAX_TRAINERS, check_pdf_filename, render_check_pdf
from programme.eligibility.records import answers_by_trainer, check_history
from programme.eligibility.roster import ROSTER_CACHE_SECONDS, compute_roster, roster_view
from programme.eligibility.services import eligibility_check_export, eligibility_check_record
from programme.models import EligibilityCheck
from qualifications.models import ConditionArea
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role

# Trainers per page of the roster: the whole roster is computed (to sort and count it), but a
# page of 50 trainers, each with a cell per area, is what a person reads and a phone renders.
ROSTER_PAGE_SIZE = 50
# Trainers per page of one stored check (an API roster check can hold a whole roster).
RECORD_PAGE_SIZE = 50


def _areas() -> list[Area]:
    return [Area(a.pk, a.slug, a.name) for a in ConditionArea.objects.all()]


def _one_clinic_or_home(request: AuthenticatedHttpRequest, url_name: str) -> HttpResponse:
    """The navigation's entry: straight to the page of the admin's clinic, or, for an admin of
    several, the clinic home page that lists them."""
    clinics = list(clinics_of(request.user)[:2])
    if len(clinics) == 1:
        return redirect(url_name, clinic_id=clinics[0].public_id)
    return redirect("programme:clinic_home")


@role_required(Role.CLINIC_ADMIN)
@require_GET
def roster_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _one_clinic_or_home(request, "programme:roster")


@role_required(Role.CLINIC_ADMIN)
@require_GET
def checks_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _one_clinic_or_home(request, "programme:checks")


@role_required(Role.CLINIC_ADMIN)
@require_GET
def roster(request: AuthenticatedHttpRequest, clinic_id: uuid.UUID) -> HttpResponse:
    clinic = get_clinic_for_user(request.user, clinic_id)
    computed = compute_roster(clinic, fresh=request.GET.get("fresh") == "1")
    form = RosterFilterForm(request.GET or None, areas=computed.areas)
    shown = roster_view(computed, area_id=form.chosen_area_id(), status=form.chosen_status())
    page = Paginator(shown.rows, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "fresh"):
        query.pop(name, None)
    return render(
        request,
        "programme/eligibility/roster.html",
        {
            "clinic": clinic,
            "form": form,
            "shown": shown,
            "roster": computed,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(form.chosen_area_id() or form.chosen_status()),
            "cache_minutes": ROSTER_CACHE_SECONDS // 60,
        },
    )


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def check(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, trainer_id: uuid.UUID
) -> HttpResponse:
    """Ask about one trainer (an area or all, today or a day ahead); the answer is stored."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    trainer = get_shared_trainer(clinic, trainer_id)
    form = CheckForm(request.POST or None, areas=_areas())
    if request.method == "POST" and form.is_valid():
        try:
            stored, _answers = eligibility_check_record(
                actor=Actor.from_request(request),
                clinic=clinic,
                trainers=[trainer],
                area_ids=form.area_ids(),
                on=form.day(),
                channel=EligibilityCheck.Channel.PAGE,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Checked and recorded: this is the clinic's record.")
            return redirect(
                "programme:check_record", clinic_id=clinic.public_id, check_id=stored.public_id
            )
    earlier = (
        EligibilityCheck.objects.filter(clinic=clinic, answers__trainer=trainer)
        .distinct()
        .order_by("-checked_at", "-id")[:5]
    )
    return render(
        request,
        "programme/eligibility/check.html",
        {
            "clinic": clinic,
            "trainer": trainer,
            "form": form,
            "earlier": list(earlier),
            "today": timezone.localdate(),
        },
    )


@role_required(Role.CLINIC_ADMIN)
@require_GET
def check_record(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, check_id: uuid.UUID
) -> HttpResponse:
    clinic = get_clinic_for_user(request.user, clinic_id)
    stored = get_check_for_clinic(clinic, check_id)
    groups = answers_by_trainer(stored)
    page = Paginator(groups, RECORD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programme/eligibility/check_record.html",
        {
            "clinic": clinic,
            "check": stored,
            "page": page,
            "groups": page.object_list,
            "single": len(groups) == 1,
            "trainer_count": len(groups),
            "has_pdf": len(groups) <= PDF_MAX_TRAINERS,
            "pdf_max_trainers": PDF_MAX_TRAINERS,
            "checked_at_utc": stored.checked_at.astimezone(dt.UTC),
        },
    )


@role_required(Role.CLINIC_ADMIN)
@require_GET
def check_pdf(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, check_id: uuid.UUID
) -> HttpResponse:
    """The PDF verification record, as an attachment; the download is audited."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    stored = get_check_for_clinic(clinic, check_id)
    groups = answers_by_trainer(stored)
    if len(groups) > PDF_MAX_TRAINERS:
        messages.info(
            request,
            f"A PDF record is made for checks of up to {PDF_MAX_TRAINERS} trainers; this one "
            f"is kept here. Check a trainer on their own for their PDF record.",
        )
        return redirect(
            "programme:check_record", clinic_id=clinic.public_id, check_id=stored.public_id
        )
    content = render_check_pdf(stored, groups, generated_at=timezone.now())
    eligibility_check_export(actor=Actor.from_request(request), check=stored)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=check_pdf_filename(stored, groups)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@role_required(Role.CLINIC_ADMIN)
@require_GET
def checks(request: AuthenticatedHttpRequest, clinic_id: uuid.UUID) -> HttpResponse:
    """The clinic's check history, newest first, a keyset page at a time."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    page = check_history(
        EligibilityCheck.objects.filter(clinic=clinic),
        older=request.GET.get("older"),
        newer=request.GET.get("newer"),
    )
    return render(
        request,
        "programme/eligibility/checks.html",
        {
            "clinic": clinic,
            "page": page,
            "first_page": "older" not in request.GET and "newer" not in request.GET,
            "roster_url": reverse("programme:roster", kwargs={"clinic_id": clinic.public_id}),
        },
    )
