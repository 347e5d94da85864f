"""Shared bits of the indicator commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from faelles.core.models import Municipality


def municipality_option(slug: str | None) -> Municipality:
    """The municipality named by --municipality, or the default one."""
    if slug:
        found = Municipality.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"No municipality with the short name {slug!r}.")
        return found
    found = Municipality.objects.filter(is_default=True).first()
    if found is None:
        raise CommandError("There is no default municipality; give --municipality.")
    return found
