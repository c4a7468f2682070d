"""Presenting audit events: a change as rows of field, before and after."""

import json
from dataclasses import dataclass
from typing import Any

from django import template

from rehabpath.audit import audit_action_label
from rehabpath.models import AuditEvent

register = template.Library()

MISSING = object()


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field was not there before
    after: str | None  # None: the field is not there after


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@register.filter
def audit_changes(event: AuditEvent) -> list[Change]:
    """The fields an event's before/after data mention, in the order they first appear."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    fields = list(before) + [key for key in after if key not in before]
    changes = []
    for field in fields:
        old, new = before.get(field, MISSING), after.get(field, MISSING)
        changes.append(
            Change(
                field=str(field).replace("_", " "),
                before=None if old is MISSING else _shown(old),
                after=None if new is MISSING else _shown(new),
            )
        )
    return changes


@register.filter
def audit_action(code: str) -> str:
    """An action in plain words, as its app registered it (the code when nobody did)."""
    return audit_action_label(code)
