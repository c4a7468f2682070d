"""The staff compliance dashboard: the snapshot's counts, the live tables, the page, the CSV."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse

from programme.compliance import selectors, snapshot
from programme.compliance.snapshot import compute, latest_snapshot, snapshot_refresh
from programme.models import ComplianceSnapshot
from programme.tasks import refresh_compliance_snapshot
from rehabpath.celery import app as celery_app
from rehabpath.models import AuditEvent
from tests import factories
from tests.pathway_builders import (
    Kind,
    give_qualification,
    new_trainer,
    not_eligible_trainer,
    recognised_trainer,
    referral_ready,
    stroke,
    supervised_trainer,
)
from trainers.models import TrainerProfile, VerificationStatus

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def eager():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def programme(db):
    """One trainer in each state for stroke, one stuck without a mentor, one suspended."""
    area = stroke()
    people = {
        "eligible": recognised_trainer(area, today=TODAY),
        "supervised": supervised_trainer(area, today=TODAY),
        "not_eligible": not_eligible_trainer(area, today=TODAY),
        "unmentored": new_trainer(today=TODAY),
        "suspended": new_trainer(today=TODAY, status=TrainerProfile.Status.SUSPENDED),
    }
    referral_ready(people["unmentored"], today=TODAY)
    referral_ready(people["suspended"], today=TODAY)
    return area, people


# --- The snapshot --------------------------------------------------------------------------


def test_the_snapshot_counts_trainers_by_status_and_stage_per_area(programme):
    area, people = programme

    data = compute(chunk=2)  # several chunks, as at 10,000 trainers

    assert data.trainers == 5
    assert data.on == TODAY
    counts = next(a for a in data.areas if a.area_id == area.id)
    assert counts.statuses == {"eligible": 1, "supervised_only": 1, "not_eligible": 3}
    # Recognised (5) twice: the not-eligible one lacks first aid, not a stage. The supervised
    # one is in stage 4 (3 reached); the two referral-ready ones reached 2.
    assert counts.stages == [0, 0, 2, 1, 0, 2]
    assert data.stage_names[0] == "Foundation" and len(data.stage_names) == 5
    assert data.supervised_from == "Referral-ready"


def test_only_active_trainers_past_referral_without_a_mentor_are_listed(programme):
    area, people = programme

    data = compute()

    listed = {(p.public_id, tuple(p.areas)) for p in data.unmentored}
    assert listed == {(people["unmentored"].public_id, (area.name,))}


def test_a_mentor_for_another_area_leaves_the_trainer_listed(programme):
    area, people = programme
    other = factories.ConditionAreaFactory.create(name="Parkinson's", slug="parkinsons")
    assignment = factories.MentorAssignmentFactory.create(
        trainer=people["unmentored"], starts_on=TODAY - dt.timedelta(days=30)
    )
    assignment.focus_areas.add(other)

    data = compute()

    areas = {p.public_id: p.areas for p in data.unmentored}
    assert areas[people["unmentored"].public_id] == [area.name]  # Parkinson's has its mentor
    # The others are referral-ready in Parkinson's, with no mentor for it (the supervised
    # trainer's mentor is for stroke only); the suspended one is never listed.
    for name in ("eligible", "supervised", "not_eligible"):
        assert areas[people[name].public_id] == [other.name]
    assert people["suspended"].public_id not in areas


def test_the_task_stores_a_snapshot_and_keeps_the_last_few(programme, eager):
    for _ in range(snapshot.KEEP + 2):
        refresh_compliance_snapshot.delay()

    assert ComplianceSnapshot.objects.count() == snapshot.KEEP
    found = latest_snapshot()
    assert found is not None
    assert found.computed_at == NOW
    assert found.data.trainers == 5
    assert latest_snapshot(full=True).data == compute()  # stored as JSON, read back the same


def test_the_beat_schedule_refreshes_the_snapshot_every_15_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["compliance-snapshot"]
    assert entry["task"] == refresh_compliance_snapshot.name
    assert entry["schedule"] == 15 * 60


# --- The live tables -----------------------------------------------------------------------


def _verified(**fields):
    return {"status": VerificationStatus.VERIFIED, "verified_on": TODAY, **fields}


def _policy(trainer, expires_on, **fields):
    """Insurance ending on `expires_on`, verified unless `fields` say otherwise."""
    fields = {**_verified(), "starts_on": expires_on - relativedelta(years=1), **fields}
    return factories.InsuranceFactory.create(trainer=trainer, expires_on=expires_on, **fields)


@pytest.mark.django_db
def test_records_expiring_within_30_and_90_days_are_counted_unless_renewed():
    trainer = new_trainer(today=TODAY)
    suspended = new_trainer(today=TODAY, status=TrainerProfile.Status.SUSPENDED)
    soon, later = TODAY + dt.timedelta(days=20), TODAY + dt.timedelta(days=60)
    _policy(trainer, soon)
    renewed = new_trainer(today=TODAY)
    _policy(renewed, soon)
    _policy(renewed, soon + relativedelta(years=1), starts_on=soon)
    _policy(suspended, soon)
    _policy(trainer, later, status=VerificationStatus.PENDING, verified_on=None)
    # First aid: three years from the award (the type's validity), 60 days from now.
    first_aid = give_qualification(
        trainer, Kind.FIRST_AID, level=None, awarded_on=later - relativedelta(months=36)
    )
    first_aid.qualification_type.validity_months = 36
    first_aid.qualification_type.save()
    # DBS: the recheck after DBS_RECHECK_MONTHS, unless on the Update Service.
    months = settings.DBS_RECHECK_MONTHS
    factories.DBSCheckFactory.create(
        trainer=trainer, **_verified(), issued_on=soon - relativedelta(months=months)
    )
    factories.DBSCheckFactory.create(
        trainer=renewed,
        **_verified(),
        issued_on=soon - relativedelta(months=months),
        update_service_subscribed=True,
        update_service_consent=True,
    )
    statement = factories.published_scope_statement(effective_on=TODAY - relativedelta(years=1))
    factories.signed_scope_declaration(
        trainer=trainer, statement=statement, signed_on=later - relativedelta(months=12)
    )

    found = selectors.expiring_records(today=TODAY)

    counts = {c.key: (c.within_30, c.within_90) for c in found.counts}
    assert counts == {
        "qualification": (0, 0),
        "first_aid": (0, 1),
        "insurance": (1, 1),
        "dbs": (1, 1),
        "scope": (0, 1),
    }
    assert found.total == 4
    assert [r.expires_on for r in found.soonest] == [soon, soon, later, later]
    assert {r.trainer_public_id for r in found.soonest} == {trainer.public_id}
    assert found.soonest[0].days == 20
    assert selectors.expiring_records(today=TODAY, limit=1).soonest == found.soonest[:1]


def test_the_month_arithmetic_is_exact_at_the_ends_of_months():
    # 30 Nov + 3 months is 29 Feb (a leap year): it expires in [29 Feb, 31 May]...
    low, high = selectors._months_inverse(dt.date(2024, 2, 29), dt.date(2024, 5, 31), 3)
    assert low == dt.date(2023, 11, 29)
    assert high == dt.date(2024, 2, 29)
    # ...and 29 Feb + 3 months is 29 May, before 31 May: not in [31 May, ...].
    low, _ = selectors._months_inverse(dt.date(2024, 5, 31), dt.date(2024, 6, 30), 3)
    assert low == dt.date(2024, 3, 1)


@pytest.mark.django_db
def test_verifications_waiting_are_bucketed_by_age():
    trainer = new_trainer(today=TODAY)
    for days in (1, 3, 10, 12):
        factories.InsuranceFactory.create(trainer=trainer, submitted_at=NOW - dt.timedelta(days))
    _policy(trainer, TODAY + dt.timedelta(days=100), submitted_at=NOW - dt.timedelta(days=30))

    waiting = {w.slug: w for w in selectors.waiting_verifications()}

    insurance = waiting["insurance"]
    assert (insurance.under_2, insurance.from_2_to_5, insurance.over_5) == (1, 1, 2)
    assert insurance.oldest == NOW - dt.timedelta(days=12)
    assert waiting["dbs"].total == 0 and waiting["dbs"].oldest is None


# --- The page ------------------------------------------------------------------------------


def test_staff_see_the_counts_chart_and_tables(programme, client_for, staff_user):
    area, people = programme

    response = client_for(staff_user).get(reverse("programme:compliance"))

    assert response.status_code == 200
    page = response.content.decode()
    # No snapshot yet, a small programme: computed in the request, and said when.
    assert ComplianceSnapshot.objects.count() == 1
    assert "As at 1 Dec 2026, 12:00" in page
    assert "Stroke: 1 eligible, 1 supervised only, 3 not eligible." in page  # the SVG's text
    assert reverse("mentorship:assign", args=[people["unmentored"].public_id]) in page
    assert "Recompute now" in page
    assert reverse("programme:compliance_csv", args=["status"]) in page


def test_a_large_programme_without_a_snapshot_is_left_to_the_worker(
    programme, client_for, staff_user, monkeypatch, eager
):
    monkeypatch.setattr(snapshot, "SYNC_LIMIT", 2)
    queued = []
    monkeypatch.setattr(refresh_compliance_snapshot, "delay", lambda: queued.append(1))

    page = client_for(staff_user).get(reverse("programme:compliance")).content.decode()

    assert "being computed" in page
    assert ComplianceSnapshot.objects.count() == 0
    assert queued == [1]
    client_for(staff_user).get(reverse("programme:compliance"))
    assert queued == [1]  # asked once until the worker is done


def test_recompute_now_runs_the_task(programme, client_for, staff_user, eager):
    snapshot_refresh()
    new = new_trainer(today=TODAY)

    response = client_for(staff_user).post(reverse("programme:compliance_recompute"))

    assert response.status_code == 302
    found = latest_snapshot()
    assert found is not None and found.data.trainers == 6
    assert new.pk  # the new trainer is counted
    assert ComplianceSnapshot.objects.count() == 2


@pytest.mark.parametrize("extra", [0, 8])
def test_the_page_runs_a_fixed_number_of_queries(
    programme, extra, client_for, staff_user, django_assert_num_queries
):
    for _ in range(extra):
        trainer = new_trainer(today=TODAY)
        factories.InsuranceFactory.create(trainer=trainer)  # pending
        _policy(trainer, TODAY + dt.timedelta(days=10))
    snapshot_refresh()
    client = client_for(staff_user)
    client.get(reverse("programme:compliance"))

    # The user with their roles (1: the session is in the cache), the snapshot (1), the
    # qualification types' validities (1), the counts and the soonest rows of 5 kinds of
    # expiring record (10), the counts of 3 kinds of record waiting (3).
    with django_assert_num_queries(16):
        response = client.get(reverse("programme:compliance"))
    assert response.status_code == 200


# --- CSV -----------------------------------------------------------------------------------


def _rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_each_table_downloads_as_csv_and_is_audited(programme, client_for, staff_user):
    area, people = programme
    snapshot_refresh()
    client = client_for(staff_user)

    status = _rows(client.get(reverse("programme:compliance_csv", args=["status"])))
    assert status == [
        ["condition area", "Eligible", "Supervised only", "Not eligible", "trainers"],
        ["Stroke", "1", "1", "3", "5"],
    ]
    stages = _rows(client.get(reverse("programme:compliance_csv", args=["stages"])))
    assert stages[1] == ["Stroke", "0", "0", "2", "1", "0", "2"]
    unmentored = _rows(client.get(reverse("programme:compliance_csv", args=["unmentored"])))
    person = people["unmentored"]
    assert unmentored[1] == [person.user.name, person.user.email, str(person.public_id), "Stroke"]
    response = client.get(reverse("programme:compliance_csv", args=["waiting"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'attachment; filename="compliance-waiting-2026-12-01.csv"'
        == response["Content-Disposition"]
    )
    assert _rows(response)[0][0] == "kind"
    expiring = _rows(client.get(reverse("programme:compliance_csv", args=["expiring"])))
    assert expiring[0][0] == "kind"

    events = AuditEvent.objects.filter(action="compliance.export").order_by("occurred_at", "id")
    assert [e.target_id for e in events] == [
        "status",
        "stages",
        "unmentored",
        "waiting",
        "expiring",
    ]
    assert events[0].actor == staff_user
    assert events[0].after["rows"] == 1
    assert events[0].after["as_at"] == NOW.isoformat()


def test_an_unknown_table_is_refused_and_not_audited(client_for, staff_user):
    response = client_for(staff_user).get(reverse("programme:compliance_csv", args=["secrets"]))

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="compliance.export").exists()


def test_the_page_reads_the_first_trainers_without_a_mentor_the_csv_all(
    programme, client_for, staff_user, monkeypatch
):
    monkeypatch.setattr(snapshot, "FIRST_SHOWN", 1)
    extra = new_trainer(today=TODAY)
    referral_ready(extra, today=TODAY)
    snapshot_refresh()

    page = latest_snapshot()
    assert page is not None
    assert page.data.unmentored_total == 2 and len(page.data.unmentored) == 1
    assert len(latest_snapshot(full=True).data.unmentored) == 2
    html = client_for(staff_user).get(reverse("programme:compliance")).content.decode()
    assert "2 trainers reached Referral-ready" in html
    assert "The first 1 by name are below" in html
    rows = _rows(
        client_for(staff_user).get(reverse("programme:compliance_csv", args=["unmentored"]))
    )
    assert len(rows) == 3


def test_a_cell_cannot_run_as_a_spreadsheet_formula(programme, client_for, staff_user):
    area, people = programme
    user = people["unmentored"].user
    user.name = "=HYPERLINK(evil)"
    user.save()
    snapshot_refresh()

    rows = _rows(
        client_for(staff_user).get(reverse("programme:compliance_csv", args=["unmentored"]))
    )

    assert rows[1][0] == "'=HYPERLINK(evil)"
