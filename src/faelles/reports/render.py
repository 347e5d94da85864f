"""Turn an edition's frozen snapshot into the report: the view model the templates show, the
HTML documents and the PDFs.

Everything here reads only the snapshot (plus the editable foreword and section texts passed
in), never the live data, so an edition reads the same however the data are revised later.
Charts are drawn from the frozen values with the indicators app's pure chart functions.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _

from faelles.indicators import charts
from faelles.indicators.models import ProgressStatus
from faelles.indicators.periods import Period
from faelles.strategy.models import InitiativeStatus

# Order in which statuses are listed and counted (best first, no data last).
STATUS_ORDER = [s.value for s in ProgressStatus]


@dataclass
class IndicatorView:
    data: dict[str, Any]
    title: str
    unit: str
    status: str
    status_label: str
    receipt_text: str
    latest: str
    target: str
    chart: str = ""


@dataclass
class GoalView:
    data: dict[str, Any]
    title: str
    summary: str
    indicators: list[IndicatorView] = field(default_factory=list)
    initiatives: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Section:
    key: str
    anchor: str
    title: str
    conclusion: str = ""


def _pick(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("da") or ""
    return value or ""


def _period_x(point: list[Any]) -> float:
    _period, year, quarter, month, _value = point
    return charts.period_to_x(Period(year, quarter, month))


def _period_label(point: list[Any], lang: str) -> str:
    _period, year, quarter, month, _value = point
    p = Period(year, quarter, month)
    return charts.format_period(charts.period_to_x(p), lang, p.granularity)


def indicator_chart(ind: dict[str, Any], lang: str, *, prefix: str) -> str:
    """The headline series with target and projection, as inline SVG."""
    title = _pick(ind["title"], lang)
    unit = _pick(ind["unit"], lang)
    points = ind["points"]
    lines = [charts.Series(title, [(_period_x(p), p[4]) for p in points], style=0)]
    target = None
    if ind.get("target_value") is not None and ind.get("target_year"):
        target = charts.TargetMark(ind["target_value"], ind["target_year"])
    projection = None
    if len(ind.get("projection") or []) >= 2:
        projection = charts.Projection([tuple(p) for p in ind["projection"]], style=0)
    if points:
        desc = _("%(series)s from %(first)s to %(last)s. The values are in the text.") % {
            "series": title, "first": _period_label(points[0], lang),
            "last": _period_label(points[-1], lang),
        }
    else:
        desc = _("There are no figures yet.")
    return charts.line_chart(
        lines, title=title, desc=desc, unit=unit, lang=lang,
        id_prefix=f"{prefix}-ind{ind['id']}", target=target, projection=projection,
        width=640, height=280,
        labels=charts.ChartLabels(
            target=_("Target"), projection=_("Projection at current rate"),
            no_data=_("No data"), total=_("Total"),
        ),
    )


def _indicator_view(ind: dict[str, Any], lang: str, *, prefix: str, with_chart: bool
                    ) -> IndicatorView:
    unit = _pick(ind["unit"], lang)
    points = ind["points"]
    latest = ""
    if points:
        value = charts.format_number(points[-1][4], lang)
        latest = f"{value} {unit}".strip() + f" ({_period_label(points[-1], lang)})"
    target = ""
    if ind.get("target_value") is not None:
        target = (
            f"{charts.format_number(ind['target_value'], lang)} {unit}".strip()
            + f" ({ind['target_year']})"
        )
    status = ind["status"]
    return IndicatorView(
        data=ind, title=_pick(ind["title"], lang), unit=unit, status=status,
        status_label=str(ProgressStatus(status).label) if status in STATUS_ORDER else status,
        receipt_text=_pick(ind["receipt_text"], lang), latest=latest, target=target,
        chart=indicator_chart(ind, lang, prefix=prefix) if with_chart else "",
    )


def _initiative_view(i: dict[str, Any], lang: str) -> dict[str, Any]:
    status = i["status"]
    return {
        "title": _pick(i["title"], lang), "summary": _pick(i["summary"], lang),
        "status": status,
        "status_label": str(InitiativeStatus(status).label)
        if status in InitiativeStatus.values else status,
        "progress": i["progress"], "progress_rounded": round(i["progress"] or 0),
        "is_example": i["is_example"], "slug": i["slug"],
    }


def status_counts(indicators: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    counts = {s: 0 for s in STATUS_ORDER}
    for ind in indicators:
        counts[ind["status"]] = counts.get(ind["status"], 0) + 1
    return [(s, str(ProgressStatus(s).label), n) for s, n in counts.items() if n]


def status_chart(indicators: list[dict[str, Any]], lang: str, *, prefix: str, title: str
                 ) -> str:
    bars = [charts.Bar(label, [n]) for _s, label, n in status_counts(indicators)]
    if not bars:
        return ""
    return charts.bar_chart(
        bars, title=title,
        desc=_("The number of indicators with each status. The same figures are in the table."),
        lang=lang, id_prefix=f"{prefix}-status", decimals=0,
        labels=charts.ChartLabels(
            target=_("Target"), projection=_("Projection at current rate"),
            no_data=_("No data"), total=_("Total"),
        ),
    )


def initiative_chart(initiatives: list[dict[str, Any]], lang: str, *, prefix: str) -> str:
    bars = [charts.Bar(i["title"], [float(i["progress"] or 0)]) for i in initiatives]
    if not bars:
        return ""
    return charts.bar_chart(
        bars, title=_("Progress of the initiatives"),
        desc=_("Progress of each initiative in per cent. The same figures are in the list."),
        lang=lang, id_prefix=prefix, unit="%", decimals=0,
        labels=charts.ChartLabels(
            target=_("Target"), projection=_("Projection at current rate"),
            no_data=_("No data"), total=_("Total"),
        ),
    )


def report_context(
    *, snapshot: dict[str, Any], lang: str, foreword: str, texts: dict[str, dict[str, str]],
    prefix: str = "r", is_example: bool = False,
) -> dict[str, Any]:
    """The view model of the whole report in `lang`. Call inside translation.override(lang)."""
    s = snapshot
    initiatives = s.get("initiatives", [])
    goals = s.get("goals", [])
    inds = s.get("indicators", [])
    ind_by_goal: dict[int, list[dict[str, Any]]] = {}
    for ind in inds:
        ind_by_goal.setdefault(ind["goal_id"], []).append(ind)
    ini_by_goal: dict[int, list[dict[str, Any]]] = {}
    for ini in initiatives:
        for gid in ini["goal_ids"]:
            ini_by_goal.setdefault(gid, []).append(ini)

    def text_for(key: str) -> str:
        return _pick(texts.get(key, {}), lang)

    def goal_view(goal: dict[str, Any], *, charts_on: bool, pfx: str) -> GoalView:
        return GoalView(
            data=goal, title=_pick(goal["title"], lang), summary=_pick(goal["summary"], lang),
            indicators=[
                _indicator_view(i, lang, prefix=pfx, with_chart=charts_on)
                for i in ind_by_goal.get(goal["id"], [])
            ],
            initiatives=[_initiative_view(i, lang) for i in ini_by_goal.get(goal["id"], [])],
        )

    pillars = []
    for p in s.get("pillars", []):
        p_goals = [g for g in goals if g["pillar_id"] == p["id"]]
        p_inds = [i for g in p_goals for i in ind_by_goal.get(g["id"], [])]
        seen: set[int] = set()
        p_inis = []
        for g in p_goals:
            for ini in ini_by_goal.get(g["id"], []):
                if ini["id"] not in seen:
                    seen.add(ini["id"])
                    p_inis.append(_initiative_view(ini, lang))
        pillars.append({
            "data": p, "title": _pick(p["title"], lang), "summary": _pick(p["summary"], lang),
            "text": _pick(p["text"], lang), "anchor": f"pillar-{p['slug']}",
            "goals": [goal_view(g, charts_on=True, pfx=f"{prefix}-p") for g in p_goals],
            "status_counts": status_counts(p_inds),
            "initiative_chart": initiative_chart(p_inis, lang, prefix=f"{prefix}-pi{p['id']}"),
            "initiatives": p_inis,
            "conclusion": text_for(f"pillar:{p['slug']}"),
        })

    sdgs = s.get("sdgs", {})
    focus_numbers = [f["number"] for f in s.get("focus_sdgs", [])]

    def sdg_section(number: int, *, focus: dict[str, Any] | None) -> dict[str, Any]:
        info = sdgs.get(str(number), {"number": number, "colour": "#555555",
                                      "short_title": {"da": "", "en": ""},
                                      "title": {"da": "", "en": ""}})
        s_goals = [g for g in goals if number in g["sdgs"]]
        s_goal_ids = {g["id"] for g in s_goals}
        s_inds = [i for i in inds if number in i["sdgs"] or (
            not i["sdgs"] and i["goal_id"] in s_goal_ids)]
        by_goal: dict[int, list[dict[str, Any]]] = {}
        for i in s_inds:
            by_goal.setdefault(i["goal_id"], []).append(i)
        # Each chart is drawn once, in its pillar's chapter: the SDG pages give status and
        # receipt and point to it (a page number in the PDF), which keeps the PDF short.
        charts_on = False
        goal_views = []
        for g in s_goals:
            gv = goal_view(g, charts_on=charts_on, pfx=f"{prefix}-s{number}")
            gv.indicators = [
                _indicator_view(i, lang, prefix=f"{prefix}-s{number}", with_chart=charts_on)
                for i in by_goal.get(g["id"], [])
            ]
            goal_views.append(gv)
        return {
            "number": number, "colour": info["colour"],
            "short_title": _pick(info["short_title"], lang), "title": _pick(info["title"], lang),
            "anchor": f"sdg-{number}", "focus": focus,
            "keywords": _pick(focus["keywords"], lang) if focus else "",
            "text": _pick(focus["text"], lang) if focus else "",
            "goals": goal_views, "status_counts": status_counts(s_inds),
            "indicator_count": len(s_inds),
            "conclusion": text_for(f"sdg:{number}"),
        }

    focus_pages = [sdg_section(f["number"], focus=f) for f in s.get("focus_sdgs", [])]
    other_sdgs = [
        sdg_section(int(n), focus=None) for n in sorted(sdgs, key=int)
        if int(n) not in focus_numbers
    ]
    other_sdgs = [x for x in other_sdgs if x["goals"]]

    part = s.get("participation") or {}
    for proc in part.get("processes", []):
        proc["title_text"] = _pick(proc["title"], lang)

    changes = s.get("changes") or {}
    vision = s.get("vision")
    toc = [Section("foreword", "foreword", _("Foreword"))]
    if changes.get("previous_year"):
        toc.append(Section("changes", "changes",
                           _("What changed since %(year)s") % {"year": changes["previous_year"]}))
    toc.append(Section("vision", "vision", _("The vision and its pillars")))
    toc.append(Section("overview", "overview", _("Overview")))
    toc += [Section(p["data"]["slug"], p["anchor"], p["title"]) for p in pillars]
    toc += [
        Section(f"sdg:{f['number']}", f["anchor"],
                _("SDG %(number)s: %(title)s") % {"number": f["number"],
                                                  "title": f["short_title"]})
        for f in focus_pages
    ]
    if other_sdgs:
        toc.append(Section("sdgs", "sdgs", _("The other SDGs")))
    toc.append(Section("participation", "participation", _("Participation and feedback")))
    toc.append(Section("conclusions", "conclusions", _("Conclusions")))
    toc.append(Section("methods", "methods", _("Methods and sources")))

    def status_label(value: str) -> str:
        return str(ProgressStatus(value).label) if value in STATUS_ORDER else value

    return {
        "lang": lang,
        "s": s,
        "year": s.get("year"),
        "municipality_name": (s.get("municipality") or {}).get("name", ""),
        "vision": {
            "title": _pick(vision["title"], lang), "text": _pick(vision["text"], lang),
            "period_start": vision.get("period_start"), "period_end": vision.get("period_end"),
            "source_url": vision.get("source_url"), "is_example": vision.get("is_example"),
        } if vision else None,
        "foreword": foreword,
        "texts_are_example": is_example,
        "pillars": pillars,
        "focus_pages": focus_pages,
        "other_sdgs": other_sdgs,
        "overall_counts": status_counts(inds),
        "overall_chart": status_chart(
            inds, lang, prefix=prefix, title=_("Status of the indicators")
        ),
        "indicator_count": len(inds),
        "initiative_count": len(initiatives),
        "participation": part,
        "changes": changes,
        "status_label": status_label,
        "initiative_status_label": lambda v: str(InitiativeStatus(v).label)
        if v in InitiativeStatus.values else v,
        "pick": lambda v: _pick(v, lang),
        "conclusions": text_for("conclusions"),
        "participation_text": text_for("participation"),
        "documents": [
            {"title": _pick(d["title"], lang), "url": d["url"], "adopted": d["adopted"]}
            for d in s.get("documents", [])
        ],
        "decisions": [
            {"title": _pick(d["title"], lang), "body": d["body"], "date": d["date"],
             "url": d["url"], "is_example": d["is_example"]}
            for d in s.get("decisions", [])
        ],
        "toc": toc,
        "number": lambda v, d=None: charts.format_number(v, lang, d),
        "progress_method_url": progress_method_url(),
        "pillar_titles": {p["data"]["id"]: p["title"] for p in pillars},
        "isodate": _isodate,
        "anchor_prefix": "",
    }


def _isodate(value: str | None) -> str:
    """A date or datetime frozen as ISO text, formatted for the active language."""
    if not value:
        return ""
    from datetime import date, datetime

    from django.utils.formats import date_format

    parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return date_format(parsed, "j. F Y")


def progress_method_url() -> str:
    """The public page that explains the progress method (the indicators app owns it); the
    report's own methods chapter when that page is not there."""
    from django.urls import NoReverseMatch

    from faelles.core.links import path_for

    for name in ("indicators:method", "indicators:progress_method", "indicators:index"):
        try:
            return path_for(name)
        except NoReverseMatch:
            continue
    return "#methods"


