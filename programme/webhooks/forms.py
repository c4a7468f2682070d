from django import forms

from programme.webhooks.events import EVENT_TYPES
from programme.webhooks.services import DESCRIPTION_MAX_LENGTH
from programme.webhooks.urls_check import MAX_LENGTH


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


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label="Active: deliver new events to this endpoint",
        required=False,
    )
