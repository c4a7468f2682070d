"""Mentors; assignments, supervised sessions and scope declarations join in later issues."""

import uuid

from django.conf import settings
from django.db import models


class MentorProfile(models.Model):
    """Holding a mentor profile is what makes a person a mentor."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    capacity = models.PositiveSmallIntegerField(
        default=4, help_text="How many trainers this mentor can supervise at once."
    )
    is_accepting = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)
