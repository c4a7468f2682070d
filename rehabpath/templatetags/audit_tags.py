"""Presenting audit events: a change as rows of field, before and after."""

import json
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


# Shown in full up to this many fields; beyond, the first SHOWN_FIRST and a disclosure.
MAX_SHOWN = 4
SHOWN_FIRST = 3


@register.simple_tag
def audit_change_list(event: AuditEvent) -> SafeString:
    """An event's change as a definition list, in Python rather than an include per event:
    the template engine was most of the audit log's time."""
    changes = audit_changes(event)
    if not changes:
        return mark_safe('<span class="muted">—</span>')  # noqa: S308 - a constant
    if len(changes) <= MAX_SHOWN:
        return _change_list(changes)
    rest = changes[SHOWN_FIRST:]
    return format_html(
        '{}<details class="more-changes"><summary>{} more field{}</summary>{}</details>',
        _change_list(changes[:SHOWN_FIRST]),
        len(rest),
        "" if len(rest) == 1 else "s",
        _change_list(rest),
    )


def _change_list(changes: list[Change]) -> SafeString:
    return format_html(
        '<dl class="changes">{}</dl>',
        format_html_join(
            "", "<div><dt>{}</dt><dd>{}</dd></div>", ((c.field, _value(c)) for c in changes)
        ),
    )


ARROW = mark_safe(
    ' <span aria-hidden="true">→</span><span class="visually-hidden">changed to</span> '
)
REMOVED = mark_safe(' <span class="muted small">(removed)</span>')
EMPTY = mark_safe("")


def _value(change: Change) -> SafeString:
    before = EMPTY
    if change.before is not None:
        before = format_html('<span class="change-before">{}</span>', change.before)
    arrow = ARROW if change.before is not None and change.after is not None else EMPTY
    after = EMPTY
    if change.after is not None:
        after = format_html('<span class="change-after">{}</span>', change.after)
    elif change.before is not None:
        after = REMOVED
    return format_html("{}{}{}", before, arrow, after)
