"""Suspending a trainer revokes their certificates at once; reinstating issues new ones (new
codes, new PDFs, the trainer told), the old codes pointing to them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentorship.models import ScopeDeclaration
from programme.certificates.services import (
    SUSPENSION_REASON,
    certificate_issue,
    certificate_revoke,
)
from programme.certificates.tasks import certificate_render
from programme.models import Certificate, CertificateStatus, WebhookEndpoint
from programme.webhooks.services import new_secret
from rehabpath.audit import Actor
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.pathway_builders import (
    Kind,
    give_qualification,
    give_scope,
    give_sessions,
    recognised_trainer,
    stroke,
)
from trainers.services import trainer_reinstate, trainer_suspend

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def staff(db):
    return factories.UserFactory(is_staff=True, name="Sam Staff")


def _at(hours: int):
    return time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False)


def _two_areas(staff):
    """A trainer recognised in stroke and falls, with a certificate for each."""
    falls = factories.ConditionAreaFactory(name="Falls", slug="falls")
    trainer = recognised_trainer(stroke(), today=TODAY)
    give_qualification(trainer, Kind.NEURO_SPECIALIST, areas=[falls], level=4, today=TODAY)
    give_sessions(trainer, falls, today=TODAY)
    give_scope(trainer, [stroke(), falls], today=TODAY)
    factories.CPDActivityFactory(
        trainer=trainer, date=TODAY - dt.timedelta(days=20), hours=4, endorsed=True
    ).condition_areas.add(falls)
    actor = Actor.for_user(staff)
    certificates = [
        certificate_issue(trainer=trainer, condition_area=area, actor=actor)
        for area in (stroke(), falls)
    ]
    return trainer, falls, certificates


def test_suspension_revokes_every_certificate_at_once_and_reinstatement_issues_new_ones(
    staff, django_capture_on_commit_callbacks
):
    with _at(0):
        trainer, falls, old = _two_areas(staff)
        clinic = factories.ClinicFactory()
        factories.ClinicShareFactory(trainer=trainer, clinic=clinic)
        endpoint = WebhookEndpoint.objects.create(
            clinic=clinic,
            url="https://hooks.example.com/x",
            events=["certificate.revoked", "certificate.replaced"],
            secret=new_secret(),
        )
    with _at(1):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    for certificate in old:
        certificate.refresh_from_db()
        assert certificate.status_on(TODAY) == CertificateStatus.REVOKED
        assert certificate.revocation == Certificate.Revocation.SUSPENDED
        assert certificate.revocation_reason == SUSPENSION_REASON
        assert certificate.revoked_by == staff
    events = AuditEvent.objects.filter(action="certificate.suspend_revoke")
    assert events.count() == 2
    assert {e.actor for e in events} == {staff}
    assert Delivery.objects.filter(kind="certificate.revocation").count() == 2
    revoked_hooks = Delivery.objects.filter(kind="certificate.revoked")
    assert revoked_hooks.count() == 2
    assert {d.destination for d in revoked_hooks} == {str(endpoint.public_id)}

    # The render tasks enqueued after commit, run here as a worker would (once each).
    with _at(2), django_capture_on_commit_callbacks() as callbacks:
        trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
    new = list(Certificate.objects.filter(revoked_at__isnull=True).order_by("pk"))
    assert len(new) == 2
    assert callbacks  # the renders, the mails, the webhooks: all after commit
    for certificate in new:
        assert certificate_render(certificate.pk) is True
        certificate.refresh_from_db()
    for certificate in old:
        certificate.refresh_from_db()
        assert certificate.replaced_by in new
        assert certificate.replaced_by.code != certificate.code
        # Still revoked: a revocation is permanent; the page points to the new one.
        assert certificate.status_on(TODAY) == CertificateStatus.REVOKED
    for certificate in new:
        assert certificate.status_on(TODAY) == CertificateStatus.VALID
        assert certificate.pdf_rendered_at is not None  # the task ran after commit
        assert certificate.issued_by == staff
    assert AuditEvent.objects.filter(action="certificate.reinstate_issue").count() == 2
    told = Delivery.objects.filter(kind="certificate.issued", recipient=trainer.user)
    assert {d.subject_key for d in told} == {f"certificate:{c.public_id}" for c in new}
    assert Delivery.objects.filter(kind="certificate.replaced").count() == 2


def test_a_suspended_trainers_certificate_never_reads_valid(staff):
    with _at(0):
        trainer = recognised_trainer(today=TODAY)
        certificate = certificate_issue(
            trainer=trainer, condition_area=stroke(), actor=Actor.for_user(staff)
        )
    with _at(1):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
        certificate.refresh_from_db()
        assert certificate.status_on(TODAY) == CertificateStatus.REVOKED
        assert not Certificate.objects.filter(revoked_at__isnull=True).exists()


def test_only_the_latest_suspensions_certificates_are_issued_again(staff):
    with _at(0):
        trainer = recognised_trainer(today=TODAY)
        by_hand = certificate_issue(
            trainer=trainer, condition_area=stroke(), actor=Actor.for_user(staff)
        )
        certificate_revoke(certificate=by_hand, actor=Actor.for_user(staff), reason="Error")
    with _at(1):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    with _at(2):
        trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
    # The one revoked by hand stays revoked, and nothing replaces it.
    by_hand.refresh_from_db()
    assert by_hand.replaced_by is None
    assert Certificate.objects.count() == 1
    assert not AuditEvent.objects.filter(action="certificate.reinstate_issue").exists()


def test_an_earlier_suspension_is_not_reissued_at_a_later_reinstatement(staff):
    with _at(0):
        trainer = recognised_trainer(today=TODAY)
        certificate_issue(trainer=trainer, condition_area=stroke(), actor=Actor.for_user(staff))
    with _at(1):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    with _at(2):
        trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
    assert Certificate.objects.count() == 2
    with _at(3):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Again")
    with _at(4):
        trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
    # The first was replaced at the first reinstatement; only the second is replaced now.
    assert Certificate.objects.count() == 3
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 1


def test_no_longer_recognised_at_reinstatement_issues_nothing_and_says_why(client, staff):
    with _at(0):
        trainer = recognised_trainer(today=TODAY)
        old = certificate_issue(
            trainer=trainer, condition_area=stroke(), actor=Actor.for_user(staff)
        )
    with _at(1):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
        ScopeDeclaration.objects.filter(trainer=trainer).delete()
    with _at(2):
        trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
        assert Certificate.objects.count() == 1
        old.refresh_from_db()
        assert old.replaced_by is None
        event = AuditEvent.objects.get(action="certificate.reinstate_skip")
        assert "no longer recognised in Stroke" in event.reason
        other_staff = factories.UserFactory(is_staff=True)
        factories.add_totp(other_staff)
        client.force_login(other_staff)
        page = client.get(reverse("programme:trainer_detail", args=[trainer.public_id]))
        assert "no longer recognised in Stroke" in page.content.decode()


def test_an_expired_certificate_is_not_issued_again(staff):
    with _at(0):
        trainer = recognised_trainer(today=TODAY)
        factories.CertificateFactory(
            trainer=trainer,
            condition_area=stroke(),
            issued_on=TODAY - dt.timedelta(days=800),
            expires_on=TODAY - dt.timedelta(days=1),
        )
    with _at(1):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    with _at(2):
        trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
    assert Certificate.objects.count() == 1


def test_after_reinstatement_the_old_codes_page_points_to_the_new_certificate(client, staff):
    with _at(0):
        trainer = recognised_trainer(today=TODAY)
        old = certificate_issue(
            trainer=trainer, condition_area=stroke(), actor=Actor.for_user(staff)
        )
    with _at(1):
        trainer_suspend(trainer=trainer, actor=Actor.for_user(staff), reason="Complaint")
    with _at(2):
        trainer_reinstate(trainer=trainer, actor=Actor.for_user(staff), reason="Resolved")
        old.refresh_from_db()
        page = client.get(reverse("programme:certificate_verify", args=[old.code]))
    html = page.content.decode()
    assert "Revoked on" in html
    assert old.replaced_by.code in html
