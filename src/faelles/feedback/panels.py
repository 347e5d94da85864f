"""The feedback panel of a contribution ("What happened to it") as HTML, cached per
contribution, language and local day (issue 9: it was about half of a contribution page).

The panel follows only from the municipality's content, so it is kept under the municipality's
generation number (`faelles.core.pagecache.fragment`) and rendered again after any write that
can change what it shows:

- statuses, feedback states (status, answer, deadline override), answers, outcomes, history,
  processes (answer deadline), decisions, initiatives and strategy documents are municipal
  content: their saves and deletes move the generation through core's signals;
- an initiative's `progress_total` is rolled up with `update()`:
  `faelles.strategy.services.initiative_update_progress` bumps;
- the staff-names setting is a field of the municipality itself, which is no municipal
  content: core bumps on every Municipality save; the setting is also part of the key, because each
  process keeps its municipality for up to 30 s (`core.tenancy.HOST_CACHE_SECONDS`): a process
  that still has the old setting must not store its panel where the others look for the new
  one;
- an answer shows its author's current name, and the account is no municipal content either:
  `answer_author_saved` and `answer_author_deleting` bump the municipalities where the person
  wrote answers (participation's receivers cover only the municipalities of their comments);
- "overdue" starts at local midnight (every deadline is a midnight in Europe/Copenhagen, see
  `models.deadline_for`), so the local date is part of the key.

Nothing in the panel depends on the visitor (the follow button and the staff links are outside
it): one copy serves everyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from markupsafe import Markup

from faelles.core import pagecache
from faelles.feedback.models import COPENHAGEN
from faelles.participation.models import Contribution

# Part of every key: a deploy that changes the panel's markup never serves the old one.
SHAPE = "v1"


def local_day(now: dt.datetime) -> dt.date:
    """The day in Copenhagen: the overdue state changes only when it does."""
    return now.astimezone(COPENHAGEN).date()


def panel_key(contribution: Contribution, now: dt.datetime) -> str:
    """Per contribution, language, local day (overdue) and staff-names setting (see above)."""
    lang = translation.get_language() or "da"
    names = int(contribution.municipality.show_staff_names)
    return f"feedback:{SHAPE}:trace:{contribution.pk}:{lang}:{local_day(now).isoformat()}:{names}"


def trace_panel(contribution: Contribution) -> Markup:
    """The panel's HTML (`feedback/_trace_panel.html`), from the cache while nothing it shows
    has changed. The contribution needs `process` and `municipality` loaded."""
    from faelles.feedback.selectors import contribution_trace

    now = timezone.now()
    key = panel_key(contribution, now)

    def load() -> str:
        # The same `now` as the key: a panel rendered just after midnight is never stored
        # under the day before.
        trace = contribution_trace(contribution, now=now)
        return render_to_string("feedback/_trace_panel.html", {"trace": trace})

    html = pagecache.fragment(key, contribution.municipality_id, load)
    # Our own autoescaped template output, cached as a plain string.
    return Markup(html)  # noqa: S704


# --- writes without a signal of the municipality's content ------------------------------------

def _answer_municipalities(user: Any) -> list[int]:
    from faelles.feedback.models import Answer

    return list(Answer.objects.filter(author=user).order_by()
                .values_list("municipality_id", flat=True).distinct())


def _bump(municipality_ids: list[int]) -> None:
    for mid in municipality_ids:
        pagecache.bump(mid)


def answer_author_saved(sender: Any, instance: Any, created: bool = False,
                        update_fields: Any = None, **kwargs: Any) -> None:
    """post_save of the user model: a save that may change the name (not a login's
    `last_login`) invalidates the panels showing the person's answers."""
    if created or (update_fields is not None and "name" not in update_fields):
        return
    _bump(_answer_municipalities(instance))


def answer_author_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_delete of the user model: the answers lose their author by SET_NULL, an update
    without signals; find their municipalities while the rows still name the person."""
    _bump(_answer_municipalities(instance))

