"""The compliance dashboard's CSV export: each table of the page as rows, audited.

An export takes personal data (names, e-mail addresses, record numbers) off the platform, so
every one is in the audit log as `compliance.export`, with the table and the number of rows,
like the CPD portfolio exports.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from programme.compliance import selectors
from programme.compliance.snapshot import Snapshot
from programme.pathway.results import Status
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.roles import Role, has_role

Rows = list[list[str]]


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    needs_snapshot: bool
    build: Callable[[Snapshot | None], Rows]


def _needed(snapshot: Snapshot | None) -> Snapshot:
    if snapshot is None:
        raise DomainError("The counts are still being computed: try again in a minute.")
    return snapshot


def _status_rows(snapshot: Snapshot | None) -> Rows:
    snapshot = _needed(snapshot)
    rows = [["condition area", *[s.label for s in Status], "trainers"]]
    for area in snapshot.data.areas:
        rows.append([area.name, *[str(area.count(s)) for s in Status], str(area.total)])
    return rows


def _stage_rows(snapshot: Snapshot | None) -> Rows:
    snapshot = _needed(snapshot)
    rows = [["condition area", "no stage yet", *snapshot.data.stage_names]]
    for area in snapshot.data.areas:
        rows.append([area.name, *[str(n) for n in area.stages]])
    return rows


def _unmentored_rows(snapshot: Snapshot | None) -> Rows:
    snapshot = _needed(snapshot)
    rows = [["trainer", "e-mail", "trainer id", "condition areas without a mentor"]]
    for person in snapshot.data.unmentored:
        rows.append([person.name, person.email, str(person.public_id), "; ".join(person.areas)])
    return rows


def _expiring_rows(snapshot: Snapshot | None) -> Rows:
    found = selectors.expiring_records(limit=None)
    rows = [["kind", "record", "trainer", "e-mail", "trainer id", "expires on", "days left"]]
    for r in found.soonest:
        rows.append(
            [
                r.kind,
                r.record,
                r.trainer_name,
                r.trainer_email,
                str(r.trainer_public_id),
                r.expires_on.isoformat(),
                str(r.days),
            ]
        )
    return rows


def _waiting_rows(snapshot: Snapshot | None) -> Rows:
    rows = [["kind", "under 2 days", "2 to 5 days", "over 5 days", "total", "oldest submitted"]]
    for w in selectors.waiting_verifications():
        oldest = timezone.localtime(w.oldest).isoformat(timespec="minutes") if w.oldest else ""
        rows.append(
            [w.label, str(w.under_2), str(w.from_2_to_5), str(w.over_5), str(w.total), oldest]
        )
    return rows


TABLES = {
    t.slug: t
    for t in (
        Table("status", "Eligibility by condition area", True, _status_rows),
        Table("stages", "Stage reached by condition area", True, _stage_rows),
        Table("unmentored", "In supervised practice without a mentor", True, _unmentored_rows),
        Table("expiring", "Records expiring within 90 days", False, _expiring_rows),
        Table("waiting", "Verifications waiting", False, _waiting_rows),
    )
}


def _csv(rows: Rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        # A cell starting with =, +, - or @ would run as a formula in a spreadsheet.
        writer.writerow(["'" + c if c[:1] in {"=", "+", "-", "@"} else c for c in row])
    return buffer.getvalue().encode("utf-8-sig")  # Excel reads UTF-8 with the BOM


def compliance_export(*, actor: Actor, table: str, snapshot: Snapshot | None) -> tuple[str, bytes]:
    """One table of the dashboard as CSV (file name, content); audited as an export."""
    if not has_role(actor.person(), Role.STAFF):
        raise DomainError("Only programme staff can export the compliance dashboard.")
    chosen = TABLES.get(table)
    if chosen is None:
        raise DomainError("Choose one of the dashboard's tables to export.")
    rows = chosen.build(snapshot)
    with transaction.atomic():
        after: dict[str, object] = {"table": table, "rows": len(rows) - 1}
        if chosen.needs_snapshot and snapshot is not None:
            after["as_at"] = snapshot.computed_at.isoformat()
        record_event(
            actor=actor,
            action="compliance.export",
            target_type="programme.compliance",
            target_id=table,
            target_label=chosen.title,
            after=after,
        )
    stamp = timezone.localdate().isoformat()
    return f"compliance-{table}-{stamp}.csv", _csv(rows)
