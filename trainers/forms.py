"""Forms for a trainer's records (with their evidence) and for staff verification."""

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
from trainers.records import today
from trainers.rules import validate_not_future


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


class RecordForm(forms.ModelForm):
    """Shared by the three record forms: evidence to add, and on edit evidence to remove.

    `record_fields()` gives the service the model fields; nothing here saves. The record's
    rules are the model's `clean()`, which `ModelForm` runs on the values entered.
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

    def _post_clean(self):
        # A field that failed here keeps the saved value on the instance: hide it from the
        # model's rules, so that they do not compare a new date with the old one.
        failed = [
            self.instance._meta.get_field(name).attname
            for name in self._meta.fields
            if name in self._errors
        ]
        kept = {attname: getattr(self.instance, attname) for attname in failed}
        for attname in failed:
            setattr(self.instance, attname, None)
        try:
            super()._post_clean()
        finally:
            for attname, value in kept.items():
                if getattr(self.instance, attname) is None:
                    setattr(self.instance, attname, value)

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
        # Spaces are how people copy the number; the model checks what is left.
        return "".join(self.cleaned_data["certificate_number"].split())

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
