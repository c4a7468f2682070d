"""The operations of /api/v1/: condition areas, the roster, one trainer's eligibility."""

from django.http import HttpRequest
from ninja import Router

from programme.api.auth import caller_of
from programme.api.schemas import AreasOut, Problem
from qualifications.models import ConditionArea

router = Router(tags=["eligibility"])

# The problems every operation may answer (schemathesis checks each response against them).
COMMON_ERRORS: dict[int, type[Problem]] = {401: Problem, 429: Problem}


@router.get(
    "/areas",
    response={200: AreasOut, **COMMON_ERRORS},
    summary="The condition areas",
    description="Every condition area the programme recognises trainers for.",
)
def list_areas(request: HttpRequest) -> AreasOut:
    # A read of the catalogue, not of anyone's record: not a check and not audited (the
    # token's last_used_at still shows the call).
    caller_of(request)
    areas = ConditionArea.objects.order_by("position", "name").values("slug", "name")
    return AreasOut.model_validate({"items": list(areas)})
