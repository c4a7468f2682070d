"""Clinic admins' API tokens: the list with the form to create one, and revoking one.

A new token's secret is rendered in the response to the POST that created it and nowhere else:
not stored, not put in the session or a message, and the page is marked no-store so that no
cache keeps it either.
"""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programme.api.forms import TokenCreateForm
from programme.api.tokens import (
    api_token_create,
    api_token_revoke,
    display_prefix,
    get_token_of_clinic,
    tokens_of,
)
from programme.clinics.access import clinics_of, get_clinic_for_user
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role


@role_required(Role.CLINIC_ADMIN)
def api_token_clinics(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The navigation's "API tokens": straight to the clinic's page, or a choice of clinics."""
    clinics = list(clinics_of(request.user))
    if len(clinics) == 1:
        return redirect("programme:api_tokens", clinic_id=clinics[0].public_id)
    return render(request, "programme/api/clinics.html", {"clinics": clinics})


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.CLINIC_ADMIN)
def api_tokens(request: AuthenticatedHttpRequest, clinic_id: uuid.UUID) -> HttpResponse:
    clinic = get_clinic_for_user(request.user, clinic_id)
    created = secret = None
    form = TokenCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            created, secret = api_token_create(
                actor=Actor.from_request(request), clinic=clinic, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            form = TokenCreateForm()
    tokens = [
        {"token": token, "shown_prefix": display_prefix(token)} for token in tokens_of(clinic)
    ]
    return render(
        request,
        "programme/api/tokens.html",
        {
            "clinic": clinic,
            "tokens": tokens,
            "form": form,
            "created": created,
            "secret": secret,
            "several_clinics": clinics_of(request.user).count() > 1,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.CLINIC_ADMIN)
def api_token_revoke_view(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, token_id: uuid.UUID
) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    token = get_token_of_clinic(clinic, token_id)
    if request.method == "POST":
        try:
            api_token_revoke(actor=Actor.from_request(request), token=token)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"“{token.name}” is revoked: requests with it are refused from now on."
            )
        return redirect("programme:api_tokens", clinic_id=clinic.public_id)
    return render(
        request,
        "programme/api/revoke.html",
        {"clinic": clinic, "token": token, "shown_prefix": display_prefix(token)},
    )
