"""Scope of practice pages.

Trainers (their own only): /scope/ (status, the version to read, their history) and
/scope/declare/ (sign). Programme staff: /staff/scope/ (versions, who has signed), and the
pages under it to draft a version, preview it and publish it. Drafts are previewed on their
own page exactly as trainers will read them; a published version is never edited.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.forms_scope import ScopeDeclarationForm, ScopeStatementForm
from mentorship.models import ScopeStatement
from mentorship.selectors_scope import (
    labelled_history,
    scope_status_for,
    statement_rows,
    trainers_to_sign,
)
from mentorship.services.scope import (
    declaration_sign,
    statement_draft_create,
    statement_draft_update,
    statement_publish,
)
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.formats import day_label
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.markup import render_markup
from rehabpath.roles import Role
from trainers.access import trainer_profile_of

# --- Trainer ------------------------------------------------------------------------------


@role_required(Role.TRAINER)
def scope(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    status = scope_status_for(profile)
    return render(
        request,
        "mentorship/scope.html",
        {
            "status": status,
            "statement": status.statement,
            "statement_html": render_markup(status.statement.text) if status.statement else "",
            "history": labelled_history(profile),
        },
    )


@role_required(Role.TRAINER)
@require_http_methods(["GET", "POST"])
def scope_declare(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    status = scope_status_for(profile)
    statement = status.statement
    if statement is None:
        messages.info(request, "There is no scope of practice statement to sign yet.")
        return redirect("mentorship:scope")
    initial: dict[str, Any] = {"statement": statement.public_id}
    if status.declaration is not None:  # signing again: start from what they declared
        initial |= {
            "areas": [a for a in status.declaration.areas.all()],
            "escalation_role": status.declaration.escalation_role,
            "escalation_organisation": status.declaration.escalation_organisation,
        }
    form = ScopeDeclarationForm(
        request.POST or None,
        statement=statement,
        account_name=request.user.name,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["statement"] != statement.public_id:
            # They read an earlier version: show the new one, keeping what they typed.
            posted = request.POST.copy()
            posted["statement"] = str(statement.public_id)
            form = ScopeDeclarationForm(posted, statement=statement, account_name=request.user.name)
            form.is_valid()
            form.add_error(
                None,
                "A new version of the statement was published while you were reading: read it "
                "below and sign that one.",
            )
        else:
            try:
                declaration = declaration_sign(
                    actor=Actor.from_request(request),
                    trainer=profile,
                    statement=statement,
                    areas=data["areas"],
                    escalation_role=data["escalation_role"],
                    escalation_organisation=data["escalation_organisation"],
                    signed_name=data["signed_name"],
                    confirmed=data["confirmed"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    f"You signed version {statement.version}. Your declaration holds until "
                    f"{day_label(declaration.expires_on)}; we have e-mailed you a copy.",
                )
                return redirect("mentorship:scope")
    return render(
        request,
        "mentorship/scope_declare.html",
        {
            "form": form,
            "statement": statement,
            "statement_html": render_markup(statement.text),
            "status": status,
        },
    )


# --- Programme staff ----------------------------------------------------------------------


@role_required(Role.STAFF)
def scope_statements(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = statement_rows()
    active, signed = trainers_to_sign()
    latest = next((row for row in rows if row.statement.is_published), None)
    return render(
        request,
        "mentorship/scope_statements.html",
        {
            "rows": rows,
            "latest": latest,
            "active": active,
            "signed": signed,
            "to_sign": active - signed,
        },
    )


def _statement(public_id: uuid.UUID) -> ScopeStatement:
    return get_object_or_404(
        ScopeStatement.objects.prefetch_related("condition_areas").select_related(
            "published_by", "created_by"
        ),
        public_id=public_id,
    )


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def scope_statement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    source = None
    copy_of = request.GET.get("from", "")
    if copy_of:
        try:
            source = ScopeStatement.objects.filter(public_id=uuid.UUID(copy_of)).first()
        except ValueError:
            source = None
    form = ScopeStatementForm(request.POST or None, statement=source)
    if source is not None:  # a new version takes effect from today at the earliest
        form.initial["effective_on"] = max(source.effective_on, timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            draft = statement_draft_create(
                actor=Actor.from_request(request), data=form.data_for_service()
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Draft saved. Read the preview, then publish it.")
            return redirect("mentorship:scope_statement", public_id=draft.public_id)
    return render(
        request, "mentorship/scope_statement_form.html", {"form": form, "statement": None}
    )


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def scope_statement_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    statement = _statement(public_id)
    if statement.is_published:
        messages.error(
            request,
            f"Version {statement.version} is published and is never edited: start a new "
            "version from it.",
        )
        return redirect("mentorship:scope_statement", public_id=statement.public_id)
    form = ScopeStatementForm(request.POST or None, statement=statement)
    if request.method == "POST" and form.is_valid():
        try:
            statement_draft_update(
                actor=Actor.from_request(request), statement=statement, data=form.data_for_service()
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Draft saved.")
            return redirect("mentorship:scope_statement", public_id=statement.public_id)
    return render(
        request, "mentorship/scope_statement_form.html", {"form": form, "statement": statement}
    )


@role_required(Role.STAFF)
def scope_statement(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    statement = _statement(public_id)
    return render(
        request,
        "mentorship/scope_statement.html",
        {
            "statement": statement,
            "statement_html": render_markup(statement.text),
            "signed": statement.declarations.count(),
        },
    )


@role_required(Role.STAFF)
@require_POST
def scope_statement_publish(
    request: AuthenticatedHttpRequest, public_id: uuid.UUID
) -> HttpResponse:
    statement = _statement(public_id)
    try:
        published = statement_publish(actor=Actor.from_request(request), statement=statement)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Version {published.version} is published. Every trainer is asked to sign it; "
            f"declarations of earlier versions hold until "
            f"{day_label(published.earlier_valid_until)}.",
        )
    return redirect("mentorship:scope_statement", public_id=statement.public_id)
