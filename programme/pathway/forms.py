"""The staff form of the pathway rules: the parameters a reader would change, no code.

Staff rename and describe stages, reword requirements, set their figures, and switch a
requirement off or back on. Stages are not added or removed, and no new kind of requirement
appears here: the evaluator knows each kind. A requirement switched off leaves the
definition; the form still offers it (with the defaults' figures) so that it can be switched
on again. Every figure is checked here for its type and range, in plain words; whether the
whole makes a pathway is the service's (programme.pathway.services.definition_problems).
"""

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from programme.pathway import services
from programme.pathway.changes import COMPLIANCE
from programme.pathway.rules import DEFAULT_DEFINITION, Definition, Kind, Requirement, Stage
from qualifications.models import QualificationType
from rehabpath.errors import DomainError
from rehabpath.forms import form_field
from trainers.models import DBSCheck


def slug_of(key: str) -> str:
    """A key as a form field's name and element id ("foundation.personal_training" →
    "foundation_personal_training"): dots would need escaping in every CSS selector."""
    return re.sub(r"[^a-z0-9]+", "_", key.lower())


@dataclass(frozen=True)
class Editable:
    section: str  # a stage's key, or COMPLIANCE
    requirement: Requirement
    included: bool  # part of the rules now


def editable_requirements(definition: Definition) -> list[Editable]:
    """The definition's requirements, in order, each section followed by the defaults' ones it
    lacks (switched off), so that staff can switch them on again."""
    present = {r.key for r in definition.all_requirements()}
    defaults = {s.key: s.requirements for s in DEFAULT_DEFINITION.stages}
    defaults[COMPLIANCE] = DEFAULT_DEFINITION.compliance
    sections: list[tuple[str, tuple[Requirement, ...]]] = [
        (s.key, s.requirements) for s in definition.stages
    ]
    sections.append((COMPLIANCE, definition.compliance))
    rows = []
    for section, requirements in sections:
        rows += [Editable(section, r, True) for r in requirements]
        rows += [
            Editable(section, r, False) for r in defaults.get(section, ()) if r.key not in present
        ]
    return rows


def _whole(label: str, low: int, high: int, *, required: bool = True, **kwargs: Any) -> forms.Field:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        error_messages={
            "required": f"Enter a number from {low} to {high}.",
            "invalid": f"Enter a whole number from {low} to {high}, in figures.",
            "min_value": f"Enter {low} or more.",
            "max_value": f"Enter {high} or fewer.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


def _text(label: str, max_length: int, *, required: bool, what: str, **kwargs: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": f"Enter {what}.",
            "max_length": f"Keep {what} to {max_length} characters (it has %(show_value)d).",
        },
        **kwargs,
    )


# Where each Problem field of the service lands on the form (requirement fields; their prefix
# is added). Several per_level numbers: the first one carries the message.
PROBLEM_FIELDS = {
    "label": "label",
    "kinds": "kinds",
    "min_level": "min_level",
    "hours": "hours",
    "months": "months",
    "per_level": "level_1",
    "per_month": "per_month",
    "dbs_levels": "dbs_levels",
    "for_supervised": "for_supervised",
}


@dataclass(frozen=True)
class RequirementFields:
    editable: Editable
    prefix: str
    switch: forms.BoundField
    fields: list[forms.BoundField]

    @property
    def errors(self) -> bool:
        return bool(self.switch.errors) or any(f.errors for f in self.fields)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    stage: Stage | None  # None for the compliance section
    index: int | None  # the stage's number (1 for the first)
    fields: list[forms.BoundField]  # the stage's name and description
    requirements: list[RequirementFields]


class PathwayRulesForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, label="Version edited")
    expiring_within_days = _whole(
        "Expiring warning, in days",
        0,
        services.MAX_EXPIRING_DAYS,
        help_text="A requirement whose evidence lapses within this many days reads “expiring”.",
    )
    supervised_from = forms.ChoiceField(
        label="Supervised practice counts from the stage",
        help_text="A trainer who reached this stage, with a current mentor for the area, may "
        "work with that client group under supervision (“supervised only”).",
        error_messages={
            "required": "Choose a stage.",
            "invalid_choice": "Choose a stage from the list.",
        },
    )
    note = forms.CharField(
        label="What changed and why",
        max_length=services.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the version and in the audit log, e.g. “Level 3 sessions down to 1: "
        "the awarding body's new standard”.",
        error_messages={
            "required": "Say what changed and why: the next reader needs it.",
            "max_length": f"Keep the note to {services.MAX_NOTE} characters "
            "(it has %(show_value)d).",
        },
    )

    def __init__(
        self, data: Any = None, *, definition: Definition, version: int, **kwargs: Any
    ) -> None:
        super().__init__(data, initial={"based_on": version}, **kwargs)
        self.base = definition
        self.rows = editable_requirements(definition)
        self.fields["expiring_within_days"].initial = definition.expiring_within_days
        supervised = form_field(self, "supervised_from", forms.ChoiceField)
        supervised.choices = [(s.key, s.name) for s in definition.stages[:-1]]
        supervised.initial = definition.supervised_from
        for stage in definition.stages:
            prefix = f"stage_{slug_of(stage.key)}_"
            self.fields[prefix + "name"] = _text(
                "Name", 80, required=True, what="the stage's name", initial=stage.name
            )
            self.fields[prefix + "description"] = _text(
                "Description",
                500,
                required=False,
                what="the description",
                initial=stage.description,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for row in self.rows:
            self._add_requirement(row)
        # The note last, where the eye ends; the settings of the whole before it.
        self.order_fields([name for name in self.fields if name != "note"] + ["note"])

    # --- Fields --------------------------------------------------------------------------

    def _add_requirement(self, row: Editable) -> None:
        r, prefix = row.requirement, self.prefix_of(row)
        add = self.fields.__setitem__
        add(
            prefix + "on",
            forms.BooleanField(label="Part of the rules", required=False, initial=row.included),
        )
        add(
            prefix + "label",
            _text(
                "What it asks for, as trainers read it",
                200,
                required=False,
                what="the wording",
                initial=r.label,
                help_text="Keep its figures in step with the ones below.",
                widget=forms.Textarea(attrs={"rows": 2}),
            ),
        )
        if r.kind == Kind.QUALIFICATION:
            add(
                prefix + "kinds",
                forms.MultipleChoiceField(
                    label="Qualification kinds that meet it",
                    choices=QualificationType.Kind.choices,
                    required=False,
                    initial=list(r.kinds),
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"invalid_choice": "Choose kinds from the list."},
                ),
            )
            add(
                prefix + "min_level",
                _whole(
                    "Minimum level",
                    1,
                    services.MAX_QUALIFICATION_LEVEL,
                    required=False,
                    initial=r.min_level,
                    help_text="Leave it empty to accept any level.",
                ),
            )
        elif r.kind == Kind.CPD_AREA_HOURS:
            add(
                prefix + "hours",
                forms.DecimalField(
                    label="CPD hours in the area",
                    min_value=Decimal("0.5"),
                    max_value=services.MAX_CPD_HOURS,
                    decimal_places=1,
                    required=False,
                    initial=r.hours,
                    widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
                    error_messages={
                        "invalid": "Enter the hours in figures, like 3 or 4.5.",
                        "min_value": "Ask for at least half an hour.",
                        "max_value": f"Ask for at most {services.MAX_CPD_HOURS} hours.",
                        "max_decimal_places": "Give the hours to the nearest tenth, like 4.5.",
                        "max_digits": "Give the hours to the nearest tenth, like 4.5.",
                    },
                ),
            )
            add(
                prefix + "months",
                _whole(
                    "In the last … months", 1, services.MAX_MONTHS, required=False, initial=r.months
                ),
            )
        elif r.kind == Kind.SUPERVISED_SESSIONS:
            for level in (1, 2, 3):
                add(
                    prefix + f"level_{level}",
                    _whole(
                        f"Sessions at level {level}",
                        0,
                        services.MAX_SESSIONS_PER_LEVEL,
                        required=False,
                        initial=r.per_level[level - 1] if len(r.per_level) >= level else 0,
                    ),
                )
        elif r.kind == Kind.SUPERVISION_MEETINGS:
            add(
                prefix + "per_month",
                _whole(
                    "Meetings a month",
                    1,
                    services.MAX_MEETINGS_PER_MONTH,
                    required=False,
                    initial=r.per_month,
                ),
            )
            add(
                prefix + "months",
                _whole(
                    "Months looked back",
                    1,
                    services.MAX_MONTHS,
                    required=False,
                    initial=r.months,
                    help_text="How many complete months before this one must each have had them.",
                ),
            )
        elif r.kind == Kind.DBS:
            add(
                prefix + "dbs_levels",
                forms.MultipleChoiceField(
                    label="DBS levels accepted",
                    choices=DBSCheck.Level.choices,
                    required=False,
                    initial=list(r.dbs_levels),
                    widget=forms.CheckboxSelectMultiple,
                    help_text="None chosen: any level.",
                    error_messages={"invalid_choice": "Choose levels from the list."},
                ),
            )
        if row.section == COMPLIANCE:
            add(
                prefix + "for_supervised",
                forms.BooleanField(
                    label="Also asked of trainers working under supervision",
                    required=False,
                    initial=r.for_supervised,
                ),
            )

    @staticmethod
    def prefix_of(row: Editable) -> str:
        return f"req_{slug_of(row.requirement.key)}_"

    # --- Layout for the template -----------------------------------------------------------

    def sections(self) -> list[Section]:
        result = []
        stages: list[tuple[str, Stage | None]] = [(s.key, s) for s in self.base.stages]
        stages.append((COMPLIANCE, None))
        for index, (key, stage) in enumerate(stages, start=1):
            stage_fields = []
            if stage is not None:
                prefix = f"stage_{slug_of(stage.key)}_"
                stage_fields = [self[prefix + "name"], self[prefix + "description"]]
            requirements = []
            for row in self.rows:
                if row.section != key:
                    continue
                prefix = self.prefix_of(row)
                names = [n for n in self.fields if n.startswith(prefix) and n != prefix + "on"]
                requirements.append(
                    RequirementFields(row, prefix, self[prefix + "on"], [self[n] for n in names])
                )
            result.append(
                Section(
                    key=key,
                    title=stage.name if stage else "Compliance (asked for eligibility)",
                    stage=stage,
                    index=index if stage else None,
                    fields=stage_fields,
                    requirements=requirements,
                )
            )
        return result

    # --- Cleaning --------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in self.rows:
            prefix = self.prefix_of(row)
            if not data.get(prefix + "on"):
                continue
            # A requirement that stays in the rules needs its figures.
            for name in self.fields:
                if not name.startswith(prefix) or name in (
                    prefix + "on",
                    prefix + "for_supervised",
                ):
                    continue
                if name.endswith(("_kinds", "_dbs_levels", "_min_level", "_label")):
                    continue  # may be empty, or the service says why not
                if name in data and data[name] is None:
                    self.add_error(name, "Enter a number: this requirement is part of the rules.")
        return data

    def _requirement(self, row: Editable) -> Requirement:
        data, prefix, r = self.cleaned_data, self.prefix_of(row), row.requirement
        changes: dict[str, Any] = {"label": data[prefix + "label"].strip()}
        if r.kind == Kind.QUALIFICATION:
            changes["kinds"] = tuple(data[prefix + "kinds"])
            changes["min_level"] = data[prefix + "min_level"]
        elif r.kind == Kind.CPD_AREA_HOURS:
            changes["hours"] = data[prefix + "hours"]
            changes["months"] = data[prefix + "months"]
        elif r.kind == Kind.SUPERVISED_SESSIONS:
            changes["per_level"] = tuple(data[prefix + f"level_{n}"] for n in (1, 2, 3))
        elif r.kind == Kind.SUPERVISION_MEETINGS:
            changes["per_month"] = data[prefix + "per_month"]
            changes["months"] = data[prefix + "months"]
        elif r.kind == Kind.DBS:
            changes["dbs_levels"] = tuple(data[prefix + "dbs_levels"])
        if row.section == COMPLIANCE:
            changes["for_supervised"] = data[prefix + "for_supervised"]
        return dataclasses.replace(r, **changes)

    def definition(self) -> Definition:
        """The definition the form describes (call after is_valid())."""
        data = self.cleaned_data
        kept = [row for row in self.rows if data.get(self.prefix_of(row) + "on")]

        def requirements(section: str) -> tuple[Requirement, ...]:
            return tuple(self._requirement(row) for row in kept if row.section == section)

        stages = tuple(
            dataclasses.replace(
                stage,
                name=data[f"stage_{slug_of(stage.key)}_name"].strip(),
                description=data[f"stage_{slug_of(stage.key)}_description"].strip(),
                requirements=requirements(stage.key),
            )
            for stage in self.base.stages
        )
        return dataclasses.replace(
            self.base,
            stages=stages,
            compliance=requirements(COMPLIANCE),
            supervised_from=data["supervised_from"],
            expiring_within_days=data["expiring_within_days"],
        )

    def add_domain_error(self, error: DomainError) -> None:
        """Put a refusal of the service where it belongs: each problem on its field."""
        problems = error.details if isinstance(error.details, list) else []
        if not problems:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
            return
        by_key = {r.requirement.key: self.prefix_of(r) for r in self.rows}
        for problem in problems:
            if not isinstance(problem, services.Problem):
                continue
            if problem.key == "definition" and problem.field in self.fields:
                self.add_error(problem.field, problem.message)
            elif problem.key in by_key and problem.field in PROBLEM_FIELDS:
                self.add_error(by_key[problem.key] + PROBLEM_FIELDS[problem.field], problem.message)
            elif f"stage_{slug_of(problem.key)}_{problem.field}" in self.fields:
                self.add_error(f"stage_{slug_of(problem.key)}_{problem.field}", problem.message)
            else:
                self.add_error(None, problem.message)


def error_items(form: PathwayRulesForm) -> list[tuple[str, str]]:
    """The error summary's links, each naming where the field is ("Supervised practice ›
    Sessions at level 1"): the same labels recur in every stage."""
    items: list[tuple[str, str]] = [("", str(e)) for e in form.non_field_errors()]
    placed: set[str] = set()
    for section in form.sections():
        for field in section.fields:
            placed.add(field.name)
            items += [
                (field.id_for_label, f"{section.title} › {field.label}: {e}") for e in field.errors
            ]
        for row in section.requirements:
            where = f"{section.title} › {row.editable.requirement.label}"
            for field in [row.switch, *row.fields]:
                placed.add(field.name)
                anchor = (
                    field.auto_id + "_0"
                    if field.widget_type == "checkboxselectmultiple"
                    else field.id_for_label
                )
                items += [(anchor, f"{where} › {field.label}: {e}") for e in field.errors]
    for name in form.fields:
        if name not in placed:
            field = form[name]
            items += [(field.id_for_label, f"{field.label}: {e}") for e in field.errors]
    return items
