"""`faelles search-reindex`: rebuild the full-text index of every registered kind."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from faelles.search.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the site search index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", action="append", help="Only this kind (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_reindex(kinds=options["kind"])
        self.stdout.write(f"Search index: {count} documents.")
