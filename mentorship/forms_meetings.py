"""The forms of the supervision meetings: record or correct one, confirm it, dispute it.

Free text that looks as if it could identify a client (mentorship.identifiers) is marked at
its field, and the form then asks for an explicit tick before it saves: the person edits the
text, or confirms that it does not identify anyone. Nothing is saved until then.
"""

from typing import Any

from django import forms
from django.utils import timezone

from mentorship.models import MeetingKind, MeetingMode, MentorAssignment
from mentorship.services.meetings import ACKNOWLEDGE, MeetingData, identifier_warnings
from qualifications.models import ConditionArea
from trainers.forms import DateInput, add_fingerprint

NOTES_HELP = "Yours to write as the mentor. The trainer reads them on the meeting's page."


class IdentifierCheckedForm(forms.Form):
    """Adds the acknowledgement tick, shown (and required) only once a warning has fired."""

    free_text_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[ACKNOWLEDGE] = forms.BooleanField(
            label="I have checked: this text does not identify a client",
            required=False,
        )
        self.identifier_warnings: dict[str, str] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = {name: data.get(name) for name in self.free_text_fields if name in self.fields}
        self.identifier_warnings = identifier_warnings(texts)
        if self.identifier_warnings and not data.get(ACKNOWLEDGE):
            for name, message in self.identifier_warnings.items():
                self.add_error(name, message)
            self.add_error(
                ACKNOWLEDGE, "Change the marked text, or tick this box to keep it as it is."
            )
        return data

    @property
    def acknowledged(self) -> bool:
        return bool(self.cleaned_data.get(ACKNOWLEDGE))


class AssignmentChoiceField(forms.ModelChoiceField[MentorAssignment]):
    def __init__(self, *args: Any, viewer_id: int = 0, **kwargs: Any) -> None:
        self.viewer_id = viewer_id
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: MentorAssignment) -> str:
        if obj.trainer.user_id == self.viewer_id:
            mentor = obj.mentor.user
            return f"{mentor.name or mentor.email}, your mentor"
        trainer = obj.trainer.user
        return f"{trainer.name or trainer.email}, your mentee"


class MeetingForm(IdentifierCheckedForm):
    free_text_fields = ("topics", "agreed_actions", "mentor_notes")

    meeting_date = forms.DateField(
        label="Date of the meeting",
        widget=DateInput(),
        error_messages={"required": "Give the date you met.", "invalid": "Give a real date."},
    )
    kind = forms.ChoiceField(
        label="Kind of meeting",
        choices=MeetingKind.choices,
        initial=MeetingKind.SUPERVISION,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of meeting."},
    )
    mode = forms.ChoiceField(
        label="How you met",
        choices=MeetingMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you met."},
    )
    topics = forms.CharField(
        label="Topics discussed",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you talked about. Refer to clients by your own code (e.g. S-14), "
        "never by name.",
        error_messages={"required": "Say what you discussed."},
    )
    condition_areas = forms.ModelMultipleChoiceField(
        label="Condition areas",
        queryset=ConditionArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreed_actions = forms.CharField(
        label="Agreed actions",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What each of you will do before you next meet.",
    )
    mentor_notes = forms.CharField(
        label="Mentor's notes",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=NOTES_HELP,
    )

    def __init__(
        self,
        *args: Any,
        assignments: list[MentorAssignment] | None = None,
        viewer_id: int = 0,
        writes_notes: bool = True,
        fingerprint: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if assignments is not None:
            # Recording a new meeting: with whom, among the user's current assignments.
            field = AssignmentChoiceField(
                queryset=MentorAssignment.objects.filter(
                    pk__in=[a.pk for a in assignments]
                ).select_related("trainer__user", "mentor__user"),
                viewer_id=viewer_id,
                label="Who you met",
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": "Choose who you met."},
            )
            field.choices = [(a.pk, field.label_from_instance(a)) for a in assignments]
            if len(assignments) == 1:
                self.initial.setdefault("assignment", assignments[0].pk)
            self.fields = {"assignment": field, **self.fields}
            self.initial.setdefault("meeting_date", timezone.localdate())
        if not writes_notes:
            del self.fields["mentor_notes"]
        if fingerprint is not None:
            add_fingerprint(self, fingerprint)

    def data_for_service(self) -> MeetingData:
        data = self.cleaned_data
        return MeetingData(
            meeting_date=data["meeting_date"],
            mode=data["mode"],
            kind=data["kind"],
            topics=data["topics"],
            condition_areas=list(data["condition_areas"]),
            agreed_actions=data.get("agreed_actions") or "",
            mentor_notes=data.get("mentor_notes") if "mentor_notes" in self.fields else None,
        )


class ConfirmForm(IdentifierCheckedForm):
    """Confirm as recorded; a mentor confirming a trainer's record may add their notes."""

    free_text_fields = ("mentor_notes",)

    mentor_notes = forms.CharField(
        label="Your notes (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NOTES_HELP,
    )

    def __init__(self, *args: Any, writes_notes: bool, fingerprint: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix="confirm", **kwargs)
        if not writes_notes:
            del self.fields["mentor_notes"]
        add_fingerprint(self, fingerprint)


class DisputeForm(IdentifierCheckedForm):
    free_text_fields = ("reason",)

    reason = forms.CharField(
        label="What is wrong with this record",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Whoever recorded it reads this, corrects the record and sends it back to you.",
        error_messages={
            "required": "Say what is wrong with the record, so that it can be corrected."
        },
    )

    def __init__(self, *args: Any, fingerprint: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix="dispute", **kwargs)
        add_fingerprint(self, fingerprint)
