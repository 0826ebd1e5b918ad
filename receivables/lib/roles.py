"""The four roles of DESIGN.md section 8 as Django groups, with their permissions.

`ROLES` maps each group to permission patterns ("app_label.codename", `*` wildcards allowed).
Other apps extend it in their own migrations by calling `sync_role_groups` again.
"""
from __future__ import annotations

from fnmatch import fnmatch

MASTER_DATA_MODELS = [
    "companysetup", "currency", "currencyexchangerate", "noseries", "glaccount", "customerpostinggroup",
    "vendorpostinggroup", "bankaccountpostinggroup", "paymentterms", "paymentmethod", "customer",
    "customerbankaccount", "vendor", "vendorbankaccount", "bankaccount", "sourcecode", "reasoncode",
    "genjournaltemplate", "genjournalbatch", "usersetup",
]
BANKING_MASTER_DATA = ["csvstatementformat", "texttoaccountmapping", "bankfeed", "paymentapplicationrule"]
APPS = ["receivables", "banking", "reminders"]
VIEW_ALL = [f"{app}.view_*" for app in APPS]

ROLES: dict[str, list[str]] = {
    # Posts, applies and issues.
    "Accountant": VIEW_ALL + [
        "receivables.add_genjournalline", "receivables.change_genjournalline", "receivables.delete_genjournalline",
        "receivables.add_salesheader", "receivables.change_salesheader", "receivables.delete_salesheader",
        "receivables.add_salesline", "receivables.change_salesline", "receivables.delete_salesline",
        "receivables.post_journal", "receivables.register_payments", "receivables.apply_entries",
        "banking.*", "reminders.*",
    ],
    # Registers payments and imports statements; cannot post.
    "Clerk": VIEW_ALL + [
        "receivables.add_genjournalline", "receivables.change_genjournalline", "receivables.delete_genjournalline",
        "receivables.add_salesheader", "receivables.change_salesheader", "receivables.add_salesline",
        "receivables.change_salesline", "receivables.delete_salesline",
        "receivables.register_payments", "banking.import_statement", "banking.add_*", "banking.change_*",
    ],
    # Keeps the master data in the admin.
    "Master data": VIEW_ALL
    + [f"receivables.{action}_{model}" for model in MASTER_DATA_MODELS for action in ("add", "change", "delete")]
    + [f"banking.{action}_{model}" for model in BANKING_MASTER_DATA for action in ("add", "change", "delete")]
    + ["reminders.add_*", "reminders.change_*"],
    # Reads everything, changes nothing.
    "Auditor": VIEW_ALL,
}
# Permissions no pattern may grant to a role that should not post.
NEVER = {"Clerk": {"banking.post_*", "banking.delete_*", "banking.*_texttoaccountmapping", "banking.*_bankfeed",
                   "banking.*_csvstatementformat", "banking.*_paymentapplicationrule",
                   # Posted bank account statements are a record: read only, below the accountant.
                   "banking.add_bankaccountstatement*", "banking.change_bankaccountstatement*"},
         "Master data": {"banking.post_*", "banking.import_*"}}


def sync_role_groups(apps) -> None:
    """Create or update the groups from ROLES using the (historical) models in `apps`."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs in migrations have no models module; create_permissions skips those.
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    available = {
        f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")
    }
    for name, patterns in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            perm for key, perm in available.items()
            if key.split(".")[0] in APPS
            and any(fnmatch(key, pattern) for pattern in patterns)
            and not any(fnmatch(key, pattern) for pattern in NEVER.get(name, ()))
        ]
        group.permissions.set(wanted)
