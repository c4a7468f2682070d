"""Refuse UPDATE and DELETE on the audit table underneath the ORM.

PostgreSQL (production and CI) gets a row-level trigger that raises. TRUNCATE is left
alone: it is what the test runner uses to reset the database, and no application code path
issues it. SQLite (development only) relies on the model's own refusal, because its test
flush deletes row by row and a trigger there would break every transactional test.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION rehabpath_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rehabpath_auditevent_append_only
    BEFORE UPDATE OR DELETE ON rehabpath_auditevent
    FOR EACH ROW EXECUTE FUNCTION rehabpath_audit_refuse_change();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS rehabpath_auditevent_append_only ON rehabpath_auditevent;
DROP FUNCTION IF EXISTS rehabpath_audit_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=())


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("rehabpath", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
