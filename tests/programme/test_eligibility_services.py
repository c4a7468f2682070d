"""eligibility_check_record: the answers stored as the clinic's record, audited, and refusals."""

import datetime as dt

import pytest
import time_machine

from programme.eligibility.services import eligibility_check_export, eligibility_check_record
from programme.models import EligibilityAnswer, EligibilityCheck, PathwayRules
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import ActorKind, AuditEvent
from tests import factories
from tests.programme.eligibility_helpers import (
    api_token,
    clinic_of,
    share,
    shared_trainers,
    stop_sharing,
)

NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def areas(db):
    return [
        factories.ConditionAreaFactory(slug="stroke", name="Stroke"),
        factories.ConditionAreaFactory(slug="parkinsons", name="Parkinson's"),
    ]


@pytest.fixture
def clinic(clinic_admin_user):
    return clinic_of(clinic_admin_user)


@pytest.fixture
def shared(clinic, trainer_user):
    share(trainer_user.trainer_profile, clinic)
    return trainer_user.trainer_profile


def _record(admin, clinic, trainers, **kwargs):
    options = {"area_ids": None, "on": TODAY, "channel": EligibilityCheck.Channel.PAGE}
    return eligibility_check_record(
        actor=Actor.for_user(admin), clinic=clinic, trainers=trainers, **(options | kwargs)
    )


def test_a_check_stores_every_answer_as_given_with_its_reasons(
    clinic_admin_user, clinic, shared, areas
):
    check, answers = _record(clinic_admin_user, clinic, [shared])

    stored = {a.condition_area_id: a for a in EligibilityAnswer.objects.filter(check_run=check)}
    given = answers[shared.pk]
    assert set(stored) == set(given) == {a.pk for a in areas}
    for area_id, answer in given.items():
        row = stored[area_id]
        assert row.status == answer.status
        assert row.reasons == list(answer.reasons) and row.reasons
        assert row.holds_until == answer.holds_until
        assert row.mentor_name == answer.mentor_name
        assert row.trainer_name == shared.user.name
        assert row.area_name == answer.area.name
    version = next(iter(given.values())).rules_version
    assert check.rules == PathwayRules.objects.get(version=version)
    assert check.on_date == TODAY
    assert check.checked_at == NOW
    assert check.checked_by == clinic_admin_user
    assert clinic_admin_user.email in check.checked_by_label
    assert check.clinic_name == clinic.name
    assert check.channel == "page" and check.api_token is None


def test_a_check_of_one_area_stores_that_area_only(clinic_admin_user, clinic, shared, areas):
    check, answers = _record(clinic_admin_user, clinic, [shared], area_ids=[areas[1].pk])

    assert list(answers[shared.pk]) == [areas[1].pk]
    assert list(check.answers.values_list("area_name", flat=True)) == ["Parkinson's"]


def test_a_check_of_many_trainers_is_one_check(clinic_admin_user, clinic, areas):
    trainers = shared_trainers(clinic, 3)

    check, answers = _record(clinic_admin_user, clinic, trainers)

    assert EligibilityCheck.objects.count() == 1
    assert set(answers) == {t.pk for t in trainers}
    assert check.answers.count() == 3 * len(areas)


def test_a_check_is_audited_with_the_clinic_admin_as_actor(
    clinic_admin_user, clinic, shared, areas
):
    check, _ = _record(clinic_admin_user, clinic, [shared], area_ids=[areas[0].pk])

    event = AuditEvent.objects.get(action="eligibility.check")
    assert event.actor == clinic_admin_user
    assert event.actor_kind == ActorKind.USER
    assert event.target_id == str(check.public_id)
    assert event.target_type == "programme.eligibilitycheck"
    assert event.after["trainers"] == 1
    assert event.after["areas"] == ["stroke"]
    assert event.after["on"] == "2026-06-01"
    assert event.after["rules_version"] == check.rules.version
    assert sum(event.after["answers"].values()) == 1
    assert shared.user.name in event.target_label


