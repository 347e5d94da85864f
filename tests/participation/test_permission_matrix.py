"""The permission matrix: every action x every phase type x before/during/after x every role.

The expected values are written out here by hand, from the issue text and DESIGN.md, NOT derived
from faelles.participation.phases: if the code and this table disagree, one of them is wrong.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from faelles.core.permissions import can
from faelles.participation.models import Contribution, Meeting, Phase, Process

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "politician", "moderator", "process_manager", "editor", "admin"]
PHASE_TYPES = [
    "idea_collection", "community_lab", "pre_hearing", "hearing", "decision", "follow_up"
]
TIMINGS = ["before", "during", "after"]

# Role codes: A anonymous, C citizen, P politician, M moderator, PM process manager, E editor,
# AD admin. Each cell lists who may do the action WHILE a phase of that type runs.
_ALL = "A C P M PM E AD"
_SIGNED_IN = "C P M PM E AD"
_DISCUSS = "C P M PM AD"
EXPECTED_DURING = {
    # columns: read, contribute, comment, support, register_meeting, respond_hearing,
    # register_offline
    "idea_collection": (_ALL, "C P", _DISCUSS, "C", _SIGNED_IN, "", "PM AD"),
    "community_lab": (_ALL, "C P", _DISCUSS, "", _SIGNED_IN, "", "PM AD"),
    "pre_hearing": (_ALL, "C P", _DISCUSS, "C", _SIGNED_IN, "", "PM AD"),
    "hearing": (_ALL, "", _DISCUSS, "", _SIGNED_IN, "C", "PM AD"),
    "decision": (_ALL, "", "", "", "", "", ""),
    "follow_up": (_ALL, "", _DISCUSS, "", _SIGNED_IN, "", ""),
}
ACTIONS = ["read", "contribute", "comment", "support", "register_meeting", "respond_hearing",
           "register_offline"]
# Outside its dates a phase allows nothing but reading.
EXPECTED_OUTSIDE = ("A C P M PM E AD", "", "", "", "", "", "")
CODES = {"A": "anonymous", "C": "citizen", "P": "politician", "M": "moderator",
         "PM": "process_manager", "E": "editor", "AD": "admin"}


def expected(phase_type: str, timing: str, action: str, role: str) -> bool:
    row = EXPECTED_DURING[phase_type] if timing == "during" else EXPECTED_OUTSIDE
    cell = row[ACTIONS.index(action)]
    return role in {CODES[c] for c in cell.split()}


def _dates(timing: str) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    day = dt.timedelta(days=1)
    return {
        "before": (now + day, now + 2 * day),
        "during": (now - day, now + day),
        "after": (now - 2 * day, now - day),
    }[timing]


@pytest.fixture
def world(municipality, make_user):
    def build(phase_type: str, timing: str, role: str):
        process = Process.objects.create(
            municipality=municipality, title="Forløb", slug="forloeb", is_published=True
        )
        start, end = _dates(timing)
        Phase.objects.create(municipality=municipality, process=process, type=phase_type,
                             title="Fase", start=start, end=end)
        someone = make_user()
        contribution = Contribution.objects.create(
            municipality=municipality, process=process, author=someone, title="Idé", text="Tekst"
        )
        now = timezone.now()
        meeting = Meeting.objects.create(
            municipality=municipality, process=process, title="Møde",
            start=now + dt.timedelta(days=5), end=now + dt.timedelta(days=5, hours=2),
        )
        if role == "anonymous":
            user = None
        elif role == "citizen":
            user = make_user()
        else:
            user = make_user(roles=(role,), municipality=municipality)
        process = Process.objects.get(pk=process.pk)
        return user, {
            "read": ("participation.view_process", process),
            "contribute": ("participation.contribute_process", process),
            "comment": ("participation.comment_contribution", contribution),
            "support": ("participation.support_contribution", contribution),
            "register_meeting": ("participation.register_meeting", meeting),
            "respond_hearing": ("participation.respond_process", process),
            "register_offline": ("participation.register_offline_process", process),
        }

    return build


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("timing", TIMINGS)
@pytest.mark.parametrize("phase_type", PHASE_TYPES)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(world, action, phase_type, timing, role):
    user, checks = world(phase_type, timing, role)
    perm, obj = checks[action]
    assert can(user, perm, obj) is expected(phase_type, timing, action, role), (
        f"{role} {action} {timing} {phase_type}"
    )


def test_unpublished_process_is_closed_to_the_public(world):
    user, checks = world("idea_collection", "during", "citizen")
    process = checks["contribute"][1]
    process.is_published = False
    assert not can(user, "participation.contribute_process", process)
    assert not can(user, "participation.view_process", process)
    assert not can(None, "participation.view_process", process)


def test_nobody_supports_their_own_contribution(world):
    user, checks = world("idea_collection", "during", "citizen")
    contribution = checks["support"][1]
    contribution.author = user
    assert not can(user, "participation.support_contribution", contribution)


def test_hidden_contribution_takes_no_comments_or_supports(world):
    user, checks = world("idea_collection", "during", "citizen")
    contribution = checks["comment"][1]
    contribution.is_hidden = True
    assert not can(user, "participation.comment_contribution", contribution)
    assert not can(user, "participation.support_contribution", contribution)
