from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.forms import Form
from django.http import HttpRequest

from rehabpath.mail import render_email
from rehabpath.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Form, commit: bool = True) -> Any:
        """Everyone who signs up is a trainer, but for someone a clinic invited as its admin
        (they came for the clinic); other roles are granted by programme staff."""
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data["name"].strip()
        if commit:
            user.save()
            from trainers.clinics import signs_up_as_clinic_admin
            from trainers.models import TrainerProfile

            if not signs_up_as_clinic_admin(user.email):
                TrainerProfile.objects.get_or_create(user=user)
        return user

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """allauth's mails, in text and HTML, through the renderer the project's mails use.

        Each one has its templates in templates/account/email/ or templates/mfa/email/
        (<prefix>_subject.txt, _message.txt, _message.html), built on templates/emails/base.*.
        """
        return render_email(
            subject_template=f"{template_prefix}_subject.txt",
            text_template=f"{template_prefix}_message.txt",
            html_template=f"{template_prefix}_message.html",
            context=context,
            to=[email] if isinstance(email, str) else email,
            headers=headers,
        )

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        # allauth leaves the user out of a security notice's context: the mail greets them.
        context = {"user": user, **(context or {})}
        super().send_notification_mail(template_prefix, user, context, email)
