"""What the public may see: the one place the API, the downloads and the feeds get their rows.

Every function returns only published content of one municipality. A row is public only when
its parents are public too (a published goal under an unpublished pillar stays private), and
contributions are public only when their process is published and they are neither hidden by a
moderator nor withdrawn. Personal data never leaves this module: authors appear by the name
they chose to show, never by e-mail address, and offline senders not at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from faelles.accounts.models import Organisation
from faelles.core.markdown import render_markdown
from faelles.core.models import Municipality
from faelles.core.prepared import Prepared
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


GOAL_VALUES = (
    "id", "order", "slug", "title_da", "title_en", "summary_da", "summary_en", "description_da",
    "description_en", "dimension", "pillar__slug", "pillar__title_da", "pillar__title_en",
    "is_example", "updated_at",
)


def public_goal_values(municipality: Municipality) -> QuerySet[Any]:
    """Public goals as plain values (complete them with `complete_goals`)."""
    return Goal.objects.filter(PUBLIC_GOAL, municipality=municipality).values(*GOAL_VALUES)


_goal_targets = Prepared(lambda ids: (
    Goal.sdg_targets.through.objects.filter(goal_id__in=ids)
    .order_by("target__goal__number", "target__sort_key", "target_id")
    .values_list("goal_id", "target__code", "target__goal__number")
))


def complete_goals(rows: list[dict[str, Any]]) -> None:
    """Each goal row's SDG targets (code, SDG number) in the catalogue's order: 1 query."""
    if not rows:
        return
    targets: dict[int, list[tuple[str, int]]] = {}
    for gid, code, number in _goal_targets.rows(ids=[row["id"] for row in rows]):
        targets.setdefault(gid, []).append((code, number))
    for row in rows:
        row["sdg_targets"] = targets.get(row["id"], [])


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


INITIATIVE_VALUES = (
    "id", "slug", "title_da", "title_en", "summary_da", "summary_en", "description_da",
    "description_en", "status", "progress_total", "parent__slug", "parent__is_published",
    "department_da", "department_en", "start_date", "end_date", "adopted_by__slug",
    "adopted_by__title_da", "adopted_by__title_en", "adopted_by__date",
    "adopted_by__is_published", "url", "is_example", "updated_at",
)


def public_initiative_values(municipality: Municipality) -> QuerySet[Any]:
    """Published initiatives as plain values (complete them with `complete_initiatives`)."""
    return Initiative.objects.filter(municipality=municipality, is_published=True).values(
        *INITIATIVE_VALUES
    )


_initiative_goals = Prepared(lambda ids: (
    Initiative.goals.through.objects.filter(_prefixed(PUBLIC_GOAL, "goal__"),
                                            initiative_id__in=ids)
    .order_by("goal__order", "goal_id")
    .values_list("initiative_id", "goal_id", "goal__slug", "goal__title_da", "goal__title_en")
))
_initiative_sdgs = Prepared(lambda ids: Goal.sdg_targets.through.objects.filter(
    goal_id__in=Initiative.goals.through.objects.filter(initiative_id__in=ids).values("goal_id")
).values_list("goal_id", "target__goal__number"))
_initiative_partners = Prepared(lambda ids: (
    Initiative.partners.through.objects.filter(initiative_id__in=ids)
    .order_by("organisation__name", "organisation_id")
    .values_list("initiative_id", "organisation__slug", "organisation__name", "organisation__kind")
))
_initiative_milestones = Prepared(lambda ids: (
    Milestone.objects.filter(initiative_id__in=ids).order_by("due_date", "id").values_list(
        "initiative_id", "title_da", "title_en", "description_da", "description_en",
        "due_date", "completed_on",
    )
))


def complete_initiatives(rows: list[dict[str, Any]]) -> None:
    """Public goals (with their SDG numbers), partners and milestones of initiative rows as
    plain values: 4 queries for the page, no model instances."""
    if not rows:
        return
    lang = translation.get_language() or "da"
    ids = [row["id"] for row in rows]
    goals: dict[int, list[dict[str, str]]] = {}
    goal_ids: dict[int, list[int]] = {}
    for iid, goal_id, slug, title_da, title_en in _initiative_goals.rows(ids=ids):
        goals.setdefault(iid, []).append(
            {"slug": slug, "title": translated({"t_da": title_da, "t_en": title_en}, "t", lang)}
        )
        goal_ids.setdefault(iid, []).append(goal_id)
    sdgs: dict[int, set[int]] = {}
    for goal_id, number in _initiative_sdgs.rows(ids=ids):
        sdgs.setdefault(goal_id, set()).add(number)
    partners: dict[int, list[dict[str, str]]] = {}
    for iid, slug, name, kind in _initiative_partners.rows(ids=ids):
        partners.setdefault(iid, []).append({"slug": slug, "name": name, "kind": kind})
    milestones: dict[int, list[dict[str, Any]]] = {}
    for (iid, title_da, title_en, text_da, text_en, due,
         done) in _initiative_milestones.rows(ids=ids):
        milestones.setdefault(iid, []).append({
            "title": translated({"t_da": title_da, "t_en": title_en}, "t", lang),
            "description": translated({"t_da": text_da, "t_en": text_en}, "t", lang),
            "due_date": due, "completed_on": done,
        })
    for row in rows:
        iid = row["id"]
        row["goals"] = goals.get(iid, [])
        row["sdgs"] = sorted({n for g in goal_ids.get(iid, []) for n in sdgs.get(g, ())})
        row["partners"] = partners.get(iid, [])
        row["milestones"] = milestones.get(iid, [])


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


INDICATOR_VALUES = (
    "id", "order", "slug", "title_da", "title_en", "description_da", "description_en",
    "unit_da", "unit_en", "direction", "goal_id", "goal__slug", "goal__title_da",
    "goal__title_en", "goal__pillar__slug", "goal__pillar__title_da", "goal__pillar__title_en",
    "sdg_indicator__code", "base_year", "target_value", "target_year", "reporting_status",
    "stat_conc_def_da", "stat_conc_def_en", "data_source", "source_url", "data_comp_da",
    "data_comp_en", "rec_use_lim_da", "rec_use_lim_en", "contact_organisation", "is_example",
    "updated_at",
)


def public_indicator_values(municipality: Municipality) -> QuerySet[Any]:
    """Public indicators as plain values (complete them with `complete_indicators`)."""
    return LocalIndicator.objects.filter(PUBLIC_INDICATOR, municipality=municipality).values(
        *INDICATOR_VALUES
    )


_goal_sdgs = Prepared(lambda ids: Goal.sdg_targets.through.objects.filter(
    goal_id__in=ids).values_list("goal_id", "target__goal__number"))
ASSESSMENT_VALUES = ("indicator_id", "series_key", "disaggregation", "status", "receipt",
                     "target_value", "target_year", "computed_at")
_indicator_assessments = Prepared(lambda ids: Assessment.objects.filter(
    indicator_id__in=ids).order_by("series_key", "id").values_list(*ASSESSMENT_VALUES))


def complete_indicators(rows: list[dict[str, Any]]) -> None:
    """The SDG numbers of each row's goal and the row's assessments, as plain values: 2 queries
    for the page whatever its size (the model prefetches built about 200 instances)."""
    if not rows:
        return
    sdgs: dict[int, set[int]] = {}
    for goal_id, number in _goal_sdgs.rows(ids=sorted({row["goal_id"] for row in rows})):
        sdgs.setdefault(goal_id, set()).add(number)
    assessments: dict[int, list[dict[str, Any]]] = {}
    for values in _indicator_assessments.rows(ids=[row["id"] for row in rows]):
        a = dict(zip(ASSESSMENT_VALUES, values, strict=True))
        assessments.setdefault(a["indicator_id"], []).append(a)
    for row in rows:
        row["sdgs"] = sorted(sdgs.get(row["goal_id"], ()))
        row["assessments"] = assessments.get(row["id"], [])


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


PROCESS_VALUES = (
    "id", "slug", "title_da", "title_en", "summary_da", "summary_en", "text_da", "text_en",
    "answer_deadline_days", "contribution_count", "is_example", "created_at", "updated_at",
)


def public_process_values(municipality: Municipality) -> QuerySet[Any]:
    """Public processes as plain values (complete them with `complete_processes`)."""
    return Process.objects.filter(municipality=municipality, is_published=True).values(
        *PROCESS_VALUES
    )


def _q_linked(through: Any, name: str, public: Any) -> Prepared:
    return Prepared(lambda ids: (
        through.objects.filter(_prefixed(public, f"{name}__"), process_id__in=ids)
        .order_by(f"{name}__order", f"{name}_id")
        .values_list("process_id", f"{name}__slug", f"{name}__title_da", f"{name}__title_en")
    ))


_process_pillars = _q_linked(Process.pillars.through, "pillar", PUBLIC_PILLAR)
_process_goals = _q_linked(Process.goals.through, "goal", PUBLIC_GOAL)
PHASE_VALUES = ("process_id", "type", "title_da", "title_en", "text_da", "text_en", "start", "end")
_process_phases = Prepared(lambda ids: Phase.objects.filter(process_id__in=ids).order_by(
    "process_id", "order", "start", "id").values_list(*PHASE_VALUES))
_process_targets = Prepared(lambda ids: (
    Process.sdg_targets.through.objects.filter(process_id__in=ids)
    .order_by("target__goal__number", "target__sort_key", "target_id")
    .values_list("process_id", "target__code", "target__goal__number")
))


def _linked_titles(query: Prepared, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """Slug and title of each public pillar or goal linked to these processes, in their order."""
    linked: dict[int, list[dict[str, str]]] = {}
    for pid, slug, title_da, title_en in query.rows(ids=ids):
        linked.setdefault(pid, []).append(
            {"slug": slug, "title": translated({"t_da": title_da, "t_en": title_en}, "t")}
        )
    return linked


def complete_processes(rows: list[dict[str, Any]]) -> None:
    """Phases, pillars, goals and SDG targets of process rows as plain values: 4 queries for
    the page whatever its size, and no model instances (a page of 16 processes built about
    300 of them through the prefetches)."""
    if not rows:
        return
    ids = [row["id"] for row in rows]
    phases: dict[int, list[dict[str, Any]]] = {}
    for values in _process_phases.rows(ids=ids):
        phase = dict(zip(PHASE_VALUES, values, strict=True))
        phases.setdefault(phase["process_id"], []).append(phase)
    pillars = _linked_titles(_process_pillars, ids)
    goals = _linked_titles(_process_goals, ids)
    targets: dict[int, list[tuple[str, int]]] = {}
    for pid, code, number in _process_targets.rows(ids=ids):
        targets.setdefault(pid, []).append((code, number))
    for row in rows:
        pid = row["id"]
        row["phases"] = phases.get(pid, [])
        row["pillars"] = pillars.get(pid, [])
        row["goals"] = goals.get(pid, [])
        row["sdg_targets"] = targets.get(pid, [])


def public_contributions(municipality: Municipality) -> QuerySet[Contribution]:
    """The public contributions, without joins beyond the process's published flag, so the
    newest-first walk follows the (municipality, created_at, id) index. Turn them into rows
    with `contribution_values` and complete those with `complete_contributions`."""
    return Contribution.objects.filter(PUBLIC_CONTRIBUTION, municipality=municipality)


# Everything the API, the downloads and the feeds read of a contribution, in one query: plain
# values, no model instances (building 50 instances with five related objects each through
# modeltranslation cost more than the rest of the request). Translated titles come in both
# languages and are picked by `translated`.
CONTRIBUTION_VALUES = (
    "id", "process__slug", "process__title_da", "process__title_en",
    "phase_id", "phase__title_da", "phase__title_en", "kind", "title", "text", "redacted_text",
    "publish_name", "offline_source", "protected_address", "author__name",
    "on_behalf_of__name", "neighbourhood", "support_count", "comment_count", "is_example",
    "created_at",
)


def contribution_values(qs: QuerySet[Contribution]) -> QuerySet[Any]:
    return qs.values(*CONTRIBUTION_VALUES)


def translated(row: dict[str, Any], field: str, lang: str | None = None) -> str:
    """A translated field read by values() (`field_da`, `field_en`) in the active language
    (or `lang`), falling back like modeltranslation (MODELTRANSLATION_FALLBACK_LANGUAGES =
    da, en)."""
    lang = lang or translation.get_language() or "da"
    for code in (lang, "da", "en"):
        value = row.get(f"{field}_{code}")
        if value:
            return value
    return ""


def author_name(row: dict[str, Any]) -> str:
    """The name an author chose to show; never derived from the e-mail address, never for a
    person with a protected address, and empty for input received offline (the sender's name
    and address stay with the municipality)."""
    if not row["publish_name"] or row["offline_source"] or row["protected_address"]:
        return ""
    return (row["author__name"] or "").strip()


# ----------------------------------------------------------------------------- feedback
# Status, public answer and outcome links come from the feedback app. They are read for a whole
# page (or download chunk) at once, in a fixed number of queries, and kept on each row under
# "feedback". Case details (responder address, protected address, memo section, deadline
# overrides) are never read here, and redacted passages are replaced in title and text.


def _q_contribution_pillars(ids: list[int]) -> QuerySet[Any]:
    return (
        Contribution.pillars.through.objects.filter(
            contribution_id__in=ids, pillar__is_published=True,
            pillar__vision__is_published=True,
        )
        .order_by("pillar__order", "pillar_id")
        .values_list("contribution_id", "pillar__slug", "pillar__title_da", "pillar__title_en")
    )


def _q_contribution_targets(ids: list[int]) -> QuerySet[Any]:
    return (
        Contribution.sdg_targets.through.objects.filter(contribution_id__in=ids)
        .order_by("target__goal__number", "target__sort_key", "target_id")
        .values_list("contribution_id", "target__code")
    )


def _q_statuses(municipality: int) -> QuerySet[Any]:
    from faelles.feedback.models import Status

    return Status.objects.filter(municipality_id=municipality).order_by("order", "id").values_list(
        "id", "key", "name_da", "name_en", "is_default"
    )


def _q_states(ids: list[int]) -> QuerySet[Any]:
    from faelles.feedback.models import ContributionState

    return ContributionState.objects.filter(contribution_id__in=ids).values_list(
        "contribution_id", "status_id", "answered_at", "answer_id", "answer__text",
        "answer__published_at", "answer__author_role", "answer__author_id",
        "answer__author__name",
    )


OUTCOME_TARGETS = ("decision", "initiative", "document")


def _q_outcomes(ids: list[int]) -> QuerySet[Any]:
    from faelles.feedback.models import Outcome

    return Outcome.objects.filter(contribution_id__in=ids).filter(
        Q(decision__is_published=True) | Q(initiative__is_published=True)
        | Q(document__is_published=True)
    ).order_by("created_at", "id").values_list(
        "contribution_id", "kind", "explanation",
        *[f"{t}{f}" for t in OUTCOME_TARGETS for f in ("_id", "__slug", "__title_da",
                                                     "__title_en")],
    )


def _q_redactions(ids: list[int]) -> QuerySet[Any]:
    from faelles.feedback.models import Redaction

    return Redaction.objects.filter(contribution_id__in=ids).order_by("id").values_list(
        "contribution_id", "passage", "reason"
    )


def _q_user_names(ids: list[int]) -> QuerySet[Any]:
    return get_user_model().objects.filter(pk__in=ids).values_list("pk", "name")


_contribution_pillars = Prepared(_q_contribution_pillars)
_contribution_targets = Prepared(_q_contribution_targets)
_statuses = Prepared(_q_statuses)
_states = Prepared(_q_states)
_outcomes = Prepared(_q_outcomes)
_redactions = Prepared(_q_redactions)
_user_names = Prepared(_q_user_names)

_OUTCOME_PAGES = {
    "decision": "strategy:decision", "initiative": "strategy:initiative",
    "document": "strategy:document",
}


def contribution_links(ids: list[int], municipality: Municipality,
                       lang: str | None = None) -> dict[str, Any]:
    """What a page of contributions shows from other tables, as plain values (picklable, so it
    can be cached as a fragment): pillars, SDG targets, the municipality's statuses, each
    contribution's state and answer, outcomes and redactions. 6 queries whatever the number of
    rows. Every value here is written with save()/delete() or m2m changes (so the content
    generation moves), except the answer author's name (a user's row): `finish_contributions`
    reads that fresh when cached links are used."""
    from faelles.api.serialise import page_url

    lang = lang or translation.get_language() or "da"
    pillars: dict[int, list[dict[str, str]]] = {}
    for cid, slug, title_da, title_en in _contribution_pillars.rows(ids=ids):
        title = translated({"t_da": title_da, "t_en": title_en}, "t", lang)
        pillars.setdefault(cid, []).append({"slug": slug, "title": title})
    targets: dict[int, list[str]] = {}
    for cid, code in _contribution_targets.rows(ids=ids):
        targets.setdefault(cid, []).append(code)
    statuses = [
        (sid, key, translated({"n_da": name_da, "n_en": name_en}, "n", lang), is_default)
        for sid, key, name_da, name_en, is_default in _statuses.rows(municipality=municipality.pk)
    ]
    states: dict[int, tuple[Any, ...]] = {}
    for (cid, status_id, answered_at, answer_id, text, published_at, role, author_id,
         name) in _states.rows(ids=ids):
        answer = None
        if answer_id and answered_at is not None:
            answer = (text, published_at, role, author_id, name)
        states[cid] = (status_id, answer)
    outcomes: dict[int, list[dict[str, Any]]] = {}
    for cid, kind, explanation, *linked in _outcomes.rows(ids=ids):
        # The target is the first one set (Outcome.target), its page by that kind.
        number = next((n for n in range(len(OUTCOME_TARGETS)) if linked[n * 4] is not None), 2)
        target = OUTCOME_TARGETS[number]
        _target_id, slug, title_da, title_en = linked[number * 4: number * 4 + 4]
        outcomes.setdefault(cid, []).append({
            "kind": kind, "title": translated({"t_da": title_da, "t_en": title_en}, "t", lang),
            "explanation": explanation, "url": page_url(_OUTCOME_PAGES[target], slug=slug),
        })
    redactions: dict[int, list[tuple[str, str]]] = {}
    for cid, passage, reason in _redactions.rows(ids=ids):
        redactions.setdefault(cid, []).append((passage, reason))
    return {"pillars": pillars, "targets": targets, "statuses": statuses, "states": states,
            "outcomes": outcomes, "redactions": redactions}


def finish_contributions(rows: list[dict[str, Any]], links: dict[str, Any],
                         municipality: Municipality, *, fresh_names: bool = False) -> None:
    """Complete rows of `contribution_values` with `contribution_links` of their ids: the
    public (redacted) text, the author's shown name, translated titles, pillars, SDG targets
    and the feedback (status, answer, outcomes). The rows' own values (texts, names, flags,
    counters) are always this request's; answers count from their publication time on.
    `fresh_names`: read the answer authors' names now (the links came from a cache)."""
    from faelles.feedback.models import Answer
    from faelles.feedback.selectors import actor_label, redact

    lang = translation.get_language() or "da"
    now = timezone.now()
    by_id = {sid: (key, label) for sid, key, label, _default in links["statuses"]}
    default = next(((key, label) for _sid, key, label, is_default in links["statuses"]
                    if is_default), None)
    if default is None and links["statuses"]:
        default = links["statuses"][0][1:3]
    states = links["states"]
    names: dict[int, str] | None = None
    if fresh_names and municipality.show_staff_names:
        author_ids = sorted({
            answer[3] for cid in (row["id"] for row in rows)
            for answer in [states.get(cid, (None, None))[1]] if answer and answer[3]
        })
        names = dict(_user_names.rows(ids=author_ids)) if author_ids else {}
    user_model = get_user_model()
    for row in rows:
        cid = row["id"]
        status_id, raw = states.get(cid, (None, None))
        status = by_id.get(status_id, default) if status_id else default
        answer = None
        if raw is not None and raw[1] <= now:
            text, published_at, role, author_id, name = raw
            # An unsaved Answer carries what actor_label reads (role, the author's name).
            shown = Answer(author_role=role)
            if author_id:
                if names is not None:
                    name = names.get(author_id)
                if name is not None or names is None:
                    shown.author = user_model(pk=author_id, name=name or "")
            answer = {"text": text, "published_at": published_at,
                      "answered_by": actor_label(shown, municipality)}
        text = row["redacted_text"] or row["text"]
        passages = links["redactions"].get(cid)
        if passages:
            marked = [_Passage(p, r) for p, r in passages]
            row["title"] = redact(row["title"], marked)
            text = redact(text, marked)
        row["public_text"] = text
        row["author_name"] = author_name(row)
        row["process_title"] = translated(row, "process__title", lang)
        row["phase_title"] = translated(row, "phase__title", lang) if row["phase_id"] else None
        row["pillars"] = links["pillars"].get(cid, [])
        row["sdg_targets"] = links["targets"].get(cid, [])
        row["feedback"] = {
            "status": status[0] if status else None,
            "status_label": status[1] if status else None,
            "answer": answer,
            "outcomes": links["outcomes"].get(cid, []),
        }


