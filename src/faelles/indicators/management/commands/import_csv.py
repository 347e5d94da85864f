"""Import an Open SDG CSV file into an indicator: `faelles import-csv SLUG FILE.csv`.

All or nothing: with any bad row, every error is printed with its line and nothing is stored.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from faelles.indicators.importers.opensdg_csv import parse_opensdg_csv
from faelles.indicators.management.commands._common import municipality_option
from faelles.indicators.models import Indicator
from faelles.indicators.services import (
    ObservationImportError,
    import_errors,
    observations_import_result,
)


class _Counting(io.RawIOBase):
    """A file that moves a progress bar as the parser reads it (bytes, not rows: the row
    count is unknown until the end, while the file size is known at once)."""

    def __init__(self, raw: io.BufferedReader, bar: tqdm) -> None:
        self.raw = raw
        self.bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.bar.update(n)
        return n or 0


class Command(BaseCommand):
    help = "Import a CSV file (Open SDG layout) into an indicator, all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("indicator", help="the indicator's short name (slug)")
        parser.add_argument("file", help="CSV file: Year, breakdown columns..., Value")
        parser.add_argument("--municipality", help="short name; default: the default one")
        parser.add_argument("--lang", default="en", choices=["da", "en"])
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_option(options["municipality"])
        indicator = Indicator.objects.filter(
            municipality=municipality, slug=options["indicator"]
        ).first()
        if indicator is None:
            raise CommandError(
                f"No indicator {options['indicator']!r} in {municipality.name}."
            )
        path = Path(options["file"])
        try:
            size = os.path.getsize(path)
            raw = open(path, "rb")  # noqa: SIM115 - closed below, after parsing
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        with raw, tqdm(
            total=size, unit="B", unit_scale=True, desc=f"Reading {path.name}",
            disable=options["no_progress"], file=self.stderr._out,
        ) as bar:
            result = parse_opensdg_csv(io.BufferedReader(_Counting(raw, bar)))
        try:
            run = observations_import_result(
                indicator=indicator, result=result, source=path.name, kind="csv",
            )
        except ObservationImportError as exc:
            errors = import_errors(exc.run, options["lang"])
            raise CommandError(
                f"Nothing was imported: {len(errors)} error(s) in {path.name}\n"
                + "\n".join(errors)
            ) from None
        self.stdout.write(
            f"Imported {run.rows} rows into {indicator.slug}: {run.created} new, "
            f"{run.updated} changed, {run.unchanged} unchanged."
        )
