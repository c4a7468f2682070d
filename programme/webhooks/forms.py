from django import forms
from django.core.exceptions import ValidationError

from programme.webhooks.events import EVENT_TYPES
from programme.webhooks.services import DESCRIPTION_MAX_LENGTH
from programme.webhooks.urls_check import MAX_LENGTH, check_url
from rehabpath.errors import DomainError


def _event_choices() -> list[tuple[str, str]]:
    return [
        (
            event.key,
            event.label if event.emitted else f"{event.label} (sent once certificates arrive)",
        )
        for event in EVENT_TYPES
    ]


class EndpointForm(forms.Form):
    # A CharField, not a URLField: the service's refusals say what is wrong in each case.
    url = forms.CharField(
        label="URL",
        max_length=MAX_LENGTH,
        help_text="Where RehabPath POSTs each event: https:// on an address on the internet.",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=_event_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to receive."},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text="What receives it, e.g. “HR system”.",
    )

    def clean_url(self) -> str:
        """Checked here too, so that its error shows with the others' (the service checks
        again: it is the one that decides)."""
        url: str = self.cleaned_data["url"]
        try:
            return check_url(url).url
        except DomainError as error:
            raise ValidationError(error.message) from None


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label="Active: deliver new events to this endpoint",
        required=False,
    )

    def clean_url(self) -> str:
        # An unchanged URL is not checked again: an endpoint whose host stopped resolving
        # can still be disabled (its sends are checked, and fail, anyway).
        url: str = self.cleaned_data["url"]
        if url.strip() == self.initial.get("url"):
            return url.strip()
        return super().clean_url()
