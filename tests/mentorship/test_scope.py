"""Scope of practice: publishing versions, signing declarations, and which one holds when."""

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from mentorship.models import ScopeDeclaration, ScopeStatement
from mentorship.models.scope import sha256_of
from mentorship.selectors_scope import (
    ScopeState,
    current_declaration_of,
    declaration_history,
    scope_status_for,
    valid_declarations,
)
from mentorship.services.scope import (
    StatementData,
    declaration_sign,
    normalise_name,
    statement_draft_create,
    statement_draft_update,
    statement_publish,
)
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent
from tests.factories import (
    ConditionAreaFactory,
    TrainerProfileFactory,
    UserFactory,
    published_scope_statement,
    signed_scope_declaration,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the refusing triggers exist on PostgreSQL only"
)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff():
    return Actor.for_user(UserFactory(is_staff=True))


@pytest.fixture
def areas():
    return [ConditionAreaFactory(name="Stroke"), ConditionAreaFactory(name="Parkinson's")]


def _data(area_list, **changes):
    values = {
        "title": "Scope of practice",
        "text": "Work **within** your training.",
        "areas": tuple(area_list),
        "effective_on": dt.date(2026, 3, 2),
        "grace_days": 30,
        "validity_months": 12,
    }
    return StatementData(**{**values, **changes})


def _sign(trainer, statement, areas, **changes):
    values = {
        "actor": Actor.for_user(trainer.user),
        "trainer": trainer,
        "statement": statement,
        "areas": areas,
        "escalation_role": "Referring physiotherapist",
        "escalation_organisation": "North Bristol NHS Trust",
        "signed_name": trainer.user.name,
        "confirmed": True,
    }
    return declaration_sign(**{**values, **changes})


# --- Statements ---------------------------------------------------------------------------


def test_publishing_numbers_versions_in_order_and_is_audited(staff, areas):
    first = statement_publish(
        actor=staff, statement=statement_draft_create(actor=staff, data=_data(areas))
    )
    second = statement_publish(
        actor=staff, statement=statement_draft_create(actor=staff, data=_data(areas, grace_days=14))
    )

    assert (first.version, second.version) == (1, 2)
    assert second.earlier_valid_until == dt.date(2026, 3, 16)
    assert second.published_by == staff.user
    events = AuditEvent.objects.filter(action="scope_statement.publish")
    assert sorted(e.after["version"] for e in events) == [1, 2]


def test_only_staff_write_statements(areas):
    trainer = TrainerProfileFactory()
    with pytest.raises(DomainError, match="Only programme staff"):
        statement_draft_create(actor=Actor.for_user(trainer.user), data=_data(areas))


def test_a_published_version_is_never_edited(staff, areas):
    statement = statement_publish(
        actor=staff, statement=statement_draft_create(actor=staff, data=_data(areas))
    )
    with pytest.raises(DomainError, match="never edited"):
        statement_draft_update(actor=staff, statement=statement, data=_data(areas, title="New"))
    with pytest.raises(DomainError, match="already published"):
        statement_publish(actor=staff, statement=statement)
    statement.refresh_from_db()
    assert statement.title == "Scope of practice"


def test_a_draft_is_edited_and_the_edit_audited(staff, areas):
    draft = statement_draft_create(actor=staff, data=_data(areas))
    statement_draft_update(actor=staff, statement=draft, data=_data(areas[:1], title="Better"))

    draft.refresh_from_db()
    assert draft.title == "Better"
    assert list(draft.condition_areas.all()) == areas[:1]
    event = AuditEvent.objects.get(action="scope_statement.edit")
    assert event.before["title"] == "Scope of practice" and event.after["title"] == "Better"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"areas": ()}, "Choose the condition areas"),
        ({"effective_on": dt.date(2026, 3, 1)}, "effective date has passed"),
    ],
)
def test_publishing_refuses_a_draft_that_cannot_take_effect(staff, areas, changes, message):
    draft = statement_draft_create(actor=staff, data=_data(areas, **changes))
    with pytest.raises(DomainError, match=message):
        statement_publish(actor=staff, statement=draft)
    draft.refresh_from_db()
    assert draft.version is None


