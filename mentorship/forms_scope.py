"""Forms of scope of practice: staff's statement draft, the trainer's declaration."""

from typing import Any

from django import forms
from django.utils import timezone

from mentorship.models import ScopeStatement
from mentorship.models.scope import DEFAULT_GRACE_DAYS, DEFAULT_VALIDITY_MONTHS
from mentorship.services.scope import MAX_GRACE_DAYS, MAX_VALIDITY_MONTHS, StatementData
from qualifications.models import ConditionArea
from rehabpath.markup import SYNTAX_HELP


class ScopeStatementForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the statement a title."},
        help_text="For example: Scope of practice for neurological rehabilitation trainers.",
    )
    text = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": "Write the statement's text."},
        help_text=SYNTAX_HELP,
    )
    condition_areas = forms.ModelMultipleChoiceField(
        label="Condition areas it covers",
        queryset=ConditionArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # a draft may leave them for later; publishing needs them
        help_text="Trainers declare the areas they are competent in from these.",
    )
    effective_on = forms.DateField(
        label="Takes effect on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the day it takes effect.", "invalid": "Enter a date."},
        help_text="Today or later when you publish it.",
    )
    grace_days = forms.IntegerField(
        label="Grace period (days)",
        min_value=0,
        max_value=MAX_GRACE_DAYS,
        initial=DEFAULT_GRACE_DAYS,
        error_messages={"required": "Give the grace period in days (0 for none)."},
        help_text="Declarations of earlier versions still hold this many days after it takes "
        "effect, so trainers have time to sign it.",
    )
    validity_months = forms.IntegerField(
        label="A declaration lasts (months)",
        min_value=1,
        max_value=MAX_VALIDITY_MONTHS,
        initial=DEFAULT_VALIDITY_MONTHS,
        error_messages={"required": "Give how many months a declaration lasts."},
    )

    def __init__(self, *args: Any, statement: ScopeStatement | None = None, **kwargs: Any):
        if statement is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "title": statement.title,
                "text": statement.text,
                "condition_areas": list(statement.condition_areas.all()),
                "effective_on": statement.effective_on,
                "grace_days": statement.grace_days,
                "validity_months": statement.validity_months,
            }
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def data_for_service(self) -> StatementData:
        data = self.cleaned_data
        return StatementData(
            title=data["title"],
            text=data["text"],
            areas=tuple(data["condition_areas"]),
            effective_on=data["effective_on"],
            grace_days=data["grace_days"],
            validity_months=data["validity_months"],
        )


class ScopeDeclarationForm(forms.Form):
    # The version the trainer read: signing refuses it when a newer one came out meanwhile.
    statement = forms.UUIDField(widget=forms.HiddenInput)
    areas = forms.ModelMultipleChoiceField(
        label="Condition areas I am competent in",
        queryset=ConditionArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one condition area you are competent in.",
            "invalid_choice": "This statement does not cover that area.",
        },
        help_text="Only the areas this statement covers. Declare only what you are trained "
        "and competent for.",
    )
    escalation_role = forms.CharField(
        label="Escalation contact: role",
        max_length=120,
        error_messages={"required": "Give the role of the person you escalate to."},
        help_text="For example: referring physiotherapist. Not a phone number.",
    )
    escalation_organisation = forms.CharField(
        label="Escalation contact: organisation",
        max_length=200,
        error_messages={"required": "Give the organisation of the person you escalate to."},
        help_text="For example: North Bristol NHS Trust.",
    )
    signed_name = forms.CharField(
        label="Your full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": "Type your full name to sign."},
    )
    confirmed = forms.BooleanField(
        label="I have read this statement, I work within it, and I escalate as above when a "
        "client's needs go beyond it.",
        error_messages={
            "required": "Tick the box to confirm that you have read the statement and work "
            "within it."
        },
    )

    def __init__(self, *args: Any, statement: ScopeStatement, account_name: str, **kwargs: Any):
        kwargs.setdefault("initial", {"statement": statement.public_id})
        super().__init__(*args, **kwargs)
        areas = self.fields["areas"]
        assert isinstance(areas, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        areas.queryset = statement.condition_areas.all()
        self.fields[
            "signed_name"
        ].help_text = f"As your account has it: {account_name}. Capitals and spaces do not matter."
