"""PostgreSQL's people index, as SQLite's: accents folded, and names apart.

- A text search configuration, ``agora_people``: English stemming after
  ``unaccent`` (a trusted extension: the database's owner may create it), so
  that "tomas" finds "Tomás" as FTS5's ``remove_diacritics`` does on SQLite.
  The generated ``search_vector`` is rebuilt with it.
- A GIN index over the names alone, for the name matches a search ranks
  beside a common skill's strongest holders. The weighted vector could
  answer "a name matches" (weight A), but its index finds every document
  holding the word in any column and the weights are checked row by row:
  for a skill's own word, the planner expects many rows, walks the table for
  a few and, finding none in a name, reads it all. An index of names has the
  statistics of names. SQLite filters FTS5 columns in the index itself
  (``{name} : …``) and needs nothing.
"""

from django.db import migrations

CONFIG = "agora_people"


def _vector(column: str, config: str) -> str:
    return f"to_tsvector('{config}'::regconfig, translate(coalesce({column}, ''), '<>', '  '))"


def _search_vector(config: str) -> str:
    weighted = " || ".join(
        f"setweight({_vector(column, config)}, '{weight}')"
        for column, weight in (("name", "A"), ("skills", "B"), ("about", "C"), ("work", "D"))
    )
    return (
        "ALTER TABLE experts_persondocument ADD COLUMN search_vector tsvector"
        f" GENERATED ALWAYS AS ({weighted}) STORED"
    )


DROP_VECTOR = (
    "DROP INDEX IF EXISTS experts_people_vector",
    "ALTER TABLE experts_persondocument DROP COLUMN IF EXISTS search_vector",
)
VECTOR_INDEX = "CREATE INDEX experts_people_vector ON experts_persondocument USING GIN (search_vector)"

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG}"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    *DROP_VECTOR,
    _search_vector(CONFIG),
    VECTOR_INDEX,
    "CREATE INDEX experts_people_name_vector ON experts_persondocument"
    f" USING GIN ({_vector('name', CONFIG)})",
    # The planner's statistics of the new vector and index, before the first search.
    "ANALYZE experts_persondocument",
]
# The extension stays: other tables may use it.
BACKWARDS = [
    "DROP INDEX IF EXISTS experts_people_name_vector",
    *DROP_VECTOR,
    _search_vector("english"),
    VECTOR_INDEX,
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("experts", "0002_expertsearch_people_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
