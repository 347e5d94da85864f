"""`faelles backup`: one archive with the database, the uploaded files and a manifest.

The database is copied with the engine's own tool, so the copy is consistent while the site runs:
- SQLite: the sqlite3 online backup API (safe with WAL and concurrent writers);
- PostgreSQL: `pg_dump --format=custom` (one snapshot), restored with `pg_restore`.

The archive (`.tar.gz`) holds `manifest.json` (format, engine, time, applied migrations and the
row count of every table, which `faelles restore` checks afterwards), `database.sqlite3` or
`database.pgdump`, and `media/` with the uploads. `faelles restore ARCHIVE` puts it all back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

FORMAT = "faelles-backup/1"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Tables whose content is disposable and changes on every request: not compared after restore.
VOLATILE_TABLES = {"faelles_cache", "django_session", "django_tasks_database_dbtaskresult"}


def table_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in VOLATILE_TABLES:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    """Connection settings for pg_dump/pg_restore, from the live connection's settings."""
    s = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    return env, args


def dump_database(target: Path) -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(str(target))
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError("pg_dump is not installed (apt-get install postgresql-client).")
        env, args = pg_env_and_args()
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", *args,
             "--file", str(target), str(connection.settings_dict["NAME"])],
            env=env, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")


class Command(BaseCommand):
    help = "Write the database, the uploaded files and a manifest to one .tar.gz archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", "-o", help="Archive path (default var/backups/…).")
        parser.add_argument("--no-media", action="store_true", help="Leave out uploaded files.")

    def handle(self, *args: Any, output: str | None = None, no_media: bool = False,
               **options: Any) -> str:
        vendor = connection.vendor
        if vendor not in DB_FILES:
            raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = Path(output) if output else (
            Path(settings.VAR_DIR) / "backups" / f"faelles-{stamp}.tar.gz"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as tmp:
            db_file = Path(tmp) / DB_FILES[vendor]
            # Counts first, then the copy: a write in between shows up as a count difference
            # after a restore, never as silent loss.
            manifest = {
                "format": FORMAT, "engine": vendor,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "migrations": applied_migrations(), "rows": table_counts(),
                "media": not no_media and media.is_dir(),
            }
            dump_database(db_file)
            manifest_file = Path(tmp) / "manifest.json"
            manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            partial = path.with_name(path.name + ".part")
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(manifest_file, arcname="manifest.json")
                archive.add(db_file, arcname=DB_FILES[vendor])
                if manifest["media"]:
                    archive.add(media, arcname="media")
            os.replace(partial, path)  # never leave a half-written archive under the real name
        total = sum(manifest["rows"].values())
        self.stdout.write(f"Backup written to {path} ({vendor}, {total} rows in "
                          f"{len(manifest['rows'])} tables).")
        return str(path)
