"""Customers and vendors post alike with mirrored signs; one descriptor per kind keeps the engine generic."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from receivables.models import (
    AccountType,
    CustLedgerEntry,
    Customer,
    DetailedCustLedgEntry,
    DetailedVendorLedgEntry,
    Vendor,
    VendorLedgerEntry,
)


@dataclass(frozen=True)
class PartyKind:
    account_type: str
    label: object  # lazy translated "customer" / "vendor"
    table_label: object  # "Cust. Ledger Entry"
    party_model: type[models.Model]
    entry_model: type[models.Model]
    detail_model: type[models.Model]
    party_field: str  # FK name on entries and detailed entries
    entry_field: str  # FK name from detailed entry to its ledger entry

    def party_of(self, entry) -> models.Model:
        return getattr(entry, self.party_field)

    def party_id_of(self, entry) -> int:
        return getattr(entry, f"{self.party_field}_id")


CUSTOMER = PartyKind(
    account_type=AccountType.CUSTOMER,
    label=_("customer"),
    table_label=_("Cust. Ledger Entry"),
    party_model=Customer,
    entry_model=CustLedgerEntry,
    detail_model=DetailedCustLedgEntry,
    party_field="customer",
    entry_field="cust_ledger_entry",
)
VENDOR = PartyKind(
    account_type=AccountType.VENDOR,
    label=_("vendor"),
    table_label=_("Vendor Ledger Entry"),
    party_model=Vendor,
    entry_model=VendorLedgerEntry,
    detail_model=DetailedVendorLedgEntry,
    party_field="vendor",
    entry_field="vendor_ledger_entry",
)
KINDS = {CUSTOMER.account_type: CUSTOMER, VENDOR.account_type: VENDOR}


def kind_of_entry(entry) -> PartyKind:
    return CUSTOMER if isinstance(entry, CustLedgerEntry) else VENDOR
