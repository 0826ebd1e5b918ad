from __future__ import annotations

from django.db import migrations


def sync(apps, schema_editor) -> None:
    from receivables.lib.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Clerks may now create and edit (not post or delete) sales documents."""

    dependencies = [("receivables", "0003_role_groups"), ("banking", "0004_groups_and_csv_formats")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
