"""Vendor-specific full-text index over SearchDocument.

SQLite: an FTS5 table with external content (the `stems` column, Danish/English Snowball stems
computed in Python), kept in sync by triggers. PostgreSQL: GIN expression indexes with the
`danish` and `english` text search configurations, one per language (partial indexes), which
the queries in faelles.search.services repeat exactly so the planner can use them.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(stems, content='search_searchdocument', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stems) VALUES ('delete', old.id, old.stems); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stems) VALUES ('delete', old.id, old.stems); "
    "INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX search_doc_fts_da ON search_searchdocument USING gin "
    "(to_tsvector('danish'::regconfig, title || ' ' || body)) WHERE language = 'da'",
    "CREATE INDEX search_doc_fts_en ON search_searchdocument USING gin "
    "(to_tsvector('english'::regconfig, title || ' ' || body)) WHERE language = 'en'",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_fts_da",
    "DROP INDEX IF EXISTS search_doc_fts_en",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
