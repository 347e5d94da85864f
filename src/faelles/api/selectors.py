"""What the public may see: the one place the API, the downloads and the feeds get their rows.

Every function returns only published content of one municipality. A row is public only when
its parents are public too (a published goal under an unpublished pillar stays private), and
contributions are public only when their process is published and they are neither hidden by a
moderator nor withdrawn. Personal data never leaves this module: authors appear by the name
they chose to show, never by e-mail address, and offline senders not at all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from faelles.accounts.models import Organisation
from faelles.core.markdown import render_markdown
from faelles.core.models import Municipality
from faelles.indicators.models import Assessment, Observation
from faelles.indicators.models import Indicator as LocalIndicator
from faelles.participation.models import Contribution, Phase, Process
from faelles.sdg.models import Goal as SdgGoal
from faelles.sdg.models import Indicator as SdgIndicator
from faelles.sdg.models import Target as SdgTarget
from faelles.strategy.models import (
    Decision,
    FocusSDG,
    Goal,
    Initiative,
    Milestone,
    Pillar,
    StrategyDocument,
    Vision,
)

# ------------------------------------------------------------------------------ visibility

PUBLIC_PILLAR = Q(is_published=True, vision__is_published=True)
PUBLIC_GOAL = Q(
    is_published=True, pillar__is_published=True, pillar__vision__is_published=True
)
PUBLIC_INDICATOR = Q(
    is_published=True, goal__is_published=True, goal__pillar__is_published=True,
    goal__pillar__vision__is_published=True,
)
PUBLIC_CONTRIBUTION = Q(process__is_published=True, is_hidden=False, withdrawn_at__isnull=True)


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition seen from a related model (`goal__` + each lookup)."""
    return Q(*[(f"{prefix}{k}", v) for k, v in q.children], _connector=q.connector)


# --------------------------------------------------------------------------- SDG catalogue


def sdg_goals() -> QuerySet[SdgGoal]:
    return SdgGoal.objects.order_by("number")


def sdg_targets() -> QuerySet[SdgTarget]:
    return SdgTarget.objects.select_related("goal").order_by("id")


def sdg_indicators() -> QuerySet[SdgIndicator]:
    return SdgIndicator.objects.select_related("target__goal", "repeat_of").order_by("id")


# ------------------------------------------------------------------------------- strategy


def public_pillars(municipality: Municipality) -> QuerySet[Pillar]:
    return Pillar.objects.filter(PUBLIC_PILLAR, municipality=municipality)


def current_vision(municipality: Municipality) -> Vision | None:
    """The latest published vision with its public pillars and focus SDGs (3 queries)."""
    return (
        Vision.objects.filter(municipality=municipality, is_published=True)
        .prefetch_related(
            Prefetch("pillars", queryset=Pillar.objects.filter(is_published=True)),
            Prefetch("focus_sdgs", queryset=FocusSDG.objects.select_related("sdg")),
        )
        .order_by("-period_start", "-id")
        .first()
    )


def public_goals(municipality: Municipality) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(PUBLIC_GOAL, municipality=municipality)
        .select_related("pillar")
        .prefetch_related(
            Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal"))
        )
    )


def public_initiatives(municipality: Municipality) -> QuerySet[Initiative]:
    return (
        Initiative.objects.filter(municipality=municipality, is_published=True)
        .select_related("parent", "adopted_by")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(PUBLIC_GOAL).select_related("pillar").prefetch_related(
                    Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal"))
                ),
            ),
            Prefetch("partners", queryset=Organisation.objects.only("id", "name", "kind", "slug")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
        )
    )


def public_decisions(municipality: Municipality) -> QuerySet[Decision]:
    return Decision.objects.filter(municipality=municipality, is_published=True)


def public_documents(municipality: Municipality) -> QuerySet[StrategyDocument]:
    return (
        StrategyDocument.objects.filter(municipality=municipality, is_published=True)
        .select_related("adopted_by")
        .prefetch_related(Prefetch("pillars", queryset=Pillar.objects.filter(PUBLIC_PILLAR)))
    )


# ----------------------------------------------------------------------------- indicators


def public_indicators(municipality: Municipality) -> QuerySet[LocalIndicator]:
    return (
        LocalIndicator.objects.filter(PUBLIC_INDICATOR, municipality=municipality)
        .select_related("goal__pillar", "sdg_indicator")
        .prefetch_related(
            Prefetch("goal__sdg_targets", queryset=SdgTarget.objects.select_related("goal")),
            Prefetch("assessments", queryset=Assessment.objects.order_by("series_key")),
        )
    )


def public_indicator_id(municipality: Municipality, slug: str) -> int | None:
    return (
        LocalIndicator.objects.filter(PUBLIC_INDICATOR, municipality=municipality, slug=slug)
        .values_list("id", flat=True).first()
    )


def public_observations(municipality: Municipality) -> QuerySet[Observation]:
    return Observation.objects.filter(
        _prefixed(PUBLIC_INDICATOR, "indicator__"), municipality=municipality
    )


def public_assessments(municipality: Municipality) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        _prefixed(PUBLIC_INDICATOR, "indicator__"), municipality=municipality
    )


# -------------------------------------------------------------------------- participation