def test_a_new_version_cannot_take_effect_before_the_previous_one(staff, areas):
    later = _data(areas, effective_on=dt.date(2026, 6, 1))
    statement_publish(actor=staff, statement=statement_draft_create(actor=staff, data=later))
    draft = statement_draft_create(actor=staff, data=_data(areas, effective_on=dt.date(2026, 5, 1)))
    with pytest.raises(DomainError, match="cannot take effect before it"):
        statement_publish(actor=staff, statement=draft)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"text": ""}, "text"),
        ({"grace_days": 400}, "grace_days"),
        ({"validity_months": 0}, "validity_months"),
    ],
)
def test_a_draft_needs_title_text_and_sensible_periods(staff, areas, changes, field):
    with pytest.raises(DomainError) as caught:
        statement_draft_create(actor=staff, data=_data(areas, **changes))
    assert caught.value.field == field


# --- Signing ----------------------------------------------------------------------------


def test_signing_stores_the_text_as_shown_with_its_hash_and_a_12_month_expiry(areas):
    trainer = TrainerProfileFactory(user__name="Ada Lovelace")
    statement = published_scope_statement(areas=areas, text="Work **within** it.\n\n- Escalate")

    declaration = _sign(trainer, statement, areas[:1], signed_name="  ada   LOVELACE ")

    assert declaration.signed_name == "Ada Lovelace"
    assert "Work within it." in declaration.signed_text and "• Escalate" in declaration.signed_text
    assert "**" not in declaration.signed_text
    assert "I am competent to work with clients in: Stroke." in declaration.signed_text
    assert "Referring physiotherapist, North Bristol NHS Trust" in declaration.signed_text
    assert declaration.signed_sha256 == sha256_of(declaration.signed_text)
    assert declaration.signed_on == dt.date(2026, 3, 2)
    assert declaration.expires_on == dt.date(2027, 3, 2)
    event = AuditEvent.objects.get(action="scope_declaration.sign")
    assert event.after["signed_sha256"] == declaration.signed_sha256
    assert event.after["areas"] == [areas[0].slug]


def test_the_trainer_gets_a_copy_of_what_they_signed(areas, django_capture_on_commit_callbacks):
    from rehabpath.models import Delivery

    trainer = TrainerProfileFactory()
    with django_capture_on_commit_callbacks():
        declaration = _sign(trainer, published_scope_statement(areas=areas), areas)

    delivery = Delivery.objects.get(template="scope_declaration")
    assert delivery.recipient == trainer.user
    assert delivery.context["signed_sha256"] == declaration.signed_sha256


def test_a_name_that_is_not_the_accounts_is_refused_with_the_name_to_type(areas):
    trainer = TrainerProfileFactory(user__name="Ada Lovelace")
    statement = published_scope_statement(areas=areas)
    with pytest.raises(DomainError, match="as your account has it: Ada Lovelace") as caught:
        _sign(trainer, statement, areas, signed_name="Ada Byron")
    assert caught.value.field == "signed_name"
    assert not ScopeDeclaration.objects.exists()


def test_names_compare_without_case_or_spacing():
    assert normalise_name(" Ada\tLOVELACE ") == normalise_name("ada lovelace")
    assert normalise_name("Ada Lovelace") != normalise_name("AdaLovelace")


def test_signing_without_the_confirmation_is_refused(areas):
    trainer = TrainerProfileFactory()
    with pytest.raises(DomainError, match="Tick the box") as caught:
        _sign(trainer, published_scope_statement(areas=areas), areas, confirmed=False)
    assert caught.value.field == "confirmed"


def test_areas_outside_the_statement_are_refused(areas):
    trainer = TrainerProfileFactory()
    statement = published_scope_statement(areas=areas[:1])
    with pytest.raises(DomainError, match="does not cover: Parkinson's") as caught:
        _sign(trainer, statement, areas)
    assert caught.value.field == "areas"


def test_at_least_one_area_is_needed(areas):
    with pytest.raises(DomainError, match="at least one condition area"):
        _sign(TrainerProfileFactory(), published_scope_statement(areas=areas), [])


@pytest.mark.parametrize("contact", ["Physio on 07700 900123", "physio@example.org"])
def test_an_escalation_contact_is_a_role_and_organisation_not_a_number(areas, contact):
    with pytest.raises(DomainError, match="role and an organisation only"):
        _sign(
            TrainerProfileFactory(),
            published_scope_statement(areas=areas),
            areas,
            escalation_role=contact,
        )


