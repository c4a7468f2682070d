"""The staff mentoring screen: lists, assigning, ending, and its query count at two sizes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.access import is_current_mentor
from mentorship.models import MentorAssignment
from rehabpath.models import AuditEvent
from tests import factories


def _page(client, **params):
    response = client.get(reverse("mentorship:mentoring"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_screen_lists_trainers_without_a_mentor_and_mentors_with_room(client_for, staff_user):
    alone = factories.TrainerProfileFactory(user__name="Ada Alone")
    taken = factories.TrainerProfileFactory(user__name="Ben Taken")
    mentor = factories.MentorProfileFactory(user__name="Meg Mentor", capacity=3)
    full = factories.MentorProfileFactory(user__name="Fay Full", capacity=1)
    factories.MentorProfileFactory(user__name="Cal Closed", is_accepting=False)
    MentorAssignment.objects.create(mentor=full, trainer=taken, starts_on=dt.date(2026, 1, 1))

    page = _page(client_for(staff_user))

    assert "Ada Alone" in page and "Meg Mentor" in page and "0 of 3" in page
    assert "Fay Full" in page  # in the current assignments, not among mentors with room
    assert page.count("Fay Full") == 1
    assert "Cal Closed" not in page
    assert reverse("mentorship:assign", args=[alone.public_id]) in page
    assert reverse("mentorship:assign", args=[taken.public_id]) not in page
    assert "Ada Alone" not in _page(client_for(staff_user), q="ben")
    assert "Meg Mentor" not in _page(client_for(staff_user), mq="fay")
    assert mentor  # listed above


def test_trainers_without_a_mentor_are_keyset_paged(client_for, staff_user):
    for i in range(27):
        factories.TrainerProfileFactory(user__name=f"Trainer {i:02}")
    client = client_for(staff_user)
    first = client.get(reverse("mentorship:mentoring"))
    cursor = first.context["trainers"].next_cursor
    assert cursor and "Trainer 24" in first.content.decode()
    second = _page(client, after=cursor)
    assert "Trainer 25" in second and "Trainer 26" in second and "Trainer 00" not in second


def test_staff_assign_a_mentor_from_the_screen(client_for, staff_user):
    trainer = factories.TrainerProfileFactory()
    mentor = factories.MentorProfileFactory(user__name="Meg Mentor")
    area = factories.ConditionAreaFactory()
    mentor.condition_areas.add(area)
    client = client_for(staff_user)
    url = reverse("mentorship:assign", args=[trainer.public_id])
    assert "Meg Mentor (0 of 4 mentees)" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "mentor": mentor.pk,
            "starts_on": timezone.localdate().isoformat(),
            "areas": [area.pk],
        },
    )

    assert response.status_code == 302
    assert is_current_mentor(mentor.user, trainer)
    assert AuditEvent.objects.filter(action="mentor_assignment.create", actor=staff_user).exists()


def test_a_refusal_comes_back_on_the_form(client_for, staff_user):
    mentor = factories.MentorProfileFactory(is_accepting=False)
    trainer = factories.TrainerProfileFactory()
    response = client_for(staff_user).post(
        reverse("mentorship:assign", args=[trainer.public_id]),
        {"mentor": mentor.pk, "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "is not accepting new mentees" in response.content.decode()
    assert not MentorAssignment.objects.exists()


def test_staff_end_an_assignment_with_a_reason(client_for, staff_user, mentor_user, trainer_user):
    assignment = MentorAssignment.objects.create(
        mentor=mentor_user.mentor_profile,
        trainer=trainer_user.trainer_profile,
        starts_on=timezone.localdate(),
    )
    client = client_for(staff_user)
    url = reverse("mentorship:end", args=[assignment.public_id])

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    assert is_current_mentor(mentor_user, trainer_user.trainer_profile)

    assert client.post(url, {"reason": "Mentor moved away"}).status_code == 302
    assert not is_current_mentor(mentor_user, trainer_user.trainer_profile)
    assert client.get(url).status_code == 404  # an ended assignment cannot be ended again


def test_the_staff_navigation_and_panel_link_to_the_screen(client_for, staff_user):
    page = client_for(staff_user).get(reverse("home")).content.decode()
    assert page.count(f'href="{reverse("mentorship:mentoring")}"') >= 2


def _fill(n):
    for _ in range(n):
        factories.TrainerProfileFactory()
        mentor = factories.MentorProfileFactory()
        mentor.condition_areas.add(factories.ConditionAreaFactory())
        assignment = MentorAssignment.objects.create(
            mentor=mentor, trainer=factories.TrainerProfileFactory(), starts_on=dt.date(2026, 1, 1)
        )
        assignment.focus_areas.set(mentor.condition_areas.all())


@pytest.mark.parametrize("n", [2, 30])
def test_the_screen_runs_a_fixed_number_of_queries(
    client_for, staff_user, n, django_assert_num_queries
):
    _fill(n)
    client = client_for(staff_user)
    client.get(reverse("mentorship:mentoring"))  # the first request records the session
    # the user; trainers without a mentor; mentors with room (counted in the same query);
    # open assignments and their focus areas.
    with django_assert_num_queries(5):
        assert client.get(reverse("mentorship:mentoring")).status_code == 200


def test_an_assignment_past_its_end_date_frees_the_trainer_and_the_mentor(client_for, staff_user):
    trainer = factories.TrainerProfileFactory(user__name="Lapsed Trainee")
    mentor = factories.MentorProfileFactory(user__name="Meg Mentor", capacity=1)
    MentorAssignment.objects.create(
        mentor=mentor,
        trainer=trainer,
        starts_on=timezone.localdate() - dt.timedelta(days=60),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )

    page = _page(client_for(staff_user))

    assert reverse("mentorship:assign", args=[trainer.public_id]) in page
    assert "0 of 1" in page
    assert "Current assignments" in page and "No current assignments." in page


def test_the_admin_refuses_a_physiotherapist_without_an_hcpc_number(client_for, staff_user):
    person = factories.UserFactory()
    response = client_for(staff_user).post(
        reverse("admin:mentorship_mentorprofile_add"),
        {"user": person.pk, "background": "physiotherapist", "capacity": "3"},
    )
    assert response.status_code == 200
    assert "Give the HCPC registration number" in response.content.decode()


def test_the_assignment_form_fills_in_today_as_a_browser_date_field_reads_it(
    client_for, staff_user
):
    trainer = factories.TrainerProfileFactory()

    response = client_for(staff_user).get(reverse("mentorship:assign", args=[trainer.public_id]))

    # <input type="date"> reads only ISO dates: a "01/12/2026" value shows as an empty field.
    assert f'value="{timezone.localdate().isoformat()}"' in response.content.decode()