def test_an_api_check_names_the_token_and_is_audited_as_the_token(
    clinic_admin_user, clinic, shared, areas
):
    token = api_token(clinic)
    actor = Actor.api_token(token_label=token.name, user=None, ip_address="192.0.2.1")

    check, _ = eligibility_check_record(
        actor=actor,
        clinic=clinic,
        trainers=[shared],
        area_ids=None,
        on=TODAY,
        channel=EligibilityCheck.Channel.API,
        api_token=token,
    )

    assert check.channel == "api" and check.api_token == token and check.checked_by is None
    assert token.prefix in check.checked_by_label and "Rota system" in check.checked_by_label
    event = AuditEvent.objects.get(action="eligibility.check")
    assert event.actor_kind == ActorKind.API_TOKEN
    assert event.actor_label.startswith("API token Rota system")
    assert event.ip_address == "192.0.2.1"


def _nothing_stored():
    return (
        not EligibilityCheck.objects.exists()
        and not AuditEvent.objects.filter(action="eligibility.check").exists()
    )


def test_a_trainer_who_does_not_share_is_refused(
    clinic_admin_user, clinic, other_trainer_user, areas
):
    with pytest.raises(DomainError, match="does not share"):
        _record(clinic_admin_user, clinic, [other_trainer_user.trainer_profile])

    assert _nothing_stored()


def test_a_trainer_who_stopped_sharing_is_refused(clinic_admin_user, clinic, shared, areas):
    stop_sharing(shared, clinic)

    with pytest.raises(DomainError, match="does not share"):
        _record(clinic_admin_user, clinic, [shared])

    assert _nothing_stored()


def test_one_trainer_not_sharing_refuses_the_whole_check(
    clinic_admin_user, clinic, shared, other_trainer_user, areas
):
    with pytest.raises(DomainError, match="1 of these trainers"):
        _record(clinic_admin_user, clinic, [shared, other_trainer_user.trainer_profile])

    assert _nothing_stored()


def test_a_trainer_sharing_with_another_clinic_only_is_refused(
    clinic_admin_user, other_clinic_admin_user, clinic, trainer_user, areas
):
    share(trainer_user.trainer_profile, clinic_of(other_clinic_admin_user))

    with pytest.raises(DomainError, match="does not share"):
        _record(clinic_admin_user, clinic, [trainer_user.trainer_profile])


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        (dt.date(2026, 5, 31), "cannot answer for a day in the past"),
        (dt.date(2026, 6, 1), None),
        (dt.date(2027, 6, 1), None),
        (dt.date(2027, 6, 2), "up to 12 months ahead"),
    ],
)
def test_a_check_asks_about_today_or_up_to_a_year_ahead(
    clinic_admin_user, clinic, shared, areas, day, refused
):
    if refused is None:
        check, _ = _record(clinic_admin_user, clinic, [shared], on=day)
        assert check.on_date == day
        return
    with pytest.raises(DomainError, match=refused) as error:
        _record(clinic_admin_user, clinic, [shared], on=day)
    assert error.value.field == "on"
    assert _nothing_stored()


def test_a_page_check_by_someone_who_is_not_the_clinics_admin_is_refused(
    other_clinic_admin_user, clinic, shared, areas
):
    with pytest.raises(DomainError, match="Only an admin"):
        _record(other_clinic_admin_user, clinic, [shared])

    assert _nothing_stored()


@pytest.mark.parametrize("which", ["revoked", "other_clinic", "missing"])
def test_an_api_check_needs_an_active_token_of_the_clinic(
    clinic, shared, other_clinic_admin_user, areas, which
):
    token = {
        "revoked": lambda: api_token(clinic, revoked=True),
        "other_clinic": lambda: api_token(clinic_of(other_clinic_admin_user)),
        "missing": lambda: None,
    }[which]()
    actor = Actor.api_token(token_label="x", user=None, ip_address=None)

    with pytest.raises(DomainError):
        eligibility_check_record(
            actor=actor,
            clinic=clinic,
            trainers=[shared],
            area_ids=None,
            on=TODAY,
            channel=EligibilityCheck.Channel.API,
            api_token=token,
        )

    assert _nothing_stored()


def test_a_check_needs_a_trainer(clinic_admin_user, clinic, areas):
    with pytest.raises(DomainError, match="at least one trainer"):
        _record(clinic_admin_user, clinic, [])


def test_downloading_the_record_is_audited(clinic_admin_user, clinic, shared, areas):
    check, _ = _record(clinic_admin_user, clinic, [shared])

    eligibility_check_export(actor=Actor.for_user(clinic_admin_user), check=check)

    event = AuditEvent.objects.get(action="eligibility.export")
    assert event.actor == clinic_admin_user
    assert event.target_id == str(check.public_id)
