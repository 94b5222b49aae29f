"""Refuse TRUNCATE of the audit trail on PostgreSQL.

0002 fires its function for TRUNCATE too, but the function only raised for DELETE and for
UPDATEs that change a column; in a statement-level TRUNCATE trigger ``NEW`` and ``OLD`` are
NULL, so none of those tests held and TRUNCATE went through. Same function, with TRUNCATE
refused like DELETE.
"""

from django.db import migrations

HASHED = ["id", "occurred_at", "actor_type", "actor_id", "action", "target_type",
          "target_id", "tenant_id", "changes", "request_id", "ip_hmac", "prev_hash", "hash"]

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION USING MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
