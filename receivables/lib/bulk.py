"""Fast bulk writes for very large batches (postings, statement lines, imports) on SQLite and PostgreSQL.

Django's bulk_create compiles an SQL statement with a placeholder per value for each batch, which
costs more than the database work for 100,000 rows. Here one INSERT is prepared once and run with
executemany, and values are converted for the database by a converter chosen once per column, which
skips Django's general get_db_prep_save chain when a value already has the column's exact type.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal

from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.expressions import Col
from django.db.models.signals import post_init, pre_init

_TEXT = {"CharField", "TextField", "SlugField"}
_INTEGER = {
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_AUTO = {"AutoField", "BigAutoField", "SmallAutoField"}


def db_converter(field: models.Field, connection) -> Callable:
    """get_db_prep_save for one column, with a short cut for values of the column's exact type.

    Anything else (None, lazy strings, expressions, other types) takes Django's own path, so the
    result is always what the ORM would store.
    """
    slow = field.get_db_prep_save
    if field.is_relation:
        field = field.target_field
    internal = field.get_internal_type()
    ops = connection.ops
    if internal in _AUTO:
        # Django passes an automatic key on as it is (only checking it), as the target of a relation too.
        return lambda v: v if type(v) is int else slow(v, connection)
    if internal in _TEXT:
        return lambda v: v if type(v) is str else slow(v, connection)
    if internal == "BooleanField":
        return lambda v: v if type(v) is bool else slow(v, connection)
    if internal in _INTEGER:
        return lambda v: ops.adapt_integerfield_value(v, internal) if type(v) is int else slow(v, connection)
    if internal == "DecimalField":
        digits, places = field.max_digits, field.decimal_places
        return lambda v: (
            ops.adapt_decimalfield_value(v, digits, places) if type(v) is Decimal and v.is_finite()
            else slow(v, connection)
        )
    if internal == "DateField":
        return lambda v: ops.adapt_datefield_value(v) if type(v) is date else slow(v, connection)
    if internal == "DateTimeField":  # an aware datetime needs no interpreting (a naive one warns, Django's path)
        return lambda v: ops.adapt_datetimefield_value(v) if type(v) is datetime and v.tzinfo else slow(v, connection)
    if internal == "JSONField":
        encoder = field.encoder
        return lambda v: ops.adapt_json_value(v, encoder) if type(v) in (list, dict) else slow(v, connection)
    return lambda v: slow(v, connection)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *, chunk: int = 5000
                ) -> int:
    """INSERT rows given as tuples of Python values in `columns` order (field names). Returns the count.

    Values are converted as the ORM would convert them, so Decimals, dates and booleans are stored
    exactly as the ORM would store them. Columns not named get their field's default, as the ORM would give them.
    """
    fields = [model._meta.get_field(name) for name in columns]
    named = {f.attname for f in fields}
    defaults = [f for f in model._meta.concrete_fields if f.attname not in named and not f.primary_key]
    connection = connections[router.db_for_write(model)]
    converters = [db_converter(f, connection) for f in fields]
    # The same for every row, so converted once.
    default_values = [f.get_db_prep_save(f.get_default(), connection) for f in defaults]
    fields += defaults
    count = 0
    batch: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = [convert(value) for convert, value in zip(converters, row, strict=True)]
            values += default_values
            batch.append(values)
            if len(batch) >= chunk:
                _insert_many(cursor, connection, model, fields, batch)
                count += len(batch)
                batch = []
        if batch:
            _insert_many(cursor, connection, model, fields, batch)
            count += len(batch)
    return count


def can_reserve_keys(model: type[models.Model]) -> bool:
    return connections[router.db_for_write(model)].vendor in ("sqlite", "postgresql")


def reserve_keys(model: type[models.Model], count: int) -> list[int]:
    """Take `count` new primary keys for `model`, in increasing order, before its rows are inserted.

    Callers must hold the write lock that serializes these inserts (the posting engine holds the
    company setup row; SQLite transactions here are IMMEDIATE). On PostgreSQL the keys come from the
    column's own sequence, so they are never handed out twice even without that lock.
    """
    if count <= 0:
        return []
    connection = connections[router.db_for_write(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor != "sqlite":
            raise NotImplementedError(connection.vendor)
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        highest = cursor.fetchone()[0] or 0
        # AUTOINCREMENT keeps the highest key ever given in sqlite_sequence; never go below it.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        highest = max(highest, row[0] if row and row[0] else 0)
        return list(range(highest + 1, highest + 1 + count))


def insert_objects(model: type[models.Model], objs: Sequence[models.Model], *, chunk: int = 5000) -> int:
    """INSERT unsaved model instances with one prepared statement.

    A primary key already set on the instances (see `reserve_keys`) is inserted with them and the
    instances count as saved afterwards; without one the keys are left to the database and NOT set
    on the instances, which suits rows nothing in the same run needs the key of. Foreign keys to
    rows saved earlier are resolved as bulk_create would, and auto_now(_add) fields are filled.
    """
    if not objs:
        return 0
    with_keys = objs[0].pk is not None
    fields = [f for f in model._meta.concrete_fields if with_keys or not f.primary_key]
    connection = connections[router.db_for_write(model)]
    converters = [db_converter(f, connection) for f in fields]
    attnames = [f.attname for f in fields]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    relations = [f for f in fields if f.is_relation]
    count = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), chunk):
            batch = []
            for obj in objs[start:start + chunk]:
                if (obj.pk is not None) != with_keys:
                    raise ValueError(f"{model.__name__}: rows with and without keys in one insert")
                _resolve_relations(obj, relations)
                for f in stamped:
                    f.pre_save(obj, True)
                values = obj.__dict__
                batch.append([convert(values[name]) for convert, name in zip(converters, attnames, strict=True)])
            _insert_many(cursor, connection, model, fields, batch)
            count += len(batch)
    if with_keys:
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias
    return count


def _resolve_relations(obj: models.Model, relations: list[models.Field]) -> None:
    """Copy the key of a related object assigned before it was saved (what Django does before a save)."""
    cache = obj._state.fields_cache
    for field in relations:
        related = cache.get(field.name)
        if related is None or obj.__dict__.get(field.attname) is not None:
            continue
        if related.pk is None:
            raise ValueError(f"{type(obj).__name__}.{field.name}: the related {type(related).__name__} is not saved")
        obj.__dict__[field.attname] = related.pk




def _insert_many(cursor, connection, model: type[models.Model], fields: list[models.Field], rows: list[list]) -> None:
    """Run one INSERT for many rows of converted values.

    SQLite runs a prepared statement over the rows fastest (executemany); PostgreSQL, where each
    executed row is a round trip, takes them through COPY.
    """
    if connection.vendor != "postgresql":
        cursor.executemany(_insert_sql(model, fields, connection), rows)
        return
    quote = connection.ops.quote_name
    copy_sql = "COPY {} ({}) FROM STDIN".format(quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields))
    with cursor.cursor.copy(copy_sql) as copy:  # psycopg's COPY: the rows stream in, no statement to parse
        for row in rows:
            copy.write_row(row)


def _insert_sql(model: type[models.Model], fields: list[models.Field], connection) -> str:
    quote = connection.ops.quote_name
    return "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )


def update_rows(model: type[models.Model], objs: Sequence[models.Model], attnames: Sequence[str]) -> None:
    """UPDATE the named fields of many saved rows to their values on the instances.

    Django's bulk_update builds one CASE expression per field over the whole batch, which is slow to
    compile for thousands of ledger entries. SQLite runs one prepared UPDATE over the rows
    (executemany); PostgreSQL joins the table to a multi-row VALUES list, a few statements in all.
    """
    fields = [f for f in (model._meta.get_field(name) for name in attnames) if f.concrete]
    names = [f.attname for f in fields]
    update_values(model, names, [[getattr(obj, name) for name in names] + [obj.pk] for obj in objs])


def update_values(model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UPDATE the named fields of saved rows given as (value, ..., primary key) tuples (see `update_rows`)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in attnames]
    connection = connections[router.db_for_write(model)]
    converters = [db_converter(f, connection) for f in fields]
    width = len(fields)
    rows = [
        [convert(value) for convert, value in zip(converters, row[:width], strict=True)] + [row[width]]
        for row in rows
    ]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = "UPDATE {} SET {} WHERE {} = %s".format(
                table, ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(pk.column))
            cursor.executemany(sql, rows)
            return
        # PostgreSQL: the rows stream into a temporary table through COPY, and one UPDATE joins it (a
        # VALUES list of 10,000 rows took ten times as long to send and parse).
        temporary = quote(f"bulk_update_{model._meta.db_table}")
        columns = [f"c{i}" for i in range(len(fields))]
        with transaction.atomic(using=connection.alias, savepoint=False):
            cursor.execute("CREATE TEMPORARY TABLE {} ({}, pk {})".format(
                temporary, ", ".join(f"{name} {f.db_type(connection)}" for name, f in zip(columns, fields, strict=True)),
                pk.rel_db_type(connection)))
            with cursor.cursor.copy(f"COPY {temporary} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("UPDATE {} AS t SET {} FROM {} AS v WHERE t.{} = v.pk".format(
                table, ", ".join(f"{quote(f.column)} = v.{name}" for name, f in zip(columns, fields, strict=True)),
                temporary, quote(pk.column)))
            cursor.execute(f"DROP TABLE {temporary}")


@dataclass(frozen=True)
class _Blank:
    fixed: dict  # attname -> default, the same for every row
    per_row: list  # fields whose default is callable (a new list for a JSON field)
    plain: frozenset  # attnames set straight into the instance's __dict__
    relations: dict  # relation name -> (attname, target key attname)


_BLANKS: dict[type[models.Model], _Blank | None] = {}


def new_row(model: type[models.Model], **values) -> models.Model:
    """An unsaved instance, as `model(**values)` gives, built without Model.__init__'s per-field work.

    A large posting builds several rows per journal line, and Model.__init__ (defaults, descriptors,
    signals) was a fifth of its time. Fixed defaults are taken once per model, callable ones per row;
    fields and relations are set as Django's descriptors set them (the related object cached, its key
    copied). Anything else goes through setattr; a model with init signal receivers is built the
    ordinary way.
    """
    if model not in _BLANKS:
        _BLANKS[model] = _blank_row(model)
    blank = _BLANKS[model]
    if blank is None:
        return model(**values)
    obj = model.__new__(model)
    obj._state = state = ModelState()
    data = obj.__dict__
    data.update(blank.fixed)
    for field in blank.per_row:
        data[field.attname] = field.get_default()
    for name, value in values.items():
        if name in blank.plain:
            data[name] = value
        elif (relation := blank.relations.get(name)) is not None and (
                value is None or isinstance(value, models.Model)):
            attname, key = relation
            data[attname] = None if value is None else getattr(value, key)
            state.fields_cache[name] = value
        else:
            setattr(obj, name, value)
    return obj


def _blank_row(model: type[models.Model]) -> _Blank | None:
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return None
    fields = model._meta.concrete_fields
    per_row = [f for f in fields if f.has_default() and callable(f.default)]
    return _Blank(
        fixed={f.attname: f.get_default() for f in fields if f not in per_row},
        per_row=per_row,
        plain=frozenset(f.attname for f in fields if not f.is_relation and f.attname == f.name),
        relations={f.name: (f.attname, f.target_field.attname) for f in fields
                   if f.is_relation and f.many_to_one and len(f.foreign_related_fields) == 1},
    )


def read_values(queryset: models.QuerySet, *, chunk: int = 5000) -> Iterator[tuple]:
    """The rows of a `values_list()` queryset of plain columns, as `queryset.iterator()` gives them, faster.

    On SQLite Django converts every decimal, date and boolean through a per-value converter call,
    which costs more than the query when a matcher loads 100,000 open entries. Here each column's
    conversion is chosen once and does exactly what Django's SQLite converter does. Other databases
    return proper types already and take Django's own path.
    """
    connection = connections[queryset.db]
    if connection.vendor != "sqlite":
        yield from queryset.iterator(chunk_size=chunk)
        return
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    readers = [(column, reader) for column, (expression, _sql, _alias) in enumerate(compiler.select)
               if (reader := _sqlite_reader(expression))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            if readers:  # converted a column at a time: one comprehension per column, not a loop per value
                columns = list(zip(*rows))
                for column, reader in readers:
                    columns[column] = [None if value is None else reader(value) for value in columns[column]]
                rows = zip(*columns)
            yield from rows


_FLOAT_TO_DECIMAL = Context(prec=15).create_decimal_from_float  # SQLite keeps 15 significant digits (as Django)


def _sqlite_reader(expression) -> Callable | None:
    if not isinstance(expression, Col):
        raise ValueError("read_values reads plain columns only")
    field = expression.output_field
    internal = field.get_internal_type()
    if internal == "DecimalField":
        places = field.decimal_places
        quantum, scale = Decimal(1).scaleb(-places), 10**places
        limit = 10**15 / scale  # below it a value has at most 15 digits: SQLite's REAL holds it exactly
        context = field.context

        def decimal(value):
            # Within the limit a stored value is exactly round(value x 10^places) units (the float's error
            # is far below half a unit): three times faster than Django's way, which the rest takes.
            if type(value) is float and -limit < value < limit:
                return Decimal(round(value * scale)).scaleb(-places, context)
            return (_FLOAT_TO_DECIMAL(value) if type(value) is float else Decimal(value)).quantize(
                quantum, context=context)

        return decimal
    if internal == "DateField":
        return lambda v: v if isinstance(v, date) else date.fromisoformat(v)
    if internal == "BooleanField":
        return lambda v: bool(v) if v in (0, 1) else v
    if internal in _TEXT or internal in _INTEGER or internal in _AUTO or field.is_relation:
        return None
    raise ValueError(f"read_values does not read {internal} columns")
