"""Rows to public dicts, field by field (an allow-list: new model fields stay private until
someone adds them here). Texts come in the active language (modeltranslation falls back to
Danish). The big lists (contributions, processes, indicators, initiatives) take plain values
rows completed by the selectors; the others take model rows with prefetched relations. No
function here runs a query."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone, translation

from faelles.api import selectors
from faelles.core.links import path_for

# The scheme and host of the current request (each municipality has its own host); set by
# http.api_view, with the configured site address as the fallback for commands and tasks.
site_root: ContextVar[str | None] = ContextVar("faelles_api_site_root", default=None)


def absolute(path: str | None) -> str | None:
    if path is None:
        return None
    root = site_root.get() or settings.FAELLES_SITE_URL.rstrip("/")
    return root + path if path.startswith("/") else path


def page_url(name: str, **kwargs: Any) -> str | None:
    """The public page of a row, or None while the app that owns the page has no URL for it."""
    try:
        return absolute(path_for(name, **kwargs))
    except NoReverseMatch:
        return None


def ref(obj: Any) -> dict[str, str]:
    return {"slug": obj.slug, "title": obj.title}


def sdg_goal(goal: Any) -> dict[str, Any]:
    return {
        "number": goal.number, "short_title": goal.short_title, "title": goal.title,
        "colour": goal.colour, "dimension": goal.dimension,
    }


def sdg_target(target: Any) -> dict[str, Any]:
    return {"code": target.code, "goal": target.goal.number, "title": target.title}


def sdg_indicator(indicator: Any) -> dict[str, Any]:
    return {
        "code": indicator.code, "target": indicator.target.code,
        "goal": indicator.target.goal.number, "title": indicator.title,
        "is_current": indicator.is_current,
        "repeat_of": indicator.repeat_of.code if indicator.repeat_of_id else None,
    }


def pillar(p: Any) -> dict[str, Any]:
    return {
        "slug": p.slug, "title": p.title, "summary": p.summary, "text": p.text, "order": p.order,
        "is_example": p.is_example, "url": page_url("strategy:pillar", slug=p.slug),
    }


def vision(v: Any) -> dict[str, Any]:
    return {
        "slug": v.slug, "title": v.title, "text": v.text, "period_start": v.period_start,
        "period_end": v.period_end, "source_url": v.source_url,
        "pillars": [pillar(p) for p in v.pillars.all()],
        "focus_sdgs": [
            {"sdg": f.sdg.number, "title": f.sdg.short_title, "keywords": f.keyword_list,
             "text": f.text}
            for f in v.focus_sdgs.all()
        ],
        "is_example": v.is_example, "updated_at": v.updated_at,
    }


def _sdgs(targets: list[Any]) -> list[int]:
    return sorted({t.goal.number for t in targets})


def goal(g: Any) -> dict[str, Any]:
    targets = list(g.sdg_targets.all())
    return {
        "slug": g.slug, "title": g.title, "summary": g.summary, "description": g.description,
        "dimension": g.dimension, "pillar": ref(g.pillar), "sdgs": _sdgs(targets),
        "sdg_targets": [t.code for t in targets], "is_example": g.is_example,
        "updated_at": g.updated_at, "url": page_url("strategy:goal", slug=g.slug),
    }


def goals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows completed by selectors.complete_goals to public dicts (the same fields as `goal`)."""
    tr = selectors.translated
    lang = translation.get_language() or "da"
    url = url_for_slug("strategy:goal")
    return [
        {
            "slug": g["slug"], "title": tr(g, "title", lang), "summary": tr(g, "summary", lang),
            "description": tr(g, "description", lang), "dimension": g["dimension"],
            "pillar": {"slug": g["pillar__slug"], "title": tr(g, "pillar__title", lang)},
            "sdgs": sorted({number for _code, number in g["sdg_targets"]}),
            "sdg_targets": [code for code, _number in g["sdg_targets"]],
            "is_example": g["is_example"], "updated_at": g["updated_at"], "url": url(g["slug"]),
        }
        for g in rows
    ]


def decision_ref(d: Any) -> dict[str, Any] | None:
    if d is None or not d.is_published:
        return None
    return {"slug": d.slug, "title": d.title, "date": d.date}


