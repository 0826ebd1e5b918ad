from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor) -> None:
    from banking.matching.rules import seed_rules
    from receivables.lib.roles import sync_role_groups

    seed_rules(apps.get_model("banking", "PaymentApplicationRule"))
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("banking", "0005_payment_application")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
