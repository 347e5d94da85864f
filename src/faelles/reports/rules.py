"""Who may see and make report editions (see faelles.core.permissions)."""

from typing import Any

import rules

from faelles.core.permissions import is_editor


@rules.predicate
def is_published(user: Any, obj: Any = None) -> bool:
    # Without an object (the list page) the question is "may see published editions".
    return obj is None or bool(getattr(obj, "is_published", False))


rules.add_perm("reports", is_editor)
rules.add_perm("reports.view_any", is_editor)
rules.add_perm("reports.view_reportedition", is_published | is_editor)
for verb in ("add", "change", "delete"):
    rules.add_perm(f"reports.{verb}_reportedition", is_editor)
    rules.add_perm(f"reports.{verb}_sectiontext", is_editor)
rules.add_perm("reports.view_sectiontext", is_editor)
rules.add_perm("reports.generate_reportedition", is_editor)
rules.add_perm("reports.publish_reportedition", is_editor)
