"""The database cache's table (settings.CACHES without REDIS_URL), where the report rate
limits live, so that they hold across processes with no other service (issue 5)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A no-op for caches that are not database caches (Redis), and for a table that exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_reports_cases_appeals")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
