"""PostgreSQL: the people index's GIN indexes take each change at once.

By default a GIN index collects new entries in a pending list (``fastupdate``)
of up to 4 MB, merged in later by VACUUM or by the insert that fills it; every
search meanwhile reads the whole list. After the people index is rebuilt for
100,000 people the names index held 13,714 pending entries: its lookup for
one word took 1.05 ms instead of 0.01 ms, half of an expert search. The
people index is read on every keystroke of a search and written by the event
worker, off the request, so writes pay instead: ``fastupdate = off``, and the
list already pending is merged now. (Indexing 100,000 people took 53 s so,
66 s with the list.) SQLite's FTS5 has no such list.
"""

from django.db import migrations

INDEXES = ("experts_people_vector", "experts_people_name_vector")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
            schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("experts", "0004_expertise_skill_rank")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
