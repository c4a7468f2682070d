"""The supervised-session form (the trainer) and the decision form (the mentor).

The forms parse and show; the rules (identifiers, escalation, dates, who decides) are the
services' (mentorship.services.sessions), whose DomainError lands on the named field.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.identifiers import check_client_reference
from mentorship.models import (
    ComplexityLevel,
    SessionMode,
    SupervisedSession,
    SupervisionStatement,
)
from mentorship.services.sessions import (
    CONFIRM_FIELD,
    SessionData,
    free_text_warnings,
    session_fingerprint,
)
from qualifications.models import ConditionArea
from rehabpath.forms import form_field
from trainers.forms import add_fingerprint
from trainers.rules import EARLIEST_RECORD_DATE


class SessionForm(forms.ModelForm[SupervisedSession]):
    confirm_no_identifiers = forms.BooleanField(
        label="I have checked: this text identifies nobody",
        required=False,
        help_text=(
            "Tick only if what is flagged above is not about the client (a session date, "
            "your own organisation's address). Otherwise change the text."
        ),
    )

    class Meta:
        model = SupervisedSession
        fields = [
            "session_date",
            "duration_minutes",
            "condition_area",
            "complexity",
            "mode",
            "client_reference",
            "delivered",
            "adapted",
            "paused",
            "escalated",
            "escalated_to",
            "escalation_reason",
            "reflection",
        ]
        labels = {
            "session_date": "Date of the session",
            "duration_minutes": "Duration in minutes",
            "condition_area": "Condition area",
            "complexity": "Complexity level",
            "mode": "How your mentor supervised it",
            "client_reference": "Client reference",
            "delivered": "What you delivered and how you adapted it",
            "adapted": "I had to adapt the session",
            "paused": "I had to pause or stop the session",
            "escalated": "I escalated a concern",
            "escalated_to": "To whom you escalated",
            "escalation_reason": "Why you escalated",
            "reflection": "Your reflection",
        }
        help_texts = {
            "session_date": "The day of the session. Not in the future.",
            "duration_minutes": "Between 5 and 600 minutes.",
            "mode": "Direct observation: your mentor was there. Remote review: they reviewed "
            "your notes or a recording afterwards.",
            "client_reference": "Your own short code for the client, such as C-014 or Client A. "
            "Never a name, initials with a surname, NHS number, date of birth, postcode, phone "
            "number or e-mail address.",
            "delivered": "The exercises, the doses and what you changed for this client. Do not "
            "name or describe the client in a way that identifies them.",
            "escalated_to": "Required when you escalated. A role and organisation, e.g. the "
            "referring physiotherapist at the stroke unit. Not a client.",
            "escalation_reason": "Required when you escalated.",
            "reflection": "What went well, what you would do differently, what you will ask "
            "your mentor.",
        }
        error_messages = {
            "session_date": {
                "required": "Enter the date of the session.",
                "invalid": "Enter a real date.",
            },
            "duration_minutes": {
                "required": "Enter how long the session lasted, in minutes.",
                "invalid": "Enter the duration as a whole number of minutes.",
            },
            "condition_area": {"required": "Choose the condition area."},
            "complexity": {"required": "Choose the complexity level."},
            "mode": {"required": "Choose how your mentor supervised the session."},
            "client_reference": {
                "required": "Enter your reference for the client, e.g. C-014.",
                "max_length": "Keep the reference short: at most %(limit_value)d characters.",
            },
            "delivered": {"required": "Describe what you delivered and adapted."},
            "reflection": {"required": "Write your reflection on the session."},
        }
        widgets = {
            "session_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "duration_minutes": forms.NumberInput(
                attrs={"min": "5", "max": "600", "step": "5", "inputmode": "numeric"}
            ),
            "complexity": forms.RadioSelect,
            "mode": forms.RadioSelect,
            "client_reference": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 30}),
            "delivered": forms.Textarea(attrs={"rows": 5}),
            "escalation_reason": forms.Textarea(attrs={"rows": 3}),
            "reflection": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = form_field(self, "condition_area", forms.ModelChoiceField)
        area.queryset = ConditionArea.objects.order_by("name")
        area.empty_label = "Choose an area"
        form_field(self, "complexity", forms.TypedChoiceField).choices = ComplexityLevel.choices
        form_field(self, "mode", forms.ChoiceField).choices = SessionMode.choices
        # Browsers check these while typing; the service decides (escalation, identifiers).
        for name in ("escalated_to", "escalation_reason"):
            self.fields[name].required = False
        self.fields["session_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["session_date"].widget.attrs["min"] = EARLIEST_RECORD_DATE.isoformat()
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("session_date", timezone.localdate())
        if self.instance.pk:
            add_fingerprint(self, session_fingerprint(self.instance))

    def validate_unique(self) -> None:
        """Not here: the model's check constraints would speak in database terms ("constraint
        ... is violated"); the service says the same in words, and the database still holds."""

    def clean_client_reference(self) -> str:
        # The service refuses it too; checked here as well so that every problem shows at once.
        value: str = self.cleaned_data["client_reference"].strip()
        if message := check_client_reference(value):
            raise ValidationError(message)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("escalated"):
            if not (data.get("escalated_to") or "").strip():
                self.add_error(
                    "escalated_to", "Say to whom you escalated (a role and organisation)."
                )
            if not (data.get("escalation_reason") or "").strip():
                self.add_error("escalation_reason", "Say why you escalated.")
        return data

    @property
    def warnings(self) -> dict[str, str]:
        """{field: warning} for the free text as entered (what the page flags)."""
        if not self.is_bound:
            return {}
        return free_text_warnings({name: str(self.data.get(name, "")) for name in self.fields})

    def data_for_service(self) -> SessionData:
        data = self.cleaned_data
        return SessionData(
            session_date=data["session_date"],
            duration_minutes=data["duration_minutes"],
            condition_area=data["condition_area"],
            complexity=int(data["complexity"]),
            mode=data["mode"],
            client_reference=data["client_reference"],
            delivered=data["delivered"],
            adapted=data["adapted"],
            paused=data["paused"],
            escalated=data["escalated"],
            escalated_to=data.get("escalated_to") or "",
            escalation_reason=data.get("escalation_reason") or "",
            reflection=data["reflection"],
            identifiers_checked=bool(data.get(CONFIRM_FIELD)),
        )


SIGN_OFF, RETURN = "sign_off", "return"


class DecisionForm(forms.Form):
    """One step: feedback, then sign off (with the statement the mode implies) or return."""

    feedback = forms.CharField(
        label="Your feedback",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Write your feedback: the trainer reads it either way."},
        help_text="What was good and what to work on. The trainer reads it, whichever you decide.",
    )
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Choose to sign the session off or return it."},
    )
    statement = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, session: SupervisedSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statement_choice = SupervisionStatement.for_mode(session.mode)
        form_field(self, "decision", forms.ChoiceField).choices = [
            (SIGN_OFF, f"Sign off. My statement: “{self.statement_choice.label}”."),
            (RETURN, "Return it to the trainer with my feedback."),
        ]
        self.fields["statement"].initial = self.statement_choice.value
