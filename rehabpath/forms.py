import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest

from rehabpath.audit import audit_actions, audit_target_types
from rehabpath.dates import day_after
from rehabpath.models import AuditEvent, User


def form_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's own copy of field `name`, checked to be a `kind` (to set its queryset...)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind}")
    return field


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


class SignupDetailsForm(forms.Form):
    """Extra signup fields; allauth calls signup() after creating the user."""

    name = forms.CharField(
        max_length=150,
        label="Full name",
        help_text="As it should appear on your certificates.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["name"]

    def signup(self, request: HttpRequest, user: User) -> None:
        # The adapter stores the name and creates the trainer profile.
        pass


class AuditFilterForm(forms.Form):
    """The audit log's filters: choices and exact values, each served by an index.

    No free-text search: `icontains` over the whole log is a scan of every row. Actions and
    target types are the ones the apps register (`rehabpath.audit.register_audit_action`).
    """

    action = forms.ChoiceField(required=False, label="Action")
    actor = forms.EmailField(
        required=False, label="Actor e-mail", help_text="The whole address, as it was then."
    )
    target_type = forms.ChoiceField(required=False, label="Target type")
    target_id = forms.CharField(
        required=False, label="Target id", help_text="The record's id, as the log shows it."
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "action", forms.ChoiceField).choices = [
            ("", "Any action"),
            *((a.code, a.label) for a in audit_actions()),
        ]
        form_field(self, "target_type", forms.ChoiceField).choices = [
            ("", "Any target"),
            *audit_target_types(),
        ]

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("“From” must be on or before “To”.")
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            # People are recorded by their address, which RehabPath keeps in lower case.
            events = events.filter(actor_label=data["actor"].strip().lower())
        if data["target_type"]:
            events = events.filter(target_type=data["target_type"])
        if data["target_id"]:
            events = events.filter(target_id=data["target_id"].strip())
        # The log shows UTC times, so its days are UTC days too.
        if data["since"]:
            events = events.filter(occurred_at__gte=_utc_midnight(data["since"]))
        after = day_after(data["until"]) if data["until"] else None
        if after is not None:
            events = events.filter(occurred_at__lt=_utc_midnight(after))
        return events