def initiatives(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows completed by selectors.complete_initiatives to public dicts (the same fields as
    `initiative`)."""
    from faelles.strategy.models import Initiative

    statuses = _choice_labels(Initiative, "status")
    tr = selectors.translated
    lang = translation.get_language() or "da"
    out = []
    for i in rows:
        adopted = None
        if i["adopted_by__slug"] is not None and i["adopted_by__is_published"]:
            adopted = {"slug": i["adopted_by__slug"], "title": tr(i, "adopted_by__title", lang),
                       "date": i["adopted_by__date"]}
        out.append({
            "slug": i["slug"], "title": tr(i, "title", lang), "summary": tr(i, "summary", lang),
            "description": tr(i, "description", lang), "status": i["status"],
            "status_label": statuses.get(i["status"], i["status"]),
            "progress": float(i["progress_total"]),
            "parent": i["parent__slug"] if i["parent__is_published"] else None,
            "department": tr(i, "department", lang), "start_date": i["start_date"],
            "end_date": i["end_date"], "goals": i["goals"], "sdgs": i["sdgs"],
            "partners": i["partners"], "milestones": i["milestones"],
            "adopted_by": adopted, "link": i["url"], "is_example": i["is_example"],
            "updated_at": i["updated_at"],
            "url": page_url("strategy:initiative", slug=i["slug"]),
        })
    return out


def indicators(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows completed by selectors.complete_indicators to public dicts (the same fields as
    `indicator`)."""
    from faelles.indicators.models import Assessment
    from faelles.indicators.progress import DEFAULT_TARGET_YEAR

    statuses = _choice_labels(Assessment, "status")
    tr = selectors.translated
    lang = translation.get_language() or "da"
    out = []
    for i in rows:
        assessments = i["assessments"]
        headline = next((a for a in assessments if a["series_key"] == ""), None)
        out.append({
            "slug": i["slug"], "title": tr(i, "title", lang),
            "description": tr(i, "description", lang), "unit": tr(i, "unit", lang),
            "direction": i["direction"],
            "goal": {"slug": i["goal__slug"], "title": tr(i, "goal__title", lang)},
            "pillar": {"slug": i["goal__pillar__slug"],
                       "title": tr(i, "goal__pillar__title", lang)},
            "sdgs": i["sdgs"], "un_indicator": i["sdg_indicator__code"],
            "base_year": i["base_year"], "target_value": i["target_value"],
            "target_year": i["target_year"] or DEFAULT_TARGET_YEAR,
            "reporting_status": i["reporting_status"],
            "status": headline["status"] if headline else None,
            "definition": tr(i, "stat_conc_def", lang), "data_source": i["data_source"],
            "source_url": i["source_url"], "method": tr(i, "data_comp", lang),
            "limitations": tr(i, "rec_use_lim", lang),
            # CONTACT_MAIL is left out on purpose: the API never carries e-mail addresses.
            "contact_organisation": i["contact_organisation"],
            "assessments": [
                {"series": a["series_key"],
                 "breakdown": {str(k): str(v) for k, v in a["disaggregation"].items()},
                 "status": a["status"], "status_label": statuses.get(a["status"], a["status"]),
                 "receipt": a["receipt"], "target_value": a["target_value"],
                 "target_year": a["target_year"], "computed_at": a["computed_at"]}
                for a in assessments
            ],
            "is_example": i["is_example"], "updated_at": i["updated_at"],
            "url": page_url("indicators:detail", slug=i["slug"]),
        })
    return out


def observation(o: Any) -> dict[str, Any]:
    return {
        "period": o.period, "year": o.year, "quarter": o.quarter, "month": o.month,
        "value": o.value, "breakdown": {str(k): str(v) for k, v in o.disaggregation.items()},
        "series": o.series, "units": o.units, "source": o.source, "retrieved_at": o.retrieved_at,
    }


def processes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows completed by selectors.complete_processes to public dicts."""
    from faelles.participation.models import Phase

    now = timezone.now()
    types = _choice_labels(Phase, "type")
    tr = selectors.translated
    out = []
    for p in rows:
        targets = p["sdg_targets"]
        out.append({
            "slug": p["slug"], "title": tr(p, "title"), "summary": tr(p, "summary"),
            "text": tr(p, "text"),
            "phases": [
                {"type": ph["type"], "type_label": types.get(ph["type"], ph["type"]),
                 "title": tr(ph, "title"), "text": tr(ph, "text"), "start": ph["start"],
                 "end": ph["end"],
                 "state": "future" if now < ph["start"] else
                 ("running" if now < ph["end"] else "past")}
                for ph in p["phases"]
            ],
            "pillars": p["pillars"], "goals": p["goals"],
            "sdgs": sorted({number for _code, number in targets}),
            "sdg_targets": [code for code, _number in targets],
            "answer_deadline_days": p["answer_deadline_days"],
            "contribution_count": p["contribution_count"], "is_example": p["is_example"],
            "created_at": p["created_at"], "updated_at": p["updated_at"],
            "url": page_url("participation:process", slug=p["slug"]),
            "feed": absolute(path_for("api:feed-process", slug=p["slug"])) or "",
        })
    return out


_NUMBER_MARK = 987_654_321_987


def url_for_id(name: str) -> Callable[[int], str | None]:
    """`page_url(name, pk=...)` for many rows: reversed once, then only formatted."""
    url = page_url(name, pk=_NUMBER_MARK)
    if url is None:
        return lambda pk: None
    head, _mark, tail = url.partition(str(_NUMBER_MARK))
    return lambda pk: f"{head}{pk}{tail}"


_SLUG_MARK = "faelles-slug-mark-7306"


def url_for_slug(name: str) -> Callable[[str], str | None]:
    """`page_url(name, slug=...)` for many rows: reversed once, then only formatted (slugs
    are URL-safe as they are, so reverse() would not quote them)."""
    url = page_url(name, slug=_SLUG_MARK)
    if url is None:
        return lambda slug: None
    head, _mark, tail = url.partition(_SLUG_MARK)
    return lambda slug: f"{head}{slug}{tail}"


def _choice_labels(model: Any, field: str) -> dict[str, str]:
    """The display labels of a choices field in the active language (memoised per language)."""
    key = (model._meta.label, field, translation.get_language())
    labels = _labels.get(key)
    if labels is None:
        labels = {str(k): str(v) for k, v in model._meta.get_field(field).flatchoices}
        _labels[key] = labels
    return labels


_labels: dict[tuple[str, str, str | None], dict[str, str]] = {}


def _label(obj: Any, field: str) -> str:
    """Like str(obj.get_<field>_display()) without its per-call hashing of the choices."""
    value = getattr(obj, field)
    return _choice_labels(type(obj), field).get(str(value), str(value))


def contributions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows completed by selectors.complete_contributions to public dicts."""
    from faelles.participation.models import Contribution

    url = url_for_id("participation:contribution")
    kinds = _choice_labels(Contribution, "kind")
    return [
        {
            "id": r["id"], "process": {"slug": r["process__slug"], "title": r["process_title"]},
            "phase": r["phase_title"], "kind": r["kind"],
            "kind_label": kinds.get(r["kind"], r["kind"]), "title": r["title"],
            "text": r["public_text"], "author_name": r["author_name"],
            "on_behalf_of": r["on_behalf_of__name"], "neighbourhood": r["neighbourhood"],
            "pillars": r["pillars"], "sdg_targets": r["sdg_targets"],
            "support_count": r["support_count"], "comment_count": r["comment_count"],
            **r["feedback"],
            "is_example": r["is_example"], "created_at": r["created_at"], "url": url(r["id"]),
        }
        for r in rows
    ]


def document(d: Any) -> dict[str, Any]:
    return {
        "slug": d.slug, "kind": d.kind, "kind_label": _label(d, "kind"),
        "title": d.title, "summary": d.summary, "text": d.text,
        "pillars": [ref(p) for p in d.pillars.all()], "adopted_by": decision_ref(d.adopted_by),
        "link": d.url, "is_example": d.is_example, "updated_at": d.updated_at,
        "url": page_url("strategy:document", slug=d.slug),
    }


def decision(d: Any) -> dict[str, Any]:
    return {
        "slug": d.slug, "title": d.title, "body": d.body, "date": d.date,
        "date_precision": d.date_precision, "reference": d.reference, "link": d.url,
        "text": d.text, "is_example": d.is_example, "updated_at": d.updated_at,
        "url": page_url("strategy:decision", slug=d.slug),
    }