# ---------------------------------------------------------------------------- documents


def render_document(
    *, snapshot: dict[str, Any], lang: str, foreword: str, texts: dict[str, dict[str, str]],
    is_example: bool = False,
) -> str:
    """The whole report as one standalone HTML document: the downloadable, printable HTML and
    the PDF's source. It links report.css, and print.css for print (the PDF's page rules)."""
    with translation.override(lang):
        context = report_context(
            snapshot=snapshot, lang=lang, foreword=foreword, texts=texts, prefix=f"d{lang}",
            is_example=is_example,
        )
        context.update({
            "stylesheet_url": static("reports/report.css"),
            "print_stylesheet_url": static("reports/print.css"),
        })
        return render_to_string("reports/document.html", context)


# Links in the document are resolved against this made-up origin, so "/static/..." can be
# recognised and read from disk; nothing is ever fetched from it.
_BASE_URL = "https://report.invalid/"


def _static_file(path: str) -> str | None:
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage

    prefix = urlsplit(settings.STATIC_URL).path or "/static/"
    if not path.startswith(prefix):
        return None
    name = unquote(path[len(prefix):])
    try:  # collected (hashed) names in production
        candidate = staticfiles_storage.path(name)
        if Path(candidate).is_file():
            return candidate
    except NotImplementedError:
        pass
    found = finders.find(name)
    return str(found) if found else None


