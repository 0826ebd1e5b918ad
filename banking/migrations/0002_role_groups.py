from __future__ import annotations

from django.db import migrations


def sync_groups(apps, schema_editor) -> None:
    # The role groups were created before the banking tables existed; give them the new permissions
    # (Master data: add/change/delete text-to-account mappings, and so on, as receivables.lib.roles says).
    from receivables.lib.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("banking", "0001_initial"),
        ("receivables", "0003_role_groups"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
