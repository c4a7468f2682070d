"""The access helpers return the object with the user's rights; one owner check for all."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape

from qualifications.models import CPDActivity
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from tests import factories
from trainers.access import (
    get_evidence_for_user,
    get_trainer_record_for_user,
    is_owner,
)
from trainers.models import Insurance, TrainerProfile
from trainers.services import record_create


@pytest.fixture
def insurance(trainer_user):
    return factories.InsuranceFactory.create(trainer=trainer_user.trainer_profile)


def _get(user, record, **kwargs):
    return get_trainer_record_for_user(user, Insurance.objects.all(), record.public_id, **kwargs)


def test_the_owner_reads_and_writes_but_does_not_verify(trainer_user, insurance):
    access = _get(trainer_user, insurance, write=True)
    assert access.obj == insurance
    assert (access.is_owner, access.can_write, access.can_verify) == (True, True, False)


def test_staff_read_and_verify_but_do_not_write(staff_user, insurance):
    access = _get(staff_user, insurance)
    assert (access.is_owner, access.can_write, access.can_verify) == (False, False, True)
    with pytest.raises(PermissionDenied):
        _get(staff_user, insurance, write=True)


def test_staff_who_train_too_write_their_own_record_but_never_verify_it(staff_user):
    own = factories.InsuranceFactory.create(trainer=TrainerProfile.objects.create(user=staff_user))
    access = _get(staff_user, own, write=True)
    assert (access.is_owner, access.can_write, access.can_verify) == (True, True, False)


@pytest.mark.parametrize("persona", ["other_trainer_user", "mentor_user", "clinic_admin_user"])
def test_anyone_else_is_told_the_record_does_not_exist(request, persona, insurance):
    with pytest.raises(Http404):
        _get(request.getfixturevalue(persona), insurance)


def test_evidence_comes_with_the_same_rights(trainer_user, staff_user, insurance):
    from tests.trainers.uploads import good_pdf
    from trainers.evidence import evidence_attach, validate_upload

    profile = trainer_user.trainer_profile
    (evidence,) = evidence_attach(
        record=insurance,
        trainer=profile,
        files=[validate_upload(good_pdf())],
        uploaded_by=trainer_user,
    )
    assert get_evidence_for_user(trainer_user, evidence.public_id, write=True).can_write
    assert not get_evidence_for_user(staff_user, evidence.public_id).can_write


def test_is_owner_is_the_one_owner_check(trainer_user, other_trainer_user, insurance):
    profile = trainer_user.trainer_profile
    activity = factories.CPDActivityFactory.create(trainer=profile)
    for obj in (profile, insurance, activity, CPDActivity.objects.get(pk=activity.pk)):
        assert is_owner(trainer_user, obj)
        assert not is_owner(other_trainer_user, obj)
    assert not is_owner(None, insurance)
    assert not is_owner(AnonymousUser(), insurance)


def test_services_apply_the_same_owner_check(other_trainer_user, trainer_user):
    from trainers.kinds import INSURANCE

    with pytest.raises(DomainError, match="Only the trainer"):
        record_create(
            kind=INSURANCE,
            trainer=trainer_user.trainer_profile,
            actor=Actor.for_user(other_trainer_user),
            fields={},
            files=[],
        )
    with pytest.raises(DomainError, match="Only the trainer"):
        record_create(
            kind=INSURANCE,
            trainer=trainer_user.trainer_profile,
            actor=Actor.system("a job"),
            fields={},
            files=[],
        )


# --- The pages show what the rights allow ---------------------------------------------------


def test_staff_see_a_trainers_record_without_edit_and_with_review(
    client_for, staff_user, insurance
):
    url = reverse("trainers:insurance_detail", args=[insurance.public_id])
    page = client_for(staff_user).get(url).content.decode()
    assert reverse("trainers:insurance_edit", args=[insurance.public_id]) not in page
    assert reverse("trainers:verification_review", args=["insurance", insurance.public_id]) in page


def test_the_owner_sees_edit_and_no_review(client_for, trainer_user, insurance):
    url = reverse("trainers:insurance_detail", args=[insurance.public_id])
    page = client_for(trainer_user).get(url).content.decode()
    assert reverse("trainers:insurance_edit", args=[insurance.public_id]) in page
    assert (
        reverse("trainers:verification_review", args=["insurance", insurance.public_id]) not in page
    )


def test_staff_read_a_cpd_activity_without_edit_or_delete(client_for, staff_user, trainer_user):
    activity = factories.CPDActivityFactory.create(trainer=trainer_user.trainer_profile)
    page = (
        client_for(staff_user)
        .get(reverse("qualifications:cpd_detail", args=[activity.public_id]))
        .content.decode()
    )
    assert escape(f"CPD activity of {trainer_user.trainer_profile}") in page
    assert reverse("qualifications:cpd_edit", args=[activity.public_id]) not in page
    assert reverse("qualifications:cpd_delete", args=[activity.public_id]) not in page
