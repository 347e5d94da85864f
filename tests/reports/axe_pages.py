"""Pages of this app for the browser accessibility sweep (tests/browser)."""

from __future__ import annotations

from faelles.reports.demo import YEAR


def pages() -> list[str]:
    """The Danish path of the demo edition's HTML report page (the sweep adds /en/)."""
    return [f"/rapporter/{YEAR}/", "/rapporter/"]
