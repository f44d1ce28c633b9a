"""PostgreSQL-only migration steps: indexes that SQLite has no use for.

Each step runs its statements on PostgreSQL only (and its reverse statements when unapplied);
on any other database it does nothing, so SQLite development databases stay plain.
"""

from django.db import migrations


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
