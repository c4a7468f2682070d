"""Scope of practice pages: the trainer reads and signs; staff draft, preview and publish."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentorship.models import ScopeDeclaration, ScopeStatement
from tests.factories import (
    ConditionAreaFactory,
    TrainerProfileFactory,
    published_scope_statement,
    signed_scope_declaration,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def areas():
    return [ConditionAreaFactory(name="Stroke"), ConditionAreaFactory(name="Parkinson's")]


def _form(statement, areas, **changes):
    data = {
        "statement": str(statement.public_id),
        "areas": [a.pk for a in areas],
        "escalation_role": "Referring physiotherapist",
        "escalation_organisation": "North Bristol NHS Trust",
        "signed_name": "",
        "confirmed": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_trainer_signs_and_sees_the_declaration_in_their_history(
    client_for, trainer_user, areas
):
    statement = published_scope_statement(areas=areas)
    client = client_for(trainer_user)
    response = client.post(
        reverse("mentorship:scope_declare"),
        _form(statement, areas[:1], signed_name=trainer_user.name.upper()),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("mentorship:scope")
    html = response.content.decode()
    assert "You signed version 1" in html
    assert "Your declaration is current" in html
    declaration = ScopeDeclaration.objects.get()
    assert declaration.signed_sha256 in html  # the history shows what was signed


def test_a_wrong_name_comes_back_with_the_name_to_type_and_the_input_kept(
    client_for, trainer_user, areas
):
    statement = published_scope_statement(areas=areas)
    response = client_for(trainer_user).post(
        reverse("mentorship:scope_declare"), _form(statement, areas, signed_name="Someone Else")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Type your full name as your account has it: {trainer_user.name}" in html
    assert 'value="North Bristol NHS Trust"' in html and 'value="Someone Else"' in html
    assert not ScopeDeclaration.objects.exists()


def test_without_the_confirmation_nothing_is_signed(client_for, trainer_user, areas):
    statement = published_scope_statement(areas=areas)
    response = client_for(trainer_user).post(
        reverse("mentorship:scope_declare"),
        _form(statement, areas, signed_name=trainer_user.name, confirmed=None),
    )
    assert "Tick the box to confirm" in response.content.decode()
    assert not ScopeDeclaration.objects.exists()


def test_an_area_outside_the_statement_is_refused(client_for, trainer_user, areas):
    statement = published_scope_statement(areas=areas[:1])
    response = client_for(trainer_user).post(
        reverse("mentorship:scope_declare"),
        _form(statement, areas, signed_name=trainer_user.name),
    )
    assert "This statement does not cover that area." in response.content.decode()
    assert not ScopeDeclaration.objects.exists()


def test_a_version_published_while_reading_is_shown_instead(client_for, trainer_user, areas):
    read = published_scope_statement(areas=areas)
    newer = published_scope_statement(areas=areas, title="The newer words")
    response = client_for(trainer_user).post(
        reverse("mentorship:scope_declare"), _form(read, areas, signed_name=trainer_user.name)
    )

    html = response.content.decode()
    assert "published while you were reading" in html
    assert "The newer words" in html and f'value="{newer.public_id}"' in html
    assert not ScopeDeclaration.objects.exists()


def test_hostile_statement_text_reaches_the_trainer_escaped(client_for, trainer_user, areas):
    published_scope_statement(
        areas=areas, text='<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">b</b>'
    )
    html = client_for(trainer_user).get(reverse("mentorship:scope")).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html and "<b onclick" not in html


def test_the_dashboard_asks_the_trainer_to_sign_a_new_version(client_for, trainer_user, areas):
    signed_scope_declaration(
        trainer=trainer_user.trainer_profile, statement=published_scope_statement(areas=areas)
    )
    client = client_for(trainer_user)
    assert "Read and sign the statement" not in client.get(reverse("home")).content.decode()

    published_scope_statement(areas=areas, effective_on=dt.date(2026, 4, 1))
    html = client.get(reverse("home")).content.decode()
    assert "Version 2 of the scope of practice statement is out" in html
    assert reverse("mentorship:scope_declare") in html


def test_the_dashboard_asks_a_trainer_who_never_signed(client_for, trainer_user, areas):
    published_scope_statement(areas=areas)
    html = client_for(trainer_user).get(reverse("home")).content.decode()
    assert "Sign the scope of practice statement" in html


# --- Staff ----------------------------------------------------------------------------------


def test_staff_draft_preview_and_publish_a_version(client_for, staff_user, areas):
    client = client_for(staff_user)
    response = client.post(
        reverse("mentorship:scope_statement_new"),
        {
            "title": "Scope",
            "text": "# Heading\n\nWork **within** it.",
            "condition_areas": [a.pk for a in areas],
            "effective_on": "2026-03-02",
            "grace_days": "30",
            "validity_months": "12",
        },
        follow=True,
    )
    draft = ScopeStatement.objects.get()
    html = response.content.decode()
    assert "Preview: as trainers will read it" in html
    assert "<h2>Heading</h2>" in html and "<strong>within</strong>" in html

    response = client.post(
        reverse("mentorship:scope_statement_publish", args=[draft.public_id]), follow=True
    )
    draft.refresh_from_db()
    assert draft.version == 1
    assert "Version 1 is published" in response.content.decode()


def test_publishing_a_draft_without_areas_says_why(client_for, staff_user):
    draft = ScopeStatement.objects.create(title="T", text="x", effective_on=dt.date(2026, 3, 2))
    response = client_for(staff_user).post(
        reverse("mentorship:scope_statement_publish", args=[draft.public_id]), follow=True
    )
    assert "Choose the condition areas this statement covers" in response.content.decode()
    draft.refresh_from_db()
    assert draft.version is None


def test_a_published_version_cannot_be_opened_for_editing(client_for, staff_user, areas):
    statement = published_scope_statement(areas=areas)
    response = client_for(staff_user).get(
        reverse("mentorship:scope_statement_edit", args=[statement.public_id]), follow=True
    )
    assert "is published and is never edited" in response.content.decode()


def test_a_new_version_starts_from_the_published_text(client_for, staff_user, areas):
    statement = published_scope_statement(areas=areas, text="The words to correct")
    html = (
        client_for(staff_user)
        .get(reverse("mentorship:scope_statement_new") + f"?from={statement.public_id}")
        .content.decode()
    )
    assert "The words to correct" in html


@pytest.mark.parametrize("n", [1, 8])
def test_the_staff_list_runs_fixed_queries(
    client_for, staff_user, areas, n, django_assert_num_queries
):
    for _ in range(n):
        statement = published_scope_statement(areas=areas)
        signed_scope_declaration(trainer=TrainerProfileFactory(), statement=statement)
    client = client_for(staff_user)
    client.get(reverse("mentorship:scope_statements"))
    # the user; statements with counts; their areas; holding counts; active and signed counts
    with django_assert_num_queries(6):
        response = client.get(reverse("mentorship:scope_statements"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_the_trainer_page_runs_fixed_queries(
    client_for, trainer_user, areas, n, django_assert_num_queries
):
    statement = published_scope_statement(areas=areas)
    for i in range(n):
        signed_scope_declaration(
            trainer=trainer_user.trainer_profile,
            statement=statement,
            signed_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )
    client = client_for(trainer_user)
    client.get(reverse("mentorship:scope"))
    # the user; the latest statement; the current declaration and its areas; the history and
    # its areas; the statement's areas
    with django_assert_num_queries(7):
        response = client.get(reverse("mentorship:scope"))
    assert response.status_code == 200


def test_staff_read_a_trainers_declarations_on_the_trainer_page(
    client_for, staff_user, trainer_user, areas
):
    declaration = signed_scope_declaration(
        trainer=trainer_user.trainer_profile, statement=published_scope_statement(areas=areas)
    )
    html = (
        client_for(staff_user)
        .get(reverse("programme:trainer_detail", args=[trainer_user.trainer_profile.public_id]))
        .content.decode()
    )
    assert "Scope of practice declarations" in html
    assert declaration.signed_sha256 in html and "What they signed" in html


def test_signing_again_starts_from_the_current_declaration(client_for, trainer_user, areas):
    signed_scope_declaration(
        trainer=trainer_user.trainer_profile, statement=published_scope_statement(areas=areas)
    )
    html = client_for(trainer_user).get(reverse("mentorship:scope_declare")).content.decode()
    assert 'value="North Bristol NHS Trust"' in html
