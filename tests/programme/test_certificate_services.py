"""Issuing, revoking and re-issuing certificates (programme.certificates.services), and the
render task that stores the PDF and tells the trainer."""

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from programme.certificates import codes
from programme.certificates.issuing import certificate_expiry, issue_check
from programme.certificates.services import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from programme.certificates.tasks import certificate_render
from programme.models import Certificate, CertificateStatus, WebhookEndpoint
from programme.webhooks.services import new_secret
from rehabpath.audit import Actor
from rehabpath.celery import app as celery_app
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.pathway_builders import not_eligible_trainer, recognised_trainer, stroke

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def eager_tasks():
    """Run tasks in-process when the transaction commits."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def staff(db):
    return factories.UserFactory(is_staff=True, name="Sam Staff")


def _endpoint_for(trainer, events):
    clinic = factories.ClinicFactory()
    factories.ClinicShareFactory(trainer=trainer, clinic=clinic)
    return WebhookEndpoint.objects.create(
        clinic=clinic, url="https://hooks.example.com/x", events=events, secret=new_secret()
    )


def _issue(trainer, staff, area=None):
    return certificate_issue(
        trainer=trainer, condition_area=area or stroke(), actor=Actor.for_user(staff)
    )


def test_a_recognised_trainer_can_be_issued_a_certificate_until_the_scope_renewal(staff):
    trainer = recognised_trainer(today=TODAY)
    check = issue_check(trainer, stroke(), on=TODAY)
    assert check.can_issue, check.missing
    assert check.missing == ()
    # The declaration was signed a month ago and lasts 12 months: it ends before 36 months.
    assert check.scope_declaration is not None
    assert check.expires_on == check.scope_declaration.valid_until
    assert check.expires_on < TODAY + relativedelta(months=36)


def test_expiry_is_at_most_the_maximum_months_less_a_day():
    assert certificate_expiry(TODAY, dt.date(2040, 1, 1)) == dt.date(2029, 3, 9)
    assert certificate_expiry(TODAY, dt.date(2027, 1, 31)) == dt.date(2027, 1, 31)


def test_issuing_refuses_a_trainer_not_recognised_and_names_what_is_missing(staff):
    trainer = factories.TrainerProfileFactory()
    check = issue_check(trainer, stroke(), on=TODAY)
    assert not check.can_issue
    assert check.expires_on is None
    assert any("Personal Training" in line or "personal training" in line for line in check.missing)
    with pytest.raises(DomainError) as error:
        _issue(trainer, staff)
    assert "cannot be issued" in error.value.message
    assert check.missing[0] in error.value.message
    assert not Certificate.objects.exists()


def test_the_missing_scope_declaration_is_named(staff):
    other = factories.ConditionAreaFactory(name="Parkinson's")
    trainer = recognised_trainer(today=TODAY)
    check = issue_check(trainer, other, on=TODAY)
    assert not check.can_issue
    assert any("scope of practice" in line.lower() for line in check.missing)


def test_compliance_lapses_do_not_stop_a_recognised_trainer_being_certified(staff):
    # Recognised in the area, without first aid: not eligible to work, but competent.
    trainer = not_eligible_trainer(today=TODAY)
    assert issue_check(trainer, stroke(), on=TODAY).can_issue


def test_issue_makes_the_row_with_a_code_an_entry_a_credential_and_an_audit_event(staff):
    trainer = recognised_trainer(today=TODAY)
    certificate = _issue(trainer, staff)
    certificate.refresh_from_db()
    assert codes.normalise(certificate.code) == certificate.code
    assert certificate.trainer_name == trainer.user.name
    assert certificate.area_name == "Stroke"
    assert certificate.issued_on == TODAY
    assert certificate.issued_by == staff
    assert certificate.issued_by_name == "Sam Staff"
    assert certificate.scope_declaration is not None
    assert certificate.scope_version == certificate.scope_declaration.statement.version
    assert certificate.expires_on <= TODAY + relativedelta(months=36)
    assert certificate.expires_on <= certificate.scope_declaration.valid_until
    assert certificate.credential
    assert certificate.status_on(TODAY) == CertificateStatus.VALID
    event = AuditEvent.objects.get(action="certificate.issue")
    assert event.actor == staff
    assert event.target_id == str(certificate.public_id)
    assert event.after["code"] == certificate.code


def test_only_staff_issue_and_never_to_themselves(staff):
    trainer = recognised_trainer(today=TODAY)
    with pytest.raises(DomainError, match="Only programme staff"):
        _issue(trainer, trainer.user)
    staff_trainer = recognised_trainer(today=TODAY, user=staff)
    with pytest.raises(DomainError, match="your own certificate"):
        _issue(staff_trainer, staff)
    assert not Certificate.objects.exists()


def test_a_suspended_trainer_is_refused(staff):
    trainer = recognised_trainer(today=TODAY, status="suspended")
    check = issue_check(trainer, stroke(), on=TODAY)
    assert not check.can_issue
    assert "suspended" in check.missing[0]


def test_a_trainer_holding_a_valid_certificate_is_told_to_reissue_it(staff):
    trainer = recognised_trainer(today=TODAY)
    first = _issue(trainer, staff)
    check = issue_check(trainer, stroke(), on=TODAY)
    assert not check.can_issue
    assert check.held == first
    assert "re-issue it instead" in check.missing[-1]
    with pytest.raises(DomainError, match="re-issue it instead"):
        _issue(trainer, staff)


def test_the_render_task_stores_the_pdf_once_and_tells_the_trainer_once(
    staff, eager_tasks, django_capture_on_commit_callbacks
):
    trainer = recognised_trainer(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = _issue(trainer, staff)
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is not None
    assert certificate.pdf.name.startswith("certificates/2026/")
    assert certificate.code not in certificate.pdf.name  # a random name
    with certificate.pdf.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    stored_name = certificate.pdf.name
    assert certificate_render(certificate.pk) is False  # a second run does nothing
    certificate.refresh_from_db()
    assert certificate.pdf.name == stored_name
    rows = Delivery.objects.filter(kind="certificate.issued")
    assert rows.count() == 1
    assert rows.get().recipient == trainer.user
    assert rows.get().context["code"] == certificate.code


def test_a_failed_save_of_the_pdf_row_leaves_no_file_behind(staff, monkeypatch, settings):
    from pathlib import Path

    from programme.certificates import services

    trainer = recognised_trainer(today=TODAY)
    certificate = _issue(trainer, staff)

    def refuse(*args, **kwargs):
        raise RuntimeError("the mail ledger is unavailable")

    monkeypatch.setattr(services, "notify_certificate_issued", refuse)
    with pytest.raises(RuntimeError):
        services.certificate_store_pdf(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is None and not certificate.pdf
    stored = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert not [path for path in stored.rglob("*.pdf")]
    monkeypatch.undo()
    assert services.certificate_store_pdf(certificate_id=certificate.pk) is True  # tried again


def test_revoking_needs_a_reason_and_is_permanent(staff):
    trainer = recognised_trainer(today=TODAY)
    certificate = _issue(trainer, staff)
    with pytest.raises(DomainError, match="reason"):
        certificate_revoke(certificate=certificate, actor=Actor.for_user(staff), reason="  ")
    revoked = certificate_revoke(
        certificate=certificate, actor=Actor.for_user(staff), reason="Issued in error."
    )
    assert revoked.status_on(TODAY) == CertificateStatus.REVOKED
    assert revoked.revocation == Certificate.Revocation.REVOKED
    assert revoked.revoked_by == staff
    with pytest.raises(DomainError, match="permanent"):
        certificate_revoke(certificate=certificate, actor=Actor.for_user(staff), reason="Again")
    with pytest.raises(DomainError, match="permanent"):
        certificate_reissue(certificate=certificate, actor=Actor.for_user(staff), reason="Again")
    event = AuditEvent.objects.get(action="certificate.revoke")
    assert event.reason == "Issued in error."
    assert event.before["revocation"] == ""
    # A new certificate may be issued once the old one is revoked.
    assert issue_check(trainer, stroke(), on=TODAY).can_issue


def test_revoking_tells_the_trainer_and_the_sharing_clinics_once(staff):
    trainer = recognised_trainer(today=TODAY)
    endpoint = _endpoint_for(trainer, ["certificate.revoked"])
    _endpoint_for(trainer, ["trainer.suspended"])  # did not choose it
    factories.ClinicShareFactory(trainer=factories.TrainerProfileFactory())
    certificate = _issue(trainer, staff)
    certificate_revoke(certificate=certificate, actor=Actor.for_user(staff), reason="Complaint")
    told = Delivery.objects.filter(kind="certificate.revocation")
    assert told.count() == 1
    assert told.get().recipient == trainer.user
    assert told.get().context["reason"] == "Complaint"
    hooks = Delivery.objects.filter(kind="certificate.revoked", channel=Delivery.Channel.WEBHOOK)
    assert list(hooks.values_list("destination", flat=True)) == [str(endpoint.public_id)]
    payload = hooks.get().context["payload"]
    assert payload["certificate"]["code"] == certificate.code
    assert payload["certificate"]["revocation_reason"] == "Complaint"


def test_only_staff_revoke(staff):
    trainer = recognised_trainer(today=TODAY)
    certificate = _issue(trainer, staff)
    with pytest.raises(DomainError, match="Only programme staff"):
        certificate_revoke(certificate=certificate, actor=Actor.for_user(trainer.user), reason="x")


def test_reissue_replaces_the_old_one_with_a_new_code(staff):
    trainer = recognised_trainer(today=TODAY)
    endpoint = _endpoint_for(trainer, ["certificate.replaced"])
    old = _issue(trainer, staff)
    new = certificate_reissue(certificate=old, actor=Actor.for_user(staff), reason="Name changed")
    old.refresh_from_db()
    assert new.code != old.code
    assert old.replaced_by == new
    assert old.status_on(TODAY) == CertificateStatus.REPLACED
    assert new.status_on(TODAY) == CertificateStatus.VALID
    assert AuditEvent.objects.get(action="certificate.reissue").target_id == str(old.public_id)
    assert AuditEvent.objects.filter(action="certificate.issue").count() == 2
    hook = Delivery.objects.get(kind="certificate.replaced")
    assert hook.destination == str(endpoint.public_id)
    assert hook.context["payload"]["replaced_by"]["code"] == new.code


def test_an_expired_certificate_is_reissued_while_the_trainer_is_recognised(staff):
    trainer = recognised_trainer(today=TODAY)
    old = factories.CertificateFactory(
        trainer=trainer,
        condition_area=stroke(),
        issued_on=TODAY - relativedelta(years=3),
        expires_on=TODAY - dt.timedelta(days=1),
    )
    assert old.status_on(TODAY) == CertificateStatus.EXPIRED
    new = certificate_reissue(certificate=old, actor=Actor.for_user(staff), reason="Renewal")
    assert new.issued_on == TODAY
    assert new.status_on(TODAY) == CertificateStatus.VALID


def test_reissue_needs_the_trainer_recognised_today(staff):
    trainer = factories.TrainerProfileFactory()
    old = factories.CertificateFactory(trainer=trainer, condition_area=stroke())
    with pytest.raises(DomainError, match="not recognised"):
        certificate_reissue(certificate=old, actor=Actor.for_user(staff), reason="Renewal")
    old.refresh_from_db()
    assert old.revoked_at is None
