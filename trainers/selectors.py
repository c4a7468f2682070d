"""Reads across a trainer's verifiable records, whatever kinds the apps registered."""

from typing import Any

from trainers.models import TrainerProfile, VerifiableRecord, VerificationStatus
from trainers.records import RecordKind, record_kinds


def trainer_records(profile: TrainerProfile) -> list[VerifiableRecord]:
    """Every verifiable record of one trainer: one query per registered kind."""
    records: list[VerifiableRecord] = []
    for kind in record_kinds():
        rows = kind.model._default_manager.filter(trainer=profile)
        records += rows.select_related(*kind.related) if kind.related else rows
    return records


def trainer_records_by_kind(profile: TrainerProfile) -> dict[str, Any]:
    """One trainer's records grouped by kind, each with its evidence and warnings.

    Two queries per kind (rows, evidence) plus what each kind's warnings need, however many
    records the trainer holds.
    """
    grouped: dict[str, list[VerifiableRecord]] = {}
    warnings: dict[tuple[str, int], list[str]] = {}  # keyed by (kind slug, pk)
    for kind in record_kinds():
        rows = list(
            kind.queryset().filter(trainer=profile).order_by(*kind.model._meta.ordering, "id")
        )
        grouped[kind.slug] = rows
        if rows:
            warnings |= {(kind.slug, pk): w for pk, w in kind.warnings(rows, rows).items()}
    return {"records": grouped, "warnings": warnings}


def verification_queue() -> list[dict[str, Any]]:
    """Every pending record of every kind, oldest submission first."""
    rows: list[dict[str, Any]] = []
    for kind in record_kinds():
        records = list(kind.queryset().filter(status=VerificationStatus.PENDING))
        warnings = kind.warnings(records, None) if records else {}
        rows += [_queue_row(kind, r, warnings.get(r.pk, [])) for r in records]
    rows.sort(key=lambda row: (row["record"].submitted_at, row["kind"].slug, row["record"].pk))
    return rows


def _queue_row(kind: RecordKind, record: VerifiableRecord, warnings: list[str]) -> dict[str, Any]:
    return {"kind": kind, "record": record, "warnings": warnings}
