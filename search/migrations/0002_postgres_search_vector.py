"""PostgreSQL only: a stored, generated tsvector column (German configuration, title
weighted "A", body "B") and a GIN index on it, which ``backends.database`` matches
and ranks against. Other databases get nothing (SQLite matches folded text)."""

from django.db import migrations

VECTOR_SQL = (
    "setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(body, '')), 'B')"
)


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR_SQL}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX search_entry_vector_gin ON search_searchentry USING gin (search_vector)"
    )


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_vector_gin")
    schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(add_vector, drop_vector, elidable=False)]
