from __future__ import annotations

from django.db import migrations


def sync(apps, schema_editor) -> None:
    from receivables.lib.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Bank account reconciliation: accountants post it (post_bank_reconciliation), clerks prepare it,
    everyone reads the posted bank account statements."""

    dependencies = [("banking", "0009_bank_reconciliation")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
