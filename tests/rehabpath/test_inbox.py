"""The notification list, the header's unread count, opening and marking read, and the
choices of which e-mails a person gets (rehabpath.inbox).

Every person sees their own rows only (another's public id is a 404), the list's query count
is pinned at two sizes, and each change leaves an audit event.
"""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.inbox import selectors, services
from rehabpath.ledger import deliver
from rehabpath.models import AuditEvent, Delivery, NotificationPreference
from rehabpath.notifications import KINDS, kinds_for_roles, notify
from rehabpath.roles import Role
from tests import factories

T0 = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
LIST = "/notifications/"
PREFS = "/notifications/preferences/"


def _row(user, n=0, *, read=False, path="/trainers/records/", created=None, **fields):
    defaults = {
        "kind": "record.decided",
        "template": "record_decision",
        "context": {
            "outcome": "verified",
            "kind_label": "Insurance",
            "kind_in_sentence": "insurance",
        },
    }
    defaults.update(fields)
    return Delivery.objects.create(
        recipient=user,
        subject_key=f"test:{n}",
        path=path,
        status=Delivery.Status.SENT,
        created_at=created or T0 - dt.timedelta(minutes=n),
        read_at=T0 if read else None,
        **defaults,
    )


def _rows(user, count, *, start=0, **fields):
    return [_row(user, n, **fields) for n in range(start, start + count)]


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_my_notifications_newest_first_with_their_titles(client_for, trainer_user):
    older = _row(trainer_user, 5, read=True)
    newer = _row(
        trainer_user,
        1,
        kind="trainer.status",
        template="trainer_status",
        context={"status": "suspended", "reason": "x"},
    )

    response = client_for(trainer_user).get(LIST)

    assert response.status_code == 200
    assert [e.row.pk for e in response.context["entries"]] == [newer.pk, older.pk]
    html = response.content.decode()
    assert "Your account is suspended" in html
    assert "Your insurance is verified" in html
    assert html.index("Your account is suspended") < html.index("Your insurance is verified")
    assert "Unread: </span>Your account is suspended" in html
    assert "Unread: </span>Your insurance" not in html


def test_the_list_leaves_out_other_peoples_rows_and_rows_not_meant_for_it(
    client_for, trainer_user, other_trainer_user
):
    mine = _row(trainer_user)
    _row(other_trainer_user, 1)
    _row(trainer_user, 2, in_app=False, kind="account.claim", template="account_claim")
    Delivery.objects.create(
        destination="someone@example.org",
        kind="record.decided",
        subject_key="x",
        template="record_decision",
    )

    response = client_for(trainer_user).get(LIST)

    assert [e.row.pk for e in response.context["entries"]] == [mine.pk]


def test_the_unread_filter_lists_only_the_unread(client_for, trainer_user):
    unread = _row(trainer_user, 1)
    _row(trainer_user, 2, read=True)

    response = client_for(trainer_user).get(LIST, {"show": "unread"})

    assert [e.row.pk for e in response.context["entries"]] == [unread.pk]


def test_an_empty_list_says_so(client_for, mentor_user):
    response = client_for(mentor_user).get(LIST)

    assert "No notifications yet." in response.content.decode()
    unread = client_for(mentor_user).get(LIST, {"show": "unread"}).content.decode()
    assert "Nothing unread: you are up to date." in unread


def test_pages_go_back_in_time_without_skipping_or_repeating(client_for, trainer_user):
    created = _rows(trainer_user, selectors.PAGE_SIZE * 2 + 3)
    client = client_for(trainer_user)
    seen, query = [], {}
    while True:
        response = client.get(LIST, query)
        seen += [e.row.pk for e in response.context["entries"]]
        older = response.context["page"].older
        if older is None:
            break
        query = {"older": older}

    assert seen == [row.pk for row in created]  # created newest first


def test_a_title_renders_from_the_stored_context_alone_and_is_escaped_once(
    client_for, trainer_user
):
    _row(
        trainer_user,
        kind="mentor.assignment",
        template="mentor_assignment",
        context={"event": "start", "role": "trainer", "other_name": "Siobhán O'Brien & Co"},
    )

    html = client_for(trainer_user).get(LIST).content.decode()

    assert escape("Siobhán O'Brien & Co is your mentor") in html


