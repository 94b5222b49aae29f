"""Database triggers that refuse to change or delete audit rows (REC-3).

Only the columns that hold personal data and stay outside the row hash (``ip``,
``actor_label``, ``target_repr``) may be blanked, so a lawful erasure of personal
information is possible without breaking the chain. Everything else is refused, whatever
code or role issues the statement.
"""

from django.db import migrations

HASHED = ["id", "occurred_at", "actor_type", "actor_id", "action", "target_type",
          "target_id", "tenant_id", "changes", "request_id", "ip_hmac", "prev_hash", "hash"]

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are append-only: DELETE refused';
    END IF;
    IF ({", ".join(f"NEW.{c}" for c in HASHED)}) IS DISTINCT FROM
       ({", ".join(f"OLD.{c}" for c in HASHED)})
       OR (NEW.ip IS NOT NULL AND NEW.ip IS DISTINCT FROM OLD.ip)
       OR (NEW.actor_label <> '' AND NEW.actor_label IS DISTINCT FROM OLD.actor_label)
       OR (NEW.target_repr <> '' AND NEW.target_repr IS DISTINCT FROM OLD.target_repr) THEN
        RAISE EXCEPTION 'audit events are append-only: UPDATE refused';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;""",
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
       WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in HASHED)}
         OR (NEW.ip IS NOT NULL AND NEW.ip IS NOT OLD.ip)
         OR (NEW.actor_label <> '' AND NEW.actor_label IS NOT OLD.actor_label)
         OR (NEW.target_repr <> '' AND NEW.target_repr IS NOT OLD.target_repr)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
