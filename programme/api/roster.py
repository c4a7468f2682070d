"""The API's reads of the roster: parameters checked, pages cut, answers stored as checks.

Every answer the API gives about a trainer goes through the eligibility check service
(`eligibility_check_record`, channel "api"): the check is stored and audited with the token
as the actor before the answer leaves. A page of the roster is one check of the trainers on
it.
"""

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from programme.api.auth import ApiCaller
from programme.api.problems import ApiProblem
from programme.clinics.access import shared_trainers
from programme.eligibility.selectors import eligibility_for
from programme.eligibility.services import check_day_refusal, eligibility_check_record
from programme.models import EligibilityCheck
from programme.pathway.results import Eligibility
from qualifications.models import ConditionArea
from rehabpath.errors import DomainError
from trainers.models import TrainerProfile


def invalid(location: str, message: str) -> ApiProblem:
    """A 422 shaped like ninja's own validation problems (`errors` with `loc` and `msg`)."""
    return ApiProblem(
        422,
        "invalid-request",
        f"query.{location}: {message}",
        errors=[{"loc": ["query", location], "msg": message}],
    )


def day_asked(on: dt.date | None) -> dt.date:
    day = on or timezone.localdate()
    refusal = check_day_refusal(day)
    if refusal:
        raise invalid("on", refusal)
    return day


def area_ids_asked(slug: str | None) -> list[int] | None:
    """[the area's id] for a slug, None (every area) without one."""
    if slug is None:
        return None
    pk = ConditionArea.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        raise invalid("area", f"No condition area has the slug {slug!r}: GET /areas lists them.")
    return [pk]


def encode_cursor(public_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(public_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> uuid.UUID | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return uuid.UUID(bytes=raw)
    except (binascii.Error, ValueError):
        raise invalid("cursor", "This is not a cursor the API gave: follow `next`.") from None


def record_check(
    caller: ApiCaller, trainers: Sequence[TrainerProfile], area_ids: list[int] | None, on: dt.date
) -> tuple[EligibilityCheck, dict[int, dict[int, Eligibility]]]:
    try:
        return eligibility_check_record(
            actor=caller.actor,
            clinic=caller.clinic,
            trainers=trainers,
            area_ids=area_ids,
            on=on,
            channel=EligibilityCheck.Channel.API,
            api_token=caller.token,
        )
    except DomainError as error:
        # A trainer who stopped sharing between the list and the check, most likely.
        raise ApiProblem(409, "conflict", error.message) from None


@dataclass(frozen=True)
class RosterPage:
    trainers: list[TrainerProfile]
    more: bool


def roster_page(
    caller: ApiCaller,
    *,
    after: uuid.UUID | None,
    limit: int,
    status: str | None,
    area_ids: list[int] | None,
    on: dt.date,
) -> RosterPage:
    """The shared trainers after the cursor, by public id; with `status`, only those with that
    answer in an area asked about (which takes evaluating every one after the cursor)."""
    rows: QuerySet[TrainerProfile] = (
        shared_trainers(caller.clinic).select_related("user").order_by("public_id")
    )
    if after is not None:
        rows = rows.filter(public_id__gt=after)
    if status is None:
        found = list(rows[: limit + 1])
    else:
        candidates = list(rows)
        answers = eligibility_for([t.pk for t in candidates], on=on, area_ids=area_ids)
        found = [
            t for t in candidates if any(e.status == status for e in answers.get(t.pk, {}).values())
        ][: limit + 1]
    return RosterPage(trainers=found[:limit], more=len(found) > limit)
