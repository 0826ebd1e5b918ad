from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor) -> None:
    """The roles get the new banking permissions, and the built-in CSV mappings become editable rows."""
    from banking.csv_formats import seed_csv_formats
    from receivables.lib.roles import sync_role_groups

    sync_role_groups(apps)
    seed_csv_formats(apps.get_model("banking", "CsvStatementFormat"))


class Migration(migrations.Migration):
    dependencies = [("banking", "0003_statements")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
