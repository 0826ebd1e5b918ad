"""Migration imports shared by the management commands and the Import page.

Every importer reads the whole file, validates every row, and either writes everything (in one
transaction, in bulk) or raises ImportRejected listing every bad row; nothing is half-imported.
"""
from __future__ import annotations

from dataclasses import dataclass

from .csvfile import ImportRejected, RowError


@dataclass(frozen=True)
class ImportResult:
    """What an import took in. With `dry_run` nothing was written and the counts are what would be."""

    imported: int
    created: int
    updated: int
    transactions: int = 0
    dry_run: bool = False

    def as_json(self, *, with_transactions: bool = False) -> dict:
        data = {"imported": self.imported, "created": self.created, "updated": self.updated}
        if with_transactions:
            data["transactions"] = self.transactions
        if self.dry_run:
            data["dry_run"] = True
        return data


__all__ = ["ImportRejected", "ImportResult", "RowError"]
