"""What the API answers, as its OpenAPI schema describes it."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

StatusValue = Literal["eligible", "supervised_only", "not_eligible"]


class AreaOut(Schema):
    slug: str = Field(description="Pass it as `area` to ask about this area alone.")
    name: str


class AreasOut(Schema):
    items: list[AreaOut]


class AnswerOut(Schema):
    """The answer for one trainer and one condition area, as the stored check keeps it."""

    area: AreaOut
    status: StatusValue = Field(
        description="eligible; supervised_only (only under the mentor named); not_eligible."
    )
    status_label: str = Field(description="The status in plain words.")
    reasons: list[str] = Field(description="Every reason for the answer, in plain words.")
    on: dt.date = Field(description="The day asked about.")
    as_at: dt.datetime = Field(description="When the answer was computed.")
    holds_until: dt.date | None = Field(
        description="The last day the answer holds on what is known now (the earliest expiry "
        "or end of assignment that would change it); null when nothing known ends it."
    )
    rules_version: int = Field(description="The version of the pathway rules applied.")
    mentor_name: str | None = Field(
        description="supervised_only: the current mentor the trainer must work under."
    )


class TrainerOut(Schema):
    id: uuid.UUID = Field(description="The trainer's public id (use it in the trainer's URL).")
    name: str


class TrainerEligibilityOut(Schema):
    trainer: TrainerOut
    eligibility: list[AnswerOut] = Field(description="One answer per condition area asked.")
    check_id: uuid.UUID = Field(description="The stored check that holds these answers.")


class RosterItem(Schema):
    trainer: TrainerOut
    eligibility: list[AnswerOut]


class RosterOut(Schema):
    items: list[RosterItem]
    check_id: uuid.UUID | None = Field(
        description="The stored check of the trainers on this page; null for an empty page."
    )
    on: dt.date = Field(description="The day asked about.")
    next: str | None = Field(
        description="The URL of the next page (same filters); null on the last page."
    )


class Problem(Schema):
    """RFC 9457 problem details, sent as application/problem+json."""

    type: str
    title: str
    status: int
    detail: str


class ParameterError(Schema):
    loc: list[str | int]
    msg: str


class ValidationProblem(Problem):
    errors: list[ParameterError]
