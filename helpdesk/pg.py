"""PostgreSQL-only steps: indexes that SQLite has no use for, and fresh statistics after a
bulk load.

Each migration step runs its statements on PostgreSQL only (and its reverse statements when
unapplied); on any other database it does nothing, so SQLite development databases stay plain.
"""

from collections.abc import Iterable

from django.db import connection, migrations, models


def postgres_sql(forward: list[str], backward: list[str]) -> migrations.RunPython:
    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(list(forward)), run(list(backward)), elidable=False)


def create_indexes(indexes: dict[str, str]) -> list[str]:
    """`CREATE INDEX IF NOT EXISTS name ON target` for each `{name: target}`."""
    return [f"CREATE INDEX IF NOT EXISTS {name} ON {target}" for name, target in indexes.items()]


def drop_indexes(indexes) -> list[str]:
    return [f"DROP INDEX IF EXISTS {name}" for name in indexes]


def postgres_indexes(indexes: dict[str, str]) -> migrations.RunPython:
    """Create `{name: target}` indexes on PostgreSQL; drop them when unapplied."""
    return postgres_sql(create_indexes(indexes), drop_indexes(indexes))


def analyse_tables(model_classes: Iterable[type[models.Model]]) -> None:
    """Fresh planner statistics for tables a bulk load just filled, with their M2M tables.

    Autovacuum gets there minutes later; until then PostgreSQL plans a million rows as if the
    tables were empty. Outside a transaction it is `VACUUM ANALYZE` (the visibility map makes
    index-only scans possible), inside one `ANALYZE`. SQLite is skipped: its planner does
    without statistics, and `ANALYZE` there would change plans only for that database.
    """
    if connection.vendor != "postgresql":
        return
    tables = []
    for model in model_classes:
        tables.append(model._meta.db_table)
        tables += [f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many]
    quote = connection.ops.quote_name
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {', '.join(quote(t) for t in dict.fromkeys(tables))}")
