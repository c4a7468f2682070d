"""The clinic admin's pages: roster, check page, stored record, PDF record, check history."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from programme.eligibility.services import eligibility_check_record
from programme.models import EligibilityCheck
from rehabpath.audit import Actor
from rehabpath.formats import day_label
from rehabpath.models import AuditEvent
from tests import factories
from tests.programme.eligibility_helpers import clinic_of, share, shared_trainers, stop_sharing

NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 1)
# The user, the clinic, the rules, the trainers sharing and the areas, with the answers from
# the cache (the session comes from it too); eligibility_for's own 13 more when the answers
# are worked out. Neither grows with the roster.
ROSTER_QUERIES = 5
ROSTER_QUERIES_COMPUTING = 18
# The clinic, and the page of checks with its counts.
HISTORY_QUERIES = 3


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def areas(db):
    return [
        factories.ConditionAreaFactory(slug="stroke", name="Stroke", position=1),
        factories.ConditionAreaFactory(slug="parkinsons", name="Parkinson's", position=2),
    ]


@pytest.fixture
def clinic(clinic_admin_user):
    return clinic_of(clinic_admin_user)


@pytest.fixture
def shared(clinic, trainer_user):
    share(trainer_user.trainer_profile, clinic)
    return trainer_user.trainer_profile


@pytest.fixture
def admin(client_for, clinic_admin_user):
    return client_for(clinic_admin_user)


def _check(admin_user, clinic, trainer, **kwargs):
    check, _ = eligibility_check_record(
        actor=Actor.for_user(admin_user),
        clinic=clinic,
        trainers=[trainer],
        area_ids=kwargs.get("area_ids"),
        on=kwargs.get("on", TODAY),
        channel=EligibilityCheck.Channel.PAGE,
    )
    return check


def _url(name, clinic, **kwargs):
    return reverse(f"programme:{name}", kwargs={"clinic_id": clinic.public_id, **kwargs})


# --- navigation --------------------------------------------------------------------------


def test_the_menu_leads_a_clinic_admin_to_their_clinics_roster_and_checks(admin, clinic):
    home = admin.get(reverse("home")).content.decode()
    assert 'href="/clinic/roster/"' in home and 'href="/clinic/checks/"' in home

    assert admin.get("/clinic/roster/")["Location"] == _url("roster", clinic)
    assert admin.get("/clinic/checks/")["Location"] == _url("checks", clinic)


def test_the_menu_marks_roster_on_a_clinic_page(admin, clinic, shared, areas):
    page = admin.get(_url("check", clinic, trainer_id=shared.public_id)).content.decode()
    assert '<a href="/clinic/roster/" aria-current="page">Roster</a>' in page


# --- roster ------------------------------------------------------------------------------


def test_the_roster_shows_the_trainers_sharing_now_and_no_one_else(
    admin, clinic, shared, other_trainer_user, other_clinic_admin_user, areas
):
    gone = factories.TrainerProfileFactory(user__name="Gone Trainer")
    share(gone, clinic)
    stop_sharing(gone, clinic)
    elsewhere = factories.TrainerProfileFactory(user__name="Elsewhere Trainer")
    share(elsewhere, clinic_of(other_clinic_admin_user))

    page = admin.get(_url("roster", clinic)).content.decode()

    # Names as the page writes them (Faker's en_GB names include O'Brien).
    assert escape(shared.user.name) in page
    assert _url("check", clinic, trainer_id=shared.public_id) in page
    assert "Gone Trainer" not in page and "Elsewhere Trainer" not in page
    assert escape(other_trainer_user.name) not in page
    assert "Stroke" in page and "Parkinson&#x27;s" in page
    assert "As at" in page


def test_the_roster_filters_by_area(admin, clinic, shared, areas):
    page = admin.get(_url("roster", clinic), {"area": areas[0].pk}).content.decode()

    assert '<th scope="col">Stroke</th>' in page
    assert '<th scope="col">Parkinson' not in page


def test_the_roster_filters_by_status(admin, clinic, areas):
    trainers = shared_trainers(clinic, 6)
    response = admin.get(_url("roster", clinic), {"status": "eligible"})

    rows = response.context["shown"].rows
    assert all(any(c.status == "eligible" for c in row.cells) for row in rows)
    assert len(rows) <= len(trainers)


def test_the_roster_says_when_nobody_shares_yet(admin, clinic, areas):
    page = admin.get(_url("roster", clinic)).content.decode()
    assert "No trainer shares their record with" in page


def test_nonsense_filters_show_the_whole_roster(admin, clinic, shared, areas):
    response = admin.get(_url("roster", clinic), {"area": "nope", "status": "maybe"})
    assert response.status_code == 200
    assert len(response.context["shown"].rows) == 1


@pytest.mark.parametrize("count", [10, 200])
def test_the_roster_reads_a_fixed_number_of_queries(
    admin, clinic, areas, count, django_assert_num_queries
):
    shared_trainers(clinic, count)
    url = _url("roster", clinic)
    admin.get(url)  # the session and the user, warmed like any later request

    with django_assert_num_queries(ROSTER_QUERIES_COMPUTING):
        admin.get(url, {"fresh": "1"})
    with django_assert_num_queries(ROSTER_QUERIES):
        response = admin.get(url)

    assert len(response.context["shown"].rows) == count


def test_the_roster_drops_a_trainer_who_stops_sharing_at_once_and_adds_a_new_one(
    admin, clinic, shared, areas
):
    url = _url("roster", clinic)
    admin.get(url)  # cached
    stop_sharing(shared, clinic)
    newcomer = factories.TrainerProfileFactory(user__name="New Sharer")
    share(newcomer, clinic)

    rows = admin.get(url).context["shown"].rows

    assert [row.trainer.name for row in rows] == ["New Sharer"]
    assert len(rows[0].cells) == len(areas)


def test_a_trainer_suspended_since_the_roster_was_cached_is_worked_out_again(admin, clinic, areas):
    from tests.pathway_builders import recognised_trainer

    trainer = recognised_trainer(areas[0], today=TODAY, user__name="Soon Suspended")
    share(trainer, clinic)
    url = _url("roster", clinic)
    assert admin.get(url).context["shown"].rows[0].cells[0].status == "eligible"
    trainer.status = trainer.Status.SUSPENDED
    trainer.save(update_fields=["status"])

    row = admin.get(url).context["shown"].rows[0]

    assert row.trainer.suspended
    assert {cell.status for cell in row.cells} == {"not_eligible"}


# --- check page --------------------------------------------------------------------------


def test_the_check_page_names_the_trainer_and_asks_about_today(admin, clinic, shared, areas):
    response = admin.get(_url("check", clinic, trainer_id=shared.public_id))

    page = response.content.decode()
    assert f"Check {shared.user.name}" in page
    assert 'value="2026-06-01"' in page
    assert "All condition areas" in page


def test_checking_records_the_answer_and_opens_the_record(admin, clinic, shared, areas):
    response = admin.post(
        _url("check", clinic, trainer_id=shared.public_id),
        {"area": str(areas[0].pk), "on": "2026-07-01"},
    )

    check = EligibilityCheck.objects.get()
    assert response["Location"] == _url("check_record", clinic, check_id=check.public_id)
    assert check.on_date == dt.date(2026, 7, 1)
    assert list(check.answers.values_list("area_name", flat=True)) == ["Stroke"]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-05-31", "cannot answer for a day in the past"),
        ("2027-06-02", "up to 12 months ahead"),
        ("", "This field is required."),
        ("31/31/2026", "Enter a valid date."),
    ],
)
def test_the_check_page_refuses_a_past_or_far_day_with_a_message(
    admin, clinic, shared, areas, day, message
):
    response = admin.post(_url("check", clinic, trainer_id=shared.public_id), {"on": day})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EligibilityCheck.objects.exists()


def test_the_check_page_lists_the_earlier_checks_of_the_trainer(
    admin, clinic_admin_user, clinic, shared, areas
):
    check = _check(clinic_admin_user, clinic, shared)

    page = admin.get(_url("check", clinic, trainer_id=shared.public_id)).content.decode()

    assert _url("check_record", clinic, check_id=check.public_id) in page


# --- the stored record -------------------------------------------------------------------


def test_the_record_shows_every_answer_with_its_reasons(
    admin, clinic_admin_user, clinic, shared, areas
):
    check = _check(clinic_admin_user, clinic, shared)

    response = admin.get(_url("check_record", clinic, check_id=check.public_id))

    page = response.content.decode()
    for answer in check.answers.all():
        assert answer.get_status_display() in page
        for reason in answer.reasons:
            assert reason.replace("'", "&#x27;") in page
        if answer.mentor_name:
            assert answer.mentor_name in page
    assert "Version 1" in page or f"Version {check.rules.version}" in page
    assert clinic_admin_user.email in page
    assert str(check.public_id) in page
    assert _url("check_pdf", clinic, check_id=check.public_id) in page
    assert "Check again" in page


def test_the_record_stays_readable_after_the_trainer_stops_sharing(
    admin, clinic_admin_user, clinic, shared, areas
):
    check = _check(clinic_admin_user, clinic, shared)
    stop_sharing(shared, clinic)

    response = admin.get(_url("check_record", clinic, check_id=check.public_id))

    assert response.status_code == 200
    assert escape(shared.user.name) in response.content.decode()
    assert "Check again" not in response.content.decode()
    assert admin.get(_url("check", clinic, trainer_id=shared.public_id)).status_code == 404


def test_another_clinics_check_is_not_found_under_this_clinic(
    admin, clinic, other_clinic_admin_user, other_trainer_user, areas
):
    other = clinic_of(other_clinic_admin_user)
    share(other_trainer_user.trainer_profile, other)
    theirs = _check(other_clinic_admin_user, other, other_trainer_user.trainer_profile)

    assert admin.get(_url("check_record", clinic, check_id=theirs.public_id)).status_code == 404
    assert admin.get(_url("check_pdf", clinic, check_id=theirs.public_id)).status_code == 404


# --- the PDF record ----------------------------------------------------------------------


def test_the_pdf_record_holds_the_answers_and_is_audited(
    admin, clinic_admin_user, clinic, shared, areas
):
    check = _check(clinic_admin_user, clinic, shared)

    response = admin.get(_url("check_pdf", clinic, check_id=check.public_id))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "eligibility-check-" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert shared.user.name in text
    assert clinic.name in text
    assert str(check.public_id) in text
    assert "Regulation 19" in text
    assert "UTC" in text
    for answer in check.answers.all():
        assert answer.area_name in text
        assert answer.get_status_display() in text
        for reason in answer.reasons:
            assert " ".join(reason.split()) in text
    event = AuditEvent.objects.get(action="eligibility.export")
    assert event.actor == clinic_admin_user and event.target_id == str(check.public_id)


# --- check history -----------------------------------------------------------------------


def test_the_history_lists_the_clinics_checks_newest_first(
    admin, clinic_admin_user, clinic, shared, areas, other_clinic_admin_user, other_trainer_user
):
    first = _check(clinic_admin_user, clinic, shared)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        second = _check(clinic_admin_user, clinic, shared, area_ids=[areas[0].pk])
    other = clinic_of(other_clinic_admin_user)
    share(other_trainer_user.trainer_profile, other)
    theirs = _check(other_clinic_admin_user, other, other_trainer_user.trainer_profile)

    page = admin.get(_url("checks", clinic)).content.decode()

    newer = page.index(str(second.public_id))
    older = page.index(str(first.public_id))
    assert newer < older
    assert str(theirs.public_id) not in page
    assert escape(shared.user.name) in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_history_is_paged_in_a_fixed_number_of_queries(
    admin, clinic_admin_user, clinic, shared, areas, count, django_assert_num_queries
):
    for minutes in range(count):
        with time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False):
            _check(clinic_admin_user, clinic, shared)
    url = _url("checks", clinic)
    admin.get(url)

    with django_assert_num_queries(HISTORY_QUERIES):
        response = admin.get(url)

    page = response.context["page"]
    assert len(page.object_list) == min(count, 25)
    assert (page.older is not None) == (count > 25)


# --- with trainers in each state (tests/pathway_builders.py) -----------------------------


@pytest.fixture
def three_states(clinic, areas):
    from tests.pathway_builders import not_eligible_trainer, recognised_trainer, supervised_trainer

    trainers = {
        "eligible": recognised_trainer(areas[0], today=TODAY, user__name="Erin Eligible"),
        "supervised_only": supervised_trainer(areas[0], today=TODAY, user__name="Sol Supervised"),
        "not_eligible": not_eligible_trainer(areas[0], today=TODAY, user__name="Noor Not"),
    }
    for trainer in trainers.values():
        share(trainer, clinic)
    return trainers


def test_the_roster_shows_each_state_what_needs_attention_first(admin, clinic, three_states, areas):
    response = admin.get(_url("roster", clinic), {"area": areas[0].pk})

    rows = response.context["shown"].rows
    assert [(r.trainer.name, r.cells[0].status) for r in rows] == [
        ("Noor Not", "not_eligible"),
        ("Sol Supervised", "supervised_only"),
        ("Erin Eligible", "eligible"),
    ]
    page = response.content.decode()
    assert page.count('<span class="badge badge-ok">Eligible</span>') == 1
    assert page.count('<span class="badge badge-warn">Supervised only</span>') == 1
    assert page.count('<span class="badge badge-bad">Not eligible</span>') == 1
    eligible = next(r for r in rows if r.cells[0].status == "eligible")
    assert f"until {day_label(eligible.cells[0].holds_until)}" in page


def test_a_supervised_only_record_names_the_mentor_and_every_reason(
    admin, clinic_admin_user, clinic, three_states, areas
):
    trainer = three_states["supervised_only"]
    mentor = trainer.mentor_assignments.get().mentor.user.name
    admin.post(
        _url("check", clinic, trainer_id=trainer.public_id),
        {"area": str(areas[0].pk), "on": "2026-06-01"},
    )
    check = EligibilityCheck.objects.get()

    page = admin.get(_url("check_record", clinic, check_id=check.public_id)).content.decode()

    answer = check.answers.get()
    assert answer.status == "supervised_only" and answer.mentor_name == mentor
    assert f"only under their current mentor, {mentor}" in page
    for reason in answer.reasons:
        assert escape(reason) in page


def test_clinic_pages_show_no_reflection_session_note_or_evidence_file(
    admin, clinic_admin_user, clinic, three_states, areas
):
    from mentorship.models import SupervisedSession
    from qualifications.models import CPDActivity

    reflections = set(SupervisedSession.objects.values_list("reflection", flat=True))
    reflections |= set(CPDActivity.objects.values_list("what_i_learnt", flat=True))
    reflections |= set(SupervisedSession.objects.values_list("delivered", flat=True))
    for trainer in three_states.values():
        _check(clinic_admin_user, clinic, trainer)
    pages = [admin.get(_url("roster", clinic)), admin.get(_url("checks", clinic))]
    for check in EligibilityCheck.objects.all():
        pages.append(admin.get(_url("check_record", clinic, check_id=check.public_id)))

    for response in pages:
        page = response.content.decode()
        assert all(text and escape(text) not in page for text in reflections)
        assert "/evidence/" not in page


def test_a_cached_answer_is_never_shown_for_someone_else(admin, clinic, areas):
    """A cache that outlived its database (restored, re-created) could hold answers under a
    trainer's primary key that now belongs to someone else: they are worked out again."""
    from django.core.cache import cache

    from programme.eligibility.roster import (
        RosterCell,
        RosterTrainer,
        _cache_key,
        _Cached,
        compute_roster,
    )
    from programme.pathway.selectors import current_rules
    from tests.pathway_builders import not_eligible_trainer

    trainer = not_eligible_trainer(areas[0], today=TODAY)
    share(trainer, clinic)
    stale = RosterTrainer(
        public_id="someone-else",
        name="Someone Else",
        suspended=False,
        cells={areas[0].pk: RosterCell(areas[0].pk, "Stroke", "eligible", None)},
    )
    key = _cache_key(clinic, current_rules().version, TODAY)
    cache.set(key, _Cached(NOW, {trainer.pk: stale}), 60)

    roster = compute_roster(clinic)

    assert roster.trainers[0].public_id == str(trainer.public_id)
    assert roster.trainers[0].cells[areas[0].pk].status == "not_eligible"


