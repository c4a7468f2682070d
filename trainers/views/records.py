"""A trainer's records: the list, and add / edit / detail for each kind.

The generic `record_add`, `record_edit`, `record_detail` and `evidence_add` serve every
kind; `record_urls` gives each kind its named URLs (qualifications/urls.py, trainers/urls.py).
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import get_trainer_record_for_user, trainer_profile_of
from trainers.forms import (
    FINGERPRINT,
    EvidenceAddForm,
    RecordForm,
    posted_fingerprint,
    renew_fingerprint,
)
from trainers.models import VerifiableRecord, VerificationStatus
from trainers.records import (
    RecordKind,
    record_facts,
    record_fingerprint,
    record_kinds,
    record_warnings,
)
from trainers.records import verification_summary as summary_of
from trainers.selectors import trainer_records_by_kind
from trainers.services import (
    record_create,
    record_evidence_add,
    record_update,
)

STORAGE_FAILED = (
    "We could not store your files, so nothing was saved. Please try again in a moment."
)
# After a change sent a decided record back to programme staff, by the status it left.
BACK_TO_PENDING = {
    VerificationStatus.VERIFIED: (
        "Because you changed a verified record, it is pending again: programme staff will "
        "re-verify it, and it does not count until they do."
    ),
    VerificationStatus.REJECTED: (
        "Your corrected record has been resubmitted to programme staff for verification."
    ),
}


def warn_back_to_pending(request: HttpRequest, left: VerificationStatus | None) -> None:
    """Tell the trainer their change sent the record back to staff (`left`: its old status)."""
    if left == VerificationStatus.VERIFIED:  # it stopped counting: a warning
        messages.warning(request, BACK_TO_PENDING[left])
    elif left is not None:
        messages.info(request, BACK_TO_PENDING[left])


@role_required(Role.TRAINER)
def records(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    data = trainer_records_by_kind(profile)
    sections = []
    for kind in record_kinds():
        rows = [
            {
                "record": record,
                "status": record.display_status(),
                "expiry": record.expiry_date(),
                "url": kind.url("detail", record),
                "warnings": data["warnings"].get((kind.slug, record.pk), []),
            }
            for record in data["records"][kind.slug]
        ]
        sections.append({"kind": kind, "rows": rows, "add_url": kind.url("add")})
    return render(request, "trainers/records.html", {"sections": sections})


# The add, edit and detail views serve every kind: the URLconf passes the kind.
@role_required(Role.TRAINER)
def record_add(request: AuthenticatedHttpRequest, kind: RecordKind) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    form = kind.form_class(
        request.POST or None,
        request.FILES or None,
        instance=kind.model(trainer=profile),
        trainer=profile,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = record_create(
                kind=kind,
                trainer=profile,
                actor=Actor.from_request(request),
                fields=form.record_fields(),
                files=form.files_to_add(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        except OSError:
            form.add_error(None, STORAGE_FAILED)
        else:
            messages.success(request, f"{kind.label} saved. Programme staff will verify it.")
            _warn(request, record)
            return redirect(kind.url("detail", record))
    return _render_form(request, kind, form, record=None)


@login_required
def record_edit(
    request: AuthenticatedHttpRequest, kind: RecordKind, public_id: uuid.UUID
) -> HttpResponse:
    record = get_trainer_record_for_user(request.user, kind.queryset(), public_id, write=True).obj
    title = str(record)
    form = kind.form_class(
        request.POST or None, request.FILES or None, instance=record, trainer=record.trainer
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = record_update(
                record=record,
                actor=Actor.from_request(request),
                changes=form.record_fields(),
                add_files=form.files_to_add(),
                remove_files=form.files_to_remove(),
                expected_fingerprint=posted_fingerprint(form),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            if error.field == FINGERPRINT:
                renew_fingerprint(form, record_fingerprint(kind.queryset().get(pk=record.pk)))
        except OSError:
            form.add_error(None, STORAGE_FAILED)
        else:
            if not change.changed:
                messages.info(request, "Nothing changed.")
                return redirect(kind.url("detail", record))
            messages.success(request, f"{kind.label} updated.")
            warn_back_to_pending(request, change.reopened_from)
            _warn(request, record)
            return redirect(kind.url("detail", record))
    return _render_form(request, kind, form, record=record, title=title)


@login_required
def record_detail(
    request: AuthenticatedHttpRequest,
    kind: RecordKind,
    public_id: uuid.UUID,
    *,
    evidence_form: EvidenceAddForm | None = None,
) -> HttpResponse:
    access = get_trainer_record_for_user(request.user, kind.queryset(), public_id)
    record = access.obj
    evidence = list(record.evidence.all())
    if access.can_write and evidence_form is None:
        evidence_form = EvidenceAddForm(existing=len(evidence))
    context = {
        "kind": kind,
        "record": record,
        "access": access,
        "status": record.display_status(),
        "expiry": record.expiry_date(),
        "facts": record_facts(record),
        "warnings": record_warnings(record),
        "evidence": evidence,
        "edit_url": kind.url("edit", record) if access.can_write else "",
        "evidence_form": evidence_form if access.can_write else None,
        "can_add_evidence": access.can_write and len(evidence) < _max_files(),
        "decision": summary_of(record),
        "can_review": access.can_verify and record.status == VerificationStatus.PENDING,
    }
    return render(request, "trainers/record_detail.html", context)


@require_POST
@login_required
def evidence_add(
    request: AuthenticatedHttpRequest, kind: RecordKind, public_id: uuid.UUID
) -> HttpResponse:
    record = get_trainer_record_for_user(request.user, kind.queryset(), public_id, write=True).obj
    form = EvidenceAddForm(request.POST, request.FILES, existing=len(record.evidence.all()))
    if form.is_valid():
        try:
            change = record_evidence_add(
                record=record,
                actor=Actor.from_request(request),
                files=form.cleaned_data["evidence"],
            )
        except DomainError as error:
            form.add_error("evidence", error.message)
        except OSError:
            form.add_error("evidence", STORAGE_FAILED)
        else:
            count = len(form.cleaned_data["evidence"])
            messages.success(request, f"{count} file{'s' if count != 1 else ''} added.")
            warn_back_to_pending(request, change.reopened_from)
            return redirect(kind.url("detail", record))
    return record_detail(request, kind, public_id, evidence_form=form)


def _warn(request: HttpRequest, record: VerifiableRecord) -> None:
    for warning in record_warnings(record):
        messages.warning(request, warning)


def _max_files() -> int:
    limit: int = settings.EVIDENCE_MAX_FILES
    return limit


def _render_form(
    request: HttpRequest,
    kind: RecordKind,
    form: RecordForm[Any],
    *,
    record: VerifiableRecord | None,
    title: str = "",
) -> HttpResponse:
    context = {
        "kind": kind,
        "form": form,
        "record": record,
        "title": title,
        "cancel_url": kind.url("detail", record) if record else reverse("trainers:records"),
        # Browsers do not keep chosen files when a page comes back with errors.
        "files_dropped": bool(form.errors and request.FILES),
    }
    return render(request, "trainers/record_form.html", context)


def record_urls(prefix: str, kind: RecordKind) -> list[URLPattern]:
    """The add, detail and edit URLs of one kind, named <url_prefix>_add/_detail/_edit."""
    name = kind.url_prefix
    return [
        path(f"{prefix}add/", record_add, {"kind": kind}, name=f"{name}_add"),
        path(f"{prefix}<uuid:public_id>/", record_detail, {"kind": kind}, name=f"{name}_detail"),
        path(f"{prefix}<uuid:public_id>/edit/", record_edit, {"kind": kind}, name=f"{name}_edit"),
    ]
