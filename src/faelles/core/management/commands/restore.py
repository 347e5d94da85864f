"""`faelles restore ARCHIVE`: put back a `faelles backup` archive (database and uploads).

The whole database is replaced by the archive's. The engine must be the one the archive was made
with (SQLite → SQLite, PostgreSQL → PostgreSQL). Stop the web processes and the worker first;
the command asks for confirmation unless given `--yes`. Afterwards it compares the row count of
every table with the manifest and fails loudly on any difference.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from faelles.core.management.commands.backup import (
    DB_FILES,
    FORMAT,
    pg_env_and_args,
    table_counts,
)


def restore_database(source: Path) -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        origin = sqlite3.connect(str(source))
        try:
            connection.ensure_connection()
            # The backup API replaces the live database page by page, in one step for readers.
            origin.backup(connection.connection)
        finally:
            origin.close()
    else:
        pg_restore = shutil.which("pg_restore")
        if pg_restore is None:
            raise CommandError("pg_restore is not installed (apt-get install postgresql-client).")
        env, args = pg_env_and_args()
        connections.close_all()
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", *args,
             "--dbname", str(connection.settings_dict["NAME"]), str(source)],
            env=env, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")


def restore_media(archive: tarfile.TarFile, target: Path) -> int:
    members = [m for m in archive.getmembers() if m.name == "media" or m.name.startswith("media/")]
    if not members:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        # The "data" filter refuses absolute paths, "..", links out of the tree and devices.
        archive.extractall(tmp, members=members, filter="data")
        source = Path(tmp) / "media"
        target.mkdir(parents=True, exist_ok=True)
        count = 0
        for path in source.rglob("*"):
            if path.is_file():
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
                count += 1
    return count


class Command(BaseCommand):
    help = "Replace the database and uploaded files with those in a `faelles backup` archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="Path to a .tar.gz made by `faelles backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--no-media", action="store_true",
                            help="Leave uploaded files as they are.")

    def handle(self, *args: Any, archive: str, yes: bool = False, no_media: bool = False,
               **options: Any) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        vendor = connection.vendor
        with tarfile.open(path, "r:gz") as tar:
            try:
                manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
            except (KeyError, json.JSONDecodeError) as exc:
                raise CommandError("This is not a Fælles backup (no manifest.json).") from exc
            if manifest.get("format") != FORMAT:
                raise CommandError(f"Unknown backup format: {manifest.get('format')!r}.")
            if manifest.get("engine") != vendor:
                raise CommandError(
                    f"The backup is from {manifest.get('engine')}, this database is {vendor}. "
                    "Restore into the same kind of database."
                )
            if not yes:
                answer = input(f"This replaces ALL data in the {vendor} database with the backup "
                               f"from {manifest.get('created_at')}. Type 'yes' to go on: ")
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing was changed.")
            with tempfile.TemporaryDirectory() as tmp:
                tar.extract(DB_FILES[vendor], tmp, filter="data")
                restore_database(Path(tmp) / DB_FILES[vendor])
            files = 0 if no_media else restore_media(tar, Path(settings.MEDIA_ROOT))
        cache.clear()  # cached pages and counters belong to the data that was replaced
        counts = table_counts()
        expected = manifest.get("rows", {})
        different = {t: (expected.get(t), counts.get(t)) for t in set(expected) | set(counts)
                     if expected.get(t) != counts.get(t)}
        if different:
            raise CommandError(f"Restored, but row counts differ from the manifest: {different}")
        self.stdout.write(f"Restored {sum(counts.values())} rows in {len(counts)} tables and "
                          f"{files} uploaded files from {path}.")