def _roster_check(admin_user, clinic, count):
    check, _ = eligibility_check_record(
        actor=Actor.for_user(admin_user),
        clinic=clinic,
        trainers=shared_trainers(clinic, count),
        area_ids=None,
        on=TODAY,
        channel=EligibilityCheck.Channel.PAGE,
    )
    return check


def test_the_pdf_record_of_several_trainers_lists_each_of_them(
    admin, clinic_admin_user, clinic, areas
):
    check = _roster_check(clinic_admin_user, clinic, 3)

    response = admin.get(_url("check_pdf", clinic, check_id=check.public_id))

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for name in set(check.answers.values_list("trainer_name", flat=True)):
        assert name in text
    assert "eligibility-check-3-trainers-" in response["Content-Disposition"]


def test_a_check_of_more_trainers_than_a_pdf_holds_is_read_on_its_page(
    admin, clinic_admin_user, clinic, areas
):
    from programme.eligibility.pdf import PDF_MAX_TRAINERS

    check = _roster_check(clinic_admin_user, clinic, PDF_MAX_TRAINERS + 1)
    record = _url("check_record", clinic, check_id=check.public_id)

    page = admin.get(record).content.decode()
    response = admin.get(_url("check_pdf", clinic, check_id=check.public_id), follow=True)

    assert "Download PDF record" not in page
    assert f"up to {PDF_MAX_TRAINERS} trainers" in page
    assert response.redirect_chain == [(record, 302)]
    assert not AuditEvent.objects.filter(action="eligibility.export").exists()
