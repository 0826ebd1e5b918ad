from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from receivables.models import UserSetup
from tests.posting_helpers import post_invoice, post_payment


class RoleCenterTests:
    def test_it_requires_login(self, client, company):
        response = client.get(reverse("receivables:role-center"))
        assert response.status_code == 302 and response.url.startswith("/login/")

    def test_it_shows_the_figures(self, client, accountant, fjord, django_assert_max_num_queries):
        today = timezone.localdate()
        post_invoice(fjord, "INV-OLD", "1000.00", date(2020, 1, 1))
        post_invoice(fjord, "INV-NEW", "250.00", today)
        post_payment(fjord, "PAY-1", "-100.00", today)
        client.force_login(accountant)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("receivables:role-center"))
        cues = response.context["cues"]
        assert cues.total_receivables == Decimal("1150.00")
        assert cues.overdue == Decimal("1000.00") and cues.overdue_entries == 1
        assert cues.open_entries == 3
        html = response.content.decode()
        assert 'data-cue="total-receivables">1,150.00<' in html
        assert "Fjord Handel AS" in html

    def test_it_rejects_post(self, client, accountant, company):
        client.force_login(accountant)
        assert client.post(reverse("receivables:role-center")).status_code == 405

    def test_it_shows_an_empty_state(self, client, auditor, company):
        client.force_login(auditor)
        response = client.get(reverse("receivables:role-center"))
        assert "No customer is overdue." in response.content.decode()


class LanguageTests:
    def test_it_saves_the_users_language(self, client, clerk, company):
        client.force_login(clerk)
        response = client.post(reverse("receivables:set-language"), {"language": "nb", "next": "/"})
        assert response.status_code == 302 and response.url == "/"
        assert UserSetup.objects.get(user=clerk).language == "nb"
        page = client.get(reverse("receivables:role-center")).content.decode()
        assert 'lang="nb"' in page and "Rollesenter" in page

    def test_it_keeps_the_language_in_a_new_session(self, client, clerk, company):
        UserSetup.objects.create(user=clerk, language="nb")
        client.force_login(clerk)
        assert 'lang="nb"' in client.get("/").content.decode()

    def test_it_refuses_unknown_languages_and_foreign_redirects(self, client, clerk, company):
        client.force_login(clerk)
        response = client.post(reverse("receivables:set-language"), {"language": "xx", "next": "https://evil.example/"})
        assert response.url == "/"
        assert not UserSetup.objects.filter(user=clerk).exists()

    def test_it_needs_post(self, client, clerk, company):
        client.force_login(clerk)
        assert client.get(reverse("receivables:set-language")).status_code == 405
