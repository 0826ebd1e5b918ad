from __future__ import annotations

from django.db import migrations


def sync(apps, schema_editor) -> None:
    from receivables.lib.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Master data keeps only the banking set-up tables (formats, mappings, feeds, rules)."""

    dependencies = [("banking", "0006_seed_rules")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
