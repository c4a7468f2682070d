"""The roster's filters and the check page's question (which area, which day)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone

from mentorship.progress import Area
from programme.pathway.results import Status


def _area_choices(areas: Sequence[Area], everything: str) -> list[tuple[str, str]]:
    return [("", everything), *((str(a.id), a.name) for a in areas)]


class RosterFilterForm(forms.Form):
    area = forms.ChoiceField(label="Condition area", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *((s.value, s.label) for s in Status)],
    )

    def __init__(self, *args: Any, areas: Sequence[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = _area_choices(areas, "All areas")

    def chosen_area_id(self) -> int | None:
        value = self.cleaned_data.get("area") if self.is_valid() else ""
        return int(value) if value else None

    def chosen_status(self) -> Status | None:
        value = self.cleaned_data.get("status") if self.is_valid() else ""
        return Status(value) if value else None


class DateInput(forms.DateInput):
    input_type = "date"


class CheckForm(forms.Form):
    area = forms.ChoiceField(
        label="Condition area",
        required=False,
        help_text="One area, or every area at once.",
    )
    on = forms.DateField(
        label="Day to check",
        widget=DateInput(format="%Y-%m-%d"),
        help_text="Today, or a day up to a year ahead to plan a rota.",
    )

    def __init__(self, *args: Any, areas: Sequence[Area], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = _area_choices(
            areas, "All condition areas"
        )

    def area_ids(self) -> list[int] | None:
        value = self.cleaned_data["area"]
        return [int(value)] if value else None

    def day(self) -> dt.date:
        day: dt.date = self.cleaned_data["on"]
        return day
