from typing import Any, cast

from django import forms
from django.utils import timezone

from mentorship.models import MentorProfile
from qualifications.models import ConditionArea
from rehabpath.search import SearchField
from trainers.forms import DateInput


class MentoringSearchForm(forms.Form):
    q = SearchField(label="Find a trainer (name or e-mail)")
    mq = SearchField(label="Find a mentor (name or e-mail)")


class MentorChoiceField(forms.ModelChoiceField[MentorProfile]):
    def label_from_instance(self, obj: MentorProfile) -> str:
        taken = getattr(obj, "open_count", 0)
        return f"{obj.user.name or obj.user.email} ({taken} of {obj.capacity} mentees)"


class AssignmentForm(forms.Form):
    mentor = MentorChoiceField(
        label="Mentor",
        queryset=MentorProfile.objects.none(),
        empty_label="Choose a mentor",
        error_messages={"required": "Choose a mentor."},
        help_text="Mentors accepting new mentees, with room. Search above to narrow the list.",
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput())
    ends_on = forms.DateField(
        label="Ends on",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for an open-ended assignment.",
    )
    areas = forms.ModelMultipleChoiceField(
        label="Focus condition areas",
        queryset=ConditionArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only areas the mentor mentors in.",
    )

    def __init__(self, *args: Any, mentors: list[MentorProfile], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = cast(MentorChoiceField, self.fields["mentor"])
        # Any mentor is valid input (the service decides about capacity, under a lock); the
        # list offers the ones the page loaded, with their counts.
        field.queryset = MentorProfile.objects.select_related("user")
        field.choices = [("", "Choose a mentor")] + [
            (m.pk, field.label_from_instance(m)) for m in mentors
        ]


class EndAssignmentForm(forms.Form):
    reason = forms.CharField(
        label="Reason for ending",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The trainer and the mentor read it in the e-mail we send them.",
        error_messages={"required": "Give the reason: both people read it."},
    )
