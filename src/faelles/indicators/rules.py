"""Who may do what with indicators (see faelles.core.permissions)."""

import rules

from faelles.core.permissions import is_editor


@rules.predicate
def is_published(user: object, obj: object = None) -> bool:
    # Published indicators and their data are public; unpublished ones only for editors.
    return obj is not None and bool(getattr(obj, "is_published", False))


rules.add_perm("indicators", is_editor)
rules.add_perm("indicators.view_any", is_editor)
rules.add_perm("indicators.view_indicator", is_published | is_editor)
rules.add_perm("indicators.import_observations", is_editor)
for model in (
    "indicator", "observation", "observationrevision", "assessment", "statbankmapping",
    "importrun",
):
    if model != "indicator":
        rules.add_perm(f"indicators.view_{model}", is_editor)
    for verb in ("add", "change", "delete"):
        rules.add_perm(f"indicators.{verb}_{model}", is_editor)
