"""Forms for a trainer's records (with their evidence) and for staff verification."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import QueryDict

from rehabpath.forms import form_field
from trainers.evidence import (
    ACCEPT,
    ALLOWED_TYPES,
    CheckedUpload,
    size_limit_label,
    validate_file_count,
    validate_uploads,
)
from trainers.models import (
    DBSCheck,
    EvidenceFile,
    Insurance,
    TrainerProfile,
    VerifiableRecord,
    VerificationMethod,
)
from trainers.records import record_fingerprint, record_kinds, today
from trainers.rules import check_date
from trainers.selectors import QueueFilters, QueueSort


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input; cleans to a list of `CheckedUpload`, every bad file named."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
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

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        single_clean = super().clean
        cleaned: list[UploadedFile[bytes] | None] = [
            single_clean(upload, initial) for upload in uploads if upload
        ]
        if self.required and not cleaned:
            raise ValidationError("Choose at least one file.", code="required")
        return validate_uploads([upload for upload in cleaned if upload])


FINGERPRINT = "fingerprint"


def add_fingerprint(form: forms.BaseForm, fingerprint: str) -> None:
    """Carry the fingerprint of the row as the edit form showed it (trainers.records)."""
    form.fields[FINGERPRINT] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=fingerprint
    )


def posted_fingerprint(form: forms.BaseForm) -> str | None:
    """The fingerprint the page was opened with; None when the post carried none."""
    value: str = form.cleaned_data.get(FINGERPRINT) or ""
    return value or None


def renew_fingerprint(form: forms.BaseForm, fingerprint: str) -> None:
    """After a stale save was refused: the page shows the user's input again, now against the
    row as it is, so saving again is a deliberate choice to keep what is on screen."""
    if isinstance(form.data, QueryDict):
        data = form.data.copy()  # a mutable copy
        data[FINGERPRINT] = fingerprint
        form.data = data
    else:
        form.data = {**form.data, FINGERPRINT: fingerprint}


class EvidenceChoiceField(forms.ModelMultipleChoiceField[EvidenceFile]):
    def label_from_instance(self, obj: EvidenceFile) -> str:
        return f"{obj.original_name} ({obj.size // 1024 or 1} KB)"


class RecordForm[R: VerifiableRecord](forms.ModelForm[R]):
    """Shared by the three record forms: evidence to add, and on edit evidence to remove.

    `record_fields()` gives the service the model fields; nothing here saves. The record's
    rules are the model's `clean()`, which `ModelForm` runs on the values entered.
    """

    evidence = EvidenceField()

    def __init__(self, *args: Any, trainer: TrainerProfile, **kwargs: Any) -> None:
        self.trainer = trainer
        super().__init__(*args, **kwargs)
        self.current_evidence = list(self.instance.evidence.all()) if self.instance.pk else []
        if self.instance.pk:  # the record as loaded, before the posted values touch it
            add_fingerprint(self, record_fingerprint(self.instance))
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

    @classmethod
    def field_names(cls) -> list[str]:
        """The model fields the form edits (every record form lists them in its Meta)."""
        return list(cls._meta.fields or ())

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        removing = cleaned.get("remove_evidence") or []
        adding = cleaned.get("evidence") or []
        if "evidence" not in self.errors:
            try:
                validate_file_count(
                    existing=len(self.current_evidence) - len(removing), adding=len(adding)
                )
            except ValidationError as error:
                self.add_error("evidence", error)
        self._hide_failed_fields()
        return cleaned

    def _hide_failed_fields(self) -> None:
        """Keep a field that failed out of the model's rules, which ModelForm runs next.

        A failed field leaves the saved value on the instance: the model's rules would compare
        a new date with the old one. It is blanked until they have run (`full_clean`).
        """
        for name in self.field_names():
            field = self.instance._meta.get_field(name)
            if name in self.errors and isinstance(field, models.Field):
                self._hidden[field.attname] = getattr(self.instance, field.attname)
                setattr(self.instance, field.attname, None)

    def full_clean(self) -> None:
        self._hidden: dict[str, Any] = {}
        try:
            super().full_clean()
        finally:
            for attname, value in self._hidden.items():
                if getattr(self.instance, attname) is None:
                    setattr(self.instance, attname, value)

    def record_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.field_names()}

    def files_to_add(self) -> list[CheckedUpload]:
        return self.cleaned_data.get("evidence") or []

    def files_to_remove(self) -> list[EvidenceFile]:
        return list(self.cleaned_data.get("remove_evidence") or [])


POUNDS_EXAMPLE = "for example 5000000, £5,000,000, 5m or 5 million"
_AMOUNT = re.compile(
    r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>m|mn|million|k|thousand)?", re.IGNORECASE
)
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # 2,000,000 or 1,500.00
_UNITS = {"m": 1_000_000, "mn": 1_000_000, "million": 1_000_000, "k": 1_000, "thousand": 1_000}


def parse_pounds(text: str) -> Decimal:
    """An amount of cover as people write it, in whole pounds: "1.5m", "£2,000,000",
    "5 million", "250k", "1500000". Anything else is a ValidationError that says how."""
    value = text.strip().removeprefix("£").strip()
    number = value
    if "," in value:
        head = re.match(r"[0-9,.]+", value)
        if head is None or not _GROUPED.fullmatch(head.group()):
            raise ValidationError(
                f"Write commas only between thousands ({POUNDS_EXAMPLE}).", code="invalid"
            )
        number = head.group().replace(",", "") + value[head.end() :]
    match = _AMOUNT.fullmatch(number)
    if match is None:
        raise ValidationError(
            f"Enter the amount of cover in pounds, {POUNDS_EXAMPLE}.", code="invalid"
        )
    amount = Decimal(match["number"]) * _UNITS.get((match["unit"] or "").lower(), 1)
    if amount != amount.to_integral_value():
        shown = f"£{amount:,.2f}"
        raise ValidationError(
            f"Enter the cover in whole pounds: “{text.strip()}” reads as {shown}. For £1.5 "
            "million write 1500000 or 1.5m.",
            code="whole_pounds",
        )
    return amount.quantize(Decimal(1))


class PoundsField(forms.DecimalField):
    """Whole pounds, typed the way insurers print them (`parse_pounds`)."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {"max_digits": "That is more than £999,999,999,999: check the amount."},
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # no number input's step/min: "1.5m" is a fine answer here

    # django-stubs types DecimalField.to_python as IntegerField's (int); Django returns Decimal.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        return parse_pounds(str(value))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):  # 5000000, not 5000000.00 or 5E+6
            return format(value.quantize(Decimal(1)), "f")
        return value


