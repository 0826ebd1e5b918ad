from __future__ import annotations

import pytest
from django.contrib.auth.models import Group


def perms(name: str) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=name).permissions.all()}


@pytest.mark.django_db
class RoleGroupTests:
    def test_the_four_groups_exist(self):
        assert set(Group.objects.values_list("name", flat=True)) >= {"Accountant", "Clerk", "Master data", "Auditor"}

    def test_accountant_posts_and_applies(self):
        granted = perms("Accountant")
        assert {"receivables.post_journal", "receivables.apply_entries", "receivables.register_payments"} <= granted
        assert "receivables.change_customer" not in granted

    def test_clerk_registers_but_cannot_post(self):
        granted = perms("Clerk")
        assert "receivables.register_payments" in granted and "receivables.add_genjournalline" in granted
        assert "receivables.post_journal" not in granted and "receivables.apply_entries" not in granted

    def test_master_data_keeps_master_data_only(self):
        granted = perms("Master data")
        assert {"receivables.change_customer", "receivables.add_paymentterms", "receivables.change_bankaccount"} <= granted
        assert "receivables.post_journal" not in granted
        assert not any(p.startswith(("receivables.add_custledgerentry", "receivables.change_glentry")) for p in granted)

    def test_auditor_only_views(self):
        granted = perms("Auditor")
        assert granted and all(p.split(".")[1].startswith("view_") for p in granted)
