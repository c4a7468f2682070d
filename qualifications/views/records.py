"""A trainer's qualification records: the generic record views, named for this kind."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from rehabpath.access import role_required
from rehabpath.roles import Role
from trainers.records import QUALIFICATION
from trainers.views_records import record_add, record_detail, record_edit


@role_required(Role.TRAINER)
def qualification_add(request: HttpRequest) -> HttpResponse:
    return record_add(request, QUALIFICATION)


@login_required
def qualification_detail(request: HttpRequest, public_id) -> HttpResponse:
    return record_detail(request, QUALIFICATION, public_id)


@login_required
def qualification_edit(request: HttpRequest, public_id) -> HttpResponse:
    return record_edit(request, QUALIFICATION, public_id)
