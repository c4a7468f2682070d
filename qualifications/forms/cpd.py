"""Forms of the CPD log: an activity (with evidence), the year selector and the export."""

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from qualifications.models import ConditionArea, CPDActivity
from qualifications.scoring import CPDYear, fmt_number
from qualifications.services.cpd import CPDActivityData, cpd_activity_fingerprint
from rehabpath.formats import day_label
from rehabpath.forms import form_field
from trainers.evidence import ALLOWED_TYPES, CheckedUpload, size_limit_label
from trainers.forms import EvidenceField, add_fingerprint
from trainers.models import EvidenceFile
from trainers.rules import EARLIEST_RECORD_DATE, check_date


class EvidenceNameChoiceField(forms.ModelMultipleChoiceField[EvidenceFile]):
    def label_from_instance(self, obj: EvidenceFile) -> str:
        return obj.original_name


class ActivityChoiceField(forms.ModelMultipleChoiceField[CPDActivity]):
    def label_from_instance(self, obj: CPDActivity) -> str:
        return f"{day_label(obj.date)} — {obj.title}"


class CPDActivityForm(forms.ModelForm[CPDActivity]):
    evidence = EvidenceField(label="Add evidence (optional)")
    remove_evidence = EvidenceNameChoiceField(
        queryset=None,
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        label="Remove evidence files",
    )

    class Meta:
        model = CPDActivity
        fields = [
            "date",
            "title",
            "provider",
            "activity_type",
            "hours",
            "endorsed",
            "condition_areas",
            "what_i_did",
            "what_i_learnt",
            "how_it_benefits",
        ]
        labels = {
            "date": "Date",
            "title": "Title",
            "provider": "Provider (optional)",
            "activity_type": "Type of activity",
            "hours": "Hours",
            "endorsed": "Endorsed CPD (by CIMSPA or another recognised body)",
            "condition_areas": "Condition areas it relates to",
            "what_i_did": "What I did",
            "what_i_learnt": "What I learnt",
            "how_it_benefits": "How it benefits my clients",
        }
        help_texts = {
            "date": "The day you did it, or finished it. Not in the future.",
            "title": "For example: Gait retraining after stroke",
            "provider": "Who ran it: a training provider, a journal, a mentor.",
            "hours": "In hours; 15 minutes is 0.25, 90 minutes is 1.5.",
            "endorsed": "Endorsed hours earn more points; leave unticked if unsure.",
            "condition_areas": "Counts towards your neuro-specific hours in each area ticked.",
            "what_i_did": "Describe the activity in a sentence or two.",
            "what_i_learnt": "The knowledge or skill you gained.",
            "how_it_benefits": (
                "How your practice with clients changes. Do not name or describe a client in a "
                "way that identifies them."
            ),
        }
        error_messages = {
            "date": {
                "required": "Enter the date of the activity.",
                "invalid": "Enter a real date.",
            },
            "title": {"required": "Enter a title for the activity."},
            "activity_type": {"required": "Choose the type of activity."},
            "hours": {
                "required": "Enter how many hours the activity took.",
                "invalid": "Enter the hours as a number, for example 1.5.",
                "min_value": "Enter at least 0.25 hours (15 minutes).",
                "max_value": (
                    "Enter at most 100 hours for one activity; log a longer course in parts."
                ),
                "max_decimal_places": "Enter the hours with at most 2 decimal places.",
            },
            "what_i_did": {"required": "Describe what you did."},
            "what_i_learnt": {"required": "Describe what you learnt."},
            "how_it_benefits": {"required": "Describe how it benefits your clients."},
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "hours": forms.NumberInput(
                attrs={"step": "0.25", "min": "0.25", "max": "100", "inputmode": "decimal"}
            ),
            "condition_areas": forms.CheckboxSelectMultiple,
            "what_i_did": forms.Textarea(attrs={"rows": 4}),
            "what_i_learnt": forms.Textarea(attrs={"rows": 4}),
            "how_it_benefits": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, cpd_year: CPDYear | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cpd_year is not None:
            self.fields["date"].help_text += (
                f" Your current CPD year runs from {day_label(cpd_year.start)} to "
                f"{day_label(cpd_year.end)}: an earlier date counts in an earlier CPD year."
            )
        areas = form_field(self, "condition_areas", forms.ModelMultipleChoiceField)
        areas.queryset = ConditionArea.objects.all()
        form_field(self, "activity_type", forms.ChoiceField).choices = [
            ("", "Choose a type"),
            *CPDActivity.Type.choices,
        ]
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["date"].widget.attrs["min"] = EARLIEST_RECORD_DATE.isoformat()
        self.fields["evidence"].help_text = (
            f"A certificate of attendance, a programme or your notes: {ALLOWED_TYPES}, up to "
            f"{size_limit_label()} each, at most {settings.EVIDENCE_MAX_FILES} files per activity."
        )
        evidence = list(self.instance.evidence.all()) if self.instance.pk else []
        if evidence:
            remove = form_field(self, "remove_evidence", EvidenceNameChoiceField)
            remove.queryset = self.instance.evidence.all()
        else:
            del self.fields["remove_evidence"]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        if self.instance.pk and not self.is_bound:
            self.initial["hours"] = fmt_number(self.instance.hours)  # 2, not 2.00
        if self.instance.pk:  # the activity as loaded, before the posted values touch it
            add_fingerprint(self, cpd_activity_fingerprint(self.instance))

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"]
        return title.strip()

    def data_for_service(self) -> CPDActivityData:
        data = self.cleaned_data
        return CPDActivityData(
            date=data["date"],
            title=data["title"],
            provider=data.get("provider", ""),
            activity_type=data["activity_type"],
            hours=data["hours"],
            endorsed=data["endorsed"],
            condition_areas=tuple(data["condition_areas"]),
            what_i_did=data["what_i_did"],
            what_i_learnt=data["what_i_learnt"],
            how_it_benefits=data["how_it_benefits"],
        )

    @property
    def new_evidence(self) -> list[CheckedUpload]:
        return self.cleaned_data.get("evidence") or []

    @property
    def removed_evidence(self) -> list[EvidenceFile]:
        return list(self.cleaned_data.get("remove_evidence") or [])


class CPDYearForm(forms.Form):
    """Choose a CPD year to look at; the choices are the trainer's years, newest first."""

    year = forms.ChoiceField(label="CPD year")

    def __init__(self, *args: Any, years: list[CPDYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = {y.start.isoformat(): y for y in years}
        choices = [(key, y.label) for key, y in self.years.items()]
        form_field(self, "year", forms.ChoiceField).choices = choices

    def chosen(self) -> CPDYear | None:
        return self.years[self.cleaned_data["year"]] if self.is_valid() else None


def _plausible(day: dt.date, what: str) -> dt.date:
    """The earliest-date rule of every record (trainers.rules), as a form field's error."""
    if error := check_date(day, what):
        raise error
    return day


class PortfolioPeriodForm(forms.Form):
    start = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the first day of the period.",
            "invalid": "Enter a real date.",
        },
    )
    end = forms.DateField(
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the last day of the period.",
            "invalid": "Enter a real date.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].widget.attrs["min"] = EARLIEST_RECORD_DATE.isoformat()

    def clean_start(self) -> dt.date:
        return _plausible(self.cleaned_data["start"], "The first day of the period")

    def clean_end(self) -> dt.date:
        return _plausible(self.cleaned_data["end"], "The last day of the period")

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(
                f"The period must start on or before it ends ({day_label(start)} is after "
                f"{day_label(end)})."
            )
        if start and end and (end - start) > dt.timedelta(days=366 * 10):
            raise ValidationError("Choose a period of at most 10 years.")
        return data


class PortfolioExportForm(PortfolioPeriodForm):
    """The whole portfolio page in one form: what is on screen is what the file holds.

    The period, the practice summary and the chosen reflections (at most six) travel together
    with every button, so the download can never use dates from an earlier screen. The picker
    shows one page of activities at a time: the browser posts only the ticked boxes.
    """

    practice_summary = forms.CharField(
        label="Your practice summary",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Who you work with, where and how, in a few sentences. It opens your portfolio and "
            "is saved to your profile."
        ),
    )
    reflections = ActivityChoiceField(
        queryset=CPDActivity.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        label="Reflections to include",
        error_messages={
            "invalid_choice": "Choose reflections from your own CPD log.",
            "invalid_pk_value": "Choose reflections from your own CPD log.",
        },
    )
    search = forms.CharField(label="Find an activity by title", required=False, max_length=100)
    picker_page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, activities: QuerySet[CPDActivity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "reflections", ActivityChoiceField).queryset = activities

    @property
    def chosen(self) -> list[CPDActivity]:
        """The ticked activities, oldest first (valid or not: for showing them again)."""
        if self.is_bound and self.is_valid():
            return sorted(self.cleaned_data["reflections"], key=lambda a: (a.date, a.pk))
        queryset = form_field(self, "reflections", ActivityChoiceField).queryset
        if self.is_bound and isinstance(self.data, QueryDict) and queryset is not None:
            values = [v for v in self.data.getlist("reflections") if v][:50]
            try:
                found = queryset.filter(public_id__in=values)
                return sorted(found, key=lambda a: (a.date, a.pk))
            except (ValueError, ValidationError):
                return []
        return []


def _past_day(day: dt.date) -> dt.date:
    """A gap lies between the earliest day a record may have and today."""
    if not EARLIEST_RECORD_DATE <= day <= timezone.localdate():
        raise ValidationError("A gap lies between 1950 and today.", code="out_of_range")
    return day


MONTHS = [(n, dt.date(2024, n, 1).strftime("%B")) for n in range(1, 13)]


class CPDYearStartForm(forms.Form):
    """The day and month the trainer's CPD year starts: their membership anniversary."""

    day = forms.TypedChoiceField(
        label="Day",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 32)],
        error_messages={"required": "Choose the day.", "invalid_choice": "Choose a day, 1 to 31."},
    )
    month = forms.TypedChoiceField(
        label="Month",
        coerce=int,
        choices=MONTHS,
        error_messages={"required": "Choose the month.", "invalid_choice": "Choose a month."},
    )


class GapExplanationForm(forms.Form):
    start = forms.DateField(widget=forms.HiddenInput)
    end = forms.DateField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Why there was no CPD in these months",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "For example: illness, parental leave, a career break, working abroad. A sentence "
            "or two is enough; leave it empty and save to remove the explanation. Do not name "
            "or describe a client."
        ),
        error_messages={"max_length": "Keep the explanation to %(limit_value)d characters."},
    )

    def clean_start(self) -> dt.date:
        return _past_day(self.cleaned_data["start"])

    def clean_end(self) -> dt.date:
        return _past_day(self.cleaned_data["end"])
