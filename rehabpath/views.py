from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from rehabpath.access import role_required
from rehabpath.dashboard import panels_for
from rehabpath.forms import AuditFilterForm
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.models import AuditEvent
from rehabpath.roles import Role


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "rehabpath/home.html", {"panels": panels_for(request.user)})


@role_required(Role.STAFF)
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events: QuerySet[AuditEvent] = AuditEvent.objects.all()
    if form.is_valid():
        events = form.filter(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rehabpath/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
