from django import forms

from programme.models import CertificateStatus
from qualifications.models import ConditionArea
from rehabpath.search import SearchField


class CertificateSearchForm(forms.Form):
    q = SearchField(label="Trainer's name or verification code")
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CertificateStatus.choices]
    )


class IssueForm(forms.Form):
    area = forms.ModelChoiceField(
        label="Condition area",
        queryset=ConditionArea.objects.order_by("position", "name"),
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the condition areas listed."},
    )


def _reason(help_text: str, required: str) -> forms.CharField:
    return forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
        error_messages={"required": required},
    )


class RevokeForm(forms.Form):
    prefix = "revoke"
    reason = _reason(
        "Anyone checking the certificate reads this reason, and so does the trainer. A "
        "revocation is permanent.",
        "Give the reason for revoking it: the trainer and anyone checking it read it.",
    )


class ReissueForm(forms.Form):
    prefix = "reissue"
    reason = _reason(
        "Kept in the audit log. The new certificate gets a new code and dates from today; the "
        "old code's page points to it.",
        "Give the reason for re-issuing it: it is kept in the audit log.",
    )
