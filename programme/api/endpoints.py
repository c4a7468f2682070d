"""The operations of /api/v1/: condition areas, the roster, one trainer's eligibility."""

import datetime as dt
import uuid
from typing import Annotated
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router
from ninja.params.functions import Path, Query

from programme.api import roster
from programme.api.auth import caller_of
from programme.api.schemas import (
    AnswerOut,
    AreasOut,
    Problem,
    RosterItem,
    RosterOut,
    StatusValue,
    TrainerEligibilityOut,
    TrainerOut,
    ValidationProblem,
)
from programme.clinics.access import get_shared_trainer
from programme.pathway.results import Eligibility
from qualifications.models import ConditionArea
from trainers.models import TrainerProfile

router = Router(tags=["eligibility"])

# The problems every operation may answer (schemathesis checks each response against them).
COMMON_ERRORS: dict[int, type[Problem]] = {401: Problem, 429: Problem}
ASKING_ERRORS: dict[int, type[Problem]] = {
    **COMMON_ERRORS,
    409: Problem,
    422: ValidationProblem,
}
MAX_LIMIT = 100

Area = Annotated[
    str | None,
    Query(
        description="A condition area's slug (GET /areas); every area without it.", max_length=50
    ),
]
On = Annotated[
    dt.date | None,
    Query(
        description="The day asked about: today by default, or a later day (up to a year "
        "ahead) to plan a rota. A past day is refused."
    ),
]


@router.get(
    "/areas",
    response={200: AreasOut, **COMMON_ERRORS},
    operation_id="listAreas",
    summary="The condition areas",
    description="Every condition area the programme recognises trainers for.",
)
def list_areas(request: HttpRequest) -> AreasOut:
    # A read of the catalogue, not of anyone's record: not a check and not audited (the
    # token's last_used_at still shows the call).
    caller_of(request)
    areas = ConditionArea.objects.order_by("position", "name").values("slug", "name")
    return AreasOut.model_validate({"items": list(areas)})


@router.get(
    "/trainers",
    response={200: RosterOut, **ASKING_ERRORS},
    operation_id="listTrainers",
    summary="The roster: every shared trainer's eligibility",
    description="The trainers who share their record with your clinic, by their public id, "
    "a page at a time, with their eligibility in each condition area (or in `area`). With "
    "`status`, only the trainers who have that answer in an area asked about. Each page is "
    "stored as one check of the trainers on it (`check_id`).",
)
def list_trainers(
    request: HttpRequest,
    area: Area = None,
    on: On = None,
    status: Annotated[
        StatusValue | None, Query(description="Only trainers with this answer.")
    ] = None,
    cursor: Annotated[
        str | None,
        Query(description="Where the page starts: the `next` of the page before.", max_length=64),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Trainers a page (at most 100).")
    ] = 50,
) -> RosterOut:
    caller = caller_of(request)
    day = roster.day_asked(on)
    area_ids = roster.area_ids_asked(area)
    page = roster.roster_page(
        caller,
        after=roster.decode_cursor(cursor),
        limit=limit,
        status=status,
        area_ids=area_ids,
        on=day,
    )
    items: list[RosterItem] = []
    check_id = None
    if page.trainers:
        check, answers = roster.record_check(caller, page.trainers, area_ids, day)
        check_id = check.public_id
        items = [
            RosterItem(trainer=_trainer(t), eligibility=_answers(answers[t.pk]))
            for t in page.trainers
            if t.pk in answers
        ]
    next_url = None
    if page.more:
        query = {"on": day.isoformat(), "limit": limit}
        query |= {"area": area} if area is not None else {}
        query |= {"status": status} if status is not None else {}
        query["cursor"] = roster.encode_cursor(page.trainers[-1].public_id)
        next_url = request.build_absolute_uri(
            reverse("api_v1:list_trainers") + "?" + urlencode(query)
        )
    return RosterOut(items=items, check_id=check_id, on=day, next=next_url)


@router.get(
    "/trainers/{public_id}/eligibility",
    response={200: TrainerEligibilityOut, 404: Problem, **ASKING_ERRORS},
    operation_id="getTrainerEligibility",
    summary="One trainer's eligibility",
    description="The eligibility of one trainer who shares their record with your clinic, in "
    "each condition area (or in `area`), stored as a check. A trainer who does not share "
    "with your clinic, or no longer does, is a 404.",
)
def trainer_eligibility(
    request: HttpRequest,
    public_id: Annotated[uuid.UUID, Path(description="The trainer's public id.")],
    area: Area = None,
    on: On = None,
) -> TrainerEligibilityOut:
    caller = caller_of(request)
    trainer = get_shared_trainer(caller.clinic, public_id)
    day = roster.day_asked(on)
    area_ids = roster.area_ids_asked(area)
    check, answers = roster.record_check(caller, [trainer], area_ids, day)
    return TrainerEligibilityOut(
        trainer=_trainer(trainer),
        eligibility=_answers(answers.get(trainer.pk, {})),
        check_id=check.public_id,
    )


def _trainer(trainer: TrainerProfile) -> TrainerOut:
    return TrainerOut(id=trainer.public_id, name=trainer.user.name or trainer.user.email)


def _answers(by_area: dict[int, Eligibility]) -> list[AnswerOut]:
    return [
        AnswerOut.model_validate(
            {
                "area": {"slug": e.area.slug, "name": e.area.name},
                "status": str(e.status),
                "status_label": e.status.label,
                "reasons": list(e.reasons),
                "on": e.on,
                "as_at": e.as_at,
                "holds_until": e.holds_until,
                "rules_version": e.rules_version,
                "mentor_name": e.mentor_name or None,
            }
        )
        for e in by_area.values()
    ]
