"""The forms of the clinic pages: they parse input; the rules are in trainers.clinics."""

from typing import Any

from django import forms
from django.db.models import QuerySet

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


class ClinicChoiceField(forms.ModelChoiceField[Clinic]):
    def label_from_instance(self, obj: Clinic) -> str:
        return f"{obj.name}, {obj.city}" if obj.city else obj.name


class ShareForm(forms.Form):
    clinic = ClinicChoiceField(
        label="Clinic",
        queryset=Clinic.objects.none(),
        to_field_name="public_id",
        empty_label="Choose a clinic",
        error_messages={
            "required": "Choose the clinic to share your record with.",
            "invalid_choice": "Choose one of the clinics in the list.",
        },
    )

    def __init__(self, *args: Any, clinics: QuerySet[Clinic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "clinic", ClinicChoiceField).queryset = clinics
