"""Writes to the strategy: keeping derived data (progress roll-up, search index) in step.

Staff edit through the admin, which calls `strategy_item_saved` after every save, so the same
rules hold there and in the demo loader.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from faelles.core import pagecache
from faelles.search import registry
from faelles.search.services import search_index, search_remove
from faelles.strategy.models import Initiative, InitiativeStatus
from faelles.strategy.progress import Part, rollup

MAX_DEPTH = 10  # a guard against a cycle someone made through the database by hand


@transaction.atomic
def initiative_update_progress(*, initiative: Initiative) -> None:
    """Recompute `progress_total` of `initiative` and of every initiative above it.

    Cancelled sub-initiatives do not count: they will never finish, and would hold the parent
    back forever.
    """
    current: Initiative | None = initiative
    changed = False
    for _ in range(MAX_DEPTH):
        if current is None:
            break
        parts = [
            Part(progress=p, weight=w)
            for p, w in current.children.exclude(status=InitiativeStatus.CANCELLED)
            .values_list("progress_total", "weight")
        ]
        total = rollup(current.progress, parts)
        if total != current.progress_total:
            current.progress_total = total
            Initiative.objects.filter(pk=current.pk).update(progress_total=total)
            changed = True
        current = current.parent
    if changed:
        # update() sends no signal: cached pages and parts that show the progress (initiative
        # pages, the feedback panels of linked contributions) must be rendered again.
        pagecache.bump(initiative.municipality_id)


@transaction.atomic
def strategy_item_saved(*, obj: Any, old_parent_id: int | None = None) -> None:
    """Call after creating or changing any strategy object (admin, demo, importers)."""
    if isinstance(obj, Initiative):
        initiative_update_progress(initiative=obj)
        if old_parent_id and old_parent_id != obj.parent_id:
            old = Initiative.objects.filter(pk=old_parent_id).first()
            if old is not None:
                initiative_update_progress(initiative=old)
    if registry.is_registered(obj):  # milestones, e.g., are shown on their initiative only
        search_index(obj)


@transaction.atomic
def strategy_item_deleted(*, obj: Any) -> None:
    """Call after deleting a strategy object."""
    if registry.is_registered(obj):
        search_remove(obj)
    if isinstance(obj, Initiative) and obj.parent_id:
        parent = Initiative.objects.filter(pk=obj.parent_id).first()
        if parent is not None:
            initiative_update_progress(initiative=parent)
