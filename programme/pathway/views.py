"""The trainer's pathway page: per condition area, the stages reached and what is next.

Thin: the rules in force, the evaluation (programme.pathway.selectors) and its arrangement
for reading (programme.pathway.presenting). Fourteen queries for the evaluation whatever the
trainer's records, plus the signed-in user.
"""

from django.http import HttpResponse
from django.shortcuts import render

from programme.pathway.presenting import pathway_page
from programme.pathway.selectors import current_rules, pathways_for
from rehabpath.access import role_required
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role
from trainers.access import trainer_profile_of


@role_required(Role.TRAINER)
def pathway(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = trainer_profile_of(request.user)
    rules = current_rules()
    result = pathways_for([profile.pk], rules=rules)[profile.pk]
    page = pathway_page(result, expiring_days=rules.definition.expiring_within_days)
    return render(request, "programme/pathway/pathway.html", {"page": page, "profile": profile})
