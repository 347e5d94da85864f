"""`faelles load-sdg`: load or refresh the UN SDG catalogue (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from faelles.sdg.services import sdg_catalogue_load


class Command(BaseCommand):
    help = "Load the UN SDG catalogue (17 goals, 169 targets, 231 unique indicators). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sdg_catalogue_load()
        self.stdout.write(
            f"SDG catalogue: {result.created} created, {result.updated} updated."
        )
