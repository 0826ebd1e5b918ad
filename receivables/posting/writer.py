"""Collects the rows one posting run writes, then saves them in one place, in bulk.

Processes build unsaved model instances and hand them here; `flush()` saves them in dependency
order inside the caller's atomic block. Links between rows that are not saved yet (closed-by,
reversed-by, applied entry) are recorded with `link()` and written once every row has its number.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db import models

from receivables.lib.bulk import (
    can_reserve_keys,
    insert_objects,
    new_row,
    reserve_keys,
    update_rows,
)
from receivables.models import (
    BankAccountLedgerEntry,
    CheckLedgerEntry,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    DetailedVendorLedgEntry,
    GLEntry,
    GLRegister,
    VendorLedgerEntry,
)

# Save order: ledger entries before the detailed entries and check entries that point at them.
_NEW_ORDER = [
    CustLedgerEntry,
    VendorLedgerEntry,
    BankAccountLedgerEntry,
    DetailedCustLedgEntry,
    DetailedVendorLedgEntry,
    CheckLedgerEntry,
    GLEntry,
]


@dataclass
class LedgerWriter:
    register: GLRegister
    new: dict[type, list[models.Model]] = field(default_factory=lambda: defaultdict(list))
    changed: dict[type, dict[int, models.Model]] = field(default_factory=lambda: defaultdict(dict))
    changed_fields: dict[type, set[str]] = field(default_factory=lambda: defaultdict(set))
    links: list[tuple[models.Model, str, models.Model | None]] = field(default_factory=list)

    def add(self, obj: models.Model) -> models.Model:
        if _has_register(type(obj)):
            obj.register = self.register
        self.new[type(obj)].append(obj)
        return obj

    def is_new(self, obj: models.Model) -> bool:
        return obj.pk is None

    def touch(self, obj: models.Model, *fields: str) -> None:
        """Mark working fields of an already saved row as changed."""
        if obj.pk is None:
            return
        self.changed[type(obj)][obj.pk] = obj
        self.changed_fields[type(obj)].update(fields)

    def link(self, obj: models.Model, field_name: str, target: models.Model | None) -> None:
        """Set a foreign key that may point at a row saved later in this run."""
        setattr(obj, f"_pending_{field_name}", target)
        self.links.append((obj, field_name, target))

    def gl_entries(self) -> list[GLEntry]:
        return self.new[GLEntry]  # type: ignore[return-value]

    def flush(self) -> None:
        new = {model: objs for model in _NEW_ORDER if (objs := self.new.get(model))}
        reserved = all(can_reserve_keys(model) for model in new)
        if reserved:
            # Every new row gets its key first, so links between new rows are plain column values and
            # each table is written in one go (receivables.lib.bulk; far faster than bulk_create for a large run).
            for model, objs in new.items():
                for obj, key in zip(objs, reserve_keys(model, len(objs)), strict=True):
                    obj.pk = key
            for obj, name, target in self.links:
                if obj._state.adding:
                    setattr(obj, f"{name}_id", target.pk if target is not None else None)
            for model, objs in new.items():
                insert_objects(model, objs)
        else:
            for model, objs in new.items():
                model.objects.bulk_create(objs, batch_size=1000)
        # Links from rows saved before this run are updates, written with the run's other changes.
        link_changes: dict[type, dict[int, models.Model]] = defaultdict(dict)
        link_fields: dict[type, set[str]] = defaultdict(set)
        new_ids = {id(obj) for objs in new.values() for obj in objs}
        for obj, name, target in self.links:
            if reserved and id(obj) in new_ids:
                continue  # set before the row was written
            setattr(obj, f"{name}_id", target.pk if target is not None else None)
            link_changes[type(obj)][obj.pk] = obj
            link_fields[type(obj)].add(f"{name}_id")
        for model, by_pk in self.changed.items():
            fields = set(self.changed_fields[model])
            if model in link_changes:
                # Rows changed both ways are written once with both sets of fields.
                for pk in list(link_changes[model]):
                    if pk in by_pk:
                        fields |= link_fields[model]
            update_rows(model, list(by_pk.values()), sorted(fields))
        for model, by_pk in link_changes.items():
            rest = [obj for pk, obj in by_pk.items() if pk not in self.changed.get(model, {})]
            if rest:
                update_rows(model, rest, sorted(link_fields[model]))
        gl = new.get(GLEntry, [])
        if gl:
            self.register.from_entry_no = min(e.pk for e in gl)
            self.register.to_entry_no = max(e.pk for e in gl)
        self.register.save()



def gl_entry(**kwargs) -> GLEntry:
    amount: Decimal = kwargs["amount"]
    kwargs.setdefault("debit_amount", amount if amount > 0 else Decimal("0"))
    kwargs.setdefault("credit_amount", -amount if amount < 0 else Decimal("0"))
    return new_row(GLEntry, **kwargs)


@cache
def _has_register(model: type[models.Model]) -> bool:
    return any(f.name == "register" for f in model._meta.concrete_fields)
