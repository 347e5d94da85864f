"""Who may see and edit the strategy (see faelles.core.permissions)."""

from typing import Any

import rules

from faelles.core.permissions import is_editor, is_staff_member


@rules.predicate
def is_public(user: Any, obj: Any = None) -> bool:
    # Without an object (list pages, admin index) the question is "may see published ones".
    return obj is None or bool(getattr(obj, "is_published", True))


rules.add_perm("strategy", is_staff_member)
rules.add_perm("strategy.view_any", is_editor)
for model in (
    "vision", "pillar", "focussdg", "decision", "strategydocument", "documentpoint",
    "goal", "initiative", "milestone",
):
    rules.add_perm(f"strategy.view_{model}", is_public | is_editor)
    for verb in ("add", "change", "delete"):
        rules.add_perm(f"strategy.{verb}_{model}", is_editor)
