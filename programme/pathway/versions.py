"""Reading the stored versions of the pathway rules: the one in force, the history, one version
with the one before it. (Writing a new version is programme.pathway.services.)

The newest version is in force. A database without any row (never migrated past 0003, or a
test that emptied the table) falls back to the built-in defaults as version 0, so a page
never fails for want of rules.
"""

from dataclasses import dataclass

from django.http import Http404

from programme.models import PathwayRules
from programme.pathway.rules import DEFAULTS, RuleSet, rules_of


def rules_in_force() -> RuleSet:
    """The newest version's rules; one query."""
    row = PathwayRules.objects.order_by("-version").first()
    return rules_of(row) if row is not None else DEFAULTS


def newest_row() -> PathwayRules | None:
    """The version in force, with who saved it; one query."""
    return PathwayRules.objects.select_related("created_by").order_by("-version").first()


def history() -> list[PathwayRules]:
    """Every version, newest first, with who saved it; one query."""
    return list(PathwayRules.objects.select_related("created_by").order_by("-version"))


@dataclass(frozen=True)
class VersionPair:
    row: PathwayRules
    rules: RuleSet
    previous: RuleSet | None  # None for the first version
    in_force: bool


def version_with_previous(version: int) -> VersionPair:
    """Version `version` and the one before it (404 when there is no such version); one query
    for both, and one to tell whether it is the newest."""
    rows = list(
        PathwayRules.objects.select_related("created_by")
        .filter(version__lte=version)
        .order_by("-version")[:2]
    )
    if not rows or rows[0].version != version:
        raise Http404("There is no such version of the pathway rules.")
    newest = PathwayRules.objects.order_by("-version").values_list("version", flat=True).first()
    return VersionPair(
        row=rows[0],
        rules=rules_of(rows[0]),
        previous=rules_of(rows[1]) if len(rows) > 1 else None,
        in_force=newest == version,
    )