def test_a_version_published_while_reading_is_signed_instead(areas):
    trainer = TrainerProfileFactory()
    read = published_scope_statement(areas=areas)
    published_scope_statement(areas=areas)
    with pytest.raises(DomainError, match="published while you were reading"):
        _sign(trainer, read, areas)


def test_nobody_signs_for_someone_else(areas):
    trainer, other = TrainerProfileFactory(), TrainerProfileFactory()
    with pytest.raises(DomainError, match="Only the trainer"):
        _sign(
            trainer, published_scope_statement(areas=areas), areas, actor=Actor.for_user(other.user)
        )


# --- What someone signed never changes ------------------------------------------------------


def test_a_new_version_or_a_changed_statement_never_changes_what_was_signed(areas):
    trainer = TrainerProfileFactory()
    statement = published_scope_statement(areas=areas)
    declaration = _sign(trainer, statement, areas)
    text, digest = declaration.signed_text, declaration.signed_sha256

    published_scope_statement(areas=areas, text="Completely different words.")
    if connection.vendor != "postgresql":  # PostgreSQL refuses this (next test)
        ScopeStatement.objects.filter(pk=statement.pk).update(text="Rewritten behind our back")

    declaration.refresh_from_db()
    assert (declaration.signed_text, declaration.signed_sha256) == (text, digest)
    assert declaration.hash_matches()


@postgres_only
@pytest.mark.parametrize(
    "statement_sql",
    [
        "UPDATE mentorship_scopestatement SET text = 'x' WHERE published_at IS NOT NULL",
        "UPDATE mentorship_scopedeclaration SET signed_text = 'x'",
    ],
)
def test_the_database_refuses_to_change_a_published_version_or_a_signature(areas, statement_sql):
    _sign(TrainerProfileFactory(), published_scope_statement(areas=areas), areas)
    with pytest.raises(DatabaseError, match="never"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement_sql)


@postgres_only
def test_the_database_lets_a_draft_change(areas, staff):
    draft = statement_draft_create(actor=staff, data=_data(areas))
    ScopeStatement.objects.filter(pk=draft.pk).update(text="Still a draft")
    draft.refresh_from_db()
    assert draft.text == "Still a draft"


# --- Validity, grace and the trainer's status ---------------------------------------------


def test_a_declaration_holds_12_months_from_signing(areas):
    trainer = TrainerProfileFactory()
    statement = published_scope_statement(areas=areas)
    declaration = signed_scope_declaration(
        trainer=trainer, statement=statement, signed_on=dt.date(2026, 1, 10)
    )

    assert current_declaration_of(trainer, on=dt.date(2026, 1, 9)) is None
    assert current_declaration_of(trainer, on=dt.date(2027, 1, 10)) == declaration
    assert current_declaration_of(trainer, on=dt.date(2027, 1, 11)) is None


def test_a_new_version_leaves_the_old_declaration_valid_through_its_grace_period(areas):
    trainer = TrainerProfileFactory()
    old = signed_scope_declaration(
        trainer=trainer, statement=published_scope_statement(areas=areas)
    )
    published_scope_statement(areas=areas, effective_on=dt.date(2026, 4, 1), grace_days=30)

    held = current_declaration_of(trainer, on=dt.date(2026, 5, 1))
    assert held == old
    assert held.valid_until == dt.date(2026, 5, 1)
    assert set(held.areas.all()) == set(areas)
    assert current_declaration_of(trainer, on=dt.date(2026, 5, 2)) is None


def test_the_earliest_later_version_sets_the_end_of_grace(areas):
    trainer = TrainerProfileFactory()
    signed_scope_declaration(trainer=trainer, statement=published_scope_statement(areas=areas))
    published_scope_statement(areas=areas, effective_on=dt.date(2026, 4, 1), grace_days=10)
    published_scope_statement(areas=areas, effective_on=dt.date(2026, 4, 5), grace_days=60)

    assert current_declaration_of(trainer, on=dt.date(2026, 4, 11)) is not None
    assert current_declaration_of(trainer, on=dt.date(2026, 4, 12)) is None


