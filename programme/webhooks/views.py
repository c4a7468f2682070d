"""Clinic admins' webhooks: the endpoints (add, edit, disable, delete, rotate the secret, send
a test event) and each endpoint's deliveries with their tries, and resending one.

A secret is rendered only in the response to the POST that made it (adding the endpoint, or
rotating its secret), on a page marked no-store: not in the session, not in a message.
Access: the clinic's admins only (get_clinic_for_user: another clinic's admin gets 404, every
other role 403 by role).
"""

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from programme.clinics.access import clinics_of, get_clinic_for_user
from programme.models import WebhookEndpoint
from programme.webhooks.channel import body_of
from programme.webhooks.events import EVENT_TYPES, event_label
from programme.webhooks.forms import EndpointEditForm, EndpointForm
from programme.webhooks.selectors import attempts_of, delivery_page, delivery_state
from programme.webhooks.services import (
    display_secret,
    endpoints_of,
    get_delivery_of_endpoint,
    get_endpoint_of_clinic,
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_send_test,
)
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.models import Delivery
from rehabpath.roles import Role
from trainers.models import Clinic


def _endpoint_url(endpoint: WebhookEndpoint) -> str:
    return reverse(
        "programme:webhook_endpoint",
        kwargs={"clinic_id": endpoint.clinic.public_id, "endpoint_id": endpoint.public_id},
    )


def _base(request: AuthenticatedHttpRequest, clinic: Clinic) -> dict[str, Any]:
    return {
        "clinic": clinic,
        "several_clinics": clinics_of(request.user).count() > 1,
        "event_types": EVENT_TYPES,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.CLINIC_ADMIN)
def webhooks(request: AuthenticatedHttpRequest, clinic_id: uuid.UUID) -> HttpResponse:
    """The clinic's endpoints, and the form to add one (its response shows the secret)."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    created = secret = None
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            created, secret = webhook_endpoint_create(
                actor=Actor.from_request(request),
                clinic=clinic,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            form = EndpointForm()
    endpoints = [
        {"endpoint": e, "events": [event_label(k) for k in e.events]} for e in endpoints_of(clinic)
    ]
    return render(
        request,
        "programme/webhooks/list.html",
        {
            **_base(request, clinic),
            "endpoints": endpoints,
            "form": form,
            "created": created,
            "secret": secret,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.CLINIC_ADMIN)
def webhook_endpoint(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, endpoint_id: uuid.UUID
) -> HttpResponse:
    """One endpoint: its settings (POST changes them) and its deliveries, newest first."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    endpoint = get_endpoint_of_clinic(clinic, endpoint_id)
    initial = {
        "url": endpoint.url,
        "events": endpoint.events,
        "description": endpoint.description,
        "is_active": endpoint.is_active,
    }
    form = EndpointEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_update(
                actor=Actor.from_request(request),
                endpoint=endpoint,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "The endpoint's settings are saved.")
            return redirect(_endpoint_url(endpoint))
    page = delivery_page(endpoint, older=request.GET.get("older"), newer=request.GET.get("newer"))
    return render(
        request,
        "programme/webhooks/endpoint.html",
        {
            **_base(request, clinic),
            "endpoint": endpoint,
            "shown_secret": display_secret(endpoint),
            "form": form,
            "page": page,
            "deliveries": [
                {"row": row, "event": event_label(row.kind), "state": delivery_state(row)}
                for row in page.object_list
            ],
            "first_page": "older" not in request.GET and "newer" not in request.GET,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.CLINIC_ADMIN)
def webhook_rotate(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, endpoint_id: uuid.UUID
) -> HttpResponse:
    """GET asks for confirmation; POST rotates and shows the new secret, once."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    endpoint = get_endpoint_of_clinic(clinic, endpoint_id)
    secret = None
    if request.method == "POST":
        try:
            secret = webhook_endpoint_rotate_secret(
                actor=Actor.from_request(request), endpoint=endpoint
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_endpoint_url(endpoint))
    return render(
        request,
        "programme/webhooks/rotate.html",
        {**_base(request, clinic), "endpoint": endpoint, "secret": secret},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.CLINIC_ADMIN)
def webhook_delete(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, endpoint_id: uuid.UUID
) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    endpoint = get_endpoint_of_clinic(clinic, endpoint_id)
    if request.method == "POST":
        try:
            webhook_endpoint_delete(actor=Actor.from_request(request), endpoint=endpoint)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_endpoint_url(endpoint))
        messages.success(request, f"The endpoint {endpoint.url} is deleted.")
        return redirect("programme:webhooks", clinic_id=clinic.public_id)
    return render(
        request,
        "programme/webhooks/delete.html",
        {**_base(request, clinic), "endpoint": endpoint},
    )


@require_POST
@role_required(Role.CLINIC_ADMIN)
def webhook_test(
    request: AuthenticatedHttpRequest, clinic_id: uuid.UUID, endpoint_id: uuid.UUID
) -> HttpResponse:
    clinic = get_clinic_for_user(request.user, clinic_id)
    endpoint = get_endpoint_of_clinic(clinic, endpoint_id)
    try:
        webhook_send_test(actor=Actor.from_request(request), endpoint=endpoint)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "A test event is on its way: its outcome appears in the list below."
        )
    return redirect(_endpoint_url(endpoint))


@require_http_methods(["GET"])
@role_required(Role.CLINIC_ADMIN)
def webhook_delivery(
    request: AuthenticatedHttpRequest,
    clinic_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> HttpResponse:
    """One delivery: what was sent, and every try with the receiver's answer."""
    clinic = get_clinic_for_user(request.user, clinic_id)
    endpoint = get_endpoint_of_clinic(clinic, endpoint_id)
    delivery = get_delivery_of_endpoint(endpoint, delivery_id)
    return render(
        request,
        "programme/webhooks/delivery.html",
        {
            **_base(request, clinic),
            "endpoint": endpoint,
            "delivery": delivery,
            "event": event_label(delivery.kind),
            "state": delivery_state(delivery),
            "body": json.dumps(json.loads(body_of(delivery)), indent=2, sort_keys=True),
            "attempts": attempts_of(delivery),
            "can_resend": delivery.status in (Delivery.Status.SENT, Delivery.Status.FAILED),
        },
    )


@require_POST
@role_required(Role.CLINIC_ADMIN)
def webhook_resend(
    request: AuthenticatedHttpRequest,
    clinic_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> HttpResponse:
    clinic = get_clinic_for_user(request.user, clinic_id)
    endpoint = get_endpoint_of_clinic(clinic, endpoint_id)
    delivery = get_delivery_of_endpoint(endpoint, delivery_id)
    try:
        webhook_delivery_resend(
            actor=Actor.from_request(request), endpoint=endpoint, delivery=delivery
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The delivery is sent again, with the same webhook-id: a receiver that had it "
            "can tell it is the same event.",
        )
    return redirect(
        "programme:webhook_delivery",
        clinic_id=clinic.public_id,
        endpoint_id=endpoint.public_id,
        delivery_id=delivery.public_id,
    )
