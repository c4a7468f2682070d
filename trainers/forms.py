"""Forms for a trainer's records (with their evidence) and for staff verification."""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from trainers.evidence import (
    ACCEPT,
    ALLOWED_TYPES,
    CheckedUpload,
    size_limit_label,
    validate_file_count,
    validate_uploads,
)
from trainers.models import DBSCheck, EvidenceFile, Insurance, VerificationMethod
from trainers.records import EARLIEST_RECORD_DATE, today

DBS_NUMBER = re.compile(r"\d{12}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input; cleans to a list of `CheckedUpload`, every bad file named."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Evidence files")
        # validate_upload names the empty file; FileField's own message would not.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ACCEPT
        if not self.help_text:
            self.help_text = (
                f"A scan or clear photo of the document: {ALLOWED_TYPES}, up to "
                f"{size_limit_label()} each, at most {settings.EVIDENCE_MAX_FILES} files per "
                "record. You can choose several files at once."
            )

    def clean(self, data, initial=None) -> list[CheckedUpload]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        single_clean = super().clean
        cleaned = [single_clean(upload, initial) for upload in uploads if upload]
        if self.required and not cleaned:
            raise ValidationError("Choose at least one file.", code="required")
        return validate_uploads([upload for upload in cleaned if upload])


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: EvidenceFile) -> str:
        return f"{obj.original_name} ({obj.size // 1024 or 1} KB)"


def validate_not_future(value: dt.date | None, what: str) -> None:
    if value and value > today():
        raise ValidationError(f"{what} cannot be in the future.", code="future")


def validate_plausible(value: dt.date | None, what: str) -> None:
    if value and value < EARLIEST_RECORD_DATE:
        raise ValidationError(
            f"{what} is before {EARLIEST_RECORD_DATE:%Y}: check the year.", code="implausible"
        )


class RecordForm(forms.ModelForm):
    """Shared by the three record forms: evidence to add, and on edit evidence to remove.

    `record_fields()` gives the service the model fields; nothing here saves.
    """

    evidence = EvidenceField()

    def __init__(self, *args, trainer, **kwargs):
        self.trainer = trainer
        super().__init__(*args, **kwargs)
        self.current_evidence = list(self.instance.evidence.all()) if self.instance.pk else []
        if self.instance.pk:
            self.fields["evidence"].label = "Add evidence files"
        if self.current_evidence:
            self.fields["remove_evidence"] = EvidenceChoiceField(
                queryset=self.instance.evidence.all(),
                to_field_name="public_id",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label="Remove these files",
                help_text="Tick a file to remove it, for example when you upload a newer copy.",
            )
            # Removal is offered just before new files, so "replace" reads top to bottom.
            order = [n for n in self.fields if n not in ("remove_evidence", "evidence")]
            self.order_fields([*order, "remove_evidence", "evidence"])

    def clean(self):
        cleaned = super().clean()
        removing = cleaned.get("remove_evidence") or []
        adding = cleaned.get("evidence") or []
        if "evidence" not in self.errors:
            try:
                validate_file_count(
                    existing=len(self.current_evidence) - len(removing), adding=len(adding)
                )
            except ValidationError as error:
                self.add_error("evidence", error)
        return cleaned

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def files_to_add(self) -> list[CheckedUpload]:
        return self.cleaned_data.get("evidence") or []

    def files_to_remove(self) -> list[EvidenceFile]:
        return list(self.cleaned_data.get("remove_evidence") or [])


