"""Programme staff import trainers and their qualifications from a CSV file.

Upload -> preview (nothing saved) -> confirm. Between preview and confirm the accepted file's
text is kept in the server-side session (database sessions: the browser holds only the
session id), keyed by the SHA-256 of the uploaded bytes. The confirm form posts that hash
back; a hash that does not match the pending file (an older tab, a replaced upload) or a
preview older than an hour is refused. On confirm the stored text is parsed and checked
again against the database as it is then, so a catalogue change between the two steps
refuses the import instead of importing stale rows. No row data ever comes from the browser.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from programme.imports import (
    COLUMNS,
    MAX_ROWS,
    ImportIssue,
    ImportPreview,
    example_rows,
    template_csv,
    trainers_import_apply,
    trainers_import_preview,
)
from qualifications.models import AwardingBody, QualificationType
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role

PENDING_KEY = "trainers_import_pending"
RESULT_KEY = "trainers_import_result"
PENDING_TTL = dt.timedelta(hours=1)


class BulkImportForm(forms.Form):
    # Kept beside its only view: the rules live in programme.imports, not here.
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV (Excel: “CSV UTF-8”), at most 1 MB and 2,000 rows.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty.",
        },
    )


def _render_upload(request: HttpRequest, form: BulkImportForm) -> HttpResponse:
    result = request.session.pop(RESULT_KEY, None) if request.method == "GET" else None
    return render(
        request,
        "programme/bulk_import.html",
        {
            "form": form,
            "result": result,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
            "example": example_rows(),
            "qualification_types": QualificationType.objects.filter(is_active=True)
            .prefetch_related("awarding_bodies")
            .order_by("level", "name"),
            "awarding_bodies": AwardingBody.objects.order_by("name"),
        },
    )


def _render_preview(
    request: HttpRequest, preview: ImportPreview, *, refusal: str = ""
) -> HttpResponse:
    return render(
        request,
        "programme/bulk_import_preview.html",
        {
            "preview": preview,
            "refusal": refusal,
            "form": BulkImportForm(),
            "problems": sorted(
                preview.row_errors, key=lambda issue: (issue.row or 0, _column_order(issue))
            ),
            "warnings": preview.warnings,
            "new_trainers": preview.new_trainers,
        },
    )


def _column_order(issue: ImportIssue) -> int:
    names = [name for name, _required, _help in COLUMNS]
    return names.index(issue.column) + 1 if issue.column in names else 0


@role_required(Role.STAFF)
def bulk_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_upload(request, BulkImportForm())
    form = BulkImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_upload(request, form)
    preview = trainers_import_preview(upload=form.cleaned_data["file"])
    request.session.pop(PENDING_KEY, None)
    if preview.file_errors:
        for issue in preview.file_errors:
            form.add_error("file", issue.message)
        return _render_upload(request, form)
    if preview.is_valid:
        request.session[PENDING_KEY] = {
            "sha256": preview.sha256,
            "filename": preview.filename,
            "text": preview.text,
            "created": timezone.now().isoformat(),
        }
    return _render_preview(request, preview)


@role_required(Role.STAFF)
@require_POST
def bulk_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending: dict[str, str] | None = request.session.get(PENDING_KEY)
    if (
        pending is None
        or timezone.now() - dt.datetime.fromisoformat(pending["created"]) > PENDING_TTL
        or pending["sha256"] != request.POST.get("sha256", "")
    ):
        messages.error(
            request,
            "Nothing was imported: this preview has expired or was replaced by another upload. "
            "Upload the file again.",
        )
        return redirect("programme:bulk_import")
    try:
        result = trainers_import_apply(
            actor=Actor.from_request(request),
            text=pending["text"],
            sha256=pending["sha256"],
            filename=pending["filename"],
        )
    except DomainError as exc:
        request.session.pop(PENDING_KEY, None)
        if exc.details is not None:
            return _render_preview(request, exc.details, refusal=exc.message)
        messages.error(request, exc.message)
        return redirect("programme:bulk_import")
    request.session.pop(PENDING_KEY, None)
    request.session[RESULT_KEY] = {
        "filename": result.filename,
        "sha256": result.sha256,
        "rows": result.rows,
        "qualifications_created": result.qualifications_created,
        "existing_trainers": result.existing_trainers,
        "trainers_created": [list(pair) for pair in result.trainers_created],
    }
    messages.success(
        request,
        f"Imported {result.qualifications_created} "
        f"qualification{'s' if result.qualifications_created != 1 else ''} and created "
        f"{len(result.trainers_created)} trainer "
        f"account{'s' if len(result.trainers_created) != 1 else ''}"
        + (
            "; each new trainer is being e-mailed a link to claim their account."
            if result.trainers_created
            else "."
        ),
    )
    return redirect("programme:bulk_import")


@role_required(Role.STAFF)
def bulk_import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    example = request.GET.get("example") == "1"
    # A byte-order mark so that Excel opens the file as UTF-8.
    response = HttpResponse(
        "\ufeff" + template_csv(example=example), content_type="text/csv; charset=utf-8"
    )
    name = "trainers-import-example.csv" if example else "trainers-import-template.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