def test_a_row_whose_subject_cannot_render_shows_its_kinds_label(client_for, trainer_user):
    _row(trainer_user, template="no_such_template")

    html = client_for(trainer_user).get(LIST).content.decode()

    assert "A record verified or rejected" in html


@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_registered_subject_renders_without_send_time_values(key):
    """The in-app title is the e-mail's subject from the stored row: no kind's subject may
    need a value that only a send-time context builder adds (or it renders wrong, or empty)."""
    kind = KINDS[key]
    row = Delivery(kind=key, template=kind.mail_template, context={})
    assert selectors.title_of(row).strip()


def test_the_list_runs_the_same_queries_for_few_and_many_rows(
    client_for, trainer_user, django_assert_num_queries
):
    client = client_for(trainer_user)
    _rows(trainer_user, 3)
    client.get(LIST)  # the session's first activity is written once
    # The signed-in user (their roles and the unread count in one query) and the page.
    with django_assert_num_queries(2):
        assert client.get(LIST).status_code == 200
    _rows(trainer_user, 60, start=3, read=True)
    with django_assert_num_queries(2):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(LIST, {"show": "unread"}).status_code == 200


# --- The header ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["trainer_user", "mentor_user", "clinic_admin_user", "staff_user"]
)
def test_every_role_sees_the_unread_count_in_the_header(client, request, persona):
    user = request.getfixturevalue(persona)
    _rows(user, 3)
    _row(user, 9, read=True)
    client.force_login(user)

    html = client.get("/").content.decode()

    assert "3 unread notifications" in html
    assert 'class="inbox-count" aria-hidden="true">3<' in html


def test_the_header_says_none_unread_and_caps_a_big_count(client_for, trainer_user):
    client = client_for(trainer_user)
    assert "Notifications, none unread" in client.get("/").content.decode()

    _rows(trainer_user, 101)
    html = client.get("/").content.decode()
    assert "101 unread notifications" in html
    assert ">99+<" in html


def test_the_unread_count_costs_no_query_of_its_own(
    client, trainer_user, django_assert_num_queries
):
    _rows(trainer_user, 2)
    client.force_login(trainer_user)
    client.get("/livez")
    with django_assert_num_queries(1):  # the user, as before: the count rides along
        assert client.get("/livez").status_code == 200
    from rehabpath.auth import users_with_roles

    assert users_with_roles().get(pk=trainer_user.pk).unread_notifications == 2


# --- Opening and marking read ----------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client_for, trainer_user):
    row = _row(trainer_user, path="/trainers/records/")
    client = client_for(trainer_user)

    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        response = client.post(reverse("notification_open", args=[row.public_id]))

    assert response.status_code == 302
    assert response["Location"] == "/trainers/records/"
    row.refresh_from_db()
    assert row.read_at == T0 + dt.timedelta(hours=1)
    event = AuditEvent.objects.get(action="notification.read")
    assert event.actor == trainer_user
    assert event.target_id == str(row.public_id)
    assert "Notifications, none unread" in client.get("/").content.decode()


def test_opening_it_again_changes_nothing(client_for, trainer_user):
    row = _row(trainer_user, read=True)

    client_for(trainer_user).post(reverse("notification_open", args=[row.public_id]))

    row.refresh_from_db()
    assert row.read_at == T0
    assert not AuditEvent.objects.filter(action="notification.read").exists()


def test_mark_as_read_stays_on_the_list_page_it_came_from(client_for, trainer_user):
    row = _row(trainer_user)
    client = client_for(trainer_user)

    response = client.post(
        reverse("notification_open", args=[row.public_id]),
        {"then": "list", "back": "/notifications/?show=unread"},
    )

    assert response["Location"] == "/notifications/?show=unread"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("path", ["", "//evil.example/x", "https://evil.example/"])
def test_a_notification_without_a_local_page_returns_to_the_list(client_for, trainer_user, path):
    row = _row(trainer_user, path=path)

    response = client_for(trainer_user).post(
        reverse("notification_open", args=[row.public_id]), {"back": "https://evil.example/"}
    )

    assert response["Location"] == LIST