class InsuranceForm(RecordForm):
    class Meta:
        model = Insurance
        fields = [
            "insurer",
            "policy_number",
            "public_liability_cover",
            "professional_indemnity_cover",
            "starts_on",
            "expires_on",
        ]
        labels = {
            "public_liability_cover": "Public liability cover (£)",
            "professional_indemnity_cover": "Professional indemnity cover (£)",
            "starts_on": "Cover starts on",
            "expires_on": "Cover ends on",
        }
        help_texts = {
            "insurer": "The company named on your certificate of insurance.",
            "public_liability_cover": "In pounds, for example 5000000 for £5 million.",
            "professional_indemnity_cover": "In pounds, for example 1500000 for £1.5 million.",
        }
        widgets = {"starts_on": DateInput(), "expires_on": DateInput()}

    def clean_public_liability_cover(self):
        return _positive(self.cleaned_data["public_liability_cover"])

    def clean_professional_indemnity_cover(self):
        return _positive(self.cleaned_data["professional_indemnity_cover"])

    def clean_starts_on(self):
        value = self.cleaned_data["starts_on"]
        validate_plausible(value, "The start date")
        return value

    def clean(self):
        cleaned = super().clean()
        starts, expires = cleaned.get("starts_on"), cleaned.get("expires_on")
        if starts and expires and expires <= starts:
            self.add_error("expires_on", "The cover must end after it starts.")
        return cleaned


def _positive(value):
    if value is not None and value <= 0:
        raise ValidationError("Enter the amount of cover in pounds.", code="not_positive")
    return value


class DBSCheckForm(RecordForm):
    certificate_number = forms.CharField(
        label="Certificate number",
        help_text="The 12-digit number at the top right of your DBS certificate.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = DBSCheck
        fields = [
            "level",
            "certificate_number",
            "issued_on",
            "update_service_subscribed",
            "update_service_consent",
        ]
        labels = {
            "level": "Level of check",
            "issued_on": "Issue date",
            "update_service_subscribed": "I subscribe to the DBS Update Service",
            "update_service_consent": (
                "I consent to programme staff checking my status through the Update Service"
            ),
        }
        widgets = {"issued_on": DateInput(), "level": forms.RadioSelect}

    def clean_certificate_number(self):
        number = "".join(self.cleaned_data["certificate_number"].split())
        if not DBS_NUMBER.fullmatch(number):
            raise ValidationError("A DBS certificate number has exactly 12 digits.", code="format")
        return number

    def clean_issued_on(self):
        value = self.cleaned_data["issued_on"]
        validate_not_future(value, "The issue date")
        validate_plausible(value, "The issue date")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("update_service_consent") and not cleaned.get("update_service_subscribed"):
            self.add_error(
                "update_service_consent",
                "Status checks need an Update Service subscription: tick both or neither.",
            )
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Strip the blank "---------" choice the model field would offer to a radio list.
        self.fields["level"].choices = DBSCheck.Level.choices


class EvidenceAddForm(forms.Form):
    """Add files to an existing record from its page."""

    evidence = EvidenceField(required=True, label="Add evidence files")

    def __init__(self, *args, existing: int, **kwargs):
        self.existing = existing
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if "evidence" in cleaned:
            try:
                validate_file_count(existing=self.existing, adding=len(cleaned["evidence"]))
            except ValidationError as error:
                self.add_error("evidence", error)
        return cleaned


def fingerprint_field() -> forms.CharField:
    """The record as the verifier saw it (`record_fingerprint`), set by the review page."""
    return forms.CharField(
        label="Record version",
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": "This page is out of date: open the record again."},
    )


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label="How did you verify it?",
        choices=VerificationMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you verified the record."},
    )
    verified_on = forms.DateField(label="Date of the check", widget=DateInput())
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you checked, e.g. “Certificate matches the Active IQ register entry”.",
    )
    fingerprint = fingerprint_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "verify")
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = today

    def clean_verified_on(self):
        value = self.cleaned_data["verified_on"]
        validate_not_future(value, "The date of the check")
        return value


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The trainer reads this: say what is wrong and what would put it right.",
        error_messages={"required": "Give the reason for rejecting this record."},
    )
    fingerprint = fingerprint_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reject")
        super().__init__(*args, **kwargs)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Give the reason for rejecting this record.", code="required")
        return reason
