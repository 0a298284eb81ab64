"""The full-text index beside `SearchDocument`, by database.

SQLite: an FTS5 table over (title, body) with the documents as its external
content, kept in step by triggers (porter stemming, accents folded), with
indexes of 3- and 4-letter prefixes: a word being typed ("dat") would
otherwise merge the lists of every word it starts.
PostgreSQL: a stored generated ``tsvector`` column (title weighted A, body B,
English configuration) and a GIN index on it. Angle brackets are read as
spaces: the documents are plain text, and PostgreSQL's parser would take
``<script>`` in a post about HTML for a tag and skip it.

Neither is known to Django's model state: the backends query them in SQL.
"""

from django.db import migrations

SQLITE = [
    (
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body,"
        " content='search_searchdocument', content_rowid='id',"
        " tokenize='porter unicode61 remove_diacritics 2', prefix='3 4')",
        "DROP TABLE IF EXISTS search_fts",
    ),
    (
        "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN"
        " INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
        "DROP TRIGGER IF EXISTS search_fts_insert",
    ),
    (
        "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN"
        " INSERT INTO search_fts(search_fts, rowid, title, body)"
        " VALUES ('delete', old.id, old.title, old.body); END",
        "DROP TRIGGER IF EXISTS search_fts_delete",
    ),
    (
        "CREATE TRIGGER search_fts_update AFTER UPDATE OF title, body ON search_searchdocument"
        " BEGIN"
        " INSERT INTO search_fts(search_fts, rowid, title, body)"
        " VALUES ('delete', old.id, old.title, old.body);"
        " INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
        "DROP TRIGGER IF EXISTS search_fts_update",
    ),
]

POSTGRES = [
    (
        "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector"
        " GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english'::regconfig, translate(coalesce(title, ''), '<>', '  ')),"
        " 'A') || "
        "setweight(to_tsvector('english'::regconfig, translate(coalesce(body, ''), '<>', '  ')),"
        " 'B')) STORED",
        "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
    ),
    (
        "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (search_vector)",
        "DROP INDEX IF EXISTS search_document_vector",
    ),
]


def _statements(vendor):
    return {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, [])


def forwards(apps, schema_editor):
    for create, _drop in _statements(schema_editor.connection.vendor):
        schema_editor.execute(create)


def backwards(apps, schema_editor):
    for _create, drop in reversed(_statements(schema_editor.connection.vendor)):
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_documents")]

    operations = [migrations.RunPython(forwards, backwards)]
