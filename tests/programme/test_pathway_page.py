"""The trainer's pathway page and the dashboard's summary of it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from programme.pathway.presenting import action_for, dashboard_lines, evidence_url, pathway_page
from programme.pathway.results import Evidence, EvidenceKind, Outcome, RequirementResult
from programme.pathway.rules import DEFAULT_DEFINITION
from programme.pathway.selectors import pathway_for
from qualifications.models import ConditionArea
from tests import factories
from tests import pathway_builders as pb

TODAY = dt.date(2026, 6, 15)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def areas(db):
    stroke = pb.stroke()
    parkinsons, _ = ConditionArea.objects.get_or_create(
        slug="parkinsons", defaults={"name": "Parkinson's", "position": 2}
    )
    return stroke, parkinsons


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("programme:pathway"))


# --- Arrangement (no database) ------------------------------------------------------------


def _result(kind, outcome, evidence=()):
    requirement = next(r for r in DEFAULT_DEFINITION.all_requirements() if r.kind == kind)
    return RequirementResult(
        requirement=requirement,
        outcome=outcome,
        explanation="",
        next_step="Do it.",
        evidence=evidence,
    )


def test_an_expiring_record_is_renewed_on_its_own_page():
    import uuid

    from programme.pathway.rules import Kind

    pid = uuid.uuid4()
    evidence = (Evidence(EvidenceKind.INSURANCE, "Hiscox", public_id=pid),)
    link = action_for(_result(Kind.INSURANCE, Outcome.EXPIRING, evidence))
    assert link.url == reverse("trainers:insurance_detail", kwargs={"public_id": pid})
    assert link.label == "Open the record"


def test_an_unmet_requirement_links_to_the_page_where_it_is_met():
    from programme.pathway.rules import Kind

    assert action_for(_result(Kind.SCOPE_DECLARATION, Outcome.UNMET)).url == reverse(
        "mentorship:scope"
    )
    assert action_for(_result(Kind.SUPERVISED_SESSIONS, Outcome.UNMET)).url == reverse(
        "mentorship:sessions"
    )
    assert action_for(_result(Kind.INSURANCE, Outcome.MET)) is None


def test_evidence_links_to_the_record_behind_it():
    import uuid

    pid = uuid.uuid4()
    cases = {
        EvidenceKind.QUALIFICATION: reverse(
            "qualifications:qualification_detail", kwargs={"public_id": pid}
        ),
        EvidenceKind.DBS: reverse("trainers:dbs_detail", kwargs={"public_id": pid}),
        EvidenceKind.CPD: reverse("qualifications:cpd_detail", kwargs={"public_id": pid}),
        EvidenceKind.MEETING: reverse("mentorship:meeting", kwargs={"public_id": pid}),
        EvidenceKind.SCOPE: reverse("mentorship:scope"),
        EvidenceKind.ASSIGNMENT: None,
    }
    for kind, url in cases.items():
        assert evidence_url(Evidence(kind, "x", public_id=pid)) == url
    # A count with no single record opens the list it counts.
    assert evidence_url(Evidence(EvidenceKind.CPD, "CPD year")) == reverse(
        "qualifications:cpd_list"
    )


# --- The page ----------------------------------------------------------------------------


def test_a_supervised_trainer_sees_their_area_open_and_the_others_folded(client, areas):
    stroke, parkinsons = areas
    trainer = pb.supervised_trainer(stroke, today=TODAY)

    response = _page(client, trainer.user)

    page = response.context["page"]
    assert [a.pathway.area.name for a in page.open_areas] == ["Stroke"]
    assert [a.pathway.area.name for a in page.other_areas] == ["Parkinson's"]
    html = response.content.decode()
    assert "What to do next" in html
    assert "Log supervised sessions in Stroke for sign-off" in html
    assert f'href="{reverse("mentorship:sessions")}"' in html
    assert 'aria-current="step"' in html  # the current stage of the timeline
    assert "Stage 3 of 5 reached: Neuro specialist in training" in html
    assert f"Rules version {page.result.rules_version}" in html


def test_a_recognised_trainer_has_nothing_to_do(client, areas):
    trainer = pb.recognised_trainer(areas[0], today=TODAY)

    html = _page(client, trainer.user).content.decode()

    assert "You are recognised for Stroke" in html
    assert "Nothing right now" in html


def test_records_expiring_soon_are_listed_with_their_dates(client, areas):
    trainer = pb.recognised_trainer(areas[0], today=TODAY)
    insurance = trainer.insurances.get()
    insurance.expires_on = TODAY + dt.timedelta(days=40)
    insurance.save()

    response = _page(client, trainer.user)

    (expiring,) = response.context["page"].expiring
    assert expiring.result.holds_until == TODAY + dt.timedelta(days=40)
    html = response.content.decode()
    assert "Expiring within 90 days" in html and "25 Jul 2026" in html
    url = reverse("trainers:insurance_detail", kwargs={"public_id": insurance.public_id})
    assert f'href="{url}"' in html


def test_a_new_trainer_starts_with_the_foundation(client, areas):
    trainer = pb.new_trainer(today=TODAY)

    response = _page(client, trainer.user)

    page = response.context["page"]
    assert [a.pathway.area.name for a in page.open_areas] == ["Stroke"]  # the first area
    assert page.steps[0].action.url == reverse("trainers:records")
    assert "Personal Training" in response.content.decode()


def test_a_suspended_trainer_is_told_so(client, areas):
    trainer = pb.recognised_trainer(areas[0], today=TODAY, status="suspended")
    assert "Your account is suspended" in _page(client, trainer.user).content.decode()


@pytest.mark.parametrize("records", [1, 8])
def test_the_pathway_page_runs_a_fixed_number_of_queries(
    client, areas, records, django_assert_num_queries
):
    trainer = pb.supervised_trainer(areas[0], today=TODAY)
    for _ in range(records):
        pb.give_cpd(trainer, areas=areas, today=TODAY)
        factories.TrainerQualificationFactory(trainer=trainer)
        factories.InsuranceFactory(trainer=trainer)
    client.force_login(trainer.user)
    client.get(reverse("programme:pathway"))
    # the signed-in user; the rules in force; the trainer's facts (eleven); the condition
    # areas; the CPD policy.
    with django_assert_num_queries(15):
        assert client.get(reverse("programme:pathway")).status_code == 200


@pytest.mark.parametrize("persona", ["mentor_user", "clinic_admin_user", "staff_user"])
def test_only_trainers_have_a_pathway_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programme:pathway")).status_code == 403


def test_the_trainer_menu_has_the_pathway(client, trainer_user):
    html = _page(client, trainer_user).content.decode()
    assert f'<a href="{reverse("programme:pathway")}" aria-current="page">Pathway</a>' in html


# --- The dashboard ---------------------------------------------------------------------------


def test_the_dashboard_summarises_the_areas_worked_towards(client, areas):
    trainer = pb.supervised_trainer(areas[0], today=TODAY)

    (line,) = dashboard_lines(pathway_for(trainer))
    assert line.name == "Stroke" and line.summary.startswith("Stage 3 of 5 reached")
    assert line.next_step.startswith("Log supervised sessions in Stroke")

    client.force_login(trainer.user)
    client.get(reverse("home"))
    html = client.get(reverse("home")).content.decode()
    assert "Your pathway" in html and "Stage 3 of 5 reached" in html
    assert f'href="{reverse("programme:pathway")}"' in html


def test_pathway_page_arrangement_keeps_every_area():
    # A result with no areas (an empty catalogue) still makes a page.
    from programme.pathway.results import PathwayResult

    page = pathway_page(PathwayResult(1, TODAY, 1, ()), expiring_days=90)
    assert page.open_areas == () and page.steps == () and page.compliance == ()
