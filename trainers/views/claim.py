"""Claiming an account the bulk import created: choose a password, and be signed in.

The claim mail (trainers.mails) links here with a password-reset key. allauth's own reset
view checks the key (rate-limited, moved out of the URL before the form shows) and ended on a
"Change password" page with no way on; this one sets the first password through a service that
audits it, signs the trainer in and opens their dashboard.
"""

from typing import Any

from allauth.account.utils import perform_login
from allauth.account.views import PasswordResetFromKeyView
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from trainers.services import account_claim

WELCOME = (
    "Your account is ready. Add your certificates as evidence to your records, so that "
    "programme staff can verify them."
)


class AccountClaimView(PasswordResetFromKeyView):
    template_name = "trainers/account_claim.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["action_url"] = reverse(
            "trainers:account_claim",
            kwargs={"uidb36": self.kwargs["uidb36"], "key": self.kwargs["key"]},
        )
        context["claimant"] = self.reset_user
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = self.reset_user
        try:
            account_claim(
                user=user,
                password=form.cleaned_data["password1"],
                actor=Actor.from_request(self.request, user=user),
            )
        except DomainError as error:
            messages.error(self.request, error.message)
            return redirect("account_login")
        response: HttpResponse = perform_login(self.request, user, redirect_url=reverse("home"))
        messages.success(self.request, WELCOME)
        return response


account_claim_view = AccountClaimView.as_view()
