"""Error pages in the product's style, and how the audit log shows a change."""

from django.shortcuts import render
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from rehabpath.models import AuditEvent
from rehabpath.templatetags.audit_tags import Change, audit_changes


def test_unknown_page_for_anonymous_user_offers_sign_in(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "We cannot find that page" in response.text
    assert 'href="/accounts/login/"' in response.text


def test_unknown_page_for_signed_in_user_leads_back_to_dashboard(client_for, trainer_user):
    response = client_for(trainer_user).get("/no-such-page/")

    assert response.status_code == 404
    assert "Go to your dashboard" in response.text
    assert 'aria-label="Main"' in response.text  # the usual navigation is there


def test_wrong_role_sees_the_reason_and_a_way_back(client_for, trainer_user):
    response = client_for(trainer_user).get("/audit/")

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "Your account does not have the role this page needs." in response.text
    assert "Go to your dashboard" in response.text


def test_server_error_page_renders_without_a_request_context(db):
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong on our side" in content
    assert 'href="/"' in content


def test_expired_form_gets_the_friendly_csrf_page(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "x"})

    assert response.status_code == 403
    assert "This form has expired" in response.text


def test_rate_limited_page_suggests_a_password_reset(db):
    response = render(RequestFactory().get("/"), "429.html", status=429)

    assert "Too many attempts" in response.content.decode()
    assert 'href="/accounts/password/reset/"' in response.content.decode()


def test_audit_changes_pairs_before_and_after_by_field():
    event = AuditEvent(
        before={"status": "pending", "note": "first"},
        after={"status": "verified", "method": "awarding-body register", "checked": True},
    )

    assert audit_changes(event) == [
        Change(field="status", before="pending", after="verified"),
        Change(field="note", before="first", after=None),
        Change(field="method", before=None, after="awarding-body register"),
        Change(field="checked", before=None, after="yes"),
    ]


def test_audit_changes_shows_empty_and_nested_values_plainly():
    event = AuditEvent(before={}, after={"expires_on": None, "areas": ["stroke", "ms"]})

    assert audit_changes(event) == [
        Change(field="expires on", before=None, after="—"),
        Change(field="areas", before=None, after='["stroke", "ms"]'),
    ]


def test_audit_log_shows_a_change_as_field_before_and_after(client_for, staff_user):
    from rehabpath.audit import Actor, record_event

    record_event(
        actor=Actor.for_user(staff_user),
        action="trainer.suspend",
        target_type="trainers.trainerprofile",
        target_label="Tara Trainer",
        before={"status": "active"},
        after={"status": "suspended"},
    )

    response = client_for(staff_user).get("/audit/")

    assert response.status_code == 200
    assert '<span class="change-before">active</span>' in response.text
    assert '<span class="change-after">suspended</span>' in response.text


def test_my_records_is_the_current_page_on_a_qualification_record(client_for, trainer_user):
    from tests.factories import TrainerQualificationFactory

    record = TrainerQualificationFactory(trainer=trainer_user.trainer_profile)
    response = client_for(trainer_user).get(f"/qualifications/records/{record.public_id}/")
    assert response.status_code == 200
    current = [item["label"] for item in response.context["nav_items"] if item["active"]]
    assert current == ["My records"]
