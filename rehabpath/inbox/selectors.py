"""Reading a person's notifications: their titles, the unread count in the header, one page
of the list, and the choices on their preferences page."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.loader import render_to_string

from rehabpath.models import Delivery, NotificationPreference, User
from rehabpath.notifications import KINDS, Kind, kinds_for_roles
from rehabpath.roles import roles_of

logger = logging.getLogger(__name__)

# A page of the list: enough to see a week's news at a glance; the next page is one index
# range scan away (rehabpath.paging).
PAGE_SIZE = 25
# The header shows "99+" past this: a bigger number tells nobody anything more.
UNREAD_SHOWN_UP_TO = 99


def notifications_of(user: User) -> QuerySet[Delivery]:
    """Every entry of `user`'s list: their own in-app rows (the index delivery_inbox_idx)."""
    return Delivery.objects.filter(recipient=user, in_app=True)


def unread_of(user: User) -> QuerySet[Delivery]:
    """The unread ones (the partial index delivery_unread_idx)."""
    return notifications_of(user).filter(read_at__isnull=True)


def unread_count_subquery() -> Coalesce:
    """The unread count of the user in an outer query over users (`OuterRef("pk")`).

    rehabpath.auth loads it with the signed-in user, in the one query that already brings
    their roles: the header's count then costs no query of its own.
    """
    counts = (
        Delivery.objects.filter(recipient=OuterRef("pk"), in_app=True, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def unread_count(user: User) -> int:
    """`user`'s unread notifications: loaded with the user (rehabpath.auth), else one query,
    kept on the user object for the rest of the request."""
    known: int | None = getattr(user, "unread_notifications", None)
    if known is None:
        known = unread_of(user).count()
        setattr(user, "unread_notifications", known)  # noqa: B010 - per request, not a field
    return known


def get_notification_for_user(user: User, public_id: Any) -> Delivery:
    """One of `user`'s own notifications; anyone else's (or none) is a 404."""
    found = notifications_of(user).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such notification.")
    return found


@dataclass(frozen=True)
class Entry:
    """One line of the list, as the page shows it."""

    row: Delivery
    title: str
    kind_label: str

    @property
    def unread(self) -> bool:
        return self.row.read_at is None


def title_of(row: Delivery) -> str:
    """The row's e-mail subject, rendered from its stored context alone (the "text" engine,
    as the mail's own subject: the page escapes it once). A template that cannot render
    (removed, or broken) falls back to the kind's label: the list never fails for one row."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "support_email": settings.SUPPORT_EMAIL,
        **row.context,
    }
    text: str
    try:
        # A SafeString: joined again below into a plain str, which the page escapes once.
        text = render_to_string(f"emails/{row.template}_subject.txt", context, using="text")
    except Exception:  # one row's template never breaks the whole list
        logger.exception("notification %s: its subject does not render", row.public_id)
        text = ""
    return " ".join(text.split()) or _label_of(row.kind)


def _label_of(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind is not None else key


def entries(rows: Sequence[Delivery]) -> list[Entry]:
    return [Entry(row=row, title=title_of(row), kind_label=_label_of(row.kind)) for row in rows]


# --- Preferences -----------------------------------------------------------------------------

# Why a critical kind cannot be changed, as the preferences page says it. Expiries are the
# ones the issue names; other critical kinds (a suspension) get the general reason.
EXPIRY_REASON = "Expiry reminders keep you eligible: they are always e-mailed."
CRITICAL_REASON = "This tells you whether you may work with clients: it is always e-mailed."


def critical_reason(kind: Kind) -> str:
    return EXPIRY_REASON if kind.key.startswith("expiry.") else CRITICAL_REASON


# The weekly digest itself (programme.digest; named by its key, as the core names no app) is
# e-mailed or kept in the app: putting it into the digest would keep it waiting for ever.
NO_DIGEST_CHOICE = frozenset({"digest.weekly"})


def choices_for(kind: Kind) -> list[str]:
    """The choices a person has about `kind` (NotificationPreference.Choice values)."""
    offered = list(NotificationPreference.Choice.values)
    if kind.key in NO_DIGEST_CHOICE:
        offered.remove(NotificationPreference.Choice.DIGEST)
    return offered


@dataclass(frozen=True)
class PreferenceRow:
    kind: Kind
    choice: str  # NotificationPreference.Choice; "now" when the user chose nothing

    @property
    def reason(self) -> str:
        return critical_reason(self.kind) if self.kind.critical else ""


def preference_kinds(user: User) -> list[Kind]:
    """The kinds a person hears about, by their roles; mails that are not news (an
    invitation, an account claim: in_app=False) are sent once and offer no choice."""
    return [kind for kind in kinds_for_roles(roles_of(user)) if kind.in_app]


def critical_groups(rows: Sequence[PreferenceRow]) -> list[tuple[str, list[Kind]]]:
    """The critical kinds of `rows` by their reason, each reason said once."""
    groups: dict[str, list[Kind]] = {}
    for row in rows:
        if row.kind.critical:
            groups.setdefault(row.reason, []).append(row.kind)
    return list(groups.items())


def preferences_for(user: User) -> list[PreferenceRow]:
    """Each kind of `user`'s roles with their choice (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "choice"))
    now = NotificationPreference.Choice.NOW
    return [
        PreferenceRow(kind=kind, choice=now if kind.critical else chosen.get(kind.key, now))
        for kind in preference_kinds(user)
    ]
