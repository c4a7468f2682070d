"""The forms of the clinic pages: they parse input; the rules are in trainers.clinics."""

from typing import Any

from django import forms

from rehabpath.forms import form_field
from trainers.models import Clinic


class ClinicForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Give the clinic a name."},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    city = forms.CharField(
        label="Town or city",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We e-mail a link that works for 14 days. Inviting the same address again "
        "replaces its open invitation.",
        error_messages={
            "required": "Give the e-mail address to invite.",
            "invalid": "Enter an e-mail address like name@clinic.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class ClinicChoiceField(forms.ChoiceField):
    """Offers some clinics and accepts any of `accepted` (public ids)."""

    accepted: frozenset[str] = frozenset()

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.accepted


class ShareForm(forms.Form):
    """Choose a clinic to share with: offered are those not shared with now; any clinic is
    accepted, so that a page loaded before sharing hears "you already share" (the service)."""

    clinic = ClinicChoiceField(
        label="Clinic",
        error_messages={
            "required": "Choose the clinic to share your record with.",
            "invalid_choice": "Choose one of the clinics in the list.",
        },
    )

    def __init__(self, *args: Any, clinics: list[Clinic], available: list[Clinic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._clinics = {str(clinic.public_id): clinic for clinic in clinics}
        field = form_field(self, "clinic", ClinicChoiceField)
        field.choices = [
            ("", "Choose a clinic"),
            *((str(c.public_id), _label(c)) for c in available),
        ]
        field.accepted = frozenset(self._clinics)

    def clean_clinic(self) -> Clinic:
        return self._clinics[self.cleaned_data["clinic"]]


def _label(clinic: Clinic) -> str:
    return f"{clinic.name}, {clinic.city}" if clinic.city else clinic.name
