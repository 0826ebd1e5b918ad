"""Fast bulk writes for very large batches (statement lines, imports) on SQLite and PostgreSQL.

Django's bulk_create compiles an SQL statement with a placeholder per value for each batch, which
costs more than the database work for 100,000 rows. Here one INSERT is prepared once and run with
executemany over plain tuples, so no model instances need to sit in memory either.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models, router


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *, chunk: int = 5000
                ) -> int:
    """INSERT rows given as tuples of Python values in `columns` order (field names). Returns the count.

    Values go through each field's get_db_prep_save, so Decimals, dates and booleans are stored exactly
    as the ORM would store them. Columns not named get their field's default, as the ORM would give them.
    """
    fields = [model._meta.get_field(name) for name in columns]
    named = {f.attname for f in fields}
    defaults = [f for f in model._meta.concrete_fields if f.attname not in named and not f.primary_key]
    fields += defaults
    default_values = tuple(f.get_default() for f in defaults)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    preps = [f.get_db_prep_save for f in fields]  # after the defaults were added, so one per column
    count = 0
    batch: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([prep(value, connection) for prep, value in zip(preps, (*row, *default_values), strict=True)])
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def insert_objects(model: type[models.Model], objs: Sequence[models.Model], *, chunk: int = 5000) -> int:
    """INSERT unsaved model instances with one prepared statement; their primary keys are NOT set.

    For rows nothing in the same run needs the key of (G/L entries, detailed entries). Foreign keys to
    rows saved earlier in the run are resolved as bulk_create would, and auto_now_add fields are filled.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    count = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), chunk):
            batch = []
            for obj in objs[start:start + chunk]:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                batch.append([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
