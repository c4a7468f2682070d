"""The staff compliance dashboard: its page, "Recompute now", and each table as CSV."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from programme.compliance import selectors
from programme.compliance.chart import status_chart
from programme.compliance.services import TABLES, compliance_export
from programme.compliance.snapshot import latest_snapshot, request_refresh, snapshot_for_page
from programme.pathway.results import Status
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role


@role_required(Role.STAFF)
def compliance(request: AuthenticatedHttpRequest) -> HttpResponse:
    snapshot, computing = snapshot_for_page()
    data = snapshot.data if snapshot is not None else None
    return render(
        request,
        "programme/compliance/dashboard.html",
        {
            "snapshot": snapshot,
            "data": data,
            "computing": computing,
            "statuses": list(Status),
            "chart": status_chart(data.areas) if data is not None else None,
            "unmentored": data.unmentored if data is not None else [],
            "expiring": selectors.expiring_records(),
            "waiting": selectors.waiting_verifications(),
            "tables": TABLES,
        },
    )


@require_POST
@role_required(Role.STAFF)
def compliance_recompute(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request_refresh():
        messages.success(
            request, "The counts are being recomputed: reload the page in a minute or two."
        )
    else:
        messages.info(request, "The counts are already being recomputed: reload in a minute.")
    return redirect("programme:compliance")


@role_required(Role.STAFF)
def compliance_csv(request: AuthenticatedHttpRequest, table: str) -> HttpResponse:
    try:
        filename, content = compliance_export(
            actor=Actor.from_request(request), table=table, snapshot=latest_snapshot(full=True)
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("programme:compliance")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response
