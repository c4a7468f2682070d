"""Programme staff: every certificate (search, filter), one certificate (its audit trail, the
PDF, revoke, re-issue), and issuing one from a trainer's page (choose the area, confirm what
will be printed)."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from programme.certificates import selectors
from programme.certificates.access import get_certificate_for_user
from programme.certificates.forms import (
    CertificateSearchForm,
    IssueForm,
    ReissueForm,
    RevokeForm,
)
from programme.certificates.issuing import IssueCheck, issue_check
from programme.certificates.links import verification_url
from programme.certificates.services import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from programme.models import Certificate
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import is_owner
from trainers.models import TrainerProfile


@role_required(Role.STAFF)
def staff_certificates(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CertificateSearchForm(request.GET)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    today = timezone.localdate()
    page = selectors.certificate_page(
        query=query,
        status=status,
        on=today,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    filters = request.GET.copy()
    for name in ("after", "before"):
        filters.pop(name, None)
    return render(
        request,
        "programme/certificates/staff_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, c.status_on(today)) for c in page.object_list],
            "query": query,
            "searching": bool(query or status),
            "filters": filters.urlencode(),
        },
    )


def _detail(
    request: AuthenticatedHttpRequest,
    certificate: Certificate,
    *,
    revoke_form: RevokeForm | None = None,
    reissue_form: ReissueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "programme/certificates/staff_detail.html",
        {
            "certificate": certificate,
            "status": certificate.status_on(today),
            "history": selectors.certificate_history(certificate),
            "verify_url": verification_url(certificate.code),
            "own": is_owner(request.user, certificate.trainer),
            "revoke_form": revoke_form or RevokeForm(),
            "reissue_form": reissue_form or ReissueForm(),
        },
        status=status,
    )


@role_required(Role.STAFF)
def staff_certificate_detail(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID
) -> HttpResponse:
    certificate, _ = get_certificate_for_user(request.user, public_id)
    return _detail(request, certificate)


@require_POST
@role_required(Role.STAFF)
def certificate_revoke_view(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID
) -> HttpResponse:
    certificate, _ = get_certificate_for_user(request.user, public_id, write=True)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _detail(request, certificate, revoke_form=form, status=400)
    try:
        certificate_revoke(
            certificate=certificate,
            actor=Actor.from_request(request),
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _detail(request, certificate, revoke_form=form, status=400)
    messages.success(
        request,
        f"Certificate {certificate.code} is revoked: its page, its credential and the status "
        "list say so now, and we have told the trainer.",
    )
    return redirect("programme:staff_certificate_detail", public_id=certificate.public_id)


@require_POST
@role_required(Role.STAFF)
def certificate_reissue_view(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID
) -> HttpResponse:
    certificate, _ = get_certificate_for_user(request.user, public_id, write=True)
    form = ReissueForm(request.POST)
    if not form.is_valid():
        return _detail(request, certificate, reissue_form=form, status=400)
    try:
        new = certificate_reissue(
            certificate=certificate,
            actor=Actor.from_request(request),
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _detail(request, certificate, reissue_form=form, status=400)
    messages.success(
        request,
        f"Certificate {new.code} replaces {certificate.code}. Its PDF is being made; we tell the "
        "trainer once it is ready.",
    )
    return redirect("programme:staff_certificate_detail", public_id=new.public_id)


def _preview(
    trainer: TrainerProfile, check: IssueCheck, request: AuthenticatedHttpRequest
) -> dict[str, Any]:
    declaration = check.scope_declaration
    return {
        "trainer_name": trainer.user.name or trainer.user.email,
        "area_name": check.area_name,
        "scope_title": declaration.statement.title if declaration else "",
        "scope_version": declaration.statement.version if declaration else None,
        "scope_until": declaration.valid_until if declaration else None,
        "issued_on": timezone.localdate(),
        "expires_on": check.expires_on,
        "issuer_name": settings.SITE_NAME,
        "issued_by_name": request.user.name or request.user.email,
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.STAFF)
def certificate_issue_view(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET with ?area=<slug>: what will be printed and until when; POST: issue it."""
    trainer = get_object_or_404(TrainerProfile.objects.select_related("user"), public_id=public_id)
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "area" in request.GET else None)
    )
    form = IssueForm(data)
    context: dict[str, Any] = {
        "profile": trainer,
        "person": trainer.user,
        "form": form,
        "own": is_owner(request.user, trainer),
    }
    if not form.is_valid():
        return render(
            request,
            "programme/certificates/issue.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
    area = form.cleaned_data["area"]
    check = issue_check(trainer, area, on=timezone.localdate())
    context |= {"area": area, "check": check, "preview": _preview(trainer, check, request)}
    if request.method == "GET":
        return render(request, "programme/certificates/issue.html", context)
    try:
        certificate = certificate_issue(
            trainer=trainer, condition_area=area, actor=Actor.from_request(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
        return render(request, "programme/certificates/issue.html", context, status=400)
    messages.success(
        request,
        f"Certificate {certificate.code} is issued. Its PDF is being made; we tell the trainer "
        "once it is ready.",
    )
    return redirect("programme:staff_certificate_detail", public_id=certificate.public_id)
