from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from rehabpath.access import role_required
from rehabpath.dashboard import panels_for
from rehabpath.forms import AuditFilterForm
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.models import AuditEvent
from rehabpath.paging import keyset_page
from rehabpath.roles import Role


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "rehabpath/home.html", {"panels": panels_for(request.user)})


# 25 events a page, as the CPD log: rendering an event (its change, times, labels) is most
# of the page's cost, and the next page is one index range scan away.
AUDIT_PAGE_SIZE = 25


@role_required(Role.STAFF)
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The log, newest first, a keyset page at a time (no COUNT, no OFFSET: see paging.py)."""
    query = request.GET.copy()
    for key in ("older", "newer", "page"):
        query.pop(key, None)
    form = AuditFilterForm(query or None)
    events: QuerySet[AuditEvent] = AuditEvent.objects.all()
    if form.is_bound and not form.is_valid():
        events = events.none()  # filters that do not make sense match nothing
    elif form.is_bound:
        events = form.filter(events)
    page = keyset_page(
        events,
        field="occurred_at",
        size=AUDIT_PAGE_SIZE,
        older_than=request.GET.get("older"),
        newer_than=request.GET.get("newer"),
    )
    return render(
        request,
        "rehabpath/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "first_page": "older" not in request.GET and "newer" not in request.GET,
        },
    )
