"""The append-only audit log: one function writes it, nothing edits it, staff read it."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from rehabpath.audit import Actor, record_event
from rehabpath.models import AuditEvent
from tests import factories


def _event(*, action="qualification.verify", actor=None, when=None, label="Target"):
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor.email if actor else "system",
        target_type="qualifications.trainerqualification",
        target_label=label,
        occurred_at=when or dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC),
    )


# --- Writing ------------------------------------------------------------------------------


def test_record_event_writes_one_row_with_actor_target_change_and_ip(db, staff_user):
    target = factories.TrainerProfileFactory()
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    request.user = staff_user

    event = record_event(
        actor=Actor.from_request(request),
        action="trainer.suspend",
        target=target,
        before={"status": "active"},
        after={"status": "suspended"},
        reason="Insurance lapsed",
    )

    stored = AuditEvent.objects.get()
    assert stored == event
    assert stored.actor == staff_user
    assert stored.actor_label == staff_user.email
    assert stored.actor_kind == "user"
    assert stored.target_type == "trainers.trainerprofile"
    assert stored.target_id == str(target.public_id)
    assert (stored.before, stored.after) == ({"status": "active"}, {"status": "suspended"})
    assert stored.reason == "Insurance lapsed"
    assert stored.ip_address == "203.0.113.7"
    assert stored.occurred_at.utcoffset() == dt.timedelta(0)


def test_the_system_is_recorded_as_the_actor_with_the_job_that_acted(db):
    event = record_event(actor=Actor.system("reminder sweep"), action="reminder.sweep")

    assert event.actor is None
    assert (event.actor_kind, event.actor_label) == ("system", "system: reminder sweep")


def test_an_api_token_is_recorded_with_its_name_and_the_person_it_belongs_to(db, staff_user):
    actor = Actor.api_token(token_label="rota", user=staff_user, ip_address="198.51.100.4")
    event = record_event(actor=actor, action="eligibility.check")

    assert (event.actor, event.actor_kind) == (staff_user, "api_token")
    assert event.actor_label == f"API token rota ({staff_user.email})"
    assert event.ip_address == "198.51.100.4"


def test_an_anonymous_request_cannot_act(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = rf.post("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        Actor.from_request(request)


def test_audit_events_refuse_update_and_delete_through_the_model(db):
    event = _event()

    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get().reason == ""


def test_a_new_audit_event_given_an_existing_id_does_not_overwrite_it(db):
    from django.db import IntegrityError, transaction

    event = _event()
    forged = AuditEvent(pk=event.pk, action="forged", target_type="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert AuditEvent.objects.get().action == event.action


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the refusing trigger exists on PostgreSQL only (SQLite's test flush deletes rows)",
)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE rehabpath_auditevent SET reason = 'rewritten'",
        "DELETE FROM rehabpath_auditevent",
    ],
)
def test_database_trigger_refuses_raw_update_and_delete(db, statement):
    _event()

    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)

    assert AuditEvent.objects.get().reason == ""


# --- Reading ------------------------------------------------------------------------------


def _shown(response):
    return [event.action for event in response.context["page"].object_list]


def test_audit_log_lists_events_newest_first(client_for, staff_user):
    _event(action="old.event", when=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC))
    _event(action="new.event", when=dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC))

    response = client_for(staff_user).get("/audit/")

    assert response.status_code == 200
    assert _shown(response) == ["new.event", "old.event"]


def test_audit_log_filters_by_action_and_actor(client_for, staff_user, trainer_user):
    _event(action="qualification.verify", actor=staff_user)
    _event(action="qualification.reject", actor=staff_user)
    _event(action="qualification.verify", actor=trainer_user)
    client = client_for(staff_user)

    verified = {"action": "qualification.verify"}
    assert len(_shown(client.get("/audit/", verified))) == 2
    assert _shown(client.get("/audit/", {**verified, "actor": trainer_user.email})) == [
        "qualification.verify"
    ]


def test_audit_log_filters_by_date_range(client_for, staff_user):
    for day in (1, 10, 20):
        _event(action=f"day.{day}", when=dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC))

    response = client_for(staff_user).get("/audit/", {"since": "2026-03-05", "until": "2026-03-15"})

    assert _shown(response) == ["day.10"]


def test_audit_log_explains_an_inverted_date_range(client_for, staff_user):
    _event()

    response = client_for(staff_user).get("/audit/", {"since": "2026-03-15", "until": "2026-03-05"})

    assert response.status_code == 200
    assert "must be on or before" in " ".join(response.context["form"].non_field_errors())
    assert "must be on or before" in response.content.decode()
    assert _shown(response) == []  # nothing is listed for filters that make no sense


@pytest.mark.parametrize(
    "persona", ["trainer_user", "mentor_user", "clinic_admin_user"], ids=lambda p: p[:-5]
)
def test_audit_log_is_refused_to_other_roles(client_for, request, persona):
    user = request.getfixturevalue(persona)

    assert client_for(user).get("/audit/").status_code == 403


def test_audit_log_sends_anonymous_users_to_login(client, db):
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_audit_ip_comes_from_the_trusted_proxy_header(settings, rf, trainer_user):
    from rehabpath.audit import Actor, record_event

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
    request.user = trainer_user
    event = record_event(actor=Actor.from_request(request), action="test.proxy", target_type="x")
    assert event.ip_address == "203.0.113.9"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(rf, trainer_user):
    from rehabpath.audit import Actor, record_event

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
    request.user = trainer_user
    event = record_event(actor=Actor.from_request(request), action="test.proxy", target_type="x")
    assert event.ip_address == "10.0.0.2"


def test_audit_date_filters_use_utc_days_like_the_log(client_for, staff_user):
    import datetime as dt

    from rehabpath.models import AuditEvent

    late = AuditEvent.objects.create(
        action="test.late", target_type="x",
        occurred_at=dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC),
    )  # fmt: skip
    response = client_for(staff_user).get("/audit/", {"since": "2026-06-01", "until": "2026-06-01"})
    assert late not in response.context["page"].object_list
    response = client_for(staff_user).get("/audit/", {"since": "2026-05-31", "until": "2026-05-31"})
    assert late in response.context["page"].object_list


def test_bulk_changes_to_the_audit_log_are_refused(db):
    import pytest

    from rehabpath.audit import Actor, record_event
    from rehabpath.models import AuditEvent

    record_event(actor=Actor.system("test"), action="test.bulk", target_type="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_a_user_with_audit_events_cannot_be_deleted(trainer_user):
    import pytest
    from django.db.models import ProtectedError

    from rehabpath.audit import Actor, record_event

    record_event(actor=Actor.for_user(trainer_user), action="test.protect", target_type="x")
    with pytest.raises(ProtectedError):
        trainer_user.delete()


@pytest.mark.parametrize(
    "dates",
    [
        {"until": "9999-12-31"},
        {"since": "0001-01-01"},
        {"since": "0001-01-01", "until": "9999-12-31"},
    ],
)
def test_audit_log_accepts_the_first_and_last_days_of_the_calendar(client_for, staff_user, dates):
    event = _event()

    response = client_for(staff_user).get("/audit/", dates)

    assert response.status_code == 200
    assert event in response.context["page"].object_list