def test_nobody_opens_another_persons_notification(client_for, trainer_user, other_trainer_user):
    row = _row(trainer_user)

    response = client_for(other_trainer_user).post(
        reverse("notification_open", args=[row.public_id])
    )

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_opening_is_a_post_only(client_for, trainer_user):
    row = _row(trainer_user)

    response = client_for(trainer_user).get(reverse("notification_open", args=[row.public_id]))

    assert response.status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_marks_only_my_unread(client_for, trainer_user, other_trainer_user):
    mine = _rows(trainer_user, 3)
    already = _row(trainer_user, 7, read=True)
    theirs = _row(other_trainer_user, 8)

    response = client_for(trainer_user).post(reverse("notifications_read_all"), follow=True)

    assert "Marked 3 notifications as read." in response.content.decode()
    assert Delivery.objects.filter(pk__in=[r.pk for r in mine], read_at__isnull=True).count() == 0
    already.refresh_from_db()
    theirs.refresh_from_db()
    assert already.read_at == T0
    assert theirs.read_at is None
    event = AuditEvent.objects.get(action="notification.read_all")
    assert event.after["marked_read"] == 3


def test_mark_all_read_with_nothing_unread_says_so(client_for, trainer_user):
    response = client_for(trainer_user).post(reverse("notifications_read_all"), follow=True)

    assert "You had no unread notifications." in response.content.decode()
    assert not AuditEvent.objects.filter(action="notification.read_all").exists()


def test_the_service_refuses_someone_elses_row(trainer_user, other_trainer_user):
    row = _row(trainer_user)

    with pytest.raises(DomainError):
        services.notification_mark_read(actor=Actor.for_user(other_trainer_user), delivery=row)


# --- Preferences -----------------------------------------------------------------------------


def _field(key):
    from rehabpath.inbox.forms import field_name

    return field_name(key)


def test_the_page_lists_the_kinds_of_my_roles_and_says_why_critical_ones_are_fixed(
    client_for, trainer_user
):
    response = client_for(trainer_user).get(PREFS)

    html = response.content.decode()
    form = response.context["form"]
    for kind in kinds_for_roles({Role.TRAINER}):
        if not kind.in_app:
            assert kind.label not in html
        elif kind.critical:
            assert _field(kind.key) not in form.fields
            assert escape(kind.label) in html
        else:
            assert _field(kind.key) in form.fields
    assert "Always e-mailed" in html
    assert "it is always e-mailed" in html
    # Only a trainer's kinds: a mentor's sign-off requests are not offered.
    assert _field("session.submitted") not in form.fields


def test_expiry_kinds_give_the_expiry_reason():
    kind = next((k for k in KINDS.values() if k.key.startswith("expiry.")), None)
    if kind is None:
        pytest.skip("no expiry kind registered yet")
    assert kind.critical
    assert selectors.critical_reason(kind) == (
        "Expiry reminders keep you eligible: they are always e-mailed."
    )


def test_saving_choices_writes_them_with_an_audit_event(client_for, trainer_user):
    client = client_for(trainer_user)

    response = client.post(
        PREFS,
        {_field("record.decided"): "digest", _field("session.decided"): "off"},
        follow=True,
    )

    assert "Your choices are saved." in response.content.decode()
    saved = dict(
        NotificationPreference.objects.filter(user=trainer_user).values_list("kind", "choice")
    )
    assert saved == {"record.decided": "digest", "session.decided": "off"}
    event = AuditEvent.objects.get(action="notification_preferences.update")
    assert event.before == {"record.decided": "now", "session.decided": "now"}
    assert event.after == {"record.decided": "digest", "session.decided": "off"}
    # The page shows them chosen.
    form = client.get(PREFS).context["form"]
    assert form[_field("record.decided")].initial == "digest"


def test_saving_the_same_choices_again_changes_nothing(client_for, trainer_user):
    client = client_for(trainer_user)
    client.post(PREFS, {_field("record.decided"): "digest"})

    response = client.post(PREFS, {_field("record.decided"): "digest"}, follow=True)

    assert "Nothing changed" in response.content.decode()
    assert AuditEvent.objects.filter(action="notification_preferences.update").count() == 1


