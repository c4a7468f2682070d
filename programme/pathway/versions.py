"""Reading the stored versions of the pathway rules: the one in force, the history, one version
with the one before it. (Writing a new version is programme.pathway.services.)

The newest version is in force. A database without any row (a flushed test database: the
seeding migration 0003 ran before the flush) gets the defaults stored as version 1 first, so
every evaluation and every stored check names a stored version.
"""

from dataclasses import dataclass

from django.http import Http404

from programme.models import PathwayRules
from programme.pathway.rules import DEFAULT_DEFINITION, RuleSet, rules_of, to_json


def current_rules() -> RuleSet:
    """The newest version's rules; one query (two, storing version 1, on an empty table:
    get_or_create settles a race between two first readers on the unique version)."""
    row = PathwayRules.objects.order_by("-version").first()
    if row is None:
        row, _ = PathwayRules.objects.get_or_create(
            version=1,
            defaults={
                "definition": to_json(DEFAULT_DEFINITION),
                "note": "The defaults of the design (DESIGN.md).",
            },
        )
    return rules_of(row)


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
