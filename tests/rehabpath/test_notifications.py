"""rehabpath.notifications: a due item is recorded once, as its recipient chose."""

from unittest import mock

import pytest

from rehabpath.models import Delivery, NotificationPreference
from rehabpath.notifications import (
    KINDS,
    Item,
    Kind,
    kind_for,
    kinds_for_roles,
    notify,
    notify_many,
    register_kind,
)
from rehabpath.roles import Role
from tests.factories import UserFactory

CONTEXT = {"outcome": "verified", "kind_label": "Qualification", "record_label": "L3"}
ROUTINE = "record.decided"  # not critical: the recipient may mute it or move it to the digest
CRITICAL = "trainer.status"


@pytest.fixture
def no_dispatch():
    """Record only: what is sent is rehabpath.ledger's business (tests/rehabpath/test_ledger)."""
    with mock.patch("rehabpath.ledger.dispatch_on_commit") as dispatch:
        yield dispatch


def test_notify_records_an_item_once_per_key(trainer_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = notify(kind=ROUTINE, recipient=trainer_user, subject_key="r1", context=CONTEXT)
        second = notify(kind=ROUTINE, recipient=trainer_user, subject_key="r1", context=CONTEXT)

    assert first is not None and second is None
    assert Delivery.objects.count() == 1
    assert len(callbacks) == 1  # one dispatch, for the new row
    assert (first.template, first.status, first.in_app) == ("record_decision", "pending", True)


@pytest.mark.parametrize(
    "change",
    [{"milestone": "30d"}, {"subject_key": "r2"}, {"kind": CRITICAL}, {"channel": "webhook"}],
)
def test_another_milestone_subject_kind_or_channel_is_a_new_item(trainer_user, change):
    base = {"kind": ROUTINE, "recipient": trainer_user, "subject_key": "r1", "milestone": "90d"}
    assert notify(**base) is not None
    assert notify(**{**base, **change}) is not None
    assert Delivery.objects.count() == 2


def test_the_same_item_for_another_recipient_is_new(trainer_user, other_trainer_user):
    assert notify(kind=ROUTINE, recipient=trainer_user, subject_key="r1") is not None
    assert notify(kind=ROUTINE, recipient=other_trainer_user, subject_key="r1") is not None


def test_an_address_without_an_account_is_notified_once(db):
    kwargs = {"kind": "clinic.invitation", "destination": "new@example.org", "subject_key": "i1"}
    row = notify(**kwargs)
    assert row is not None and notify(**kwargs) is None
    assert (row.recipient_id, row.destination, row.in_app) == (None, "new@example.org", False)


def test_an_item_needs_a_recipient_or_a_destination(db):
    with pytest.raises(ValueError, match="recipient or a destination"):
        notify(kind=ROUTINE, subject_key="r1")


def test_an_unregistered_kind_is_refused(trainer_user):
    with pytest.raises(LookupError, match="register it"):
        notify(kind="no.such.kind", recipient=trainer_user, subject_key="r1")


@pytest.mark.parametrize(
    ("choice", "status"),
    [(None, "pending"), ("now", "pending"), ("digest", "digest"), ("off", "muted")],
)
def test_the_recipients_preference_decides_the_rows_status(trainer_user, choice, status):
    if choice is not None:
        NotificationPreference.objects.create(user=trainer_user, kind=ROUTINE, choice=choice)
    row = notify(kind=ROUTINE, recipient=trainer_user, subject_key="r1")
    assert row.status == status
    assert row.in_app  # the notification list shows it whatever was chosen for e-mail


@pytest.mark.parametrize("choice", ["digest", "off"])
def test_a_critical_kind_is_mailed_whatever_the_preference(trainer_user, choice):
    NotificationPreference.objects.create(user=trainer_user, kind=CRITICAL, choice=choice)
    assert notify(kind=CRITICAL, recipient=trainer_user, subject_key="s1").status == "pending"


def test_a_muted_or_digested_row_is_not_dispatched(
    trainer_user, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=trainer_user, kind=ROUTINE, choice="off")
    with django_capture_on_commit_callbacks() as callbacks:
        notify(kind=ROUTINE, recipient=trainer_user, subject_key="r1")
    assert callbacks == []


def _items(users, *, subject="s", kind=ROUTINE) -> list[Item]:
    return [
        Item(kind=kind, subject_key=f"{subject}{u.pk}", milestone="30d", recipient_id=u.pk)
        for u in users
    ]


@pytest.mark.parametrize("size", [3, 60])
def test_notify_many_takes_two_queries_whatever_the_batch_size(
    db, size, django_assert_num_queries, no_dispatch
):
    users = UserFactory.create_batch(size)
    items = _items(users)

    with django_assert_num_queries(2):  # the recipients' preferences, one INSERT
        assert notify_many(items) == size
    with django_assert_num_queries(2):
        assert notify_many(items) == 0  # a re-run sweep: every row is there


def test_notify_many_skips_the_items_recorded_before_and_dispatches_only_new_pending_rows(
    db, no_dispatch
):
    users = UserFactory.create_batch(4)
    notify(kind=ROUTINE, recipient=users[0], subject_key=f"s{users[0].pk}", milestone="30d")
    NotificationPreference.objects.create(user=users[1], kind=ROUTINE, choice="digest")
    NotificationPreference.objects.create(user=users[2], kind=ROUTINE, choice="off")
    no_dispatch.reset_mock()

    assert notify_many(_items(users)) == 3

    [[dispatched], _] = no_dispatch.call_args
    new = Delivery.objects.filter(kind=ROUTINE)
    assert dict(new.values_list("recipient_id", "status")) == {
        users[0].pk: "pending",
        users[1].pk: "digest",
        users[2].pk: "muted",
        users[3].pk: "pending",
    }
    assert dispatched == [new.get(recipient=users[3]).pk]


def test_notify_many_within_one_batch_keeps_the_first_of_two_equal_items(db, no_dispatch):
    [user] = UserFactory.create_batch(1)
    twice = _items([user]) * 2
    assert notify_many(twice) == 1
    assert Delivery.objects.count() == 1


def test_notify_many_of_nothing_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notify_many([]) == 0


def test_notify_many_splits_a_batch_bigger_than_the_database_takes(db, no_dispatch, settings):
    users = UserFactory.create_batch(5)
    with mock.patch("django.db.connection.ops.bulk_batch_size", return_value=2):
        assert notify_many(_items(users)) == 5
    assert Delivery.objects.count() == 5


def test_a_kind_registered_twice_differently_is_refused():
    kind = KINDS[ROUTINE]
    assert register_kind(kind) is kind  # the same kind again (a re-imported module) is fine
    with pytest.raises(ValueError, match="registered twice"):
        register_kind(Kind(ROUTINE, "Other", "Other.", frozenset({Role.TRAINER})))
    assert kind_for(ROUTINE) is kind


def test_a_person_is_offered_the_kinds_of_their_roles():
    keys = {kind.key for kind in kinds_for_roles([Role.MENTOR])}
    assert "session.submitted" in keys
    assert ROUTINE not in keys
