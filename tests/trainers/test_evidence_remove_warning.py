"""Removing a file from a verified record warns first that it goes back to pending review,
and says so after."""

from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories
from tests.trainers.test_evidence import attach, verified_insurance
from tests.trainers.uploads import good_pdf
from trainers.models import VerificationStatus

BACK_TO_PENDING = "This record will go back to pending review"


def _remove_url(evidence):
    return reverse("trainers:evidence_remove", args=[evidence.public_id])


def test_a_verified_record_links_to_a_page_that_warns_before_removing(
    client_for, trainer_user, staff_user
):
    insurance = verified_insurance(trainer_user, staff_user)
    [file] = attach(insurance, good_pdf("policy.pdf"))
    client = client_for(trainer_user)

    detail = client.get(reverse("trainers:insurance_detail", args=[insurance.public_id]))
    assert f'href="{_remove_url(file)}"' in detail.content.decode()

    page = client.get(_remove_url(file))
    html = page.content.decode()
    assert page.status_code == 200
    assert BACK_TO_PENDING in html
    assert "policy.pdf" in html
    assert 'name="confirm" value="yes"' in html
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.VERIFIED
    assert insurance.evidence.count() == 1


def test_a_post_without_confirmation_only_warns(client_for, trainer_user, staff_user):
    insurance = verified_insurance(trainer_user, staff_user)
    [file] = attach(insurance, good_pdf("policy.pdf"))

    response = client_for(trainer_user).post(_remove_url(file))

    assert response.status_code == 200
    assert BACK_TO_PENDING in response.content.decode()
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.VERIFIED
    assert insurance.evidence.count() == 1


def test_after_confirming_the_trainer_is_told_the_record_is_pending_again(
    client_for, trainer_user, staff_user
):
    insurance = verified_insurance(trainer_user, staff_user)
    [file] = attach(insurance, good_pdf("policy.pdf"))

    response = client_for(trainer_user).post(_remove_url(file), {"confirm": "yes"})

    assert response.status_code == 302
    insurance.refresh_from_db()
    assert insurance.status == VerificationStatus.PENDING
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert "“policy.pdf” removed." in said
    assert any("it is pending again" in message for message in said)


def test_a_pending_record_removes_its_file_at_once(client_for, trainer_user):
    insurance = factories.InsuranceFactory(trainer=trainer_user.trainer_profile)
    [file] = attach(insurance, good_pdf("draft.pdf"))

    response = client_for(trainer_user).post(_remove_url(file))

    assert response.status_code == 302
    assert insurance.evidence.count() == 0


def test_outsiders_and_staff_do_not_see_the_warning_page(
    client_for, other_trainer_user, staff_user, trainer_user
):
    insurance = verified_insurance(trainer_user, staff_user)
    [file] = attach(insurance, good_pdf("policy.pdf"))

    assert client_for(other_trainer_user).get(_remove_url(file)).status_code == 404
    assert client_for(staff_user).get(_remove_url(file)).status_code == 403
