"""Exporting ledger entries as CSV or JSON for scripts and other systems (`manage.py export_entries`).

Column names are a stable contract (DESIGN.md section 6). Rows are streamed from the database in
chunks (`values_list(...).iterator()`), formatted and written a chunk at a time, so a ledger of
hundreds of thousands of entries never sits in memory. Amounts are strings with two decimals
("1000.00"), dates ISO 8601, booleans true/false, a missing value empty (CSV) or null (JSON).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from django.db import models
from django.utils.translation import gettext_lazy as _

from receivables.models import (
    BankAccountLedgerEntry,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    DetailedVendorLedgEntry,
    GLEntry,
    VendorLedgerEntry,
)

CSV = "csv"
JSON = "json"
FORMATS = (CSV, JSON)
CHUNK = 2000

OPEN_ONLY_NOT_AVAILABLE = _(
    "--open-only applies to customer, vendor and bank entries; %(kind)s entries have no open field."
)


class ExportError(Exception):
    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class ExportSpec:
    model: type[models.Model]
    # (column name in the file, field path for values_list)
    columns: tuple[tuple[str, str], ...]

    @property
    def has_open(self) -> bool:
        return any(name == "open" for name, _path in self.columns)


def _party(party_field: str) -> tuple[tuple[str, str], ...]:
    return (
        ("entry_no", "entry_no"), ("posting_date", "posting_date"), ("document_type", "document_type"),
        ("document_no", "document_no"), ("account_no", f"{party_field}__no"), ("amount", "amount"),
        ("remaining_amount", "remaining_amount"), ("open", "open"), ("due_date", "due_date"),
        ("pmt_discount_date", "pmt_discount_date"), ("remaining_pmt_disc_possible", "remaining_pmt_disc_possible"),
        ("closed_by_entry_no", "closed_by_entry_id"), ("transaction_no", "transaction_no"),
    )


def _detailed(entry_field: str) -> tuple[tuple[str, str], ...]:
    return (
        ("entry_no", "entry_no"), ("ledger_entry_no", f"{entry_field}_id"), ("entry_type", "entry_type"),
        ("posting_date", "posting_date"), ("document_no", "document_no"), ("amount", "amount"),
        ("transaction_no", "transaction_no"),
    )


SPECS: dict[str, ExportSpec] = {
    "customer": ExportSpec(CustLedgerEntry, _party("customer")),
    "vendor": ExportSpec(VendorLedgerEntry, _party("vendor")),
    "detailed_customer": ExportSpec(DetailedCustLedgEntry, _detailed("cust_ledger_entry")),
    "detailed_vendor": ExportSpec(DetailedVendorLedgEntry, _detailed("vendor_ledger_entry")),
    "gl": ExportSpec(GLEntry, (
        ("entry_no", "entry_no"), ("gl_account_no", "gl_account__no"), ("posting_date", "posting_date"),
        ("document_no", "document_no"), ("amount", "amount"), ("transaction_no", "transaction_no"),
    )),
    "bank": ExportSpec(BankAccountLedgerEntry, (
        ("entry_no", "entry_no"), ("bank_account_no", "bank_account__no"), ("posting_date", "posting_date"),
        ("document_no", "document_no"), ("amount", "amount"), ("remaining_amount", "remaining_amount"),
        ("open", "open"), ("transaction_no", "transaction_no"),
    )),
}
KINDS = tuple(SPECS)


def columns(kind: str) -> list[str]:
    return [name for name, _path in SPECS[kind].columns]


def rows(kind: str, *, open_only: bool = False, chunk_size: int = CHUNK) -> Iterator[tuple]:
    """The entries as tuples of database values, in entry order, streamed."""
    spec = SPECS[kind]
    if open_only and not spec.has_open:
        raise ExportError(OPEN_ONLY_NOT_AVAILABLE % {"kind": kind})
    queryset = spec.model.objects.all()
    if open_only:
        queryset = queryset.filter(open=True)
    paths = [path for _name, path in spec.columns]
    return queryset.order_by("entry_no").values_list(*paths).iterator(chunk_size=chunk_size)


def _json_value(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value else "0.00"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_json_value(value))


def export_entries(
    write: Callable[[str], object], *, kind: str, open_only: bool = False, fmt: str = CSV, chunk_size: int = CHUNK
) -> int:
    """Write the entries of `kind` to `write` (called once per chunk) as CSV or JSON; return the count."""
    names = columns(kind)
    source = rows(kind, open_only=open_only, chunk_size=chunk_size)
    count = 0
    if fmt == CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        while chunk := list(islice(source, chunk_size)):
            writer.writerows([_csv_value(value) for value in row] for row in chunk)
            count += len(chunk)
            write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
        write(buffer.getvalue())
        return count
    separator = "[\n"
    while chunk := list(islice(source, chunk_size)):
        parts = []
        for row in chunk:
            parts.append(separator + json.dumps(dict(zip(names, map(_json_value, row), strict=True))))
            separator = ",\n"
        count += len(chunk)
        write("".join(parts))
    write("[]\n" if count == 0 else "\n]\n")
    return count
