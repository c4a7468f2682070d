"""Indexes for the trainer directory (programme/directory/selectors.py), on PostgreSQL only.

The directory searches with `icontains`, which PostgreSQL runs as
UPPER(column::text) LIKE UPPER('%term%'): pg_trgm's GIN operator class serves that LIKE when
the index is built on the same expression. The programme app owns no models, so the indexes
are raw SQL here rather than `GinIndex`es in the apps that own the columns; Django's model
state does not need to know them. SQLite (`make run`) has no trigram indexes and scans.
"""

from django.db import migrations

INDEXES = {
    # Search by name and by e-mail address.
    "directory_user_name_trgm": "rehabpath_user USING gin (UPPER(name::text) gin_trgm_ops)",
    "directory_user_email_trgm": "rehabpath_user USING gin (UPPER(email::text) gin_trgm_ops)",
    # Search by qualification certificate number.
    "directory_cert_number_trgm": (
        "qualifications_trainerqualification "
        "USING gin (UPPER(certificate_number::text) gin_trgm_ops)"
    ),
    # The directory's order and keyset (name, then account): walked from the cursor onwards.
    "directory_user_name_id": "rehabpath_user (name, id)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("rehabpath", "0005_audit_actor_kind"),
        ("qualifications", "0003_portfolio_exports_gap_explanations"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
