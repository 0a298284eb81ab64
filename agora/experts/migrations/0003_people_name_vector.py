"""PostgreSQL: a GIN index over the names alone, for the name matches a
search ranks beside a common skill's strongest holders.

The weighted ``search_vector`` could answer "a name matches" (weight A), but
its GIN index finds every document holding the word in any column and the
weights are checked row by row: for a skill's own word, the planner expects
many rows, walks the table for a few and, finding none in a name, reads it
all. An index of names has the statistics of names. SQLite filters FTS5
columns in the index itself (``{name} : …``) and needs nothing.
"""

from django.db import migrations

NAME_VECTOR = "to_tsvector('english'::regconfig, translate(coalesce(name, ''), '<>', '  '))"

POSTGRES = [
    (
        f"CREATE INDEX experts_people_name_vector ON experts_persondocument USING GIN ({NAME_VECTOR})",
        "DROP INDEX IF EXISTS experts_people_name_vector",
    ),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for create, _drop in POSTGRES:
            schema_editor.execute(create)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _create, drop in reversed(POSTGRES):
            schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [("experts", "0002_expertsearch_people_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
