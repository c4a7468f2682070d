"""Writes to a person's notifications: marking them read, and saving their choices of which
kinds are e-mailed at once, gathered into the weekly digest, or left in the app only."""

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from rehabpath.audit import Actor, record_event, register_audit_action
from rehabpath.errors import DomainError
from rehabpath.inbox.selectors import choices_for, preference_kinds, unread_of
from rehabpath.models import Delivery, NotificationPreference, User

# The audit log's filters offer these (the URLconf imports this module before any view runs).
register_audit_action("notification.read", "Notification read", target=Delivery)
register_audit_action("notification.read_all", "All notifications marked read", target=User)
register_audit_action(
    "notification_preferences.update", "Notification choices changed", target=User
)


def notification_mark_read(*, actor: Actor, delivery: Delivery) -> bool:
    """Mark one of the actor's notifications read; False when it was read already.

    A conditional UPDATE, so two tabs opening the same notification record it once.
    """
    user = actor.person()
    if delivery.recipient_id != user.pk or not delivery.in_app:
        raise DomainError("This notification is not yours.")
    with transaction.atomic():
        read_at = timezone.now()
        changed = Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
            read_at=read_at
        )
        if not changed:
            return False
        delivery.read_at = read_at
        record_event(
            actor=actor,
            action="notification.read",
            target=delivery,
            target_label=f"{delivery.kind} notification",
            after={"read_at": read_at.isoformat()},
        )
    return True


def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read, in one UPDATE; how many."""
    user = actor.person()
    with transaction.atomic():
        read_at = timezone.now()
        count = unread_of(user).update(read_at=read_at)
        if count:
            record_event(
                actor=actor,
                action="notification.read_all",
                target=user,
                after={"marked_read": count, "read_at": read_at.isoformat()},
            )
    return count


def notification_preferences_update(*, actor: Actor, choices: Mapping[str, str]) -> list[str]:
    """Save the actor's choice for each kind in `choices` ({kind key: choice}); the keys of
    the kinds whose choice changed.

    Only the kinds of the actor's roles can be chosen, and never a critical one: their
    e-mail always goes out (rehabpath.notifications). A choice takes effect for what is
    recorded from now on; rows already in the ledger keep the status they were given.
    """
    user = actor.person()
    allowed = {kind.key: kind for kind in preference_kinds(user)}
    for key, choice in choices.items():
        kind = allowed.get(key)
        if kind is None:
            raise DomainError("You do not receive this kind of notification.", field=key)
        if kind.critical:
            raise DomainError(
                f"“{kind.label}” is always e-mailed: it cannot be changed.", field=key
            )
        if choice not in choices_for(kind):
            raise DomainError("Choose one of the options.", field=key)
    with transaction.atomic():
        existing = {
            pref.kind: pref
            for pref in NotificationPreference.objects.select_for_update().filter(
                user=user, kind__in=list(choices)
            )
        }
        now = NotificationPreference.Choice.NOW
        before = {key: existing[key].choice if key in existing else now for key in choices}
        changed = sorted(key for key, choice in choices.items() if before[key] != choice)
        if not changed:
            return []
        stamp = timezone.now()
        NotificationPreference.objects.bulk_create(
            [
                NotificationPreference(user=user, kind=key, choice=choices[key], updated_at=stamp)
                for key in changed
            ],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["choice", "updated_at"],
        )
        record_event(
            actor=actor,
            action="notification_preferences.update",
            target=user,
            before={key: before[key] for key in changed},
            after={key: choices[key] for key in changed},
        )
    return changed
