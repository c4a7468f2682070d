"""Changes made in the admin are audited; programme staff can pick people in it."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from mentorship.models import MentorProfile
from qualifications.models import CPDPolicy
from rehabpath.models import AuditEvent
from tests import factories
from trainers.models import ClinicMembership


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.add_totp(user)
    return user


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("occurred_at", "pk"))


def _inline(prefix, rows, *, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


# --- Role grants ----------------------------------------------------------------------------


def test_granting_a_mentor_profile_in_the_admin_is_audited(client_for, staff_user):
    person = factories.UserFactory()

    response = client_for(staff_user).post(
        reverse("admin:mentorship_mentorprofile_add"),
        {
            "user": person.pk,
            "background": "senior_neuro_trainer",
            "capacity": "3",
            "is_accepting": "on",
        },
    )

    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=person)
    [event] = _events("mentorprofile.add")
    assert event.actor == staff_user
    assert event.target_id == str(profile.public_id)
    assert event.after == {
        "user": person.email,
        "background": "senior_neuro_trainer",
        "background_detail": "",
        "hcpc_number": "",
        "condition_areas": [],
        "capacity": 3,
        "is_accepting": True,
    }
    assert event.reason == "Changed in the admin"


def test_changing_and_removing_a_mentor_profile_are_audited(client_for, staff_user):
    profile = factories.MentorProfileFactory(capacity=4)
    client = client_for(staff_user)

    client.post(
        reverse("admin:mentorship_mentorprofile_change", args=[profile.pk]),
        {
            "user": profile.user.pk,
            "background": profile.background,
            "capacity": "6",
            "is_accepting": "on",
        },
    )
    client.post(
        reverse("admin:mentorship_mentorprofile_delete", args=[profile.pk]), {"post": "yes"}
    )

    [change] = _events("mentorprofile.change")
    assert (change.before, change.after) == ({"capacity": 4}, {"capacity": 6})
    [delete] = _events("mentorprofile.delete")
    assert delete.before["user"] == profile.user.email
    assert not MentorProfile.objects.exists()


def test_adding_and_removing_a_clinic_membership_inline_are_audited(client_for, staff_user):
    clinic = factories.ClinicFactory(name="Riverside", city="Bristol")
    admin_person = factories.UserFactory()
    url = reverse("admin:trainers_clinic_change", args=[clinic.pk])
    client = client_for(staff_user)

    response = client.post(
        url,
        {"name": "Riverside", "city": "Bristol"}
        | _inline("memberships", [{"user": admin_person.pk, "clinic": clinic.pk}]),
    )

    assert response.status_code == 302
    membership = ClinicMembership.objects.get()
    [added] = _events("clinicmembership.add")
    assert added.after["user"] == admin_person.email
    assert added.after["clinic"] == "Riverside"
    assert not _events("clinic.change")  # the clinic itself did not change

    client.post(
        url,
        {"name": "Riverside", "city": "Bristol"}
        | _inline(
            "memberships",
            [{"id": membership.pk, "user": admin_person.pk, "clinic": clinic.pk, "DELETE": "on"}],
            initial=1,
        ),
    )

    assert not ClinicMembership.objects.exists()
    [removed] = _events("clinicmembership.delete")
    assert removed.target_label == f"{admin_person} @ Riverside"
    assert removed.before["user"] == admin_person.email


def test_granting_staff_superuser_and_groups_on_a_user_is_audited(client_for, superuser):
    person = factories.UserFactory()
    group = Group.objects.create(name="Verifiers")

    response = client_for(superuser).post(
        reverse("admin:rehabpath_user_change", args=[person.pk]),
        {
            "email": person.email,
            "name": person.name,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk],
        },
    )

    assert response.status_code == 302
    [event] = _events("user.change")
    assert event.target_id == str(person.public_id)
    assert event.before == {"is_staff": False, "is_superuser": False, "groups": []}
    assert event.after == {"is_staff": True, "is_superuser": True, "groups": ["Verifiers"]}


def test_a_new_account_made_in_the_admin_is_audited_without_its_password(client_for, superuser):
    client_for(superuser).post(
        reverse("admin:rehabpath_user_add"),
        {
            "email": "new.staff@example.org",
            "name": "New Staff",
            "password1": "a-long-enough-passphrase-1",
            "password2": "a-long-enough-passphrase-1",
            "usable_password": "true",
        },
    )

    [event] = _events("user.add")
    assert event.after["email"] == "new.staff@example.org"
    assert not any("password" in key for key in event.after)
    assert "a-long-enough-passphrase-1" not in str(event.after)


def test_changing_a_groups_permissions_is_audited(client_for, superuser):
    group = Group.objects.create(name="Verifiers")
    permission = Permission.objects.get(codename="view_user")

    client_for(superuser).post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "Verifiers", "permissions": [permission.pk]},
    )

    [event] = _events("group.change")
    assert event.before == {"permissions": []}
    assert event.after == {"permissions": [str(permission)]}


def test_marking_an_address_verified_in_the_admin_is_audited(client_for, superuser):
    person = factories.UserFactory(verified_email=False)
    address = EmailAddress.objects.create(user=person, email=person.email, primary=True)

    client_for(superuser).post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": [address.pk]},
    )

    address.refresh_from_db()
    assert address.verified
    [event] = _events("emailaddress.change")
    assert (event.before, event.after) == ({"verified": False}, {"verified": True})


# --- The catalogue and the CPD policy --------------------------------------------------------


def test_editing_the_cpd_policy_in_the_admin_is_audited(client_for, staff_user):
    policy = factories.CPDPolicyFactory()

    response = client_for(staff_user).post(
        reverse("admin:qualifications_cpdpolicy_change", args=[policy.pk]),
        {
            "name": policy.name,
            "is_active": "on",
            "points_target": "12",
            "endorsed_points_min": "5",
            "endorsed_points_per_hour": "1",
            "other_points_per_hour": "0.5",
            "neuro_hours_target": "3",
            "gap_months": "3",
        },
    )

    assert response.status_code == 302
    assert CPDPolicy.objects.get().points_target == Decimal("12")
    [event] = _events("cpdpolicy.change")
    assert (event.before, event.after) == ({"points_target": "10.0"}, {"points_target": "12"})


def test_catalogue_changes_and_bulk_deletes_are_audited(client_for, staff_user):
    body = factories.AwardingBodyFactory(name="Active IQ")
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    qtype = factories.QualificationTypeFactory(slug="l4-stroke", name="Level 4 Stroke", level=4)
    client = client_for(staff_user)

    client.post(
        reverse("admin:qualifications_qualificationtype_change", args=[qtype.pk]),
        {
            "slug": "l4-stroke",
            "name": "Level 4 Exercise after Stroke",
            "level": "4",
            "kind": qtype.kind,
            "regulated_number": "",
            "awarding_bodies": [body.pk],
            "condition_areas": [area.pk],
            "is_active": "on",
        },
    )
    client.post(
        reverse("admin:qualifications_awardingbody_changelist"),
        {"action": "delete_selected", "_selected_action": [body.pk], "post": "yes"},
    )

    [change] = _events("qualificationtype.change")
    assert change.before["name"] == "Level 4 Stroke"
    assert change.after["name"] == "Level 4 Exercise after Stroke"
    assert change.after["condition_areas"] == ["Stroke"]
    [delete] = _events("awardingbody.delete")
    assert delete.target_label == "Active IQ"


def test_saving_without_a_change_writes_no_event(client_for, staff_user):
    profile = factories.MentorProfileFactory(capacity=4)

    client_for(staff_user).post(
        reverse("admin:mentorship_mentorprofile_change", args=[profile.pk]),
        {"user": profile.user.pk, "capacity": "4", "is_accepting": "on"},
    )

    assert not _events("mentorprofile.change")


# --- The user picker ---------------------------------------------------------------------


def test_programme_staff_can_search_people_when_assigning_a_mentor(client_for, staff_user):
    person = factories.UserFactory(name="Mina Mentor")

    response = client_for(staff_user).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "mentorship",
            "model_name": "mentorprofile",
            "field_name": "user",
            "term": "Mina",
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(person.pk)]


def test_the_user_picker_is_refused_to_people_who_are_not_staff(client_for, trainer_user):
    response = client_for(trainer_user).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "mentorship",
            "model_name": "mentorprofile",
            "field_name": "user",
            "term": "a",
        },
    )

    assert response.status_code in (302, 403)


def test_programme_staff_cannot_change_roles_on_accounts(client_for, staff_user):
    person = factories.UserFactory()

    response = client_for(staff_user).post(
        reverse("admin:rehabpath_user_change", args=[person.pk]),
        {"email": person.email, "name": person.name, "is_active": "on", "is_staff": "on"},
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.is_staff


@pytest.mark.parametrize("junk", ["junk", "-1", "999999999", "99999999999999999999999", "1.5"])
def test_a_junk_user_id_is_a_form_error_not_a_server_error(client_for, staff_user, junk):
    response = client_for(staff_user).post(
        reverse("admin:mentorship_mentorprofile_add"),
        {"user": junk, "capacity": "4", "is_accepting": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"]
    assert not MentorProfile.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_junk_user_id_in_a_clinic_membership_row_is_a_form_error(client_for, staff_user):
    clinic = factories.ClinicFactory(name="Riverside", city="Bristol")

    response = client_for(staff_user).post(
        reverse("admin:trainers_clinic_change", args=[clinic.pk]),
        {"name": "Riverside", "city": "Bristol"}
        | _inline("memberships", [{"user": "junk", "clinic": clinic.pk}]),
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["user"]
    assert not ClinicMembership.objects.exists()


def test_setting_someones_password_in_the_admin_is_audited_without_it(client_for, superuser):
    person = factories.UserFactory()
    url = reverse("admin:auth_user_password_change", args=[person.pk])

    response = client_for(superuser).post(
        url,
        {
            "password1": "a-long-enough-passphrase-2",
            "password2": "a-long-enough-passphrase-2",
            "set_usable_password": "true",
        },
    )

    assert response.status_code == 302
    [event] = _events("user.password_set")
    assert event.target_id == str(person.public_id)
    assert event.after == {"password": "set"}
    from rehabpath.audit import audit_action_label

    assert audit_action_label("user.password_set") == "Password set in the admin"
    assert "passphrase" not in str(event.before) + str(event.after)


def test_a_refused_password_change_writes_no_event(client_for, superuser):
    person = factories.UserFactory()

    response = client_for(superuser).post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {
            "password1": "a-long-enough-passphrase-2",
            "password2": "different",
            "set_usable_password": "true",
        },
    )

    assert response.status_code == 200
    assert not _events("user.password_set")
