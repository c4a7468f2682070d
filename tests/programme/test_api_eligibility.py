"""The API's answers: one trainer, the roster with its pages, every call a stored check."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from programme.models import EligibilityAnswer, EligibilityCheck
from rehabpath.audit import Actor
from rehabpath.models import ActorKind, AuditEvent
from tests import factories, pathway_builders
from tests.programme.api_support import assert_problem, call, clinic_token
from trainers.clinics import share_stop

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
ROSTER = "/api/v1/trainers"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def token():
    return clinic_token()


def eligibility_url(trainer):
    return f"/api/v1/trainers/{trainer.public_id}/eligibility"


def shared(token, trainer):
    factories.ClinicShareFactory(trainer=trainer, clinic=token[0].clinic)
    return trainer


BUILDERS = {
    "eligible": pathway_builders.recognised_trainer,
    "supervised_only": pathway_builders.supervised_trainer,
    "not_eligible": pathway_builders.not_eligible_trainer,
}


@pytest.mark.parametrize("status", BUILDERS)
def test_one_trainers_answer_is_stored_as_a_check_by_the_token(client, token, status):
    api_token, secret = token
    trainer = shared(token, BUILDERS[status](today=TODAY))

    response = call(client, eligibility_url(trainer), secret, area="stroke")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["trainer"] == {"id": str(trainer.public_id), "name": trainer.user.name}
    [answer] = body["eligibility"]
    assert answer["area"] == {"slug": "stroke", "name": "Stroke"}
    assert answer["status"] == status
    assert answer["reasons"] and all(isinstance(r, str) for r in answer["reasons"])
    assert answer["on"] == "2026-12-01"
    assert answer["as_at"].startswith("2026-12-01T10:30:00")
    assert answer["rules_version"] == 1
    if status == "supervised_only":
        mentor = trainer.mentor_assignments.get().mentor.user
        assert answer["mentor_name"] == mentor.name
    else:
        assert answer["mentor_name"] is None
    if status == "not_eligible":
        assert answer["holds_until"] is None
    else:
        assert dt.date.fromisoformat(answer["holds_until"]) > TODAY

    check = EligibilityCheck.objects.get(public_id=body["check_id"])
    assert check.channel == "api" and check.api_token == api_token
    assert check.clinic == api_token.clinic and check.on_date == TODAY
    stored = EligibilityAnswer.objects.get(check_run=check)
    assert (stored.trainer, stored.status, stored.reasons) == (trainer, status, answer["reasons"])
    event = AuditEvent.objects.get(action="eligibility.check", target_id=str(check.public_id))
    assert event.actor_kind == ActorKind.API_TOKEN
    assert event.actor == api_token.created_by
    assert "Rota system" in event.actor_label and api_token.prefix in event.actor_label


def test_every_area_without_area_and_a_later_day_to_plan_a_rota(client, token):
    _, secret = token
    other = factories.ConditionAreaFactory(slug="parkinsons", name="Parkinson's", position=2)
    trainer = shared(token, pathway_builders.recognised_trainer(today=TODAY))

    body = call(client, eligibility_url(trainer), secret, on="2027-02-01").json()

    by_area = {a["area"]["slug"]: a for a in body["eligibility"]}
    assert set(by_area) == {"stroke", other.slug}
    assert by_area["stroke"]["status"] == "eligible"
    assert by_area["parkinsons"]["status"] == "not_eligible"
    assert {a["on"] for a in body["eligibility"]} == {"2027-02-01"}


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"on": "2026-11-30"}, "on"),  # the past
        ({"on": "2028-01-01"}, "on"),  # beyond a year ahead
        ({"on": "yesterday"}, "on"),
        ({"area": "no-such-area"}, "area"),
    ],
)
def test_a_day_or_area_it_cannot_answer_for_is_a_problem(client, token, params, location):
    _, secret = token
    trainer = shared(token, pathway_builders.new_trainer(today=TODAY))

    body = assert_problem(call(client, eligibility_url(trainer), secret, **params), 422)

    assert body["type"].endswith("#problem-invalid-request")
    assert any(location in error["loc"] for error in body["errors"])
    assert not EligibilityCheck.objects.exists()


def test_a_trainer_the_clinic_does_not_see_is_not_found(client, token):
    _, secret = token
    unshared = pathway_builders.new_trainer(today=TODAY)
    elsewhere = pathway_builders.new_trainer(today=TODAY)
    factories.ClinicShareFactory(trainer=elsewhere)  # with another clinic
    stopped = shared(token, pathway_builders.new_trainer(today=TODAY))
    share_stop(actor=Actor.for_user(stopped.user), share=stopped.clinic_shares.get())

    for trainer in (unshared, elsewhere, stopped):
        body = assert_problem(call(client, eligibility_url(trainer), secret), 404)
        assert body["type"].endswith("#problem-not-found")
    # Not a public id at all: a parameter problem.
    assert_problem(call(client, "/api/v1/trainers/not-a-uuid/eligibility", secret), 422)
    assert_problem(
        call(client, "/api/v1/trainers/00000000-0000-0000-0000-000000000000/eligibility", secret),
        404,
    )
    assert not EligibilityCheck.objects.exists()


def test_another_clinics_token_sees_none_of_our_trainers(client, token):
    ours = shared(token, pathway_builders.new_trainer(today=TODAY))
    _, their_secret = clinic_token()

    assert_problem(call(client, eligibility_url(ours), their_secret), 404)
    assert call(client, ROSTER, their_secret).json()["items"] == []


def test_the_roster_answers_for_every_shared_trainer_and_filters_by_status(client, token):
    _, secret = token
    trainers = {status: shared(token, build(today=TODAY)) for status, build in BUILDERS.items()}
    pathway_builders.recognised_trainer(today=TODAY)  # not shared

    body = call(client, ROSTER, secret, area="stroke").json()
    assert {item["trainer"]["id"] for item in body["items"]} == {
        str(t.public_id) for t in trainers.values()
    }
    assert body["next"] is None and body["on"] == "2026-12-01"
    check = EligibilityCheck.objects.get(public_id=body["check_id"])
    assert check.answers.count() == 3

    for status, trainer in trainers.items():
        filtered = call(client, ROSTER, secret, area="stroke", status=status).json()
        assert [item["trainer"]["id"] for item in filtered["items"]] == [str(trainer.public_id)]
        assert filtered["items"][0]["eligibility"][0]["status"] == status
        stored = EligibilityCheck.objects.get(public_id=filtered["check_id"])
        assert list(stored.answers.values_list("trainer", flat=True)) == [trainer.pk]


def test_a_cursor_walk_returns_every_trainer_once(client, token):
    _, secret = token
    pathway_builders.stroke()
    trainers = [shared(token, pathway_builders.new_trainer(today=TODAY)) for _ in range(25)]

    seen, pages, url, params = [], [], ROSTER, {"limit": 10}
    while url:
        body = call(client, url, secret, **params).json()
        pages.append(body)
        seen += [item["trainer"]["id"] for item in body["items"]]
        url, params = body["next"], {}
        if url:
            assert parse_qs(urlsplit(url).query)["on"] == ["2026-12-01"]

    assert [len(page["items"]) for page in pages] == [10, 10, 5]
    assert sorted(seen) == sorted(str(t.public_id) for t in trainers)
    # One check a page, of the trainers on it.
    checks = EligibilityCheck.objects.filter(public_id__in=[p["check_id"] for p in pages])
    assert sorted(c.answers.values("trainer").distinct().count() for c in checks) == [5, 10, 10]


def test_an_empty_page_stores_no_check(client, token):
    _, secret = token
    body = call(client, ROSTER, secret).json()
    assert body == {"items": [], "check_id": None, "on": "2026-12-01", "next": None}
    assert not EligibilityCheck.objects.exists()


@pytest.mark.parametrize(
    "params", [{"cursor": "not a cursor"}, {"limit": 0}, {"limit": 101}, {"status": "maybe"}]
)
def test_roster_parameters_out_of_range_are_problems(client, token, params):
    _, secret = token
    body = assert_problem(call(client, ROSTER, secret, **params), 422)
    assert body["errors"]


@pytest.fixture
def roster_of(token):
    def make(count):
        for build in BUILDERS.values():
            shared(token, build(today=TODAY))
        for _ in range(count - len(BUILDERS)):
            shared(token, factories.TrainerProfileFactory())

    return make


@pytest.mark.parametrize("size", [10, 200])
@pytest.mark.parametrize("params", [{"limit": 100}, {"limit": 100, "status": "not_eligible"}])
def test_the_roster_costs_the_same_queries_for_10_and_200_trainers(
    client, token, roster_of, django_assert_num_queries, size, params
):
    roster_of(size)
    _, secret = token
    call(client, ROSTER, secret, **params)  # the token's last use written once, off the count
    # With a status filter every shared trainer after the cursor is evaluated to pick the
    # page, then the page's trainers again by the check service: twice the evaluator's loads.
    expected = 37 if "status" in params else 23
    with django_assert_num_queries(expected):
        assert call(client, ROSTER, secret, **params).status_code == 200
