"""Trainer and mentor see a current assignment on their dashboards, and no longer once ended."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mentorship.services.assignments import assignment_create, assignment_end
from rehabpath.audit import Actor
from tests import factories


def test_trainer_and_mentor_see_the_assignment_until_it_ends(
    client_for, trainer_user, mentor_user, staff_user
):
    start = timezone.localdate() - dt.timedelta(days=10)
    assignment = assignment_create(
        actor=Actor.for_user(staff_user),
        mentor=mentor_user.mentor_profile,
        trainer=trainer_user.trainer_profile,
        starts_on=start,
    )

    page = client_for(trainer_user).get(reverse("home")).content.decode()
    assert f"Your mentor: <strong>{escape(mentor_user.name)}</strong> since" in page
    page = client_for(mentor_user).get(reverse("home")).content.decode()
    assert "Your current mentees" in page and escape(trainer_user.name) in page
    assert "will be listed here" not in page  # no promise of a queue that does not exist

    assignment_end(actor=Actor.for_user(staff_user), assignment=assignment, reason="Moved away")

    assert "Your mentor:" not in client_for(trainer_user).get(reverse("home")).content.decode()
    page = client_for(mentor_user).get(reverse("home")).content.decode()
    assert escape(trainer_user.name) not in page and "no mentees at the moment" in page


def test_an_unassigned_mentor_sees_no_mentees(client_for, unassigned_mentor_user):
    factories.TrainerProfileFactory()
    page = client_for(unassigned_mentor_user).get(reverse("home")).content.decode()
    assert "no mentees at the moment" in page
