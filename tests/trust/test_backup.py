"""`faelles backup` and `faelles restore` give back the same data (SQLite here; PostgreSQL when
the suite runs with DATABASE_URL=postgres://… and pg_dump is installed, as in CI)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from faelles.core.management.commands.backup import VOLATILE_TABLES

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    data: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in VOLATILE_TABLES:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            data[table] = sorted(tuple(str(v) for v in row) for row in cursor.fetchall())
    return data


@pytest.fixture
def some_data(municipality, make_user, settings, tmp_path):
    from faelles.accounts.consent import consent_set
    from faelles.core.audit import audit_log

    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "participation").mkdir(parents=True)
    (settings.MEDIA_ROOT / "participation" / "a.png").write_bytes(b"\x89PNG fake image")
    admin = make_user(email="admin@example.dk", roles=("admin",), municipality=municipality)
    citizen = make_user(email="borger@example.dk", name="Bente Bæk Ørsted")
    consent_set(user=citizen, kind="publish_identity", granted=True)
    audit_log(actor=admin, action="change", obj=municipality, before={"a": 1}, after={"a": 2})
    return {"admin": admin, "citizen": citizen}


def needs_engine() -> None:
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump")
                                                  and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")


def test_restore_gives_back_the_same_data(some_data, tmp_path, settings):
    needs_engine()
    from faelles.accounts.models import User
    from faelles.core.audit import audit_log

    before = everything()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/participation/a.png" in names

    # Change everything that can change: delete, edit, add, and write to the append-only log.
    some_data["citizen"].delete()
    User.objects.filter(pk=some_data["admin"].pk).update(name="Changed")
    from faelles.core.models import Municipality
    Municipality.objects.create(name="Ny Kommune", slug="ny")
    audit_log(actor=some_data["admin"], action="later", object_type="x")
    (Path(settings.MEDIA_ROOT) / "participation" / "a.png").write_bytes(b"changed")
    assert everything() != before

    call_command("restore", str(archive), yes=True, verbosity=0)
    assert everything() == before
    assert (Path(settings.MEDIA_ROOT) / "participation" / "a.png").read_bytes() == (
        b"\x89PNG fake image"
    )
    # The restored database works through the ORM, the log is still append-only.
    assert User.objects.get(email="borger@example.dk").name == "Bente Bæk Ørsted"
    from faelles.core.models import AuditEntry
    entry = AuditEntry.objects.first()
    with pytest.raises(Exception):  # noqa: B017 - the database trigger refuses it
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        note = tmp_path / "note.txt"
        note.write_text("hello")
        tar.add(note, arcname="note.txt")
    with pytest.raises(CommandError, match="not a Fælles backup"):
        call_command("restore", str(bogus), yes=True)
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)


def test_restore_refuses_another_engine(tmp_path, db):
    import json

    manifest = tmp_path / "manifest.json"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest.write_text(json.dumps({"format": "faelles-backup/1", "engine": other}))
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
    with pytest.raises(CommandError, match="same kind of database"):
        call_command("restore", str(archive), yes=True)
