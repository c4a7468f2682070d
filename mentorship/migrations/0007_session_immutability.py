"""Refuse, underneath the ORM, any change to a signed-off session or a decided round.

PostgreSQL (production and CI) gets row-level triggers: an UPDATE of a signed-off session that
changes any signed column (the content and the sign-off, mentorship.models.sessions
SIGNED_CONTENT_FIELDS and SIGN_OFF_FIELDS) or a DELETE of one raises; so does any UPDATE or
DELETE of a round that has its decision. The services refuse first, with a message; this is
for everything else (a script, a raw queryset update). SQLite (development only) relies on
the services, as the audit log does (rehabpath 0002).

The column lists are written out here, not imported: a migration must mean tomorrow what it
means today. A later migration that adds a signed column replaces the function.
"""

from django.db import migrations

SIGNED_COLUMNS = (
    "session_date",
    "duration_minutes",
    "condition_area_id",
    "complexity",
    "mode",
    "client_reference",
    "delivered",
    "adapted",
    "paused",
    "escalated",
    "escalated_to",
    "escalation_reason",
    "reflection",
    "status",
    "trainer_id",
    "signed_off_by_id",
    "signed_off_at",
    "sign_off_feedback",
    "sign_off_statement",
    "signed_hash",
)
CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in SIGNED_COLUMNS)

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION mentorship_session_refuse_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed_off' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'a signed-off supervised session cannot be deleted'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF {CHANGED} THEN
            RAISE EXCEPTION 'a signed-off supervised session cannot be changed'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER mentorship_supervisedsession_signed_immutable
    BEFORE UPDATE OR DELETE ON mentorship_supervisedsession
    FOR EACH ROW EXECUTE FUNCTION mentorship_session_refuse_change();

CREATE OR REPLACE FUNCTION mentorship_round_refuse_change() RETURNS trigger AS $$
BEGIN
    IF OLD.decision <> '' THEN
        RAISE EXCEPTION 'a decided session round cannot be changed (%% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER mentorship_sessionround_decided_immutable
    BEFORE UPDATE OR DELETE ON mentorship_sessionround
    FOR EACH ROW EXECUTE FUNCTION mentorship_round_refuse_change();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS mentorship_supervisedsession_signed_immutable
    ON mentorship_supervisedsession;
DROP FUNCTION IF EXISTS mentorship_session_refuse_change();
DROP TRIGGER IF EXISTS mentorship_sessionround_decided_immutable ON mentorship_sessionround;
DROP FUNCTION IF EXISTS mentorship_round_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=())


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0006_supervision_meetings")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
