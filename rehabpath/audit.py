"""The one way to write an audit event."""

from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest

from rehabpath.models import AuditEvent, User


def _client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as allauth's rate limits see it (TRUSTED_PROXY_COUNT aware)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None  # no usable address: record the event without one


def record_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the service's transaction."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(getattr(target, "public_id", "") or target.pk)
        target_label = target_label or str(target)[:255]
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=(actor.email if actor is not None and actor.is_authenticated else "system"),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        before=before or {},
        after=after or {},
        reason=reason,
        ip_address=_client_ip(request),
    )
