"""record_update decides whether anything changed; the edit page only says so."""

import datetime as dt

from rehabpath.audit import Actor
from rehabpath.models import AuditEvent
from tests import factories
from trainers.models import VerificationStatus
from trainers.services import RecordChange, record_update


def _update(record, user, **changes):
    return record_update(
        record=record,
        actor=Actor.for_user(user),
        changes=changes,
        add_files=[],
        remove_files=[],
    )


def test_the_form_values_as_saved_are_no_change(trainer_user, staff_user):
    check = factories.DBSCheckFactory.create(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.VERIFIED,
        verified_by=staff_user,
    )
    change = _update(
        check, trainer_user, issued_on=check.issued_on, certificate_number=check.certificate_number
    )
    assert change == RecordChange(changed=False)
    check.refresh_from_db()
    assert check.status == VerificationStatus.VERIFIED
    assert not AuditEvent.objects.exists()


def test_a_changed_field_is_saved_and_says_which_decision_it_undid(trainer_user, staff_user):
    check = factories.DBSCheckFactory.create(
        trainer=trainer_user.trainer_profile,
        status=VerificationStatus.VERIFIED,
        verified_by=staff_user,
        issued_on=dt.date(2025, 9, 1),
    )
    change = _update(check, trainer_user, issued_on=dt.date(2025, 10, 1))
    assert change == RecordChange(changed=True, reopened_from=VerificationStatus.VERIFIED)
    assert check.status == VerificationStatus.PENDING


def test_a_change_to_a_pending_record_reopens_nothing(trainer_user):
    check = factories.DBSCheckFactory.create(
        trainer=trainer_user.trainer_profile, issued_on=dt.date(2025, 9, 1)
    )
    change = _update(check, trainer_user, issued_on=dt.date(2025, 10, 1))
    assert change == RecordChange(changed=True, reopened_from=None)