def _fetcher() -> Any:
    """Our own static files from disk, data: URLs as they are, and nothing else: an image URL
    in a markdown text must not make the worker fetch from the network (it is left out)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" == _BASE_URL:
                local = _static_file(parts.path)
                if local:
                    return URLFetcherResponse(
                        url, Path(local).read_bytes(),
                        {"Content-Type": "text/css; charset=utf-8"},
                    )
            raise ValueError(f"not fetched: {url[:80]}")

    return ReportFetcher(allowed_protocols=("data", "https"))


def render_pdf(html: str) -> tuple[bytes, int]:
    """PDF bytes and page count. WeasyPrint draws the inline SVG charts as vectors."""
    from weasyprint import HTML

    # WeasyPrint reports every layout step at INFO; the status page shows our own progress.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    document = HTML(string=html, base_url=_BASE_URL, url_fetcher=_fetcher()).render()
    out = io.BytesIO()
    document.write_pdf(out)
    return out.getvalue(), len(document.pages)


def _render_pdf_job(html: str) -> tuple[bytes, int]:
    # Module-level so a worker process can run it; looks render_pdf up at call time.
    return render_pdf(html)


def render_pdfs(
    htmls: dict[str, str], *, on_done: Callable[[str], None] | None = None
) -> dict[str, tuple[bytes, int]]:
    """Lay out several PDFs, in parallel processes when the machine has more than one CPU.

    Layout is pure CPU work on a string, so forked workers need neither the database nor
    Django's state; results come back as bytes. Falls back to one at a time where fork is
    not available, when the setting REPORTS_PARALLEL_PDF is False (e.g. for a worker that
    runs threads), and in tests that replace render_pdf.
    """
    from django.conf import settings

    results: dict[str, tuple[bytes, int]] = {}
    parallel = (
        getattr(settings, "REPORTS_PARALLEL_PDF", True)
        and len(htmls) > 1 and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and render_pdf is _ORIGINAL_RENDER_PDF
    )
    if not parallel:
        for lang, html in htmls.items():
            results[lang] = render_pdf(html)
            if on_done:
                on_done(lang)
        return results
    # Import (and let cffi parse its C declarations) once, before forking: each worker then
    # starts with it loaded instead of paying about a second of CPU for it again.
    import weasyprint  # noqa: F401

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(len(htmls), os.cpu_count() or 1),
                             mp_context=context, initializer=_die_with_parent) as pool:
        futures = {pool.submit(_render_pdf_job, html): lang for lang, html in htmls.items()}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if on_done:
                on_done(futures[future])
    return results


def _die_with_parent() -> None:
    """Pool children are forked from the task worker and inherit its graceful SIGTERM handler,
    which would leave them running (blocked on a pipe) after the worker is stopped or killed.
    Restore the default handlers and, on Linux, ask the kernel to kill the child when its
    parent dies."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # best effort: default handlers alone already end the child on SIGTERM
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)


_ORIGINAL_RENDER_PDF = render_pdf
