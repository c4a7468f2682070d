"""The CPD log pages: create, read, update, delete, with their messages and audit events."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualifications.models import CPDActivity
from rehabpath.models import AuditEvent
from tests import factories
from tests.trainers.uploads import pdf_bytes, png_bytes
from trainers.evidence import validate_upload
from trainers.models import EvidenceFile

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def areas(db):
    return [
        factories.ConditionAreaFactory(slug="stroke", name="Stroke", position=0),
        factories.ConditionAreaFactory(slug="parkinsons", name="Parkinson's", position=1),
    ]


def _form(**overrides) -> dict:
    data = {
        "date": "2026-11-20",
        "title": "Dual-task gait training",
        "provider": "Neuro Fitness Academy",
        "activity_type": "workshop",
        "hours": "2.5",
        "endorsed": "on",
        "what_i_did": "A practical workshop.",
        "what_i_learnt": "How to add a cognitive task to walking practice safely.",
        "how_it_benefits": "Walking practice closer to daily life for my clients.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _attach(activity, name="certificate.pdf"):
    from trainers.evidence import evidence_attach

    upload = SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")
    return evidence_attach(
        record=activity,
        trainer=activity.trainer,
        files=[validate_upload(upload)],
        uploaded_by=activity.trainer.user,
    )[0]


def test_trainer_logs_an_activity_with_areas_and_evidence(client_for, trainer_user, areas):
    upload = SimpleUploadedFile("Certificate.pdf", pdf_bytes(), content_type="application/pdf")
    client = client_for(trainer_user)
    response = client.post(
        reverse("qualifications:cpd_add"),
        _form(condition_areas=[a.pk for a in areas], evidence=[upload]),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("qualifications:cpd_list")
    activity = CPDActivity.objects.get(trainer=trainer_user.trainer_profile)
    assert activity.hours == Decimal("2.5")
    assert activity.endorsed
    assert {a.slug for a in activity.condition_areas.all()} == {"stroke", "parkinsons"}
    evidence = activity.evidence.get()
    assert evidence.original_name == "Certificate.pdf"
    assert evidence.mime_type == "application/pdf"
    assert default_storage.exists(evidence.file.name)
    event = AuditEvent.objects.get(action="cpd_activity.create")
    assert event.actor == trainer_user
    assert event.target_id == str(activity.public_id)
    assert event.after["evidence_files"] == 1
    assert "what_i_learnt" not in event.after  # reflections stay out of the audit log

    page = client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert messages == [
        "“Dual-task gait training” is in your CPD log. This CPD year: 2.5 of 10 points, "
        "2.5 endorsed."
    ]
    assert "Dual-task gait training" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("what_i_did", "Describe what you did."),
        ("what_i_learnt", "Describe what you learnt."),
        ("how_it_benefits", "Describe how it benefits your clients."),
        ("title", "Enter a title for the activity."),
        ("provider", None),
        ("date", "Enter the date of the activity."),
        ("activity_type", "Choose the type of activity."),
        ("hours", "Enter how many hours the activity took."),
    ],
)
def test_each_required_part_is_asked_for_by_name(client_for, trainer_user, field, message):
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_add"), _form(**{field: ""})
    )
    if message is None:  # optional
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()  # in the error summary and by the field
    assert not CPDActivity.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_reflection_of_only_spaces_is_not_a_reflection(client_for, trainer_user):
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_add"), _form(what_i_learnt="   \n  ")
    )
    assert response.context["form"].errors["what_i_learnt"] == ["Describe what you learnt."]


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Enter at least 0.25 hours (15 minutes)."),
        ("0.1", "Enter at least 0.25 hours (15 minutes)."),
        ("101", "Enter at most 100 hours for one activity; log a longer course in parts."),
        ("two", "Enter the hours as a number, for example 1.5."),
        ("1.125", "Enter the hours with at most 2 decimal places."),
    ],
)
def test_hours_out_of_range_are_explained(client_for, trainer_user, hours, message):
    response = client_for(trainer_user).post(reverse("qualifications:cpd_add"), _form(hours=hours))
    assert response.context["form"].errors["hours"] == [message]
    assert not CPDActivity.objects.exists()


def test_a_date_in_the_future_is_refused(client_for, trainer_user):
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_add"), _form(date="2026-11-28")
    )
    assert response.context["form"].errors["date"] == [
        "The date cannot be in the future: log an activity once you have done it."
    ]
    assert not CPDActivity.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1949-12-31"])
def test_a_date_before_1950_is_refused_like_any_record_date(client_for, trainer_user, day):
    response = client_for(trainer_user).post(reverse("qualifications:cpd_add"), _form(date=day))

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["The date is before 1950: check the year."]
    assert not CPDActivity.objects.exists()


def test_the_service_refuses_a_date_before_1950_too(trainer_user):
    from qualifications.services.cpd import CPDActivityData, cpd_activity_create
    from rehabpath.audit import Actor
    from rehabpath.errors import DomainError

    data = CPDActivityData(
        date=dt.date(1, 1, 1),
        title="Slip",
        activity_type="reading",
        hours=Decimal("1"),
        what_i_did="Read.",
        what_i_learnt="Things.",
        how_it_benefits="Better sessions.",
    )
    with pytest.raises(DomainError) as refused:
        cpd_activity_create(
            actor=Actor.for_user(trainer_user), trainer=trainer_user.trainer_profile, data=data
        )
    assert (refused.value.field, refused.value.message) == (
        "date",
        "The date is before 1950: check the year.",
    )


def test_progress_and_log_pages_survive_an_activity_saved_before_the_date_rule(
    client_for, trainer_user
):
    factories.CPDActivityFactory(trainer=trainer_user.trainer_profile, date=dt.date(1, 1, 1))
    client = client_for(trainer_user)

    assert client.get(reverse("qualifications:cpd_progress")).status_code == 200
    assert client.get(reverse("qualifications:cpd_list")).status_code == 200


def test_a_bad_evidence_file_is_refused_and_nothing_is_saved(client_for, trainer_user):
    fake = SimpleUploadedFile("notes.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_add"), _form(evidence=[fake])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["evidence"]
    assert errors == [
        "“notes.pdf” is not a PDF, PNG or JPEG file (its content was checked, not its name)."
    ]
    assert not CPDActivity.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_too_many_evidence_files_leave_neither_rows_nor_files(client_for, trainer_user, settings):
    settings.EVIDENCE_MAX_FILES = 2
    uploads = [
        SimpleUploadedFile(f"page{i}.png", png_bytes(), content_type="image/png") for i in range(3)
    ]
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_add"), _form(evidence=uploads)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == [
        "A record can hold at most 2 evidence files; you chose 3. Upload the most relevant 2."
    ]
    assert not CPDActivity.objects.exists()
    assert not EvidenceFile.objects.exists()
    root = settings.STORAGES["default"]["OPTIONS"]["location"]
    stored = [p for p in __import__("pathlib").Path(root).rglob("*") if p.is_file()]
    assert stored == []


def test_trainer_edits_an_activity_and_the_audit_keeps_what_changed(
    client_for, trainer_user, areas, django_capture_on_commit_callbacks
):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    old_file = _attach(activity)
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_edit", args=[activity.public_id]),
        _form(
            title=activity.title,
            date=activity.date.isoformat(),
            hours="4",
            endorsed=None,
            condition_areas=[areas[0].pk],
            what_i_learnt="Something new.",
            remove_evidence=[str(old_file.public_id)],
        ),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.hours == Decimal("4")
    assert not activity.endorsed
    assert activity.what_i_learnt == "Something new."
    assert not activity.evidence.exists()
    event = AuditEvent.objects.get(action="cpd_activity.update")
    assert event.before["hours"] == "3.00"
    assert event.after["hours"] == "4"
    assert event.before["endorsed"] is True and event.after["endorsed"] is False
    assert event.after["condition_areas"] == ["stroke"]
    assert event.after["evidence_files"] == 0
    assert event.after["reflection"] == "changed"
    assert "Something new." not in str(event.after)


def test_an_edit_that_changes_nothing_saves_and_audits_nothing(client_for, trainer_user):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    _attach(activity)
    long_ago = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    CPDActivity.objects.filter(pk=activity.pk).update(updated_at=long_ago)
    client = client_for(trainer_user)
    response = client.post(
        reverse("qualifications:cpd_edit", args=[activity.public_id]),
        _form(
            date=activity.date.isoformat(),
            title=f"  {activity.title} ",  # stripped, so the same
            provider=activity.provider,
            hours="3.00",  # stored as 3: the same number
            what_i_did=activity.what_i_did,
            what_i_learnt=activity.what_i_learnt,
            how_it_benefits=activity.how_it_benefits,
        ),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.updated_at == long_ago
    assert activity.evidence.count() == 1
    assert not AuditEvent.objects.filter(action="cpd_activity.update").exists()
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["Nothing changed."]


def test_an_edit_that_only_adds_evidence_is_saved_and_audited(client_for, trainer_user):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    upload = SimpleUploadedFile("Notes.pdf", pdf_bytes(), content_type="application/pdf")
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_edit", args=[activity.public_id]),
        _form(
            date=activity.date.isoformat(),
            title=activity.title,
            hours="3",
            what_i_did=activity.what_i_did,
            what_i_learnt=activity.what_i_learnt,
            how_it_benefits=activity.how_it_benefits,
            evidence=[upload],
        ),
    )
    assert response.status_code == 302
    assert activity.evidence.get().original_name == "Notes.pdf"
    event = AuditEvent.objects.get(action="cpd_activity.update")
    assert event.before == {"evidence_files": 0}
    assert event.after == {"evidence_files": 1}


def test_an_empty_evidence_file_is_refused_by_name(client_for, trainer_user):
    empty = SimpleUploadedFile("blank.pdf", b"", "application/pdf")
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_add"), _form(evidence=[empty])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == [
        "“blank.pdf” is empty. Choose the file again."
    ]
    assert not CPDActivity.objects.exists()


def test_removed_evidence_leaves_storage_once_the_edit_commits(
    client_for, trainer_user, django_capture_on_commit_callbacks
):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    old_file = _attach(activity)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(trainer_user).post(
            reverse("qualifications:cpd_edit", args=[activity.public_id]),
            _form(date=activity.date.isoformat(), remove_evidence=[str(old_file.public_id)]),
        )
    assert not default_storage.exists(old_file.file.name)


def test_edit_form_shows_the_saved_values(client_for, trainer_user):
    activity = factories.CPDActivityFactory(
        trainer=trainer_user.trainer_profile, hours=Decimal("1.50")
    )
    response = client_for(trainer_user).get(
        reverse("qualifications:cpd_edit", args=[activity.public_id])
    )
    html = response.content.decode()
    assert 'value="1.5"' in html
    assert f'value="{activity.date:%Y-%m-%d}"' in html
    assert activity.what_i_did in html


def test_delete_asks_first_then_removes_the_activity_and_its_files(
    client_for, trainer_user, django_capture_on_commit_callbacks
):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    evidence = _attach(activity)
    client = client_for(trainer_user)
    url = reverse("qualifications:cpd_delete", args=[activity.public_id])

    confirm = client.get(url)
    assert "Delete this activity?" in confirm.content.decode()
    assert CPDActivity.objects.filter(pk=activity.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not CPDActivity.objects.filter(pk=activity.pk).exists()
    assert not EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert not default_storage.exists(evidence.file.name)
    event = AuditEvent.objects.get(action="cpd_activity.delete")
    assert event.before["title"] == activity.title
    assert event.before["evidence_files"] == 1


def test_staff_read_an_activity_but_get_no_edit_or_delete(client_for, staff_user):
    activity = factories.CPDActivityFactory()
    response = client_for(staff_user).get(
        reverse("qualifications:cpd_detail", args=[activity.public_id])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert activity.what_i_learnt in html
    assert reverse("qualifications:cpd_edit", args=[activity.public_id]) not in html
    assert reverse("qualifications:cpd_delete", args=[activity.public_id]) not in html


def test_detail_links_evidence_to_the_permission_checked_download(client_for, trainer_user):
    activity = factories.CPDActivityFactory(trainer=trainer_user.trainer_profile)
    evidence = _attach(activity, "Attendance.pdf")
    html = (
        client_for(trainer_user)
        .get(reverse("qualifications:cpd_detail", args=[activity.public_id]))
        .content.decode()
    )
    assert reverse("trainers:evidence_download", args=[evidence.public_id]) in html
    assert "Attendance.pdf" in html


def test_list_shows_only_the_trainers_own_activities(client_for, trainer_user):
    factories.CPDActivityFactory(trainer=trainer_user.trainer_profile, title="Mine")
    factories.CPDActivityFactory(title="Somebody else's")
    html = client_for(trainer_user).get(reverse("qualifications:cpd_list")).content.decode()
    assert "Mine" in html
    assert "Somebody else" not in html


def _log_with_rows(trainer, n: int, areas) -> None:
    for i in range(n):
        activity = factories.CPDActivityFactory.create(
            trainer=trainer, date=dt.date(2026, 4, 1) + dt.timedelta(days=7 * i)
        )
        activity.condition_areas.set(areas)
        _attach(activity, f"evidence-{i}.pdf")


@pytest.mark.parametrize("rows", [1, 20])
def test_cpd_list_runs_a_fixed_number_of_queries(
    client_for, trainer_user, areas, rows, django_assert_num_queries
):
    _log_with_rows(trainer_user.trainer_profile, rows, areas)
    client = client_for(trainer_user)
    client.get(reverse("qualifications:cpd_list"))  # the first request records the session
    # 1 for every page: the user, with their roles and trainer profile (rehabpath.auth; the
    # session is in the cache, its activity written once in 5 minutes). 9 for this one: the
    # CPD summary (policy, activities, their areas, the condition areas), the page of the log
    # (count, activities, their areas, their evidence) and, the log ending in a gap, its
    # explanations.
    with django_assert_num_queries(10):
        response = client.get(reverse("qualifications:cpd_list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="cpd-item"') == rows


def test_progress_page_flags_a_gap_and_draws_the_months(client_for, trainer_user, areas):
    profile = trainer_user.trainer_profile  # CPD year from 1 April
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 4, 10), hours=Decimal(2))
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 9, 1), hours=Decimal(1))
    response = client_for(trainer_user).get(reverse("qualifications:cpd_progress"))
    html = response.content.decode()
    assert "No CPD from <strong>11 Apr 2026</strong> to <strong>31 Aug 2026</strong>" in html
    assert "Gap of 143 days" in html
    assert '<svg class="chart-wide"' in html and '<title id="chart-title-wide">' in html
    assert '<desc id="chart-desc-wide">' in html
    assert '<th scope="row">1 Apr 2026 to 30 Apr 2026</th>' in html  # the table alternative
    assert '<progress id="progress-points" max="10" value="3">' in html
    assert "Stroke hours" in html


def test_progress_page_shows_a_past_year_when_chosen(client_for, trainer_user):
    profile = trainer_user.trainer_profile
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2025, 6, 1), hours=Decimal(7))
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 6, 1), hours=Decimal(1))
    client = client_for(trainer_user)
    url = reverse("qualifications:cpd_progress")

    current = client.get(url)
    assert current.context["summary"].points.achieved == Decimal(1)
    options = [y for y, _label in current.context["year_form"].fields["year"].choices]
    assert options == ["2026-04-01", "2025-04-01"]

    past = client.get(url, {"year": "2025-04-01"})
    assert past.context["summary"].points.achieved == Decimal(7)
    assert "This CPD year has ended; its points do not carry over." in past.content.decode()

    made_up = client.get(url, {"year": "1999-01-01"})
    assert made_up.context["summary"].year.start == dt.date(2026, 4, 1)
    assert "not one of your CPD years" in made_up.content.decode()


def test_dashboard_shows_cpd_progress(client_for, trainer_user):
    factories.CPDActivityFactory(trainer=trainer_user.trainer_profile, date=dt.date(2026, 5, 1))
    html = client_for(trainer_user).get("/").content.decode()
    assert "CPD this year" in html
    assert "3 of 10 points" in html
    assert reverse("qualifications:cpd_list") in html


def test_cpd_is_in_the_navigation_for_trainers_only(client_for, trainer_user, staff_user):
    assert "CPD" in [i["label"] for i in client_for(trainer_user).get("/").context["nav_items"]]
    assert "CPD" not in [i["label"] for i in client_for(staff_user).get("/").context["nav_items"]]


@pytest.mark.parametrize("rows", [2, 40])
def test_progress_page_runs_a_fixed_number_of_queries(
    client_for, trainer_user, areas, rows, django_assert_num_queries
):
    for i in range(rows):  # all in April: both sizes end in the same gap (May to November)
        activity = factories.CPDActivityFactory.create(
            trainer=trainer_user.trainer_profile, date=dt.date(2026, 4, 1 + i % 28)
        )
        activity.condition_areas.set(areas)
    client = client_for(trainer_user)
    client.get(reverse("qualifications:cpd_progress"))  # the first request records the session
    # the user (with roles and profile); the CPD years' first activity; the CPD summary
    # (activities, their areas, the policy, the condition areas); the gaps' explanations.
    with django_assert_num_queries(7):
        response = client.get(reverse("qualifications:cpd_progress"))
    assert response.status_code == 200