def test_an_invalid_choice_is_refused_and_nothing_is_lost(client_for, trainer_user):
    response = client_for(trainer_user).post(
        PREFS, {_field("record.decided"): "sometimes", _field("session.decided"): "off"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose one of the three options." in html
    # What was typed stays on the page; nothing was saved.
    assert response.context["form"].data[_field("session.decided")] == "off"
    assert not NotificationPreference.objects.filter(user=trainer_user).exists()


def test_a_critical_kind_cannot_be_changed_even_by_a_crafted_post(trainer_user):
    with pytest.raises(DomainError, match="always e-mailed"):
        services.notification_preferences_update(
            actor=Actor.for_user(trainer_user), choices={"trainer.status": "off"}
        )
    with pytest.raises(DomainError, match="do not receive"):
        services.notification_preferences_update(
            actor=Actor.for_user(trainer_user), choices={"session.submitted": "off"}
        )
    assert not NotificationPreference.objects.exists()


def test_a_crafted_post_for_a_critical_kind_is_ignored_by_the_form(client_for, trainer_user):
    client_for(trainer_user).post(PREFS, {_field("trainer.status"): "off"})

    assert not NotificationPreference.objects.exists()


def test_a_muted_kind_is_listed_but_not_emailed(trainer_user, django_capture_on_commit_callbacks):
    services.notification_preferences_update(
        actor=Actor.for_user(trainer_user), choices={"record.decided": "off"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        row = notify(
            recipient=trainer_user,
            kind="record.decided",
            subject_key="muted",
            context={"outcome": "verified", "kind_label": "Insurance"},
        )
    assert row is not None
    assert row.status == Delivery.Status.MUTED
    deliver([row.pk])
    assert mail.outbox == []
    assert list(selectors.unread_of(trainer_user)) == [row]


def test_every_mail_to_an_account_links_to_the_choices(trainer_user, settings):
    row = notify(
        recipient=trainer_user,
        kind="record.decided",
        subject_key="footer",
        context={
            "outcome": "verified",
            "kind_label": "Insurance",
            "kind_in_sentence": "insurance",
            "record_label": "Insurance",
            "reason": "",
            "record_path": "/trainers/records/",
        },
    )
    deliver([row.pk])

    message = mail.outbox[0]
    assert f"Choose which e-mails you get: {settings.SITE_URL}{PREFS}" in message.body
    html = message.alternatives[0][0]
    assert f'href="{settings.SITE_URL}{PREFS}"' in html
    assert "Choose which e-mails you get" in html


def test_a_mail_to_an_address_without_an_account_has_no_choices_link(db):
    clinic = factories.ClinicFactory()
    invitation = factories.ClinicInvitationFactory(clinic=clinic, email="new@example.org")
    from trainers.mails import mail_clinic_invitation

    mail_clinic_invitation(invitation=invitation)
    deliver(list(Delivery.objects.values_list("pk", flat=True)))

    assert "Choose which e-mails you get" not in mail.outbox[0].body


def test_the_weekly_digest_cannot_be_put_into_itself(client_for, trainer_user):
    if "digest.weekly" not in KINDS:
        pytest.skip("no weekly digest registered")
    response = client_for(trainer_user).get(PREFS)
    field = response.context["form"].fields[_field("digest.weekly")]
    assert [value for value, _ in field.choices] == ["now", "off"]

    with pytest.raises(DomainError):
        services.notification_preferences_update(
            actor=Actor.for_user(trainer_user), choices={"digest.weekly": "digest"}
        )
    services.notification_preferences_update(
        actor=Actor.for_user(trainer_user), choices={"digest.weekly": "off"}
    )
    assert NotificationPreference.objects.get(user=trainer_user).choice == "off"


def test_each_reason_for_a_fixed_kind_is_said_once(client_for, trainer_user):
    html = client_for(trainer_user).get(PREFS).content.decode()

    assert html.count("Expiry reminders keep you eligible") <= 1
    assert html.count("This tells you whether you may work with clients") == 1
