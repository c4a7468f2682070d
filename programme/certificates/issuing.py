"""What issuing a certificate needs, as explanations: is the trainer Recognised in the area,
and until when would the certificate hold?

A certificate may be issued when, on the day:

- the trainer is not suspended;
- every stage of the pathway is complete in the area (`AreaPathway.recognised`); what is
  missing is each unmet requirement, named with the pathway's own reason in plain words.
  Compliance (insurance, first aid, DBS, CPD) is what eligibility asks on top of the stages;
  a certificate attests competence in the area, so it follows recognition alone;
- a scope of practice declaration covering the area holds (the one the pathway's scope
  requirement used, or, if the rules in force ask for none, the trainer's valid declaration
  covering the area that holds longest): it gives the certificate its scope and its end;
- the trainer holds no valid certificate for the area already: that one is re-issued instead
  (programme.certificates.services.certificate_reissue), so there is one valid code per area.

Expiry: `expires_on` is the last day a certificate is valid (Certificate.status_on), so
CERTIFICATE_MAX_MONTHS months after issue means the day before the same date that many months
later (issued 2 December 2026: valid through 1 December 2029, exactly 36 months), and never
later than the last day the scope declaration holds.

`issue_checks` answers every area for one trainer in a fixed number of queries (the staff
trainer page lists them all); `issue_check` is one area of it.
"""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings

from mentorship.models import ScopeDeclaration
from mentorship.selectors_scope import valid_declarations
from programme.models import Certificate
from programme.pathway.results import AreaPathway, EvidenceKind
from programme.pathway.rules import Kind
from programme.pathway.selectors import pathway_for
from qualifications.models import ConditionArea
from trainers.models import TrainerProfile


@dataclass(frozen=True)
class IssueCheck:
    area_id: int
    area_slug: str
    area_name: str
    can_issue: bool
    # Everything standing in the way, in plain words (empty when it can be issued).
    missing: tuple[str, ...]
    # The last day a certificate issued on the day would be valid (None when it cannot be).
    expires_on: dt.date | None
    scope_declaration: ScopeDeclaration | None
    # The valid certificate the trainer holds for the area already, if any.
    held: Certificate | None = None
    # What is missing apart from `held`: re-issuing asks everything but "holds one already".
    requirements_missing: tuple[str, ...] = ()


def certificate_expiry(on: dt.date, scope_valid_until: dt.date) -> dt.date:
    """The last valid day of a certificate issued `on` under a declaration holding until
    `scope_valid_until` (see the module's docstring)."""
    longest = on + relativedelta(months=settings.CERTIFICATE_MAX_MONTHS) - dt.timedelta(days=1)
    return min(longest, scope_valid_until)


def _trainer_name(trainer: TrainerProfile) -> str:
    return trainer.user.name or trainer.user.email


def _unmet(pathway: AreaPathway) -> list[str]:
    """Each unmet requirement of the stages not complete, in order, in plain words."""
    missing = []
    for stage in pathway.stages[pathway.reached :]:
        for result in stage.requirements:
            if not result.met:
                why = result.reason or result.explanation
                missing.append(f"{stage.stage.name}: {result.requirement.label} — {why}.")
    return list(dict.fromkeys(missing))


def _scope_declaration_ids(pathway: AreaPathway) -> list[str]:
    """The declarations the pathway's scope requirements rested on, by public id."""
    return [
        str(evidence.public_id)
        for stage in pathway.stages
        for result in stage.requirements
        if result.requirement.kind == Kind.SCOPE_DECLARATION and result.met
        for evidence in result.evidence
        if evidence.kind == EvidenceKind.SCOPE and evidence.public_id is not None
    ]


def issue_checks(trainer: TrainerProfile, *, on: dt.date) -> dict[int, IssueCheck]:
    """Whether a certificate may be issued to `trainer` on `on`, for every condition area, by
    area id. Queries: the pathway's, one for the valid certificates, two for declarations."""
    result = pathway_for(trainer, on=on)
    held = {
        certificate.condition_area_id: certificate
        for certificate in Certificate.objects.filter(
            trainer=trainer, revoked_at__isnull=True, expires_on__gte=on
        ).order_by("issued_at")
    }
    declarations = list(
        valid_declarations(on)
        .filter(trainer=trainer)
        .select_related("statement")
        .prefetch_related("areas")
    )
    by_public_id = {str(d.public_id): d for d in declarations}
    checks = {}
    for pathway in result.areas:
        area = pathway.area
        missing = []
        if trainer.status == TrainerProfile.Status.SUSPENDED:
            missing.append(
                f"{_trainer_name(trainer)} is suspended: a suspended trainer holds no "
                "certificates until reinstated."
            )
        if not pathway.recognised:
            missing += _unmet(pathway)
        used = [by_public_id[pk] for pk in _scope_declaration_ids(pathway) if pk in by_public_id]
        covering = used or [d for d in declarations if area.id in {a.pk for a in d.areas.all()}]
        declaration = max(covering, key=lambda d: (d.valid_until, d.signed_on), default=None)
        if declaration is None and pathway.recognised:
            missing.append(
                f"Scope of practice: no current scope of practice declaration covers {area.name}."
            )
        requirements_missing = tuple(missing)
        holding = held.get(area.id)
        if holding is not None:
            missing.append(
                f"{_trainer_name(trainer)} already holds a valid {area.name} certificate "
                f"({holding.code}, valid through {holding.expires_on:%-d %B %Y}): re-issue it "
                "instead."
            )
        can_issue = not missing and declaration is not None
        checks[area.id] = IssueCheck(
            area_id=area.id,
            area_slug=area.slug,
            area_name=area.name,
            can_issue=can_issue,
            missing=tuple(missing),
            expires_on=(
                certificate_expiry(on, declaration.valid_until)
                if declaration is not None and not requirements_missing
                else None
            ),
            scope_declaration=declaration,
            held=holding,
            requirements_missing=requirements_missing,
        )
    return checks


def issue_check(
    trainer: TrainerProfile, condition_area: ConditionArea, *, on: dt.date
) -> IssueCheck:
    """Whether a certificate for `condition_area` may be issued to `trainer` on `on`, and if so
    until when; what is missing otherwise."""
    return issue_checks(trainer, on=on)[condition_area.pk]
