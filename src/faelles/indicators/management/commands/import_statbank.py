"""Refresh indicators from Statistics Denmark: `faelles import-statbank [SLUG ...]`.

Without slugs, every active StatBank mapping of the municipality is refreshed. The base URL is
the setting FAELLES_STATBANK_URL.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from faelles.indicators.management.commands._common import municipality_option
from faelles.indicators.models import StatBankMapping
from faelles.indicators.services import ObservationImportError, statbank_refresh


class Command(BaseCommand):
    help = "Fetch the mapped StatBank tables and import them (all active ones by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("indicators", nargs="*", help="indicator short names (slugs)")
        parser.add_argument("--municipality", help="short name; default: the default one")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_option(options["municipality"])
        mappings = StatBankMapping.objects.filter(municipality=municipality).select_related(
            "indicator"
        )
        slugs: list[str] = options["indicators"]
        if slugs:
            mappings = mappings.filter(indicator__slug__in=slugs)
            found = {m.indicator.slug for m in mappings}
            missing = [slug for slug in slugs if slug not in found]
            if missing:
                raise CommandError(
                    "No StatBank mapping for: " + ", ".join(missing)
                )
        else:
            mappings = mappings.filter(is_active=True)
        failed = 0
        for mapping in mappings.order_by("indicator__slug"):
            try:
                run = statbank_refresh(mapping=mapping)
            except ObservationImportError:
                failed += 1
                self.stderr.write(f"{mapping.indicator.slug} ({mapping.table}): failed")
                self.stderr.write(mapping.last_error)
                continue
            self.stdout.write(
                f"{mapping.indicator.slug} ({mapping.table}): {run.rows} rows, "
                f"{run.created} new, {run.updated} changed"
            )
        if failed:
            raise CommandError(f"{failed} table(s) could not be refreshed.")
