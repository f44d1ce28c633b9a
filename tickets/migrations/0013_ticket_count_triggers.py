"""Triggers that keep `TicketCount` (tickets/models.py) in the ticket's own transaction, and
its first fill from the existing tickets.

PostgreSQL: one statement-level trigger per operation, with transition tables, so a bulk
insert (the benchmark's COPY) or a bulk update writes one grouped row per changed key.
SQLite: row-level triggers. Both only ever insert delta rows, so no writer waits on another.

SQLite drops a table's triggers when a migration rebuilds the table: the Company Status tests
then fail, which is the reminder to create them again.
"""

from django.db import migrations

POSTGRES = [
    """
    CREATE FUNCTION ticket_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n)
        SELECT customer_id, queue_id, state_id, count(*) FROM new_rows
        WHERE customer_id IS NOT NULL GROUP BY 1, 2, 3;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION ticket_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n)
        SELECT customer_id, queue_id, state_id, -count(*) FROM old_rows
        WHERE customer_id IS NOT NULL GROUP BY 1, 2, 3;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION ticket_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n)
        SELECT customer_id, queue_id, state_id, sum(d) FROM (
            SELECT customer_id, queue_id, state_id, -1 AS d FROM old_rows
            UNION ALL
            SELECT customer_id, queue_id, state_id, 1 FROM new_rows
        ) AS moved
        WHERE customer_id IS NOT NULL GROUP BY 1, 2, 3 HAVING sum(d) <> 0;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER ticket_count_insert AFTER INSERT ON tickets_ticket "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_count_insert()",
    "CREATE TRIGGER ticket_count_delete AFTER DELETE ON tickets_ticket "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_count_delete()",
    "CREATE TRIGGER ticket_count_update AFTER UPDATE ON tickets_ticket "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ticket_count_update()",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS ticket_count_insert ON tickets_ticket",
    "DROP TRIGGER IF EXISTS ticket_count_delete ON tickets_ticket",
    "DROP TRIGGER IF EXISTS ticket_count_update ON tickets_ticket",
    "DROP FUNCTION IF EXISTS ticket_count_insert()",
    "DROP FUNCTION IF EXISTS ticket_count_delete()",
    "DROP FUNCTION IF EXISTS ticket_count_update()",
]

SQLITE = [
    """
    CREATE TRIGGER ticket_count_insert AFTER INSERT ON tickets_ticket
    WHEN NEW.customer_id IS NOT NULL
    BEGIN
        INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n) VALUES (NEW.customer_id, NEW.queue_id, NEW.state_id, 1);
    END
    """,
    """
    CREATE TRIGGER ticket_count_delete AFTER DELETE ON tickets_ticket
    WHEN OLD.customer_id IS NOT NULL
    BEGIN
        INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n) VALUES (OLD.customer_id, OLD.queue_id, OLD.state_id, -1);
    END
    """,
    """
    CREATE TRIGGER ticket_count_update AFTER UPDATE OF customer_id, queue_id, state_id
    ON tickets_ticket
    WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.queue_id IS NOT NEW.queue_id
        OR OLD.state_id IS NOT NEW.state_id
    BEGIN
        INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n)
        SELECT OLD.customer_id, OLD.queue_id, OLD.state_id, -1 WHERE OLD.customer_id IS NOT NULL;
        INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n)
        SELECT NEW.customer_id, NEW.queue_id, NEW.state_id, 1 WHERE NEW.customer_id IS NOT NULL;
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS ticket_count_insert",
    "DROP TRIGGER IF EXISTS ticket_count_delete",
    "DROP TRIGGER IF EXISTS ticket_count_update",
]

FILL = (
    "INSERT INTO tickets_ticketcount (customer_id, queue_id, state_id, n) SELECT customer_id, queue_id, state_id, count(*) "
    "FROM tickets_ticket WHERE customer_id IS NOT NULL GROUP BY customer_id, queue_id, state_id"
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(
            f"Ticket count triggers exist for PostgreSQL and SQLite, not {vendor}."
        )
    for sql in [*statements, "DELETE FROM tickets_ticketcount", FILL]:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_ticket_count")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
