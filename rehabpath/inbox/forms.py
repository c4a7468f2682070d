"""The preferences form: one group of radio buttons per kind a person may choose about."""

from typing import Any

from django import forms

from rehabpath.inbox.selectors import PreferenceRow, choices_for
from rehabpath.models import NotificationPreference

# Shorter than the model's labels: the page says above them that these are about e-mail.
CHOICES = [
    (NotificationPreference.Choice.NOW, "E-mail at once"),
    (NotificationPreference.Choice.DIGEST, "In the weekly digest"),
    (NotificationPreference.Choice.OFF, "In the app only"),
]


def field_name(kind_key: str) -> str:
    """A kind's key as a field name that is also a plain HTML id ("expiry.insurance" →
    "kind-expiry-insurance")."""
    return "kind-" + kind_key.replace(".", "-").replace("_", "-")


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, rows: list[PreferenceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind_of_field: dict[str, str] = {}
        for row in rows:
            if row.kind.critical:
                continue
            name = field_name(row.kind.key)
            self.kind_of_field[name] = row.kind.key
            self.fields[name] = forms.ChoiceField(
                label=row.kind.label,
                help_text=row.kind.description,
                choices=[(v, label) for v, label in CHOICES if v in choices_for(row.kind)],
                initial=row.choice,
                widget=forms.RadioSelect,
                # A kind left out of the POST keeps its choice: nothing is changed unasked.
                required=False,
                error_messages={"invalid_choice": "Choose one of the three options."},
            )

    def choices(self) -> dict[str, str]:
        """{kind key: choice} of a valid form, for the kinds it was sent."""
        return {
            key: self.cleaned_data[name]
            for name, key in self.kind_of_field.items()
            if self.cleaned_data.get(name)
        }

    def field_of(self, kind_key: str) -> str | None:
        return next((n for n, key in self.kind_of_field.items() if key == kind_key), None)
