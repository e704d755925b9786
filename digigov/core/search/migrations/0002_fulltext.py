"""The vendor's full-text structure over ``SearchDocument`` (see ``digigov.core.search.backends``):
an FTS5 table with triggers on SQLite, a generated weighted tsvector with a GIN index on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from digigov.core.search import backends

    statements = {"sqlite": backends.SQLITE_SCHEMA, "postgresql": backends.POSTGRES_SCHEMA}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    from digigov.core.search import backends

    statements = {"sqlite": backends.SQLITE_DROP, "postgresql": backends.POSTGRES_DROP}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
