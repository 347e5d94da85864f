"""Writes to the SDG catalogue: only the loader, since the catalogue is reference data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from faelles.sdg import catalogue
from faelles.sdg.colours import OFFICIAL_COLOURS
from faelles.sdg.models import Dimension

# The "wedding cake" model (Stockholm Resilience Centre): biosphere, society, economy; 17 spans all.
WEDDING_CAKE: dict[int, str] = {
    **{n: Dimension.ENVIRONMENTAL for n in (6, 13, 14, 15)},
    **{n: Dimension.SOCIAL for n in (1, 2, 3, 4, 5, 7, 11, 16)},
    **{n: Dimension.ECONOMIC for n in (8, 9, 10, 12)},
    17: "",
}


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _sync(
    model: type[models.Model], key: str, wanted: dict[Any, dict[str, Any]], result: LoadResult
) -> dict[Any, Any]:
    """Create missing rows and update rows whose fields differ; return key -> pk."""
    existing = {getattr(o, key): o for o in model._default_manager.all()}
    to_create, to_update, fields = [], [], set()
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**{key: k}, **values))
            continue
        changed = [f for f, v in values.items() if getattr(obj, f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, values[f])
            fields.update(changed)
            to_update.append(obj)
    if to_create:
        model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields), batch_size=200)
    result.created += len(to_create)
    result.updated += len(to_update)
    return dict(model._default_manager.values_list(key, "pk"))


@transaction.atomic
def sdg_catalogue_load(*, apps: Any = None) -> LoadResult:
    """Load or refresh the 17 goals, 169 targets and 252 indicators (247 current) from the
    package data. Idempotent: a second run finds nothing to change.

    `apps` is the historical app registry when called from a data migration.
    """
    if apps is not None:
        Goal = apps.get_model("sdg", "Goal")
        Target = apps.get_model("sdg", "Target")
        Indicator = apps.get_model("sdg", "Indicator")
    else:
        from faelles.sdg.models import Goal, Indicator, Target
    goals, targets, indicators = catalogue.load()
    result = LoadResult()
    goal_pk = _sync(Goal, "number", {
        g.number: {
            "colour": OFFICIAL_COLOURS[g.number], "dimension": WEDDING_CAKE[g.number],
            "short_title_da": g.short_da, "short_title_en": g.short_en,
            "title_da": g.title_da, "title_en": g.title_en,
            # The short Danish names are in public use; the long titles are our translation.
            "da_is_own_translation": True,
        } for g in goals
    }, result)
    target_pk = _sync(Target, "code", {
        t.code: {
            "goal_id": goal_pk[t.goal], "sort_key": t.sort_key,
            "title_da": t.title_da, "title_en": t.title_en, "da_is_own_translation": True,
        } for t in targets
    }, result)
    # Two passes so `repeat_of` can point at an indicator created in the same run.
    indicator_pk = _sync(Indicator, "code", {
        i.code: {
            "target_id": target_pk[i.target], "sort_key": i.sort_key,
            "title_da": i.title_da, "title_en": i.title_en,
            "is_current": i.is_current, "da_is_own_translation": True,
        } for i in indicators
    }, result)
    _sync(Indicator, "code", {
        i.code: {"repeat_of_id": indicator_pk[i.repeat_of] if i.repeat_of else None}
        for i in indicators
    }, result)
    if apps is None and result.changed:
        # Bulk writes send no signals: every page showing the catalogue is stale now (a data
        # migration runs before any page was cached). Again after commit, so a page computed
        # from the old rows while this transaction ran is not kept.
        from faelles.core import pagecache

        pagecache.bump_all()
        transaction.on_commit(pagecache.bump_all)
    return result
