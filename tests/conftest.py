from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from receivables.company.setup import ensure_bank_account, setup_company
from receivables.ledger.check import check_ledger
from receivables.models import Customer, CustomerPostingGroup, PaymentTerms


def pytest_configure(config: pytest.Config) -> None:
    # Pages are rendered without `collectstatic`, so static files keep their plain names here;
    # tests/test_static_files.py builds the production files and checks them.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture
def company(db):
    """The spec's common setup (section 12): NOK, grace 5D, tolerance 1 % capped at 5.00, warnings off."""
    setup = setup_company(
        name="Scenario AS",
        payment_tolerance_pct=Decimal("1"),
        max_payment_tolerance=Decimal("5.00"),
        payment_discount_grace_period="5D",
    )
    ensure_bank_account(no="NBANK", name="Nordbank", bank_account_no="15031234567")
    return setup


@pytest.fixture
def fjord(company) -> Customer:
    return Customer.objects.create(
        no="C10000",
        name="Fjord Handel AS",
        posting_group=CustomerPostingGroup.objects.get(code="DOMESTIC"),
        payment_terms=PaymentTerms.objects.get(code="2%8D30D"),
    )


@pytest.fixture
def ledger_ok(db):
    """Call after posting: asserts every invariant of `check_ledger`."""

    def check() -> None:
        problems = check_ledger()
        assert problems == [], "\n".join(problems)

    return check


def _persona(username: str, group: str) -> User:
    user = User.objects.create_user(username, password="pw-" + username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def accountant(db) -> User:
    return _persona("anna", "Accountant")


@pytest.fixture
def clerk(db) -> User:
    return _persona("carl", "Clerk")


@pytest.fixture
def auditor(db) -> User:
    return _persona("aud", "Auditor")


@pytest.fixture
def master_data_user(db) -> User:
    user = _persona("mona", "Master data")
    user.is_staff = True
    user.save()
    return user

