from __future__ import annotations

from django.db import migrations


def sync(apps, schema_editor) -> None:
    from receivables.lib.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Clerks no longer change banking set-up (mappings, feeds, formats, rules): that is master data."""

    dependencies = [("banking", "0007_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
