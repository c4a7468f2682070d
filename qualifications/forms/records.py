"""The trainer's qualification record form (evidence handling comes from trainers.forms)."""

from typing import Any

from django import forms
from django.db.models import Q

from qualifications.models import AwardingBody, QualificationType, TrainerQualification
from rehabpath.forms import form_field
from trainers.forms import DateInput, RecordForm


class TrainerQualificationForm(RecordForm[TrainerQualification]):
    qualification_type = forms.ModelChoiceField(
        label="Qualification",
        queryset=QualificationType.objects.none(),
        empty_label="Choose a qualification",
        help_text="Not in the list? Ask programme staff to add it to the catalogue.",
    )
    awarding_body = forms.ModelChoiceField(
        label="Awarding body",
        queryset=AwardingBody.objects.all(),
        empty_label="Choose the awarding body",
        help_text="The organisation named on the certificate.",
    )

    class Meta:
        model = TrainerQualification
        fields = [
            "qualification_type",
            "awarding_body",
            "certificate_number",
            "awarded_on",
            "expires_on",
        ]
        labels = {
            "certificate_number": "Certificate number",
            "awarded_on": "Date awarded",
            "expires_on": "Expiry date stated on the certificate",
        }
        help_texts = {
            "certificate_number": "As printed on the certificate, if it has one.",
            "expires_on": (
                "Only if the certificate states one. Otherwise we work it out from the "
                "qualification (first aid lasts 3 years; regulated qualifications do not expire)."
            ),
        }
        widgets = {"awarded_on": DateInput(), "expires_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Retired types stay selectable on a record that already uses one.
        current = self.instance.qualification_type_id
        field = form_field(self, "qualification_type", forms.ModelChoiceField)
        field.queryset = QualificationType.objects.filter(
            Q(is_active=True) | Q(pk=current)
        ).order_by("level", "name")
