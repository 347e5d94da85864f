"""Runs last in the demo: index everything the other apps loaded."""

from __future__ import annotations

from typing import Any

from faelles.core.models import Municipality
from faelles.search.services import search_reindex


def load(*, municipality: Municipality, users: dict[str, Any], stdout: Any) -> None:
    count = search_reindex()
    stdout.write(f"Search index: {count} documents.\n")
