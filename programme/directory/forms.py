from django import forms

from rehabpath.search import SearchField
from trainers.models import TrainerProfile


class DirectorySearchForm(forms.Form):
    q = SearchField(label="Name, e-mail or certificate number")
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *TrainerProfile.Status.choices],
    )


class StatusChangeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The trainer reads this on their dashboard and in the e-mail we send them.",
        error_messages={"required": "Give the reason: the trainer reads it."},
    )