def test_the_newest_valid_declaration_is_the_current_one(areas):
    trainer = TrainerProfileFactory()
    statement = published_scope_statement(areas=areas)
    signed_scope_declaration(trainer=trainer, statement=statement, signed_on=dt.date(2026, 1, 10))
    newer = signed_scope_declaration(
        trainer=trainer, statement=statement, areas=areas[:1], signed_on=dt.date(2026, 2, 1)
    )

    current = current_declaration_of(trainer, on=dt.date(2026, 3, 1))
    assert current == newer
    assert [a.name for a in current.areas.all()] == ["Stroke"]


def test_current_declaration_takes_two_queries(areas, django_assert_num_queries):
    trainer = TrainerProfileFactory()
    signed_scope_declaration(trainer=trainer, statement=published_scope_statement(areas=areas))
    with django_assert_num_queries(2):
        declaration = current_declaration_of(trainer, on=dt.date(2026, 3, 1))
        assert [a.name for a in declaration.areas.all()] == ["Parkinson's", "Stroke"]
        assert declaration.statement.version == 1


def test_valid_declarations_count_each_trainer_on_a_day(areas):
    statement = published_scope_statement(areas=areas)
    for _ in range(3):
        signed_scope_declaration(trainer=TrainerProfileFactory(), statement=statement)
    assert valid_declarations(dt.date(2026, 3, 1)).count() == 3
    assert valid_declarations(dt.date(2028, 1, 1)).count() == 0


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (dt.date(2026, 1, 9), ScopeState.NOT_SIGNED),
        (dt.date(2026, 6, 1), ScopeState.CURRENT),
        (dt.date(2026, 12, 15), ScopeState.EXPIRING),
        (dt.date(2027, 2, 1), ScopeState.NOT_SIGNED),
    ],
)
def test_the_status_says_when_the_trainer_must_sign(areas, day, state):
    trainer = TrainerProfileFactory()
    signed_scope_declaration(trainer=trainer, statement=published_scope_statement(areas=areas))
    status = scope_status_for(trainer, on=day)
    assert status.state == state
    assert status.must_sign == (state != ScopeState.CURRENT)


def test_the_status_asks_for_the_new_version_with_the_deadline(areas):
    trainer = TrainerProfileFactory()
    signed_scope_declaration(trainer=trainer, statement=published_scope_statement(areas=areas))
    published_scope_statement(areas=areas, effective_on=dt.date(2026, 4, 1), grace_days=30)

    status = scope_status_for(trainer, on=dt.date(2026, 3, 2))
    assert status.state == ScopeState.NEW_VERSION
    assert "Version 2" in status.message and "1 May 2026" in status.message


def test_no_statement_means_nothing_to_sign():
    status = scope_status_for(TrainerProfileFactory())
    assert status.state == ScopeState.NO_STATEMENT and not status.must_sign


def test_the_history_keeps_every_declaration_with_its_validity(areas):
    trainer = TrainerProfileFactory()
    first = signed_scope_declaration(
        trainer=trainer, statement=published_scope_statement(areas=areas)
    )
    second_statement = published_scope_statement(areas=areas, effective_on=dt.date(2026, 2, 1))
    second = signed_scope_declaration(
        trainer=trainer, statement=second_statement, signed_on=dt.date(2026, 2, 2)
    )

    history = declaration_history(trainer)
    assert history == [second, first]
    assert history[1].valid_until == dt.date(2026, 3, 3)
    assert history[0].valid_until == dt.date(2027, 2, 2)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_versions_published_at_once_never_share_a_number(areas):
    import threading

    from django.db import connections

    staff = Actor.for_user(UserFactory(is_staff=True))
    drafts = [statement_draft_create(actor=staff, data=_data(areas)) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def publish(index):
        try:
            barrier.wait()
            statement_publish(actor=staff, statement=drafts[index])
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    versions = sorted(
        ScopeStatement.objects.exclude(version=None).values_list("version", flat=True)
    )
    errors = [o for o in outcomes if o is not None]
    assert versions == list(range(1, len(versions) + 1)) and versions
    assert all("at the same moment" in str(e) for e in errors), outcomes
    assert len(versions) + len(errors) == 2