class InsuranceForm(RecordForm[Insurance]):
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
            "public_liability_cover": "In pounds: 5000000, £5,000,000 or 5m for £5 million.",
            "professional_indemnity_cover": (
                "In pounds: 1500000, £1,500,000 or 1.5m for £1.5 million."
            ),
        }
        widgets = {"starts_on": DateInput(), "expires_on": DateInput()}
        field_classes = {
            "public_liability_cover": PoundsField,
            "professional_indemnity_cover": PoundsField,
        }


class DBSCheckForm(RecordForm[DBSCheck]):
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

    def clean_certificate_number(self) -> str:
        # Spaces are how people copy the number; the model checks what is left.
        return "".join(self.cleaned_data["certificate_number"].split())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strip the blank "---------" choice the model field would offer to a radio list.
        form_field(self, "level", forms.ChoiceField).choices = DBSCheck.Level.choices


class EvidenceAddForm(forms.Form):
    """Add files to an existing record from its page."""

    evidence = EvidenceField(required=True, label="Add evidence files")

    def __init__(self, *args: Any, existing: int, **kwargs: Any) -> None:
        self.existing = existing
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "verify")
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = today

    def clean_verified_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["verified_on"]
        if error := check_date(value, "The date of the check", not_future=True):
            raise error
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reject")
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Give the reason for rejecting this record.", code="required")
        return reason


class QueueFilterForm(forms.Form):
    """The verification queue's filters and order; anything unknown reads as "any"."""

    AGES = [
        ("", "Any age"),
        ("5", "Older than 5 days"),
        ("14", "Older than 14 days"),
        ("30", "Older than 30 days"),
    ]
    EVIDENCE = [("", "With or without"), ("yes", "Has evidence"), ("no", "No evidence")]

    kind = forms.ChoiceField(label="Kind", required=False)
    age = forms.ChoiceField(label="Waiting", required=False, choices=AGES)
    evidence = forms.ChoiceField(label="Evidence", required=False, choices=EVIDENCE)
    sort = forms.ChoiceField(label="Order", required=False, choices=QueueSort.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds the apps registered, in the queue's order.
        field = cast(forms.ChoiceField, self.fields["kind"])
        field.choices = [("", "Every kind")] + [(k.slug, k.plural) for k in record_kinds()]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            kind=data["kind"],
            older_than_days=int(data["age"]) if data["age"] else None,
            has_evidence={"yes": True, "no": False}.get(data["evidence"]),
            sort=QueueSort(data["sort"] or QueueSort.OLDEST),
        )