class _Passage:
    """What feedback.selectors.redact reads of a Redaction."""

    __slots__ = ("passage", "reason")

    def __init__(self, passage: str, reason: str) -> None:
        self.passage, self.reason = passage, reason


def complete_contributions(rows: list[dict[str, Any]], municipality: Municipality) -> None:
    """Complete rows of `contribution_values` for the public: translated titles, the author's
    shown name, the public (redacted) text, pillars, SDG targets and the feedback (status,
    answer, outcomes). A page or a download chunk costs 6 queries whatever the number
    of rows; each row gets the keys serialise.contribution and the CSV columns read."""
    if not rows:
        return
    links = contribution_links([row["id"] for row in rows], municipality)
    finish_contributions(rows, links, municipality)


def public_contribution_rows(
    municipality: Municipality, qs: QuerySet[Contribution]
) -> list[dict[str, Any]]:
    """The completed rows of `qs` (public_contributions, filtered and sliced)."""
    rows = list(contribution_values(qs))
    complete_contributions(rows, municipality)
    return rows


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


def feed_answers(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Feed entries for the public answer to a contribution (a completed row)."""
    from faelles.api.serialise import absolute

    answer = row["feedback"]["answer"]
    if not answer:
        return []
    api_url = absolute(f"/api/v1/contributions/{row['id']}") or ""
    return [{
        "title": gettext("Answer: %(title)s") % {"title": row["title"]},
        "link": api_url, "description": str(render_markdown(answer["text"])),
        "pubdate": answer["published_at"], "unique_id": api_url + "#answer",
        "author_name": answer["answered_by"],
    }]
