"""Assess the headline series of an Open SDG CSV file: `faelles progress FILE.csv ...`.

The same `progress.assess` the site uses, so a status on a page can be checked by hand from a
file. With --json it prints exactly the receipt keys of DESIGN.md (progress method, step 6).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from faelles.indicators import progress
from faelles.indicators.importers.base import NumberFormatError, message, parse_number
from faelles.indicators.importers.opensdg_csv import headline, parse_opensdg_csv
from faelles.indicators.periods import AnnualRule

MAX_ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = "Assess the headline series of a CSV file in the Open SDG layout and print the receipt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file (Open SDG layout: Year, ..., Value)")
        parser.add_argument(
            "--direction", required=True, help="increase or decrease: which way is better"
        )
        parser.add_argument("--target", help="target value (decimal comma or point)")
        parser.add_argument(
            "--target-year", type=int, default=progress.DEFAULT_TARGET_YEAR,
            help="year the target is due (default 2030)",
        )
        parser.add_argument(
            "--base-year", type=int, default=progress.DEFAULT_BASE_YEAR,
            help="measure from the first year with data from this year on (default 2015)",
        )
        parser.add_argument(
            "--rule", default="annual",
            help="how sub-annual data become yearly: annual, mean, K1..K4 or M01..M12",
        )
        parser.add_argument("--unit", default="", help="unit for the plain-words text")
        parser.add_argument("--lang", default="en", choices=["da", "en"])
        parser.add_argument("--json", action="store_true", help="print the receipt as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        try:
            progress.parse_direction(options["direction"])
        except progress.ProgressError as exc:
            raise CommandError(str(exc)) from None
        if options["target_year"] <= options["base_year"]:
            raise CommandError(
                f"target year {options['target_year']} must be after base year "
                f"{options['base_year']}"
            )
        target: float | None = None
        if options["target"] is not None:
            try:
                target = parse_number(options["target"])
            except NumberFormatError:
                raise CommandError(f"--target {options['target']!r} is not a number") from None
        try:
            rule = AnnualRule.parse(options["rule"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None

        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        result = parse_opensdg_csv(data)
        if not result.ok:
            lines = [message(error, lang) for error in result.errors[:MAX_ERRORS_SHOWN]]
            more = len(result.errors) - MAX_ERRORS_SHOWN
            if more > 0:
                lines.append(f"... and {more} more")
            raise CommandError(f"{path} cannot be read:\n" + "\n".join(lines))
        try:
            series = headline(result.observations, rule)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if not series:
            raise CommandError(
                f"{path} has no headline series (rows with every breakdown column blank)"
            )
        try:
            receipt = progress.assess(
                series, direction=options["direction"], target_value=target,
                target_year=options["target_year"], base_year=options["base_year"],
            )
        except progress.ProgressError as exc:
            raise CommandError(str(exc)) from None

        if options["json"]:
            self.stdout.write(json.dumps(receipt.to_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"status: {receipt.status}")
        for key, value in receipt.to_dict().items():
            if key != "status":
                self.stdout.write(f"  {key}: {'-' if value is None else value}")
        self.stdout.write("")
        self.stdout.write(
            progress.describe(
                receipt, lang=lang, unit=options["unit"], target_year=options["target_year"]
            )
        )
