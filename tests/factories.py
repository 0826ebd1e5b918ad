"""Model factories for tests that need master data beyond the company set-up."""
from __future__ import annotations

import factory

from receivables.models import (
    Customer,
    CustomerPostingGroup,
    Vendor,
    VendorPostingGroup,
)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    no = factory.Sequence(lambda n: f"K{20000 + n}")
    name = factory.Sequence(lambda n: f"Kunde {n} AS")
    posting_group = factory.LazyFunction(lambda: CustomerPostingGroup.objects.get(code="DOMESTIC"))


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    no = factory.Sequence(lambda n: f"V{20000 + n}")
    name = factory.Sequence(lambda n: f"Leverandør {n} AS")
    posting_group = factory.LazyFunction(lambda: VendorPostingGroup.objects.get(code="DOMESTIC"))
