"""The home dashboard: one panel per role the user holds.

The core names no app: each app registers the panel it can build (`register_panel` in its
AppConfig.ready()), the way it registers record kinds, so the dashboard grows with the apps
without importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rehabpath.models import User
from rehabpath.roles import Role, roles_of


@dataclass(frozen=True)
class Panel:
    role: Role
    template: str
    build: Callable[[User], dict[str, Any]]


_PANELS: dict[Role, Panel] = {}
# Panels appear in this order whatever order the apps registered them in.
ROLE_ORDER = (Role.TRAINER, Role.MENTOR, Role.CLINIC_ADMIN, Role.STAFF)


def register_panel(role: Role, template: str, build: Callable[[User], dict[str, Any]]) -> None:
    """Show `template`, with the context `build(user)` returns, to holders of `role`."""
    _PANELS[role] = Panel(role, template, build)


def panels_for(user: User) -> list[dict[str, Any]]:
    roles = roles_of(user)
    return [
        {"role": panel.role, "template": panel.template, **panel.build(user)}
        for role in ROLE_ORDER
        if role in roles and (panel := _PANELS.get(role)) is not None
    ]
