"""The pathway rules, for programme staff: the version in force, its history, editing.

/staff/pathway/ shows the rules in force as stages and requirements, and every version;
/staff/pathway/edit/ saves a new version (never an edit of one); /staff/pathway/<version>/
shows one version and what changed from the one before.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from programme.pathway.changes import changes_between
from programme.pathway.display import sections_of
from programme.pathway.forms import PathwayRulesForm, error_items
from programme.pathway.rules import DEFAULTS, RuleSet, rules_of
from programme.pathway.services import pathway_rules_update
from programme.pathway.versions import current_rules, history, version_with_previous
from rehabpath.access import role_required
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.roles import Role


def _shown(rules: RuleSet) -> dict[str, Any]:
    definition = rules.definition
    return {
        "rules": rules,
        "sections": sections_of(definition),
        "supervised_from": definition.stage(definition.supervised_from).name,
    }


@role_required(Role.STAFF)
def pathway_rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = history()  # newest first: the first is in force
    return render(
        request,
        "programme/pathway/rules.html",
        {
            "row": rows[0] if rows else None,
            **_shown(rules_of(rows[0]) if rows else DEFAULTS),
            "versions": rows,
        },
    )


@role_required(Role.STAFF)
def pathway_rules_version(request: AuthenticatedHttpRequest, version: int) -> HttpResponse:
    pair = version_with_previous(version)
    changes = (
        changes_between(pair.previous.definition, pair.rules.definition) if pair.previous else []
    )
    return render(
        request,
        "programme/pathway/version.html",
        {"pair": pair, "row": pair.row, "changes": changes, **_shown(pair.rules)},
    )


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def pathway_rules_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = current_rules()
    form = PathwayRulesForm(
        request.POST or None, definition=current.definition, version=current.version
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = pathway_rules_update(
                actor=Actor.from_request(request),
                definition=form.definition(),
                note=form.cleaned_data["note"],
                based_on=form.cleaned_data["based_on"],
            )
        except DomainError as error:
            if error.field == "based_on":
                # Someone saved meanwhile: keep every answer, start from their version now.
                posted = request.POST.copy()
                posted["based_on"] = str(current.version)
                form = PathwayRulesForm(
                    posted, definition=current.definition, version=current.version
                )
                form.is_valid()
                form.add_error(None, error.message)
            else:
                form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Version {saved.version} of the pathway rules is in force from now on. Pages "
                "and checks use it from their next evaluation.",
            )
            return redirect("programme:pathway_rules_version", version=saved.version)
    return render(
        request,
        "programme/pathway/rules_edit.html",
        {
            "form": form,
            "rules": current,
            "sections": form.sections(),
            "errors": error_items(form) if form.errors else [],
        },
    )
