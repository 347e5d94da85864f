"""Phase types and what each role may do in them: the ONE place these rules live.

A phase type is code, not data (as in adhocracy4): a `Phase` row stores only its type, dates and
texts. `ALLOWED[phase_type][action]` names the roles that may do `action` while a phase of that
type is running (`start <= now < end`). Outside every running phase nothing but `read` is
allowed. Several phases of one process may run at once (a hearing beside a meeting series); an
action is allowed when any running phase allows it.

Role semantics: every signed-in account is a citizen, but a person who holds an official role
(politician or staff) in the municipality acts in that role here. So "citizen" below means "a
signed-in person without an official role"; staff who want to take part privately use a private
account. This keeps supports and hearing responses free of the municipality's own votes.

rules.py turns this table into predicates; views, forms, services and the admin ask those
predicates, never this module directly, so no part of the code can disagree with another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseType(models.TextChoices):
    IDEA_COLLECTION = "idea_collection", _("idea collection")
    COMMUNITY_LAB = "community_lab", _("community lab")
    PRE_HEARING = "pre_hearing", _("pre-hearing")
    HEARING = "hearing", _("hearing")
    DECISION = "decision", _("decision")
    FOLLOW_UP = "follow_up", _("follow-up")


class Action(models.TextChoices):
    READ = "read", _("read")
    CONTRIBUTE = "contribute", _("contribute")
    COMMENT = "comment", _("comment")
    SUPPORT = "support", _("support")
    REGISTER_MEETING = "register_meeting", _("sign up for meetings")
    RESPOND_HEARING = "respond_hearing", _("send a hearing response")
    # Staff type in letters, phone calls and workshop notes on behalf of participants.
    REGISTER_OFFLINE = "register_offline", _("register input received offline")


ANONYMOUS = "anonymous"
CITIZEN = "citizen"
POLITICIAN = "politician"
MODERATOR = "moderator"
PROCESS_MANAGER = "process_manager"
EDITOR = "editor"
ADMIN = "admin"

ALL_ROLES: frozenset[str] = frozenset(
    {ANONYMOUS, CITIZEN, POLITICIAN, MODERATOR, PROCESS_MANAGER, EDITOR, ADMIN}
)
SIGNED_IN = ALL_ROLES - {ANONYMOUS}
# Who may take part in a discussion: everyone signed in except editors, who run the vision and
# indicators, not processes.
DISCUSSANTS = frozenset({CITIZEN, POLITICIAN, MODERATOR, PROCESS_MANAGER, ADMIN})
# Ideas and proposals come from the public; politicians sat beside citizens in Temaudvalget.
PUBLIC = frozenset({CITIZEN, POLITICIAN})
OFFLINE_REGISTRARS = frozenset({PROCESS_MANAGER, ADMIN})
NOBODY: frozenset[str] = frozenset()

# Reading a published process is never tied to a phase: before, during and after, for everyone.
ALWAYS: dict[str, frozenset[str]] = {Action.READ: ALL_ROLES}

ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    PhaseType.IDEA_COLLECTION: {
        Action.CONTRIBUTE: PUBLIC,
        Action.COMMENT: DISCUSSANTS,
        Action.SUPPORT: frozenset({CITIZEN}),
        Action.REGISTER_MEETING: SIGNED_IN,
        Action.RESPOND_HEARING: NOBODY,
        Action.REGISTER_OFFLINE: OFFLINE_REGISTRARS,
    },
    PhaseType.COMMUNITY_LAB: {
        Action.CONTRIBUTE: PUBLIC,
        Action.COMMENT: DISCUSSANTS,
        Action.SUPPORT: NOBODY,
        Action.REGISTER_MEETING: SIGNED_IN,
        Action.RESPOND_HEARING: NOBODY,
        Action.REGISTER_OFFLINE: OFFLINE_REGISTRARS,
    },
    PhaseType.PRE_HEARING: {
        Action.CONTRIBUTE: PUBLIC,
        Action.COMMENT: DISCUSSANTS,
        Action.SUPPORT: frozenset({CITIZEN}),
        Action.REGISTER_MEETING: SIGNED_IN,
        Action.RESPOND_HEARING: NOBODY,
        Action.REGISTER_OFFLINE: OFFLINE_REGISTRARS,
    },
    PhaseType.HEARING: {
        Action.CONTRIBUTE: NOBODY,
        Action.COMMENT: DISCUSSANTS,
        Action.SUPPORT: NOBODY,
        Action.REGISTER_MEETING: SIGNED_IN,
        # The council decides on the hearing, so its members do not send responses to it.
        Action.RESPOND_HEARING: frozenset({CITIZEN}),
        Action.REGISTER_OFFLINE: OFFLINE_REGISTRARS,
    },
    PhaseType.DECISION: {
        Action.CONTRIBUTE: NOBODY,
        Action.COMMENT: NOBODY,
        Action.SUPPORT: NOBODY,
        Action.REGISTER_MEETING: NOBODY,
        Action.RESPOND_HEARING: NOBODY,
        Action.REGISTER_OFFLINE: NOBODY,
    },
    PhaseType.FOLLOW_UP: {
        Action.CONTRIBUTE: NOBODY,
        Action.COMMENT: DISCUSSANTS,
        Action.SUPPORT: NOBODY,
        Action.REGISTER_MEETING: SIGNED_IN,
        Action.RESPOND_HEARING: NOBODY,
        Action.REGISTER_OFFLINE: NOBODY,
    },
}

# Which kinds of contribution a phase collects (the form offers only these).
CONTRIBUTION_KINDS: dict[str, tuple[str, ...]] = {
    PhaseType.IDEA_COLLECTION: ("idea", "proposal"),
    PhaseType.COMMUNITY_LAB: ("idea", "workshop_note"),
    PhaseType.PRE_HEARING: ("prehearing_answer",),
    PhaseType.HEARING: ("hearing_response",),
    PhaseType.DECISION: (),
    PhaseType.FOLLOW_UP: (),
}

OFFICIAL_ROLES = frozenset({POLITICIAN, MODERATOR, PROCESS_MANAGER, EDITOR, ADMIN})


def effective_roles(roles: Iterable[str], *, authenticated: bool) -> frozenset[str]:
    """The roles the matrix is read with (see "Role semantics" above)."""
    if not authenticated:
        return frozenset({ANONYMOUS})
    roles = frozenset(roles)
    official = roles & OFFICIAL_ROLES
    return official if official else frozenset({CITIZEN})


def phase_allows(phase_type: str, action: str, roles: frozenset[str]) -> bool:
    """May someone with `roles` (effective roles) do `action` while a `phase_type` phase runs?"""
    if action in ALWAYS:
        return bool(ALWAYS[action] & roles)
    return bool(ALLOWED.get(phase_type, {}).get(action, NOBODY) & roles)


def is_running(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> bool:
    """A phase runs from its start up to, not including, its end."""
    return start <= now < end


class PhaseTiming:
    """Where a phase stands in time, for the model and for its plain-value copy (selectors)
    alike: both have `start` and `end`."""

    __slots__ = ()
    start: dt.datetime
    end: dt.datetime

    def is_running(self, now: dt.datetime | None = None) -> bool:
        from django.utils import timezone

        return is_running(self.start, self.end, now or timezone.now())

    @property
    def last_moment(self) -> dt.datetime:
        """For display: a phase ending at midnight is open through the day before."""
        return self.end - dt.timedelta(seconds=1)

    def state(self, now: dt.datetime | None = None) -> str:
        from django.utils import timezone

        now = now or timezone.now()
        if now < self.start:
            return "future"
        return "running" if now < self.end else "past"


def allowed_now(
    phases: Iterable[tuple[str, dt.datetime, dt.datetime]], action: str,
    roles: frozenset[str], now: dt.datetime,
) -> bool:
    """True when `action` is always allowed for `roles`, or a running phase allows it."""
    if action in ALWAYS:
        return bool(ALWAYS[action] & roles)
    return any(
        is_running(start, end, now) and phase_allows(ptype, action, roles)
        for ptype, start, end in phases
    )
