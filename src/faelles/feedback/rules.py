"""Who may see and do what in the feedback loop (see faelles.core.permissions)."""

from typing import Any

import rules

from faelles.core.permissions import (
    is_admin,
    is_politician,
    is_process_manager,
    is_staff_member,
)


@rules.predicate
def contribution_is_public(user: Any, obj: Any = None) -> bool:
    if obj is None:
        return True
    contribution = getattr(obj, "contribution", obj)
    process = getattr(contribution, "process", None)
    return bool(
        getattr(contribution, "is_public", True)
        and (process is None or process.is_published)
    )


@rules.predicate
def is_own(user: Any, obj: Any = None) -> bool:
    return obj is not None and getattr(obj, "user_id", None) == getattr(user, "pk", -1)


# Back-office (admin) access: process managers handle answers; admins configure statuses.
rules.add_perm("feedback", is_process_manager)
rules.add_perm("feedback.view_any", is_staff_member)
for _model in ("answer", "contributionstate", "outcome", "redaction", "processcase"):
    for _verb in ("view", "add", "change"):
        rules.add_perm(f"feedback.{_verb}_{_model}", is_process_manager)
rules.add_perm("feedback.delete_outcome", is_process_manager)
rules.add_perm("feedback.delete_redaction", is_process_manager)
rules.add_perm("feedback.view_status", is_process_manager)
for _verb in ("add", "change", "delete"):
    rules.add_perm(f"feedback.{_verb}_status", is_admin)
rules.add_perm("feedback.view_historyentry", is_process_manager)
rules.add_perm("feedback.view_outbox", is_admin)

# Public pages.
rules.add_perm("feedback.view_trace", contribution_is_public | is_process_manager)
rules.add_perm("feedback.view_memo", contribution_is_public | is_process_manager)
rules.add_perm("feedback.follow_target", rules.is_authenticated)
rules.add_perm("feedback.read_notification", is_own)

# Staff work.
rules.add_perm("feedback.answer_contribution", is_process_manager)
rules.add_perm("feedback.export_process", is_process_manager)
rules.add_perm("feedback.view_internal_memo", is_process_manager | is_politician)
rules.add_perm("feedback.view_overdue", is_staff_member | is_politician)
rules.add_perm("feedback.view_politician_overview", is_politician | is_process_manager)
