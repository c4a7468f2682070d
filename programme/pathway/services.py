"""Changing the pathway rules: every save is a new version, never an edit of one.

`pathway_rules_update` checks the definition makes sense (`definition_problems`), refuses a
save that changes nothing or that starts from a version someone else has since replaced, and
writes version max + 1 under a lock, with an audit event whose before / after are the changes
in plain words (programme.pathway.changes). Evaluations that ran under the earlier version
keep naming it: checks already stored point at their own row.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from programme.models import PathwayRules
from programme.pathway.changes import audit_data, changes_between
from programme.pathway.rules import Definition, Kind, Requirement, from_json, to_json
from programme.pathway.versions import current_rules
from qualifications.models import QualificationType
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.formats import day_label
from trainers.models import DBSCheck

# Bounds a reader would call sane; the form offers the same.
MAX_EXPIRING_DAYS = 365
MAX_CPD_HOURS = 100
MAX_MONTHS = 36
MAX_SESSIONS_PER_LEVEL = 50
MAX_MEETINGS_PER_MONTH = 8
MAX_QUALIFICATION_LEVEL = 8
MAX_NOTE = 2000


@dataclass(frozen=True)
class Problem:
    """Something wrong with a definition: `key` is a requirement's or stage's key, or
    "definition" for the settings of the whole; `field` the attribute at fault."""

    key: str
    field: str
    message: str


def _requirement_problems(requirement: Requirement, *, compliance: bool) -> list[Problem]:
    found: list[Problem] = []

    def problem(field: str, message: str) -> None:
        found.append(Problem(requirement.key, field, message))

    if not requirement.label.strip():
        problem("label", "Say in a few words what it asks for: trainers read this.")
    if requirement.kind == Kind.QUALIFICATION:
        known = set(QualificationType.Kind.values)
        if not requirement.kinds:
            problem("kinds", "Choose at least one kind of qualification that meets it.")
        elif not set(requirement.kinds) <= known:
            problem("kinds", "Choose kinds of qualification from the list.")
        level = requirement.min_level
        if level is not None and not 1 <= level <= MAX_QUALIFICATION_LEVEL:
            problem("min_level", f"A level is 1 to {MAX_QUALIFICATION_LEVEL}, or leave it empty.")
    if requirement.kind == Kind.CPD_AREA_HOURS:
        if not 0 < requirement.hours <= MAX_CPD_HOURS:
            problem("hours", f"Ask for more than 0 and at most {MAX_CPD_HOURS} hours.")
        if not 1 <= requirement.months <= MAX_MONTHS:
            problem("months", f"The window is 1 to {MAX_MONTHS} months.")
    if requirement.kind == Kind.SUPERVISED_SESSIONS:
        if len(requirement.per_level) != 3:
            problem("per_level", "Give a number of sessions for each of the three levels.")
        elif any(not 0 <= n <= MAX_SESSIONS_PER_LEVEL for n in requirement.per_level):
            problem("per_level", f"Each level asks for 0 to {MAX_SESSIONS_PER_LEVEL} sessions.")
        elif sum(requirement.per_level) == 0:
            problem("per_level", "Ask for at least one session, or switch the requirement off.")
    if requirement.kind == Kind.SUPERVISION_MEETINGS:
        if not 1 <= requirement.per_month <= MAX_MEETINGS_PER_MONTH:
            problem("per_month", f"Ask for 1 to {MAX_MEETINGS_PER_MONTH} meetings a month.")
        if not 1 <= requirement.months <= MAX_MONTHS:
            problem("months", f"Look back 1 to {MAX_MONTHS} months.")
    if requirement.kind == Kind.DBS and not set(requirement.dbs_levels) <= set(
        DBSCheck.Level.values
    ):
        problem("dbs_levels", "Choose DBS levels from the list.")
    if not compliance and not requirement.for_supervised:
        problem("for_supervised", "Only compliance requirements can be left out under supervision.")
    return found


def definition_problems(definition: Definition) -> list[Problem]:
    """Everything that would make the definition a pathway nobody could follow or read."""
    found: list[Problem] = []
    for stage in definition.stages:
        if not stage.name.strip():
            found.append(Problem(stage.key, "name", "Give the stage a name."))
        if not stage.requirements:
            found.append(
                Problem(
                    stage.key,
                    "requirements",
                    f"Keep at least one requirement in “{stage.name}”: a stage with none would "
                    "be reached by everyone.",
                )
            )
        for requirement in stage.requirements:
            found += _requirement_problems(requirement, compliance=False)
    for requirement in definition.compliance:
        found += _requirement_problems(requirement, compliance=True)
    if not 0 <= definition.expiring_within_days <= MAX_EXPIRING_DAYS:
        found.append(
            Problem(
                "definition",
                "expiring_within_days",
                f"The warning before an expiry is 0 to {MAX_EXPIRING_DAYS} days.",
            )
        )
    if definition.supervised_from == definition.stages[-1].key:
        found.append(
            Problem(
                "definition",
                "supervised_from",
                "Supervised practice must count from a stage before the last one: a trainer "
                "who reached the last stage is recognised, not supervised.",
            )
        )
    return found


def _same(a: Definition, b: Definition) -> bool:
    # Through JSON, so that (6, 4, 2) and [6, 4, 2], or Decimal("3") and "3.0", compare alike.
    return to_json(from_json(to_json(a))) == to_json(from_json(to_json(b)))


def pathway_rules_update(
    *,
    actor: Actor,
    definition: Definition,
    note: str,
    based_on: int | None = None,
) -> PathwayRules:
    """Save `definition` as the next version of the pathway rules.

    `based_on` is the version the editor started from: when someone saved another version
    since, the save is refused (their change would otherwise be undone without anyone seeing
    it). Without it, the definition replaces whatever is in force.
    """
    person = actor.person()
    if not person.is_staff:
        raise DomainError("Only programme staff can change the pathway rules.")
    note = note.strip()
    if not note:
        raise DomainError("Say what changed and why: the next reader needs it.", field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(f"Keep the note to {MAX_NOTE} characters.", field="note")
    problems = definition_problems(definition)
    if problems:
        raise DomainError(
            "Some of the rules need correcting: see each one below.", details=problems
        )
    with transaction.atomic():
        # Saves queue up behind one lock, the first version's row: it is the same row for
        # every saver (the newest row is not: a save arriving after another committed would
        # lock the new row while a third still waits on the old one, and both would take the
        # same number). The number is read after the lock, in a statement of its own, so it
        # sees a version committed while this one waited.
        first = PathwayRules.objects.select_for_update().order_by("version").first()
        number = (PathwayRules.objects.aggregate(n=Max("version"))["n"] or 0) + 1
        current = current_rules()
        if based_on is not None and current.version != based_on:
            saved = PathwayRules.objects.select_related("created_by").get(version=current.version)
            who = (
                (saved.created_by.name or saved.created_by.email) if saved.created_by else "Someone"
            )
            when = day_label(timezone.localtime(saved.created_at))
            raise DomainError(
                f"{who} saved version {current.version} on {when} while "
                "you were editing. Your changes are kept below: look at what they changed, "
                "then save again.",
                field="based_on",
            )
        if first is not None and _same(current.definition, definition):
            raise DomainError(
                "Nothing has changed from the rules in force: change something, or cancel."
            )
        rows = changes_between(current.definition, definition)
        try:
            with transaction.atomic():
                saved = PathwayRules.objects.create(
                    version=number,
                    definition=to_json(definition),
                    note=note,
                    created_by=person,
                )
        except IntegrityError as error:  # only without any row to lock (an empty table)
            raise DomainError(
                "Another version was saved at the same moment: look at the rules and try again."
            ) from error
        before, after = audit_data(rows)
        record_event(
            actor=actor,
            action="pathway_rules.update",
            target=saved,
            before={"version": current.version, **before},
            after={"version": number, **after},
            reason=note,
        )
    return saved
