"""Background work for accounts and privacy."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_retention() -> dict[str, int]:
    """Run every retention rule of every app (faelles.core.privacy); returns what changed."""
    from faelles.core.privacy import run_retention

    return run_retention()
