"""Who may do what in participation. The phase table lives in phases.py; this module turns it
into `rules` predicates, and every view, form, service and admin page asks them through
`faelles.core.permissions.can(user, "participation.<verb>_<model>", obj)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules
from django.conf import settings
from django.utils import timezone

from faelles.core.permissions import (
    is_moderator,
    is_process_manager,
    is_staff_member,
    roles_of,
)
from faelles.participation import phases
from faelles.participation.phases import Action


def _now() -> dt.datetime:
    return timezone.now()


def effective_roles(user: Any, obj: Any) -> frozenset[str]:
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    if not authenticated:
        return phases.effective_roles((), authenticated=False)
    return phases.effective_roles(
        roles_of(user, getattr(obj, "municipality_id", None)), authenticated=True
    )


def _process_of(obj: Any) -> Any:
    """The process an object belongs to (a process, contribution, comment or meeting)."""
    if obj is None:
        return None
    if hasattr(obj, "phase_list"):
        return obj
    if getattr(obj, "version_id", None) is not None:  # a paragraph of a draft
        return obj.version.process
    if getattr(obj, "paragraph_id", None) is not None and hasattr(obj, "contribution_id") \
            and obj.contribution_id is None:  # a comment on a paragraph
        return obj.paragraph.version.process
    if getattr(obj, "contribution_id", None) is not None and not hasattr(obj, "kind"):
        return obj.contribution.process  # a comment on a contribution
    return getattr(obj, "process", None)


def process_allows(user: Any, process: Any, action: str, now: dt.datetime | None = None) -> bool:
    """The phase rule for `action` on `process` now (the process must be published)."""
    if process is None or not process.is_published:
        return False
    return phases.allowed_now(
        process.phase_spans(), action, effective_roles(user, process), now or _now()
    )


def _phase_predicate(action: str) -> rules.Predicate:
    @rules.predicate(name=f"phase_allows({action})")
    def predicate(user: Any, obj: Any = None) -> bool:
        return process_allows(user, _process_of(obj), action)

    return predicate


@rules.predicate
def is_published_process(user: Any, process: Any = None) -> bool:
    return process is not None and process.is_published


@rules.predicate
def contribution_is_public(user: Any, contribution: Any = None) -> bool:
    return (
        contribution is not None and contribution.is_public
        and contribution.process.is_published
    )


@rules.predicate
def contribution_is_readable(user: Any, contribution: Any = None) -> bool:
    # A hidden contribution keeps its page, which says why it was hidden.
    return contribution is not None and contribution.process.is_published


@rules.predicate
def is_author(user: Any, obj: Any = None) -> bool:
    return (
        obj is not None and getattr(user, "is_authenticated", False)
        and obj.author_id == user.pk
    )


@rules.predicate
def within_edit_grace(user: Any, obj: Any = None) -> bool:
    if obj is None:
        return False
    limit = dt.timedelta(minutes=settings.FAELLES_EDIT_GRACE_MINUTES)
    return _now() - obj.created_at <= limit


@rules.predicate
def not_withdrawn(user: Any, obj: Any = None) -> bool:
    return obj is not None and obj.withdrawn_at is None


@rules.predicate
def not_hidden(user: Any, obj: Any = None) -> bool:
    return obj is not None and not obj.is_hidden


@rules.predicate
def has_open_places_or_waiting_list(user: Any, meeting: Any = None) -> bool:
    return meeting is not None and meeting.end > _now()


@rules.predicate
def paragraph_is_public(user: Any, paragraph: Any = None) -> bool:
    return paragraph is not None and paragraph.version.process.is_published


@rules.predicate
def meeting_is_published(user: Any, meeting: Any = None) -> bool:
    return meeting is not None and meeting.process.is_published


can_read = _phase_predicate(Action.READ)
can_contribute = _phase_predicate(Action.CONTRIBUTE)
can_comment = _phase_predicate(Action.COMMENT)
can_support = _phase_predicate(Action.SUPPORT)
can_register_meeting = _phase_predicate(Action.REGISTER_MEETING)
can_respond_hearing = _phase_predicate(Action.RESPOND_HEARING)
can_register_offline = _phase_predicate(Action.REGISTER_OFFLINE)

# Reading.
rules.add_perm("participation.view_any", is_staff_member)
rules.add_perm("participation.view_process", (is_published_process & can_read) | is_staff_member)
rules.add_perm("participation.view_contribution",
               contribution_is_readable | is_staff_member)
rules.add_perm("participation.view_meeting", meeting_is_published | is_staff_member)
rules.add_perm("participation.view_paragraph", paragraph_is_public | is_staff_member)

# Taking part (phase-dependent; see phases.py).
rules.add_perm("participation.contribute_process", can_contribute)
rules.add_perm("participation.respond_process", can_respond_hearing)
rules.add_perm("participation.register_offline_process", can_register_offline)
rules.add_perm("participation.comment_contribution", can_comment & contribution_is_public)
rules.add_perm("participation.comment_paragraph", can_comment & paragraph_is_public)
rules.add_perm("participation.support_contribution",
               can_support & contribution_is_public & ~is_author)
rules.add_perm("participation.register_meeting",
               can_register_meeting & has_open_places_or_waiting_list)

# One's own contribution: edit within the grace period, withdraw while not withdrawn.
rules.add_perm("participation.change_contribution", is_author & within_edit_grace & not_withdrawn)
rules.add_perm("participation.withdraw_contribution", is_author & not_withdrawn)
# One's own comment (on a contribution or a paragraph): edit within the same grace period, not
# once a moderator has hidden it. A verb of its own: "change_comment" is the back-office's.
rules.add_perm("participation.edit_comment", is_author & within_edit_grace & not_hidden)
rules.add_perm("participation.report_contribution", rules.is_authenticated)
rules.add_perm("participation.report_comment", rules.is_authenticated)

# Hearing responses: staff publish a redacted text when a response names others.
rules.add_perm("participation.redact_contribution", is_process_manager)

# Moderation.
rules.add_perm("participation.moderate_contribution", is_moderator)
rules.add_perm("participation.moderate_comment", is_moderator)
rules.add_perm("participation.view_report", is_moderator)

# Back-office (the admin asks the same rules through user.has_perm). Rules above take
# precedence; these fill in the remaining model permissions.
rules.add_perm("participation", is_process_manager | is_moderator)
_BACKOFFICE = {
    "process": is_process_manager, "phase": is_process_manager,
    "question": is_process_manager, "meeting": is_process_manager,
    "registration": is_process_manager, "contribution": is_process_manager | is_moderator,
    "comment": is_moderator | is_process_manager, "report": is_moderator,
    "support": is_process_manager, "draftversion": is_process_manager,
    "paragraph": is_process_manager,
}
for _model, _predicate in _BACKOFFICE.items():
    for _verb in ("view", "add", "change", "delete"):
        if not rules.perm_exists(f"participation.{_verb}_{_model}"):
            rules.add_perm(f"participation.{_verb}_{_model}", _predicate)
