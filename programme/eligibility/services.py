"""A clinic's eligibility check, stored as the record it keeps, and its PDF export.

Every check (from the check page or the API) is one `EligibilityCheck` with one
`EligibilityAnswer` per trainer and condition area: the answers as they were given, with their
reasons, "as at" time, holds-until date and the rules version, in words that still read the
same after the trainer renames, stops sharing or is erased.
"""

import datetime as dt
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from programme.clinics.access import shared_trainers
from programme.eligibility.selectors import eligibility_for
from programme.models import ApiToken, EligibilityAnswer, EligibilityCheck, PathwayRules
from programme.pathway.results import Eligibility
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.formats import day_label
from rehabpath.models import ActorKind
from trainers.models import Clinic, ClinicMembership, TrainerProfile

# How far ahead a check may look: far enough to plan a rota, near enough that the answer still
# means something (an expiry or an assignment's end further out is not known yet).
MAX_MONTHS_AHEAD = 12


def latest_day_to_check(today: dt.date) -> dt.date:
    return today + relativedelta(months=MAX_MONTHS_AHEAD)


def check_day_refusal(on: dt.date, *, today: dt.date | None = None) -> str | None:
    """Why `on` cannot be asked about (None: it can): not a past day, at most a year ahead."""
    today = today or timezone.localdate()
    if on < today:
        return (
            "Choose today or a later day: a check cannot answer for a day in the past "
            "(earlier answers are in the clinic's check history)."
        )
    latest = latest_day_to_check(today)
    if on > latest:
        return (
            f"Choose a day up to {MAX_MONTHS_AHEAD} months ahead "
            f"(until {day_label(latest)}): further out, expiries are not known yet."
        )
    return None


def _who(actor: Actor, channel: str, api_token: ApiToken | None) -> str:
    """Who checked, in words kept on the record."""
    if channel == EligibilityCheck.Channel.API:
        assert api_token is not None  # noqa: S101 - checked by the caller above
        return f"API token “{api_token.name}” ({api_token.prefix}…)"
    user = actor.person()
    return f"{user.name} ({user.email})" if user.name else user.email


def _check_actor(*, actor: Actor, clinic: Clinic, channel: str, api_token: ApiToken | None) -> None:
    if channel == EligibilityCheck.Channel.PAGE:
        if api_token is not None or actor.kind != ActorKind.USER:
            raise DomainError("A check from the check page is made by a signed-in clinic admin.")
        user = actor.person()
        if not ClinicMembership.objects.filter(clinic=clinic, user=user).exists():
            raise DomainError(f"Only an admin of {clinic.name} can check for it.")
    elif channel == EligibilityCheck.Channel.API:
        if api_token is None or actor.kind != ActorKind.API_TOKEN:
            raise DomainError("A check through the API is made with one of the clinic's tokens.")
        if api_token.clinic_id != clinic.pk:
            raise DomainError("This token belongs to another clinic.")
        if not api_token.is_active:
            raise DomainError("This token has been revoked.")
    else:
        raise DomainError(f"Unknown channel {channel!r}.")


def eligibility_check_record(
    *,
    actor: Actor,
    clinic: Clinic,
    trainers: Sequence[TrainerProfile],
    area_ids: Sequence[int] | None,
    on: dt.date,
    channel: str,
    api_token: ApiToken | None = None,
) -> tuple[EligibilityCheck, dict[int, dict[int, Eligibility]]]:
    """Answer for `trainers` (all sharing with `clinic`) in `area_ids` (None: every area) on
    `on`, and store the answers as the clinic's check. Returns the check and the answers by
    trainer id and area id, as `eligibility_for` gave them.

    Refuses (DomainError) a trainer who does not share their record with the clinic now, a day
    in the past or more than a year ahead, and an actor who does not act for the clinic.
    """
    if not trainers:
        raise DomainError("Choose at least one trainer to check.")
    refusal = check_day_refusal(on)
    if refusal:
        raise DomainError(refusal, field="on")
    _check_actor(actor=actor, clinic=clinic, channel=channel, api_token=api_token)
    checked_by_label = _who(actor, channel, api_token)
    ids = list(dict.fromkeys(t.pk for t in trainers))

    with transaction.atomic():
        # Sharing is read in the transaction that stores the answers, and the names with it
        # (one query, whatever the number of trainers): a trainer who stopped sharing a moment
        # ago is refused, not answered for.
        names = {
            pk: name or email
            for pk, name, email in shared_trainers(clinic)
            .filter(pk__in=ids)
            .values_list("pk", "user__name", "user__email")
        }
        if len(names) < len(ids):
            missing = len(ids) - len(names)
            raise DomainError(
                "This trainer does not share their record with "
                f"{clinic.name} (any more), so it cannot check them."
                if missing == 1 and len(ids) == 1
                else f"{missing} of these trainers do not share their record with "
                f"{clinic.name}, so it cannot check them."
            )
        answers = eligibility_for(ids, on=on, area_ids=area_ids)
        found = [e for by_area in answers.values() for e in by_area.values()]
        versions = {e.rules_version for e in found}
        if len(versions) > 1:  # one evaluation, one rules version: anything else is a bug
            raise RuntimeError(f"One check answered under several rules versions: {versions}")
        rules = (
            PathwayRules.objects.get(version=versions.pop())
            if versions
            else PathwayRules.objects.order_by("-version").first()
        )
        if rules is None:
            raise DomainError("The pathway rules are not set up yet; ask programme staff.")
        as_at = min((e.as_at for e in found), default=timezone.now())
        check = EligibilityCheck.objects.create(
            clinic=clinic,
            channel=channel,
            checked_by=actor.user,
            api_token=api_token,
            checked_by_label=checked_by_label[:254],
            clinic_name=clinic.name,
            checked_at=as_at,
            on_date=on,
            rules=rules,
        )
        EligibilityAnswer.objects.bulk_create(
            [
                EligibilityAnswer(
                    check_run=check,
                    trainer_id=trainer_id,
                    condition_area_id=area_id,
                    trainer_name=names[trainer_id][:150],
                    area_name=e.area.name[:100],
                    status=str(e.status),
                    reasons=list(e.reasons),
                    holds_until=e.holds_until,
                    mentor_name=e.mentor_name[:150],
                )
                for trainer_id, by_area in answers.items()
                for area_id, e in by_area.items()
            ]
        )
        counts: dict[str, int] = {}
        for e in found:
            counts[str(e.status)] = counts.get(str(e.status), 0) + 1
        record_event(
            actor=actor,
            action="eligibility.check",
            target=check,
            target_label=_target_label(check, names),
            after={
                "clinic": str(clinic.public_id),
                "channel": channel,
                "on": on.isoformat(),
                "trainers": len(ids),
                "areas": sorted({e.area.slug for e in found}),
                "answers": counts,
                "rules_version": rules.version,
            },
        )
    return check, answers


def _target_label(check: EligibilityCheck, names: dict[int, str]) -> str:
    who = next(iter(names.values())) if len(names) == 1 else f"{len(names)} trainers"
    return f"{check.clinic_name}: {who}, for {day_label(check.on_date)}"[:255]


def eligibility_check_export(*, actor: Actor, check: EligibilityCheck) -> None:
    """Audit the download of a check's PDF record (the file itself is rendered on demand)."""
    with transaction.atomic():
        record_event(
            actor=actor,
            action="eligibility.export",
            target=check,
            target_label=f"PDF record of the check {check.public_id}",
            after={"format": "pdf", "clinic": str(check.clinic.public_id)},
        )
