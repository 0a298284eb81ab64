"""The people index: `PersonDocument`, `NameVariant` and the full-text index.

SQLite: an FTS5 table over (name, skills, about, work) with the documents as
its external content, kept in step by triggers (porter stemming, accents
folded, 2- to 4-letter prefix indexes for words being typed).
PostgreSQL: a stored generated ``tsvector`` (name A, skills B, about C,
work D; English configuration; angle brackets read as spaces) and a GIN
index on it. The weights let a query leave out the work column (guests).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SQLITE = [
    (
        "CREATE VIRTUAL TABLE experts_people_fts USING fts5(name, skills, about, work,"
        " content='experts_persondocument', content_rowid='user_id',"
        " tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')",
        "DROP TABLE IF EXISTS experts_people_fts",
    ),
    (
        "CREATE TRIGGER experts_people_fts_insert AFTER INSERT ON experts_persondocument BEGIN"
        " INSERT INTO experts_people_fts(rowid, name, skills, about, work)"
        " VALUES (new.user_id, new.name, new.skills, new.about, new.work); END",
        "DROP TRIGGER IF EXISTS experts_people_fts_insert",
    ),
    (
        "CREATE TRIGGER experts_people_fts_delete AFTER DELETE ON experts_persondocument BEGIN"
        " INSERT INTO experts_people_fts(experts_people_fts, rowid, name, skills, about, work)"
        " VALUES ('delete', old.user_id, old.name, old.skills, old.about, old.work); END",
        "DROP TRIGGER IF EXISTS experts_people_fts_delete",
    ),
    (
        "CREATE TRIGGER experts_people_fts_update AFTER UPDATE OF name, skills, about, work"
        " ON experts_persondocument BEGIN"
        " INSERT INTO experts_people_fts(experts_people_fts, rowid, name, skills, about, work)"
        " VALUES ('delete', old.user_id, old.name, old.skills, old.about, old.work);"
        " INSERT INTO experts_people_fts(rowid, name, skills, about, work)"
        " VALUES (new.user_id, new.name, new.skills, new.about, new.work); END",
        "DROP TRIGGER IF EXISTS experts_people_fts_update",
    ),
]


def _weighted(column: str, weight: str) -> str:
    return (
        f"setweight(to_tsvector('english'::regconfig,"
        f" translate(coalesce({column}, ''), '<>', '  ')), '{weight}')"
    )


POSTGRES = [
    (
        "ALTER TABLE experts_persondocument ADD COLUMN search_vector tsvector"
        " GENERATED ALWAYS AS ("
        + " || ".join(
            _weighted(column, weight)
            for column, weight in (("name", "A"), ("skills", "B"), ("about", "C"), ("work", "D"))
        )
        + ") STORED",
        "ALTER TABLE experts_persondocument DROP COLUMN IF EXISTS search_vector",
    ),
    (
        "CREATE INDEX experts_people_vector ON experts_persondocument USING GIN (search_vector)",
        "DROP INDEX IF EXISTS experts_people_vector",
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
    dependencies = [
        ("experts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NameVariant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("variant", models.CharField(max_length=64)),
                ("token", models.CharField(max_length=64)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("variant", "token"), name="name_variant_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonDocument",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="person_document",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("name", models.TextField(blank=True)),
                ("skills", models.TextField(blank=True)),
                ("about", models.TextField(blank=True)),
                ("work", models.TextField(blank=True)),
                ("department", models.CharField(blank=True, max_length=120)),
                ("location", models.CharField(blank=True, max_length=120)),
                ("time_zone", models.CharField(blank=True, max_length=64)),
                ("open_to_questions", models.BooleanField(default=True)),
                ("availability", models.CharField(blank=True, max_length=12)),
                ("indexed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["department"], name="persondoc_department"),
                    models.Index(fields=["location"], name="persondoc_location"),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
