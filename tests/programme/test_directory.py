"""The trainer directory: programme staff find a trainer, read their page, suspend and reinstate."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.ledger import deliver
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from trainers.models import TrainerProfile, VerificationStatus
from trainers.services import trainer_reinstate, trainer_suspend

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
DIRECTORY = "programme:trainer_directory"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def trainer(name: str, email: str = "", **kwargs) -> TrainerProfile:
    user = factories.UserFactory(name=name, **({"email": email} if email else {}))
    return factories.TrainerProfileFactory.create(user=user, **kwargs)


def names(response) -> list[str]:
    return [row.profile.user.name for row in response.context["page"].rows]


def detail_url(profile: TrainerProfile) -> str:
    return reverse("programme:trainer_detail", args=[profile.public_id])


# --- Search ---------------------------------------------------------------------------------


def test_directory_lists_trainers_by_name(client_for, staff_user):
    trainer("Zoe Adams")
    trainer("Amir Khan")
    trainer("Maya Patel")
    response = client_for(staff_user).get(reverse(DIRECTORY))
    assert response.status_code == 200
    assert names(response) == ["Amir Khan", "Maya Patel", "Zoe Adams"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("patel", ["Maya Patel"]),  # part of a name, any case
        ("MAYA", ["Maya Patel"]),
        ("riverside.example", ["Amir Khan"]),  # part of an e-mail address
        ("ymca-12", ["Zoe Adams"]),  # part of a qualification certificate number
        ("nobody", []),
    ],
)
def test_directory_searches_name_email_and_certificate_number(client_for, staff_user, query, found):
    trainer("Maya Patel", "maya@example.com")
    trainer("Amir Khan", "amir@riverside.example")
    zoe = trainer("Zoe Adams", "zoe@example.com")
    factories.TrainerQualificationFactory(trainer=zoe, certificate_number="YMCA-1234")
    factories.TrainerQualificationFactory(trainer=zoe, certificate_number="YMCA-1299")

    response = client_for(staff_user).get(reverse(DIRECTORY), {"q": query})
    assert names(response) == found  # a trainer with two matching certificates appears once
    if not found:
        assert "No trainer matches" in response.content.decode()


def test_directory_filters_by_status(client_for, staff_user):
    trainer("Active Ann")
    trainer("Suspended Sam", status=TrainerProfile.Status.SUSPENDED)
    response = client_for(staff_user).get(reverse(DIRECTORY), {"status": "suspended"})
    assert names(response) == ["Suspended Sam"]


def test_directory_pages_by_keyset_25_at_a_time(client_for, staff_user):
    for n in range(30):
        trainer(f"Trainer {n:02d}")
    trainer("Trainer 05")  # the same name twice: the account breaks the tie
    client = client_for(staff_user)

    first = client.get(reverse(DIRECTORY))
    page = first.context["page"]
    assert len(page.rows) == 25 and page.previous_cursor is None and page.next_cursor
    html = first.content.decode()
    assert f"after={page.next_cursor}" in html and "before=" not in html

    second = client.get(reverse(DIRECTORY), {"after": page.next_cursor})
    page2 = second.context["page"]
    assert len(page2.rows) == 6 and page2.next_cursor is None
    every = names(first) + names(second)
    assert sorted(every) == every and len(every) == 31
    assert len({row.profile.pk for row in page.rows + page2.rows}) == 31

    back = client.get(reverse(DIRECTORY), {"before": page2.previous_cursor})
    assert names(back) == names(first)
    assert back.context["page"].previous_cursor is None


def test_directory_keeps_the_search_when_paging(client_for, staff_user):
    for n in range(27):
        trainer(f"Kim {n:02d}")
    trainer("Lee 01")
    response = client_for(staff_user).get(reverse(DIRECTORY), {"q": "kim"})
    cursor = response.context["page"].next_cursor
    assert f"q=kim&amp;after={cursor}" in response.content.decode()
    rest = client_for(staff_user).get(reverse(DIRECTORY), {"q": "kim", "after": cursor})
    assert names(rest) == ["Kim 25", "Kim 26"]


def test_directory_ignores_a_cursor_that_is_no_trainer(client_for, staff_user):
    trainer("Only One")
    for cursor in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = client_for(staff_user).get(reverse(DIRECTORY), {"after": cursor})
        assert names(response) == ["Only One"]


def test_directory_shows_pending_records_per_trainer(client_for, staff_user):
    busy = trainer("Busy Bea")
    factories.InsuranceFactory(trainer=busy)
    factories.DBSCheckFactory(trainer=busy)
    factories.TrainerQualificationFactory(trainer=busy, status=VerificationStatus.VERIFIED)
    trainer("Quiet Quinn")
    rows = client_for(staff_user).get(reverse(DIRECTORY)).context["page"].rows
    assert [(r.profile.user.name, r.pending) for r in rows] == [("Busy Bea", 2), ("Quiet Quinn", 0)]


def _populate(count: int) -> None:
    for n in range(count):
        profile = trainer(f"Person {n:03d}", status="suspended" if n % 3 else "active")
        factories.InsuranceFactory(trainer=profile)
        factories.TrainerQualificationFactory(trainer=profile)


@pytest.mark.parametrize("count", [3, 40])
def test_directory_query_count_does_not_grow_with_trainers(
    client_for, staff_user, count, django_assert_num_queries
):
    _populate(count)
    client = client_for(staff_user)
    client.get(reverse(DIRECTORY))  # warm the content-type cache
    with django_assert_num_queries(QUERIES_DIRECTORY):
        client.get(reverse(DIRECTORY), {"q": "person"})
    cursor = TrainerProfile.objects.get(user__name="Person 001").public_id
    with django_assert_num_queries(QUERIES_DIRECTORY + 1):  # the cursor row
        client.get(reverse(DIRECTORY), {"q": "person", "after": str(cursor)})


# the user (with roles and second factor: rehabpath.auth); the page; pending counts of 3
# record kinds, over the page's trainers only.
QUERIES_DIRECTORY = 5


def test_directory_never_counts_or_offsets(client_for, staff_user):
    _populate(30)
    client = client_for(staff_user)
    cursor = client.get(reverse(DIRECTORY)).context["page"].next_cursor
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(DIRECTORY), {"q": "person", "after": cursor})
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "OFFSET" not in sql
    assert not re.search(r"COUNT\(\*\)", sql)


def test_directory_search_matches_the_trigram_indexes_on_postgresql(db):
    """The indexes are built on the very expressions `icontains` compares, or they serve
    nothing: pin both sides."""
    from programme.directory.selectors import search_trainers

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's; SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'directory_%%'"
        )
        found = dict(cursor.fetchall())
    assert "upper((name)::text) gin_trgm_ops" in found["directory_user_name_trgm"]
    assert "upper((email)::text) gin_trgm_ops" in found["directory_user_email_trgm"]
    assert "upper((certificate_number)::text) gin_trgm_ops" in found["directory_cert_number_trgm"]
    assert "(name, id)" in found["directory_user_name_id"]
    sql = str(search_trainers("patel").query)
    for column in ("name", "email", "certificate_number"):
        assert f'UPPER("U0"."{column}"::text) LIKE UPPER(' in sql


# --- Navigation and the dashboard ----------------------------------------------------------


def test_staff_reach_the_directory_from_the_navigation_and_the_dashboard(client_for, staff_user):
    html = client_for(staff_user).get("/").content.decode()
    url = reverse(DIRECTORY)
    assert f'href="{url}"' in html  # the navigation and "Browse trainers"
    assert f'action="{url}"' in html  # the panel's search box


def test_trainers_do_not_see_the_directory_in_their_navigation(client_for, trainer_user):
    html = client_for(trainer_user).get("/").content.decode()
    assert reverse(DIRECTORY) not in html


# --- The trainer's page ---------------------------------------------------------------------


def test_trainer_page_shows_profile_records_cpd_and_history(client_for, staff_user):
    profile = trainer("Maya Patel", "maya@example.com")
    qualification = factories.TrainerQualificationFactory(trainer=profile)
    factories.InsuranceFactory(trainer=profile, status=VerificationStatus.VERIFIED)
    factories.DBSCheckFactory(
        trainer=profile, status=VerificationStatus.REJECTED, rejection_reason="Unreadable scan."
    )
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 11, 2))
    AuditEvent.objects.create(
        actor_label="maya@example.com",
        action="qualification.create",
        target_type="qualifications.trainerqualification",
        target_id=str(qualification.public_id),
        target_label=str(qualification),
    )
    AuditEvent.objects.create(action="other.thing", target_type="x", target_id="someone-else")

    response = client_for(staff_user).get(detail_url(profile))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maya Patel" in html and "maya@example.com" in html
    assert "Pending verification" in html and "Verified" in html and "Rejected" in html
    assert "Unreadable scan." in html
    assert (
        reverse("trainers:verification_review", args=["qualification", qualification.public_id])
        in html
    )
    assert "CPD this year" in html
    assert response.context["cpd"].activity_count == 1
    assert [e.action for e in response.context["history"].rows] == ["qualification.create"]


def test_trainer_page_history_pages_newest_first(client_for, staff_user):
    profile = trainer("Maya Patel")
    for n in range(25):
        AuditEvent.objects.create(
            occurred_at=NOW - dt.timedelta(minutes=n),
            action=f"event.{n:02d}",
            target_type="trainers.trainerprofile",
            target_id=str(profile.public_id),
        )
    client = client_for(staff_user)
    first = client.get(detail_url(profile)).context["history"]
    assert [e.action for e in first.rows] == [f"event.{n:02d}" for n in range(20)]
    older = client.get(detail_url(profile), {"after": first.next_cursor}).context["history"]
    assert [e.action for e in older.rows] == [f"event.{n:02d}" for n in range(20, 25)]
    assert older.next_cursor is None
    newer = client.get(detail_url(profile), {"before": older.previous_cursor}).context["history"]
    assert [e.action for e in newer.rows] == [e.action for e in first.rows]


@pytest.mark.parametrize("count", [1, 8])
def test_trainer_page_query_count_does_not_grow(
    client_for, staff_user, count, django_assert_num_queries
):
    from tests.trainers.test_evidence import attach
    from tests.trainers.uploads import good_pdf

    profile = trainer("Maya Patel")
    for _ in range(count):
        for record in (
            factories.TrainerQualificationFactory(trainer=profile),
            factories.InsuranceFactory(trainer=profile),
            factories.DBSCheckFactory(trainer=profile),
        ):
            attach(record, good_pdf())
            AuditEvent.objects.create(
                action="x.create", target_type="x", target_id=str(record.public_id)
            )
        factories.CPDActivityFactory(trainer=profile)
    client = client_for(staff_user)
    client.get(detail_url(profile))  # warm the content-type cache
    with django_assert_num_queries(QUERIES_TRAINER_PAGE):
        client.get(detail_url(profile))


# the user (with roles and second factor: rehabpath.auth); the profile; 3 kinds x (rows, evidence)
# and the qualifications' prerequisites; the ids of CPD activities, gap explanations and
# exports; the history page; the CPD summary (policy, activities, their areas, the areas); the
# scope declarations (their areas are one more query when there are any); the latest
# supervised sessions (with the sign-off delay); the certificates section: the trainer's
# certificates, and whether one may be issued in each area (the pathway's 14 queries, the
# valid certificates, the valid scope declarations with their areas).
QUERIES_TRAINER_PAGE = 36


def test_an_unknown_trainer_is_404(client_for, staff_user):
    url = reverse("programme:trainer_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for(staff_user).get(url).status_code == 404


# --- Suspend and reinstate ------------------------------------------------------------------


def test_staff_suspend_a_trainer_with_a_reason(client_for, staff_user, trainer_user, mailoutbox):
    profile = trainer_user.trainer_profile
    client = client_for(staff_user)
    response = client.post(
        reverse("programme:trainer_suspend", args=[profile.public_id]),
        {"reason": "Insurance lapsed and O'Brien's complaint is under review."},
    )
    assert response.status_code == 302 and response["Location"] == detail_url(profile)
    profile.refresh_from_db()
    assert profile.status == TrainerProfile.Status.SUSPENDED
    assert profile.status_reason == "Insurance lapsed and O'Brien's complaint is under review."
    assert profile.status_changed_at == NOW
    event = AuditEvent.objects.get(action="trainer.suspend")
    assert event.actor == staff_user
    assert event.target_id == str(profile.public_id)
    assert (event.before, event.after["status"]) == ({"status": "active"}, "suspended")
    assert event.reason == profile.status_reason
    delivery = Delivery.objects.get(template="trainer_status")
    assert delivery.recipient == trainer_user
    deliver([delivery.pk])  # what the worker does once the request commits
    (message,) = mailoutbox
    assert message.to == [trainer_user.email]
    assert message.subject == "[RehabPath] Your account is suspended"
    assert "O'Brien's complaint" in message.body  # plain text, not HTML-escaped
    html = message.alternatives[0][0]
    assert "O&#x27;Brien" in html or "O&#39;Brien" in html

    page = client.get(detail_url(profile)).content.decode()
    assert "Suspended since 27 Nov 2026" in page
    assert "Trainer suspended" in page  # the history, in plain words
    assert reverse("programme:trainer_reinstate", args=[profile.public_id]) in page


def test_a_suspended_trainer_sees_it_on_their_dashboard(client_for, staff_user, trainer_user):
    profile = trainer_user.trainer_profile
    trainer_suspend(trainer=profile, actor=Actor.for_user(staff_user), reason="DBS check overdue.")
    html = client_for(trainer_user).get("/").content.decode()
    assert "Your account is suspended" in html
    assert "DBS check overdue." in html
    trainer_reinstate(trainer=profile, actor=Actor.for_user(staff_user), reason="DBS renewed.")
    assert "Your account is suspended" not in client_for(trainer_user).get("/").content.decode()


def test_staff_reinstate_a_suspended_trainer(client_for, staff_user, trainer_user):
    profile = trainer_user.trainer_profile
    trainer_suspend(trainer=profile, actor=Actor.for_user(staff_user), reason="Lapsed cover.")
    response = client_for(staff_user).post(
        reverse("programme:trainer_reinstate", args=[profile.public_id]),
        {"reason": "New policy verified."},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == TrainerProfile.Status.ACTIVE
    event = AuditEvent.objects.get(action="trainer.reinstate")
    assert event.reason == "New policy verified."
    assert [d.milestone.split(":")[0] for d in Delivery.objects.order_by("id")] == [
        "suspended",
        "active",
    ]


def test_suspending_needs_a_reason(client_for, staff_user, trainer_user):
    profile = trainer_user.trainer_profile
    response = client_for(staff_user).post(
        reverse("programme:trainer_suspend", args=[profile.public_id]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert "Give the reason: the trainer reads it." in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == TrainerProfile.Status.ACTIVE
    assert not AuditEvent.objects.filter(action="trainer.suspend").exists()
    with pytest.raises(DomainError, match="Give the reason"):
        trainer_suspend(trainer=profile, actor=Actor.for_user(staff_user), reason=" ")


def test_suspending_twice_is_refused(client_for, staff_user, trainer_user):
    profile = trainer_user.trainer_profile
    trainer_suspend(trainer=profile, actor=Actor.for_user(staff_user), reason="One.")
    with pytest.raises(DomainError, match="already suspended"):
        trainer_suspend(trainer=profile, actor=Actor.for_user(staff_user), reason="Two.")
    with pytest.raises(DomainError, match="already active"):
        trainer_reinstate(
            trainer=factories.TrainerProfileFactory(), actor=Actor.for_user(staff_user), reason="x"
        )
    assert AuditEvent.objects.filter(action="trainer.suspend").count() == 1


def test_only_staff_suspend_and_nobody_suspends_themselves(trainer_user, other_trainer_user):
    profile = trainer_user.trainer_profile
    with pytest.raises(DomainError, match="Only programme staff"):
        trainer_suspend(trainer=profile, actor=Actor.for_user(other_trainer_user), reason="x")
    staff_trainer = factories.TrainerProfileFactory(user=factories.UserFactory(is_staff=True))
    with pytest.raises(DomainError, match="cannot suspend yourself"):
        trainer_suspend(trainer=staff_trainer, actor=Actor.for_user(staff_trainer.user), reason="x")
    profile.refresh_from_db()
    assert profile.status == TrainerProfile.Status.ACTIVE
