"""The open data sets: one flat table per listing, described column by column.

The same description drives the CSV and JSON downloads, the ZIP of everything and its data
dictionary, so they cannot disagree. Rows come from the public selectors only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from faelles.api import selectors, serialise
from faelles.core.models import Municipality
from faelles.sdg.models import Target as SdgTarget
from faelles.strategy.models import Goal

CHUNK = 2000  # rows fetched per query while streaming: memory stays flat whatever the size


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a key of TYPES
    meaning: Promise
    get: Callable[[Any], Any]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise
    description: Promise
    rows: Callable[[Municipality], QuerySet]
    columns: tuple[Column, ...]
    # Called with each chunk of rows (and the municipality) before they are written, e.g. to
    # read their feedback for the whole chunk in a few queries.
    prepare: Callable[[list[Any], Municipality], None] | None = None

    def iter_rows(self, municipality: Municipality) -> Iterator[list[Any]]:
        for chunk in self.chunks(municipality):
            for obj in chunk:
                yield [column.get(obj) for column in self.columns]

    def chunks(self, municipality: Municipality) -> Iterator[list[Any]]:
        chunk: list[Any] = []
        for obj in self.rows(municipality).iterator(chunk_size=CHUNK):
            chunk.append(obj)
            if len(chunk) == CHUNK:
                yield self._prepared(chunk, municipality)
                chunk = []
        if chunk:
            yield self._prepared(chunk, municipality)

    def _prepared(self, chunk: list[Any], municipality: Municipality) -> list[Any]:
        if self.prepare is not None:
            self.prepare(chunk, municipality)
        return chunk

    def iter_dicts(self, municipality: Municipality) -> Iterator[dict[str, Any]]:
        names = [c.name for c in self.columns]
        for row in self.iter_rows(municipality):
            yield dict(zip(names, row, strict=True))


def _codes(targets: Any) -> list[str]:
    return [t.code for t in targets.all()]


def _slugs(rows: Any) -> list[str]:
    return [r.slug for r in rows.all()]


def _sdgs(targets: Any) -> list[int]:
    return sorted({t.goal.number for t in targets.all()})


def _targets() -> Prefetch:
    return Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal"))


TYPES: dict[str, Promise] = {
    "integer": _("whole number"),
    "number": _("decimal number (point as decimal separator)"),
    "text": _("text"),
    "markdown": _("text in Markdown"),
    "date": _("date, YYYY-MM-DD"),
    "datetime": _("date and time, ISO 8601 with time zone"),
    "boolean": _("true or false"),
    "list": _("list; in CSV separated by semicolons"),
    "url": _("web address"),
}

ID = Column("slug", "text", _("Short name; unique and stable within the municipality."),
            lambda o: o.slug)
TITLE = Column("title", "text", _("Title."), lambda o: o.title)
EXAMPLE = Column("is_example", "boolean", _("Invented example content for the demo."),
                 lambda o: o.is_example)
UPDATED = Column("updated_at", "datetime", _("When the row was last changed."),
                 lambda o: o.updated_at)

PILLARS = Dataset(
    "pillars", _("Pillars"), _("The themes of the vision."),
    lambda m: selectors.public_pillars(m).order_by("order", "id"),
    (
        ID, TITLE,
        Column("summary", "text", _("Short summary."), lambda o: o.summary),
        Column("text", "markdown", _("Description."), lambda o: o.text),
        Column("order", "integer", _("Position in the vision."), lambda o: o.order),
        EXAMPLE, UPDATED,
        Column("url", "url", _("The page on this site."),
               lambda o: serialise.page_url("strategy:pillar", slug=o.slug)),
    ),
)

GOALS = Dataset(
    "goals", _("Goals"), _("The municipality's local goals, each under a pillar."),
    lambda m: Goal.objects.filter(selectors.PUBLIC_GOAL, municipality=m)
    .select_related("pillar").prefetch_related(_targets()).order_by("order", "id"),
    (
        ID, TITLE,
        Column("summary", "text", _("Short summary."), lambda o: o.summary),
        Column("description", "markdown", _("Description."), lambda o: o.description),
        Column("dimension", "text", _("Side of sustainability: social, economic or environmental."),
               lambda o: o.dimension),
        Column("pillar", "text", _("Short name of the pillar."), lambda o: o.pillar.slug),
        Column("sdgs", "list", _("Numbers of the SDGs the goal works toward."),
               lambda o: _sdgs(o.sdg_targets)),
        Column("sdg_targets", "list", _("Codes of the SDG targets, e.g. 11.6."),
               lambda o: _codes(o.sdg_targets)),
        EXAMPLE, UPDATED,
        Column("url", "url", _("The page on this site."),
               lambda o: serialise.page_url("strategy:goal", slug=o.slug)),
    ),
)

INITIATIVES = Dataset(
    "initiatives", _("Initiatives"), _("Concrete actions and projects, with status and progress."),
    lambda m: selectors.public_initiatives(m).order_by("id"),
    (
        ID, TITLE,
        Column("summary", "text", _("Short summary."), lambda o: o.summary),
        Column("status", "text",
               _("planned, ongoing, completed, paused or cancelled."), lambda o: o.status),
        Column("progress", "number", _("Progress in per cent, including sub-initiatives."),
               lambda o: o.progress_total),
        Column("parent", "text", _("Short name of the initiative this is part of."),
               lambda o: o.parent.slug if o.parent_id and o.parent.is_published else ""),
        Column("department", "text", _("Responsible department."), lambda o: o.department),
        Column("start_date", "date", _("Start."), lambda o: o.start_date),
        Column("end_date", "date", _("End."), lambda o: o.end_date),
        Column("goals", "list", _("Short names of the goals it serves."),
               lambda o: _slugs(o.goals)),
        Column("partners", "list", _("Names of the partner organisations."),
               lambda o: [p.name for p in o.partners.all()]),
        Column("milestones_done", "integer", _("Milestones reached."),
               lambda o: sum(1 for x in o.milestones.all() if x.completed_on)),
        Column("milestones_total", "integer", _("Milestones in all."),
               lambda o: len(o.milestones.all())),
        EXAMPLE, UPDATED,
        Column("url", "url", _("The page on this site."),
               lambda o: serialise.page_url("strategy:initiative", slug=o.slug)),
    ),
)

INDICATORS = Dataset(
    "indicators", _("Indicators"),
    _("What is measured for each goal, with target and the progress status of the headline."),
    lambda m: selectors.public_indicators(m).order_by("order", "id"),
    (
        ID, TITLE,
        Column("goal", "text", _("Short name of the goal it measures."), lambda o: o.goal.slug),
        Column("unit", "text", _("Unit of the values."), lambda o: o.unit),
        Column("direction", "text", _("increase or decrease: which way is better."),
               lambda o: o.direction),
        Column("un_indicator", "text", _("The corresponding UN SDG indicator code, if any."),
               lambda o: o.sdg_indicator.code if o.sdg_indicator_id else ""),
        Column("base_year", "integer", _("Progress is measured from this year."),
               lambda o: o.base_year),
        Column("target_value", "number", _("Target value (empty: no target)."),
               lambda o: o.target_value),
        Column("target_year", "integer", _("Year the target should be reached."),
               lambda o: o.effective_target_year),
        Column("status", "text", _("Progress status of the headline series."),
               lambda o: next((a.status for a in o.assessments.all() if not a.series_key), "")),
        Column("data_source", "text", _("Where the data come from."), lambda o: o.data_source),
        Column("source_url", "url", _("Link to the source."), lambda o: o.source_url),
        EXAMPLE, UPDATED,
        Column("url", "url", _("The page on this site."),
               lambda o: serialise.page_url("indicators:detail", slug=o.slug)),
    ),
)

OBSERVATIONS = Dataset(
    "observations", _("Observations"),
    _("Every data value of every public indicator, one row per period and breakdown."),
    lambda m: selectors.public_observations(m).select_related("indicator")
    .only("id", "indicator__slug", "period", "year", "quarter", "month", "value",
          "disaggregation", "series", "units", "source", "retrieved_at")
    .order_by("indicator_id", "id"),
    (
        Column("indicator", "text", _("Short name of the indicator."),
               lambda o: o.indicator.slug),
        Column("period", "text", _("Period: 2024, 2024K1 (quarter) or 2024M01 (month)."),
               lambda o: o.period),
        Column("year", "integer", _("Year."), lambda o: o.year),
        Column("value", "number", _("Value."), lambda o: o.value),
        Column("breakdown", "text",
               _("Breakdown as dimension=category pairs separated by semicolons; empty: total."),
               lambda o: ";".join(f"{k}={v}" for k, v in sorted(o.disaggregation.items()))),
        Column("series", "text", _("Series name, when the indicator has several."),
               lambda o: o.series),
        Column("units", "text", _("Units, when they differ within the indicator."),
               lambda o: o.units),
        Column("source", "text", _("Source of the value."), lambda o: o.source),
        Column("retrieved_at", "datetime", _("When the value was retrieved."),
               lambda o: o.retrieved_at),
    ),
)

PROCESSES = Dataset(
    "processes", _("Processes"), _("Participation processes and their phases."),
    lambda m: selectors.public_processes(m).order_by("-created_at", "-id"),
    (
        ID, TITLE,
        Column("summary", "text", _("Short summary."), lambda o: o.summary),
        Column("phases", "list", _("Phase titles in order."),
               lambda o: [p.title for p in o.phases.all()]),
        Column("start", "datetime", _("Start of the first phase."),
               lambda o: min((p.start for p in o.phases.all()), default=None)),
        Column("end", "datetime", _("End of the last phase."),
               lambda o: max((p.end for p in o.phases.all()), default=None)),
        Column("pillars", "list", _("Short names of the pillars."), lambda o: _slugs(o.pillars)),
        Column("goals", "list", _("Short names of the goals."), lambda o: _slugs(o.goals)),
        Column("sdg_targets", "list", _("Codes of the SDG targets."),
               lambda o: _codes(o.sdg_targets)),
        Column("answer_deadline_days", "integer",
               _("Calendar days within which contributions are answered."),
               lambda o: o.answer_deadline_days),
        Column("contribution_count", "integer", _("Number of contributions."),
               lambda o: o.contribution_count),
        EXAMPLE,
        Column("created_at", "datetime", _("Created."), lambda o: o.created_at),
        Column("url", "url", _("The page on this site."),
               lambda o: serialise.page_url("participation:process", slug=o.slug)),
    ),
)

def _prepare_contributions(rows: list[dict[str, Any]], municipality: Municipality) -> None:
    selectors.complete_contributions(rows, municipality)
    url = serialise.url_for_id("participation:contribution")  # reversed once per chunk
    for row in rows:
        row["url"] = url(row["id"])


def _answer(row: dict[str, Any]) -> dict[str, Any]:
    return row["feedback"]["answer"] or {}


# Rows are plain values (selectors.contribution_values), completed per chunk of 2,000: no model
# instances, so 30,000 rows stream in a few seconds with flat memory.
CONTRIBUTIONS = Dataset(
    "contributions", _("Contributions"),
    _("Public contributions (ideas, proposals, hearing responses ...). Hidden and withdrawn "
      "ones are left out; authors appear only by the name they chose to show."),
    lambda m: selectors.contribution_values(
        selectors.public_contributions(m).order_by("-created_at", "-id")
    ),
    (
        Column("id", "integer", _("Number of the contribution."), lambda r: r["id"]),
        Column("process", "text", _("Short name of the process."),
               lambda r: r["process__slug"]),
        Column("kind", "text",
               _("idea, proposal, hearing_response, prehearing_answer or workshop_note."),
               lambda r: r["kind"]),
        Column("title", "text", _("Title."), lambda r: r["title"]),
        Column("text", "markdown", _("The contribution."), lambda r: r["public_text"]),
        Column("author_name", "text", _("Author's name, only when they chose to show it."),
               lambda r: r["author_name"]),
        Column("on_behalf_of", "text", _("Organisation the contribution is made for."),
               lambda r: r["on_behalf_of__name"] or ""),
        Column("neighbourhood", "text", _("Area of the city."), lambda r: r["neighbourhood"]),
        Column("pillars", "list", _("Short names of the pillars."),
               lambda r: [p["slug"] for p in r["pillars"]]),
        Column("sdg_targets", "list", _("Codes of the SDG targets."),
               lambda r: r["sdg_targets"]),
        Column("support_count", "integer", _("Supports."), lambda r: r["support_count"]),
        Column("comment_count", "integer", _("Comments."), lambda r: r["comment_count"]),
        Column("status", "text", _("Feedback status."),
               lambda r: r["feedback"]["status"] or ""),
        Column("answer", "markdown", _("The municipality's public answer."),
               lambda r: _answer(r).get("text", "")),
        Column("answered_at", "datetime", _("When the answer was published."),
               lambda r: _answer(r).get("published_at")),
        Column("outcomes", "list", _("What the contribution led to."),
               lambda r: [x["title"] for x in r["feedback"]["outcomes"]]),
        Column("is_example", "boolean", _("Invented example content for the demo."),
               lambda r: r["is_example"]),
        Column("created_at", "datetime", _("Created."), lambda r: r["created_at"]),
        Column("url", "url", _("The page on this site."), lambda r: r["url"]),
    ),
    prepare=_prepare_contributions,
)

DECISIONS = Dataset(
    "decisions", _("Decisions"), _("Political decisions, e.g. adopted strategies."),
    lambda m: selectors.public_decisions(m).order_by("-date", "-id"),
    (
        ID, TITLE,
        Column("body", "text", _("Who decided, e.g. Kommunalbestyrelsen."), lambda o: o.body),
        Column("date", "date", _("Date of the decision."), lambda o: o.date),
        Column("date_precision", "text",
               _("day, month or year: how much of the date is known."),
               lambda o: o.date_precision),
        Column("reference", "text", _("Agenda item or minutes."), lambda o: o.reference),
        Column("link", "url", _("Link to the minutes."), lambda o: o.url),
        Column("text", "markdown", _("Description."), lambda o: o.text),
        EXAMPLE, UPDATED,
        Column("url", "url", _("The page on this site."),
               lambda o: serialise.page_url("strategy:decision", slug=o.slug)),
    ),
)

DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (PILLARS, GOALS, INITIATIVES, INDICATORS, OBSERVATIONS, PROCESSES, CONTRIBUTIONS,
              DECISIONS)
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV
    injection): citizens' titles end up in municipal staff's Excel."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(value: Any) -> str:
    # The common exact types first (a download writes about 20 values per row).
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return neutralise_formula(";".join(str(v) for v in value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, int):
        return str(value)
    return neutralise_formula(str(value))


def json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