def public_processes(municipality: Municipality) -> QuerySet[Process]:
    return Process.objects.filter(municipality=municipality, is_published=True).prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("order", "start", "id")),
        Prefetch("pillars", queryset=Pillar.objects.filter(PUBLIC_PILLAR)),
        Prefetch("goals", queryset=Goal.objects.filter(PUBLIC_GOAL)),
        Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal")),
    )


def public_contributions(municipality: Municipality) -> QuerySet[Contribution]:
    qs = (
        Contribution.objects.filter(PUBLIC_CONTRIBUTION, municipality=municipality)
        .select_related("process", "phase", "author", "on_behalf_of", "municipality")
        .prefetch_related(
            Prefetch("pillars", queryset=Pillar.objects.filter(PUBLIC_PILLAR)),
            Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal")),
        )
    )
    return qs


def author_name(contribution: Contribution) -> str:
    """The name an author chose to show; never derived from the e-mail address, never for a
    person with a protected address, and empty for input received offline (the sender's name
    and address stay with the municipality)."""
    if (
        not contribution.publish_name or contribution.offline_source
        or getattr(contribution, "protected_address", False)
    ):
        return ""
    author = contribution.author
    return (author.name or "").strip() if author is not None else ""


# ----------------------------------------------------------------------------- feedback
# Status, public answer and outcome links come from the feedback app. They are read for a whole
# page (or download chunk) at once, in a fixed number of queries, and kept on each row as
# `_api_feedback`. Case details (responder address, protected address, memo section, deadline
# overrides) are never read here, and redacted passages are replaced in title and text.


def attach_feedback(contributions: list[Contribution]) -> None:
    """Read the feedback of `contributions` (4 queries whatever their number)."""
    from faelles.feedback.models import ContributionState, Outcome, Redaction, Status
    from faelles.feedback.selectors import actor_label, redact

    if not contributions:
        return
    ids = [c.pk for c in contributions]
    municipality = contributions[0].municipality
    statuses = list(Status.objects.filter(municipality=municipality).order_by("order", "id"))
    default = next((x for x in statuses if x.is_default), statuses[0] if statuses else None)
    states = {
        st.contribution_id: st
        for st in ContributionState.objects.filter(contribution_id__in=ids)
        .select_related("status", "answer", "answer__author")
    }
    outcomes: dict[int, list[dict[str, Any]]] = {}
    for o in Outcome.objects.filter(contribution_id__in=ids).filter(
        Q(decision__is_published=True) | Q(initiative__is_published=True)
        | Q(document__is_published=True)
    ).select_related("decision", "initiative", "document").order_by("created_at", "id"):
        outcomes.setdefault(o.contribution_id, []).append(_outcome(o))
    redactions: dict[int, list[Any]] = {}
    for r in Redaction.objects.filter(contribution_id__in=ids).order_by("id"):
        redactions.setdefault(r.contribution_id, []).append(r)
    now = timezone.now()
    for c in contributions:
        state = states.get(c.pk)
        status = state.status if state is not None and state.status_id else default
        answer = state.answer if state is not None and state.answer_id else None
        if answer is not None and (state.answered_at is None or answer.published_at > now):
            answer = None
        text = getattr(c, "redacted_text", "") or c.text
        if c.pk in redactions:
            c.title = redact(c.title, redactions[c.pk])
            text = redact(text, redactions[c.pk])
        c._api_text = text  # type: ignore[attr-defined]
        c._api_feedback = {  # type: ignore[attr-defined]
            "status": status.key if status else None,
            "status_label": status.name if status else None,
            "answer": {
                "text": answer.text, "published_at": answer.published_at,
                "answered_by": actor_label(answer, municipality),
            } if answer is not None else None,
            "outcomes": outcomes.get(c.pk, []),
        }


def _outcome(o: Any) -> dict[str, Any]:
    from faelles.api.serialise import page_url

    target = o.target
    if o.decision_id:
        url = page_url("strategy:decision", slug=target.slug)
    elif o.initiative_id:
        url = page_url("strategy:initiative", slug=target.slug)
    else:
        url = page_url("strategy:document", slug=target.slug)
    return {
        "kind": o.kind, "title": str(getattr(target, "title", "")),
        "explanation": o.explanation, "url": url,
    }


EMPTY_FEEDBACK: dict[str, Any] = {
    "status": None, "status_label": None, "answer": None, "outcomes": [],
}


def feedback_of(contribution: Contribution) -> dict[str, Any]:
    """Status, public answer and outcome links (after attach_feedback)."""
    return getattr(contribution, "_api_feedback", EMPTY_FEEDBACK)


def public_text(contribution: Contribution) -> str:
    """The text the public may read: staff's redacted version when there is one, with the
    feedback app's redacted passages removed (set by attach_feedback)."""
    text = getattr(contribution, "_api_text", None)
    if text is None:
        text = getattr(contribution, "redacted_text", "") or contribution.text
    return text


def feed_answers(contribution: Contribution) -> list[dict[str, Any]]:
    """Feed entries for the public answer to a contribution (after attach_feedback)."""
    from faelles.api.serialise import absolute

    answer = feedback_of(contribution)["answer"]
    if not answer:
        return []
    api_url = absolute(f"/api/v1/contributions/{contribution.pk}") or ""
    return [{
        "title": gettext("Answer: %(title)s") % {"title": contribution.title},
        "link": api_url, "description": str(render_markdown(answer["text"])),
        "pubdate": answer["published_at"], "unique_id": api_url + "#answer",
        "author_name": answer["answered_by"],
    }]
