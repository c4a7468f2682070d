"""What RehabPath tells people: the kinds of notification, preferences, and putting a due item
into the ledger (rehabpath.models.Delivery) exactly once.

Apps register their kinds in their own `notifications` module (found by autodiscovery when
the core starts, as pretix finds its ticket outputs): the core names no app. A due item is an
`Item`; `notify` records one (an event, from a service), `notify_many` a batch (a reminder
sweep). Either way the unique key (recipient, kind, subject, milestone) makes a second
attempt a no-op, and sending happens after the transaction commits (rehabpath.ledger).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from rehabpath.models import Delivery, NotificationPreference, User
from rehabpath.roles import Role


@dataclass(frozen=True)
class Kind:
    """One kind of notification, as a user chooses about it on their preferences page."""

    key: str  # "expiry.insurance"; stored on every ledger row
    label: str  # "Insurance about to expire": the preferences page's row
    description: str  # one sentence: when it is sent
    # The roles that receive it: the preferences page shows a person the kinds of their roles.
    roles: frozenset[Role]
    # Compliance-critical kinds (an expiring certificate) are always e-mailed: muting them
    # would let a trainer lapse without knowing. The preferences page says so.
    critical: bool = False
    # Shown in the notification list. False for mails that are not news to the recipient
    # (an invitation to an address, an account claim).
    in_app: bool = True
    # The templates/emails/<template>_* it is rendered from; the key's own name by default.
    template: str = ""

    @property
    def mail_template(self) -> str:
        return self.template or self.key.replace(".", "_")


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    if kind.key in KINDS and KINDS[kind.key] != kind:
        raise ValueError(f"notification kind {kind.key!r} is registered twice")
    KINDS[kind.key] = kind
    return kind


def kind_for(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise LookupError(
            f"no notification kind {key!r}: register it in an app's notifications.py"
        ) from None


def kinds_for_roles(roles: Iterable[Role]) -> list[Kind]:
    """The kinds a person with `roles` may receive, in registration order."""
    held = frozenset(roles)
    return [kind for kind in KINDS.values() if kind.roles & held]


@dataclass(frozen=True)
class Item:
    """One thing due for one recipient (a user, or a destination without an account)."""

    kind: str
    subject_key: str
    milestone: str = ""
    recipient_id: int | None = None
    destination: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    channel: str = Delivery.Channel.MAIL


def _status_for(kind: Kind, choice: str | None, *, has_recipient: bool) -> str:
    """The row's first status: pending (send now), or what the recipient chose instead."""
    if kind.critical or not has_recipient or choice in (None, NotificationPreference.Choice.NOW):
        return Delivery.Status.PENDING
    if choice == NotificationPreference.Choice.DIGEST:
        return Delivery.Status.DIGEST
    return Delivery.Status.MUTED


def _row(item: Item, choice: str | None) -> Delivery:
    kind = kind_for(item.kind)
    if item.recipient_id is None and not item.destination:
        raise ValueError(f"{item.kind}: an item needs a recipient or a destination")
    has_recipient = item.recipient_id is not None
    return Delivery(
        channel=item.channel,
        recipient_id=item.recipient_id,
        destination="" if has_recipient else item.destination,
        kind=kind.key,
        subject_key=item.subject_key,
        milestone=item.milestone,
        template=kind.mail_template,
        context=item.context,
        path=item.path,
        in_app=kind.in_app and has_recipient and item.channel == Delivery.Channel.MAIL,
        status=_status_for(kind, choice, has_recipient=has_recipient),
    )


def preferences_of(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """{(user id, kind): choice} for the users and kinds given, in one query."""
    ids, keys = set(user_ids), set(kinds)
    if not ids or not keys:
        return {}
    rows = NotificationPreference.objects.filter(user_id__in=ids, kind__in=keys)
    return {
        (user_id, kind): choice
        for user_id, kind, choice in rows.values_list("user_id", "kind", "choice")
    }


def notify(
    *,
    kind: str,
    subject_key: str,
    milestone: str = "",
    recipient: User | None = None,
    destination: str = "",
    context: dict[str, Any] | None = None,
    path: str = "",
    channel: str = Delivery.Channel.MAIL,
) -> Delivery | None:
    """Record one item as due and send it after the current transaction commits.

    Returns None when this (recipient or destination, kind, subject, milestone) was recorded
    before: it is never sent twice, whoever asks.
    """
    from rehabpath.ledger import dispatch_on_commit

    item = Item(
        kind=kind,
        subject_key=subject_key,
        milestone=milestone,
        recipient_id=recipient.pk if recipient is not None else None,
        destination=destination,
        context=context or {},
        path=path,
        channel=channel,
    )
    choice = None
    if recipient is not None:
        choice = preferences_of([recipient.pk], [kind]).get((recipient.pk, kind))
    row = _row(item, choice)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None
    if row.status == Delivery.Status.PENDING:
        dispatch_on_commit([row.pk])
    return row


def notify_many(items: Sequence[Item]) -> int:
    """Record a batch of due items (a reminder sweep's), skipping those recorded before.

    Two queries whatever the batch's size (the recipients' preferences, one INSERT ... ON
    CONFLICT DO NOTHING RETURNING id); the new rows to send go to the workers after commit.
    Returns how many rows were new.
    """
    from rehabpath.ledger import dispatch_on_commit, insert_new

    if not items:
        return 0
    choices = preferences_of(
        (item.recipient_id for item in items if item.recipient_id is not None),
        (item.kind for item in items),
    )
    rows = [
        _row(item, choices.get((item.recipient_id, item.kind)))
        if item.recipient_id is not None
        else _row(item, None)
        for item in items
    ]
    new = insert_new(rows)
    dispatch_on_commit([pk for pk, status in new if status == Delivery.Status.PENDING])
    return len(new)
