"""The main navigation: one entry per destination, shown to the roles that may use it."""

import re
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from rehabpath.models import User
from rehabpath.roles import Role, roles_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role]
    # Other URL prefixes that belong to this destination (e.g. qualification records live in
    # the qualifications app but are part of "My records").
    also_under: tuple[str, ...] = ()
    # Paths of this destination that no fixed prefix names (regular expressions matched at
    # the start): a clinic's pages carry the clinic's public id, /clinic/<uuid>/roster/.
    also_matching: tuple[str, ...] = ()


# In the order a person with several roles reads them: their own work as a trainer, then
# what they do for others. Labels are short so that every role's items fit one line at
# desktop width; each page's heading gives the full name.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Dashboard", "home", frozenset(Role)),
    # Where the trainer stands in each condition area: the summary of everything below.
    NavItem("Pathway", "programme:pathway", frozenset({Role.TRAINER})),
    NavItem(
        "My records",
        "trainers:records",
        frozenset({Role.TRAINER}),
        also_under=("/qualifications/records/", "/trainers/evidence/"),
    ),
    NavItem("CPD", "qualifications:cpd_list", frozenset({Role.TRAINER})),
    NavItem("Sessions", "mentorship:sessions", frozenset({Role.TRAINER})),
    NavItem("Scope of practice", "mentorship:scope", frozenset({Role.TRAINER})),
    NavItem("Sharing", "programme:sharing", frozenset({Role.TRAINER})),
    NavItem("Certificates", "programme:my_certificates", frozenset({Role.TRAINER})),
    # The mentor's workspace: the queue, and each mentee's page under /mentor/.
    NavItem(
        "Sign-off queue", "mentorship:queue", frozenset({Role.MENTOR}), also_under=("/mentor/",)
    ),
    NavItem("Meetings", "mentorship:meetings", frozenset({Role.TRAINER, Role.MENTOR})),
    # The clinic admin's clinics, each one's roster (and each trainer's check page from it),
    # stored checks and integrations (API tokens, webhooks).
    NavItem("Clinic", "programme:clinic_home", frozenset({Role.CLINIC_ADMIN})),
    NavItem(
        "Roster",
        "programme:roster_start",
        frozenset({Role.CLINIC_ADMIN}),
        also_matching=(r"/clinic/[0-9a-f-]{36}/(roster|trainers)/",),
    ),
    NavItem(
        "Checks",
        "programme:checks_start",
        frozenset({Role.CLINIC_ADMIN}),
        also_matching=(r"/clinic/[0-9a-f-]{36}/checks/",),
    ),
    # API tokens and webhooks: the ways a clinic's own systems work with RehabPath.
    NavItem(
        "Integrations",
        "programme:api_token_clinics",
        frozenset({Role.CLINIC_ADMIN}),
        also_matching=(r"/clinic/[0-9a-f-]{36}/(api-tokens|webhooks)/",),
    ),
    # The trainers and, one tab along, the certificates issued to them.
    NavItem(
        "Trainers",
        "programme:trainer_directory",
        frozenset({Role.STAFF}),
        also_under=("/staff/certificates/",),
    ),
    NavItem("Verification", "trainers:verification_queue", frozenset({Role.STAFF})),
    NavItem("Mentoring", "mentorship:mentoring", frozenset({Role.STAFF})),
    NavItem("Clinics", "programme:clinics", frozenset({Role.STAFF})),
    NavItem("Compliance", "programme:compliance", frozenset({Role.STAFF})),
    NavItem("Scope", "mentorship:scope_statements", frozenset({Role.STAFF})),
    NavItem("Pathway rules", "programme:pathway_rules", frozenset({Role.STAFF})),
    NavItem("Audit log", "audit_log", frozenset({Role.STAFF})),
    NavItem("Catalogue", "admin:index", frozenset({Role.STAFF})),
    NavItem("Import", "programme:bulk_import", frozenset({Role.STAFF})),
)


def nav_for(user: User, current_path: str) -> list[dict[str, Any]]:
    """The items `user` may use; the one whose URL matches `current_path` longest is current
    (/clinic/api-tokens/ is "API tokens", not "Clinic" at /clinic/ as well)."""
    roles = roles_of(user)
    visible = []
    for item in NAV_ITEMS:
        if roles & item.roles:
            url = reverse(item.url_name)
            visible.append((item, url, _match(item, url, current_path)))
    best = max((match for _, _, match in visible), default=0)
    return [
        {"label": item.label, "url": url, "active": best > 0 and match == best}
        for item, url, match in visible
    ]


def _match(item: NavItem, url: str, current_path: str) -> int:
    """How much of `current_path` the item claims (0: none); the home page only itself."""
    if url == "/":
        return 1 if current_path == url else 0
    prefixes = (len(p) for p in (url, *item.also_under) if current_path.startswith(p))
    patterns = (m.end() for p in item.also_matching if (m := re.match(p, current_path)))
    return max((*prefixes, *patterns), default=0)
