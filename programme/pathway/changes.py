"""What differs between two versions of the pathway rules, in plain words.

The version page shows these rows ("Supervised practice › Signed-off supervised sessions:
sessions at each level, 6, 4, 2 → 8, 4, 2"), and the audit event of a save keeps the same
rows as its before / after. A requirement that one side lacks reads as switched on or off,
not as a dozen fields appearing; every other field is compared only where both sides have it.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from programme.pathway.rules import Definition, Kind, Requirement, Stage
from qualifications.models import QualificationType
from trainers.models import DBSCheck

COMPLIANCE = "compliance"  # the section key of the requirements asked on top of the stages

# The requirement's fields as a reader names them; `months` means a different thing per kind.
FIELD_NAMES = {
    "label": "wording",
    "kinds": "qualification kinds",
    "min_level": "minimum level",
    "covers_area": "must cover the area",
    "or_mentor_assignment": "a current mentor stands in for it",
    "hours": "CPD hours",
    "per_level": "sessions at levels 1, 2, 3",
    "per_month": "meetings a month",
    "dbs_levels": "DBS levels accepted",
    "for_supervised": "asked of trainers under supervision",
}
MONTHS_NAME = {
    Kind.CPD_AREA_HOURS: "CPD window (months)",
    Kind.SUPERVISION_MEETINGS: "months looked back",
}


@dataclass(frozen=True)
class Change:
    key: str  # stable, for the audit: "supervised_practice.sessions.per_level"
    where: str  # "Supervised practice › Signed-off supervised sessions"
    what: str  # "sessions at levels 1, 2, 3"
    before: str
    after: str


def kind_labels(values: tuple[str, ...]) -> str:
    names = dict(QualificationType.Kind.choices)
    return ", ".join(str(names.get(v, v)) for v in values) or "none"


def dbs_labels(values: tuple[str, ...]) -> str:
    names = dict(DBSCheck.Level.choices)
    return ", ".join(str(names.get(v, v)) for v in values) or "any level"


def field_value(requirement: Requirement, name: str) -> str:
    """One field of a requirement as a reader reads it."""
    value = getattr(requirement, name)
    if name == "kinds":
        return kind_labels(value)
    if name == "dbs_levels":
        return dbs_labels(value)
    if name == "per_level":
        return ", ".join(str(n) for n in value)
    if name == "min_level":
        return f"Level {value}" if value is not None else "any level"
    if name == "hours":
        return f"{Decimal(value).normalize():f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def field_name(requirement: Requirement, name: str) -> str:
    if name == "months":
        return MONTHS_NAME.get(requirement.kind, "months")
    return FIELD_NAMES.get(name, name.replace("_", " "))


def _sections(definition: Definition) -> dict[str, tuple[str, tuple[Requirement, ...]]]:
    sections = {s.key: (s.name, s.requirements) for s in definition.stages}
    sections[COMPLIANCE] = ("Compliance", definition.compliance)
    return sections


def _stage_changes(old: Stage, new: Stage) -> list[Change]:
    rows = []
    for name, what in (("name", "name"), ("description", "description")):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            rows.append(Change(f"{new.key}.{name}", f"Stage: {new.name}", what, before, after))
    return rows


def changes_between(old: Definition, new: Definition) -> list[Change]:
    """Every difference from `old` to `new`, in the order of `new` (then what it dropped)."""
    rows: list[Change] = []
    old_stages = {s.key: s for s in old.stages}
    for stage in new.stages:
        if stage.key in old_stages:
            rows += _stage_changes(old_stages[stage.key], stage)
        else:
            rows.append(Change(f"{stage.key}", f"Stage: {stage.name}", "stage", "—", "added"))
    for stage in old.stages:
        if stage.key not in {s.key for s in new.stages}:
            rows.append(Change(f"{stage.key}", f"Stage: {stage.name}", "stage", "there", "removed"))

    old_requirements = {r.key: r for r in old.all_requirements()}
    new_keys = {r.key for r in new.all_requirements()}
    for section_name, requirements in _sections(new).values():
        for requirement in requirements:
            where = f"{section_name} › {requirement.label}"
            before = old_requirements.get(requirement.key)
            if before is None:
                rows.append(Change(requirement.key, where, "part of the rules", "no", "yes"))
                continue
            for field in fields(Requirement):
                if field.name in ("key", "kind"):
                    continue
                if getattr(before, field.name) != getattr(requirement, field.name):
                    rows.append(
                        Change(
                            f"{requirement.key}.{field.name}",
                            where,
                            field_name(requirement, field.name),
                            field_value(before, field.name),
                            field_value(requirement, field.name),
                        )
                    )
    for section_name, requirements in _sections(old).values():
        for requirement in requirements:
            if requirement.key not in new_keys:
                rows.append(
                    Change(
                        requirement.key,
                        f"{section_name} › {requirement.label}",
                        "part of the rules",
                        "yes",
                        "no",
                    )
                )

    if old.supervised_from != new.supervised_from:
        rows.append(
            Change(
                "supervised_from",
                "Supervised practice",
                "counts from the stage",
                _stage_name(old, old.supervised_from),
                _stage_name(new, new.supervised_from),
            )
        )
    if old.expiring_within_days != new.expiring_within_days:
        rows.append(
            Change(
                "expiring_within_days",
                "Expiring",
                "days of warning",
                str(old.expiring_within_days),
                str(new.expiring_within_days),
            )
        )
    return rows


def _stage_name(definition: Definition, key: str) -> str:
    try:
        return definition.stage(key).name
    except KeyError:
        return key


def audit_data(rows: list[Change]) -> tuple[dict[str, str], dict[str, str]]:
    """The before and after of an audit event: one entry a change, keyed by where and what."""
    before = {f"{row.where}: {row.what}": row.before for row in rows}
    after = {f"{row.where}: {row.what}": row.after for row in rows}
    return before, after
