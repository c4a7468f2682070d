"""The sign-up form: allauth's, answering a taken address as slowly as a new one.

With ACCOUNT_PREVENT_ENUMERATION allauth answers "check your mail" for an address that already
has an account, so the words do not tell whether it has one. The time did: a new account
hashes the password (about 0.5 s with the production hasher, on purpose), a taken address
skipped it and answered some 50 times faster. The taken path now does the same hashing work.

Kept apart from rehabpath.forms: allauth builds its sign-up form on ACCOUNT_SIGNUP_FORM_CLASS
(rehabpath.forms.SignupDetailsForm), so this subclass of that form cannot live in its module.
"""

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest


class SignupForm(AllauthSignupForm):
    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            # The work set_password() does for a new account, thrown away: same hasher, same
            # cost, so the answer takes as long whether or not the address is taken.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)  # type: ignore[no-any-return]
