from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.forms import Form
from django.http import HttpRequest

from rehabpath.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Form, commit: bool = True) -> Any:
        """Everyone who signs up is a trainer; other roles are granted by programme staff."""
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data["name"].strip()
        if commit:
            user.save()
            from trainers.models import TrainerProfile

            TrainerProfile.objects.get_or_create(user=user)
        return user
