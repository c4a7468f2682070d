"""Clinics: staff manage them and their admins; the invited accept; trainers share with them;
clinic admins see the clinics they administer.

Thin views: parse, check access (role_required, programme.clinics.access), call a service in
trainers.clinics, say what happened and redirect.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from programme.clinics import selectors
from programme.clinics.access import get_own_share
from programme.clinics.forms import ClinicForm, InvitationForm, ShareForm
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.models import User
from rehabpath.roles import Role
from trainers import clinics as services
from trainers.access import trainer_profile_of
from trainers.models import Clinic, ClinicInvitation, ClinicMembership


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one, so that it shows its errors), else None."""
    return request.POST if request.method == "POST" else None


# --- Programme staff -------------------------------------------------------------------------


@role_required(Role.STAFF)
def clinic_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "programme/clinics/list.html",
        {"clinics": list(selectors.clinics_with_counts())},
    )


@role_required(Role.STAFF)
def clinic_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ClinicForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            clinic = services.clinic_create(
                actor=Actor.from_request(request),
                name=form.cleaned_data["name"],
                city=form.cleaned_data["city"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"{clinic.name} is added. Invite its first admin below.")
            return redirect("programme:clinic_detail", public_id=clinic.public_id)
    return render(request, "programme/clinics/form.html", {"form": form, "clinic": None})


def _clinic(public_id: uuid.UUID) -> Clinic:
    # Programme staff see every clinic; role_required has let only them through.
    return get_object_or_404(Clinic, public_id=public_id)


@role_required(Role.STAFF)
def clinic_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    clinic = _clinic(public_id)
    initial = {"name": clinic.name, "city": clinic.city}
    form = ClinicForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.clinic_update(
                actor=Actor.from_request(request),
                clinic=clinic,
                name=form.cleaned_data["name"],
                city=form.cleaned_data["city"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "The clinic's details are saved.")
            return redirect("programme:clinic_detail", public_id=clinic.public_id)
    return render(request, "programme/clinics/form.html", {"form": form, "clinic": clinic})


@role_required(Role.STAFF)
def clinic_detail(
    request: AuthenticatedHttpRequest,
    public_id: uuid.UUID,
    *,
    invite_form: InvitationForm | None = None,
) -> HttpResponse:
    clinic = _clinic(public_id)
    overview = selectors.clinic_overview(clinic)
    now = timezone.now()
    return render(
        request,
        "programme/clinics/detail.html",
        {
            "clinic": clinic,
            "overview": overview,
            "invitations": [
                {"invitation": i, "expired": i.expires_at <= now} for i in overview.open_invitations
            ],
            "invite_form": invite_form or InvitationForm(),
        },
    )


@require_POST
@role_required(Role.STAFF)
def clinic_invite(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    clinic = _clinic(public_id)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return clinic_detail(request, public_id, invite_form=form)
    try:
        invitation, _ = services.invitation_create(
            actor=Actor.from_request(request), clinic=clinic, email=form.cleaned_data["email"]
        )
    except DomainError as error:
        form.add_error(error.field, error.message)
        return clinic_detail(request, public_id, invite_form=form)
    messages.success(
        request,
        f"We have e-mailed an invitation to {invitation.email}; its link works until "
        f"{timezone.localdate(invitation.expires_at):%-d %B %Y}.",
    )
    return redirect("programme:clinic_detail", public_id=clinic.public_id)


@require_POST
@role_required(Role.STAFF)
def invitation_revoke(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    invitation = get_object_or_404(
        ClinicInvitation.objects.select_related("clinic"), public_id=public_id
    )
    try:
        services.invitation_revoke(actor=Actor.from_request(request), invitation=invitation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation of {invitation.email} is revoked.")
    return redirect("programme:clinic_detail", public_id=invitation.clinic.public_id)


@require_POST
@role_required(Role.STAFF)
def membership_remove(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID, user_id: uuid.UUID
) -> HttpResponse:
    membership = get_object_or_404(
        ClinicMembership.objects.select_related("clinic", "user"),
        clinic__public_id=public_id,
        user__public_id=user_id,
    )
    services.membership_remove(actor=Actor.from_request(request), membership=membership)
    who = membership.user.name or membership.user.email
    messages.success(request, f"{who} is no longer an admin of {membership.clinic.name}.")
    return redirect("programme:clinic_detail", public_id=public_id)


# --- The person invited ----------------------------------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's page: who invited whom to which clinic, and the way in.

    Anyone holding the link may read it (it names the clinic and the address, no more); only
    the person signed in with the invited address can accept it.
    """
    invitation = services.invitation_by_token(token)
    if invitation is None:
        raise Http404("No such invitation.")
    user = request.user if isinstance(request.user, User) else None
    error = ""
    if request.method == "POST":
        if user is None:
            return redirect_to_login(request.get_full_path())
        try:
            membership = services.invitation_accept(actor=Actor.from_request(request), token=token)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, f"You are now an admin of {membership.clinic.name}.")
            return redirect("programme:clinic_home")
    problem = services.invitation_problem(invitation, now=timezone.now())
    holds = user is not None and services.holds_invited_address(user, invitation)
    context = {
        "invitation": invitation,
        "problem": problem,
        "error": error,
        "signed_in": user is not None,
        "holds_address": holds,
        "wrong_account": services.wrong_account_message(invitation) if user and not holds else "",
        "inviter": (
            invitation.invited_by.name or invitation.invited_by.email
            if invitation.invited_by
            else "Programme staff"
        ),
    }
    status = 200
    if error:
        status = 403 if user is not None and not holds else 400
    return render(request, "programme/clinics/invitation.html", context, status=status)


# --- Trainers --------------------------------------------------------------------------------


@role_required(Role.TRAINER)
def sharing(request: AuthenticatedHttpRequest) -> HttpResponse:
    trainer = trainer_profile_of(request.user)
    state = selectors.sharing_of(trainer)
    form = ShareForm(_posted(request), clinics=state.clinics, available=state.available)
    if request.method == "POST" and form.is_valid():
        clinic = form.cleaned_data["clinic"]
        try:
            services.share_start(actor=Actor.from_request(request), trainer=trainer, clinic=clinic)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"You now share your record with {clinic.name}.")
        return redirect("programme:sharing")
    return render(request, "programme/clinics/sharing.html", {"sharing": state, "form": form})


@require_POST
@role_required(Role.TRAINER)
def share_stop(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    share = get_own_share(trainer_profile_of(request.user), public_id)
    try:
        services.share_stop(actor=Actor.from_request(request), share=share)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"You no longer share your record with {share.clinic.name}: it sees nothing."
        )
    return redirect("programme:sharing")


# --- Clinic admins ---------------------------------------------------------------------------


@role_required(Role.CLINIC_ADMIN)
def clinic_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "programme/clinics/home.html",
        {"clinics": list(selectors.administered_clinics(request.user))},
    )
