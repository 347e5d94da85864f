"""`faelles load-sdg`: load or refresh the UN SDG catalogue (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from faelles.sdg.services import sdg_catalogue_load
from faelles.search.services import search_reindex


class Command(BaseCommand):
    help = "Load the UN SDG catalogue (17 goals, 169 targets, 231 unique indicators). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sdg_catalogue_load()
        # Targets and goals are searchable from every municipality; rebuilding them is cheap.
        documents = search_reindex(kinds=["sdg.goal", "sdg.target"])
        self.stdout.write(
            f"SDG catalogue: {result.created} created, {result.updated} updated; "
            f"{documents} search documents."
        )
