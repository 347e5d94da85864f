"""Reads in participation: each list and page in a fixed number of queries.

Contribution lists paginate by keyset on the indexed orderings (newest, most supported, most
commented; the id breaks ties), so page 1,000 costs what page 1 costs. The "random" ordering is
a keyset too, on the stored random `shuffle_key` (index process, shuffle_key, id): the visitor's
seed picks a start key, pages seek forward from there and wrap around once to the lowest key, so
the order is stable per visitor and each page reads only its own rows.

The list and the process page read the process as a lean "shell" (`process_shell`): the process
row plus phases, pillars and SDG goal numbers as plain values, no model prefetches; contribution
cards are built from one `values_list` query (no model instances) with their pillar tags from one
query on the through table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from faelles.core.formatting import DateFormatter, day_label
from faelles.core.links import path_for
from faelles.core.markdown import plain_text
from faelles.core.prepared import Prepared
from faelles.participation.models import (
    Comment,
    Contribution,
    ContributionKind,
    DraftVersion,
    Meeting,
    Neighbourhood,
    OfflineSource,
    Paragraph,
    Phase,
    Process,
    Question,
    Report,
    ReportStatus,
    Support,
    sdg_goal_bit,
)
from faelles.participation.phases import PhaseTiming, PhaseType

PAGE_SIZE = 20
SORTS = ("newest", "supported", "commented", "random")
# Keyset columns per ordering (descending, the id breaks ties); "random" ascends on shuffle_key.
_KEYS = {
    "newest": "created_at",
    "supported": "support_count",
    "commented": "comment_count",
    "random": "shuffle_key",
}
SHUFFLE_SPACE = 2**31  # models.new_shuffle_key draws below this


def process_list(*, municipality: Any, include_unpublished: bool = False) -> list[Process]:
    qs = Process.objects.filter(municipality=municipality)
    if not include_unpublished:
        qs = qs.filter(is_published=True)
    return list(qs.prefetch_related(Prefetch("phases", Phase.objects.order_by("order", "start"))))


@dataclass(slots=True)
class ProcessCard:
    """A process as the process list shows it, in plain values (cached per municipality and
    language); `phases` are (title, start, end, "until <date>") in the process's order."""

    pk: int
    url: str
    title: str
    summary: str
    is_example: bool
    is_published: bool
    phases: list[tuple[str, dt.datetime, dt.datetime, str]]


@dataclass(slots=True)
class ProcessCardView:
    """A card for one request: the phase it shows now, that phase's state, the live count."""

    card: ProcessCard
    phase_title: str
    state: str
    until: str
    count: str

    @property
    def is_example(self) -> bool:  # for the example_label macro
        return self.card.is_example


def process_cards(*, municipality: Any, include_unpublished: bool = False,
                  now: dt.datetime | None = None) -> tuple[list[ProcessCardView],
                                                           list[ProcessCardView]]:
    """The process list as (running, other) cards: the processes and their phases from the
    cache (until the municipality's content changes), the phase states from the clock and the
    contribution counters (kept by `update()`, without signals) from one query, per request."""
    from faelles.core import pagecache

    m_id = getattr(municipality, "pk", municipality)
    lang = translation.get_language() or "da"
    cards = pagecache.fragment(
        f"participation:{SHAPE}:process-cards:{m_id}:{lang}:{int(include_unpublished)}", m_id,
        lambda: _load_process_cards(m_id, include_unpublished), ttl=SHELL_TTL,
    )
    counts = dict(Process.objects.filter(pk__in=[c.pk for c in cards]).order_by()
                  .values_list("pk", "contribution_count")) if cards else {}
    now = now or timezone.now()
    running: list[ProcessCardView] = []
    other: list[ProcessCardView] = []
    labels: dict[int, str] = {}
    for card in cards:
        n = counts.get(card.pk, 0)
        count = labels.get(n)
        if count is None:
            count = labels[n] = ngettext("%(num)s contribution", "%(num)s contributions", n) % {
                "num": number_format(n, use_l10n=True, force_grouping=True)}
        current = next((ph for ph in card.phases if ph[1] <= now < ph[2]), None)
        if current is not None:
            running.append(ProcessCardView(card, current[0], "running", current[3], count))
        elif card.phases:
            last = card.phases[-1]
            state = "future" if now < last[1] else "past"
            other.append(ProcessCardView(card, last[0], state, "", count))
        else:
            other.append(ProcessCardView(card, "", "", "", count))
    return running, other


def _load_process_cards(m_id: int, include_unpublished: bool) -> list[ProcessCard]:
    from faelles.core.formatting import DateFormatter

    lang = translation.get_language() or "da"
    qs = Process.objects.filter(municipality_id=m_id)
    if not include_unpublished:
        qs = qs.filter(is_published=True)
    rows = list(qs.order_by("-created_at", "-id").values_list(
        "pk", "slug", "title_da", "title_en", "summary_da", "summary_en", "is_example",
        "is_published"))
    phases: dict[int, list[tuple[str, dt.datetime, dt.datetime, str]]] = {}
    fmt = DateFormatter()
    for process_id, da, en, start, end in (
        Phase.objects.filter(process_id__in=[r[0] for r in rows])
        .order_by("process_id", "order", "start", "pk")
        .values_list("process_id", "title_da", "title_en", "start", "end")
    ):
        until = gettext("until %(date)s") % {
            "date": fmt(end - dt.timedelta(seconds=1), "j. F Y")}  # PhaseTiming.last_moment
        phases.setdefault(process_id, []).append((_tr(da, en, lang), start, end, until))
    return [
        ProcessCard(pk, path_for("participation:process", slug=slug), _tr(t_da, t_en, lang),
                    _tr(s_da, s_en, lang), is_example, is_published, phases.get(pk, []))
        for pk, slug, t_da, t_en, s_da, s_en, is_example, is_published in rows
    ]


def process_get(*, municipality: Any, slug: str) -> Process | None:
    return (
        Process.objects.filter(municipality=municipality, slug=slug)
        .prefetch_related(
            Prefetch("phases", Phase.objects.prefetch_related("questions")),
            "pillars", "sdg_targets",
        )
        .first()
    )


def _tr(da: str | None, en: str | None, lang: str) -> str:
    """A translated column read with values(): the language's text, falling back to Danish
    (as modeltranslation's fallback does)."""
    return (en or da or "") if lang == "en" else (da or en or "")


@dataclass(slots=True)
class PhaseInfo(PhaseTiming):
    """What pages and the phase rules read of a phase, without a model instance."""

    pk: int
    type: str
    order: int
    title: str
    text: str
    start: dt.datetime
    end: dt.datetime
    questions: list[str] = field(default_factory=list)
    dates: str = ""  # "start – last day", for the process page

    def get_type_display(self) -> str:
        return str(PhaseType(self.type).label) if self.type in PhaseType.values else self.type


@dataclass(slots=True)
class PillarInfo:
    pk: int
    slug: str
    title: str


@dataclass(slots=True)
class MeetingLine:
    """A meeting as the process page lists it (plain values, the date already formatted)."""

    pk: int
    url: str
    title: str
    is_example: bool
    when: str
    place: str


@dataclass(slots=True)
class DraftLine:
    """A version of the draft in hearing as the process page lists it."""

    number: int
    url: str
    title: str
    is_example: bool
    published: str


SHELL_TTL = 600  # seconds; invalidation is by the municipality's content generation
# In every cached part's key: a deployment that changes what a part holds (its classes' fields)
# must not read parts pickled by the code before it (nor they its parts). Raise when it does.
SHAPE = "v2"


def process_shell(
    *, municipality: Any, slug: str, with_texts: bool = False
) -> Process | None:
    """The process for its list and its page: from the cache, else in five small queries.

    A real `Process` (the rules and the follow button take it as it is) whose `phase_list` holds
    `PhaseInfo` values; `pillar_list`, `sdg_numbers` and `status_list` (the feedback statuses
    the filter offers) are set too. `with_texts` adds the phase texts and questions that only
    the process page shows.

    Cached per process and language under the municipality's content generation
    (`faelles.core.pagecache`): every save or delete of municipal content (the process, its
    phases, questions, pillars and SDG targets, a pillar's title, a feedback status) bumps it
    through post_save/post_delete/m2m_changed signals, so a changed process is never served
    from the cache. The counters change through `update()` without signals: the process page
    reads them fresh.
    """
    from faelles.core import pagecache

    m_id = getattr(municipality, "pk", municipality)
    lang = translation.get_language() or "da"
    process = pagecache.fragment(
        f"participation:{SHAPE}:shell:{m_id}:{slug}:{lang}:{int(with_texts)}", m_id,
        lambda: _load_shell(m_id, slug, lang, with_texts), ttl=SHELL_TTL,
    )
    if process is not None and with_texts:
        counts = _process_counts(process.pk)
        if counts:
            process.contribution_count, process.comment_count, process.support_count = counts
    return process


def _process_counts(pk: int) -> tuple[int, int, int] | None:
    """The process's counters (kept by `update()`, so never cached), in plain SQL: building the
    one-row query through the ORM cost more than running it."""
    meta = Process._meta
    qn = connection.ops.quote_name
    cols = ", ".join(qn(meta.get_field(f).column)
                     for f in ("contribution_count", "comment_count", "support_count"))
    # Table and column names come from the model; the id is a bound parameter.
    sql = f"SELECT {cols} FROM {qn(meta.db_table)} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()


def _add_page_lines(p: Process, lang: str) -> None:
    """What only the process page shows, as display-ready values: each phase's dates, the
    meetings and the draft versions (so the cached shell carries them)."""
    from faelles.core.formatting import DateFormatter

    fmt = DateFormatter()
    for ph in p.__dict__["phase_list"]:
        ph.dates = f"{fmt(ph.start, 'j. F Y')} – {fmt(ph.last_moment, 'j. F Y')}"
    p.meeting_lines = [  # type: ignore[attr-defined]
        MeetingLine(pk, path_for("participation:meeting", pk=pk), _tr(da, en, lang), example,
                    fmt(start, "j. F Y, H:i"), place)
        for pk, da, en, example, start, place in _SHELL_MEETINGS.rows(p.pk)
    ]
    p.draft_lines = [  # type: ignore[attr-defined]
        DraftLine(number, path_for("participation:draft", slug=p.slug, number=number),
                  _tr(da, en, lang), example, fmt(published, "j. F Y"))
        for number, da, en, example, published in _SHELL_DRAFTS.rows(p.pk)
    ]


def process_shell_by_pk(*, municipality: Any, pk: int) -> Process | None:
    """The shell (without texts or statuses) of the process with id `pk`, for pages that reach
    the process through one of its objects (the contribution page); cached like
    `process_shell`."""
    from faelles.core import pagecache

    m_id = getattr(municipality, "pk", municipality)
    lang = translation.get_language() or "da"
    return pagecache.fragment(
        f"participation:{SHAPE}:shell-pk:{m_id}:{pk}:{lang}", m_id,
        lambda: _load_shell(m_id, "", lang, False, pk=pk), ttl=SHELL_TTL,
    )


def _shell_phases(process_id: int, *, with_texts: bool) -> QuerySet:
    cols = ["pk", "type", "order", "title_da", "title_en", "start", "end"]
    if with_texts:
        cols += ["text_da", "text_en"]
    return QuerySet(Phase).filter(process_id=process_id).order_by(
        "order", "start", "pk").values_list(*cols)


# The shell's reads, compiled once (core.prepared): building them through the ORM was most of
# a cold process page.
_SHELL_PHASES = Prepared(_shell_phases, shape=("with_texts",))
_SHELL_QUESTIONS = Prepared(lambda process_id: QuerySet(Question).filter(
    phase__process_id=process_id).order_by("phase", "order", "pk").values_list(
    "phase_id", "text_da", "text_en"))
_SHELL_PILLARS = Prepared(lambda process_id: QuerySet(Process.pillars.through).filter(
    process_id=process_id).order_by("pillar__order", "pillar_id").values_list(
    "pillar_id", "pillar__slug", "pillar__title_da", "pillar__title_en"))
_SHELL_SDGS = Prepared(lambda process_id: QuerySet(Process.sdg_targets.through).filter(
    process_id=process_id).values_list("target__goal__number", flat=True))
_SHELL_MEETINGS = Prepared(lambda process_id: QuerySet(Meeting).filter(
    process_id=process_id).order_by("start", "id").values_list(
    "pk", "title_da", "title_en", "is_example", "start", "place"))
_SHELL_DRAFTS = Prepared(lambda process_id: QuerySet(DraftVersion).filter(
    process_id=process_id).order_by("number").values_list(
    "number", "title_da", "title_en", "is_example", "published_at"))


def _load_shell(m_id: int, slug: str, lang: str, with_texts: bool, *,
                pk: int | None = None) -> Process | None:
    from faelles.feedback.selectors import statuses_of

    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    process = Process.objects.filter(municipality_id=m_id, **lookup).order_by()[:1]
    found = list(process)
    if not found:
        return None
    p = found[0]
    phases = []
    for row in _SHELL_PHASES.rows(p.pk, with_texts=with_texts):
        phases.append(PhaseInfo(
            row[0], row[1], row[2], _tr(row[3], row[4], lang),
            _tr(row[7], row[8], lang) if with_texts else "", row[5], row[6],
        ))
    if with_texts and phases:
        by_phase = {ph.pk: ph for ph in phases}
        for phase_id, da, en in _SHELL_QUESTIONS.rows(p.pk):
            by_phase[phase_id].questions.append(_tr(da, en, lang))
    pillars = [
        PillarInfo(pk, slug_, _tr(da, en, lang))
        for pk, slug_, da, en in _SHELL_PILLARS.rows(p.pk)
    ]
    sdg_numbers = sorted(set(_SHELL_SDGS.rows(p.pk)))
    # cached_property storage: Process.phase_list reads these instead of querying.
    p.__dict__["phase_list"] = phases
    p.pillar_list = pillars  # type: ignore[attr-defined]
    p.sdg_numbers = sdg_numbers  # type: ignore[attr-defined]
    p.status_list = (  # type: ignore[attr-defined]
        [] if with_texts or pk is not None else statuses_of(m_id))
    if with_texts:
        _add_page_lines(p, lang)
    return p


@dataclass
class ContributionFilters:
    phase: int | None = None
    pillar: str = ""
    sdg: int | None = None
    neighbourhood: str = ""
    status: str = ""
    q: str = ""
    sort: str = "newest"
    seed: int = 0
    cursor: str = ""
    page: int = 1

    def query(self, **changes: Any) -> str:
        """The query string for these filters with `changes` (links keep the other filters)."""
        from urllib.parse import urlencode

        values = {
            "phase": self.phase or "", "pillar": self.pillar, "sdg": self.sdg or "",
            "area": self.neighbourhood, "status": self.status, "q": self.q,
            "sort": self.sort if self.sort != "newest" else "",
            "seed": self.seed if self.sort == "random" else "",
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@dataclass(slots=True)
class Card:
    """One contribution as the list shows it: values only, display strings made once per page."""

    pk: int
    url: str
    title: str
    is_example: bool
    kind: str
    author: str
    created_at: dt.datetime
    iso: str
    date: str
    area: str
    question: str
    excerpt: str
    support_count: int
    comment_count: int
    shuffle_key: int
    supports: str
    comments: str
    tags: list[str] = field(default_factory=list)


@dataclass
class ContributionPage:
    items: list[Card]
    next_query: str = ""
    prev_query: str = ""
    supported_ids: set[int] = field(default_factory=set)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _in_range(value: int | None, high: int) -> int | None:
    """Ids and numbers from the address within their columns' range (else no filter match)."""
    return value if value is None or 0 <= value <= high else -1


def parse_filters(params: Any, *, seed: int) -> ContributionFilters:
    sort = params.get("sort") or "newest"
    return ContributionFilters(
        phase=_in_range(_int(params.get("phase")), 2**62),
        pillar=(params.get("pillar") or "")[:120],
        sdg=_in_range(_int(params.get("sdg")), 32_767),
        neighbourhood=(params.get("area") or "")[:30],
        status=(params.get("status") or "")[:40],
        q=(params.get("q") or "").strip()[:200],
        sort=sort if sort in SORTS else "newest",
        seed=seed,
        cursor=(params.get("after") or "")[:80],
        page=max(_int(params.get("page")) or 1, 1),
    )


def with_sdg_goal(qs: QuerySet[Contribution], mask: int) -> QuerySet[Contribution]:
    """Contributions tagged with a target under the goal(s) of `mask` (see `sdg_goal_bit`).

    A bit test on the stored goal mask of the row the index walk reads anyway: an EXISTS
    joining the targets cost a subquery per walked row (p95 16.8 ms at 30,000 on PostgreSQL).
    A number that is no goal gives mask 0, which matches nothing."""
    return qs.alias(sdg_hit=F("sdg_goals").bitand(mask)).filter(sdg_hit__gt=0)


def _filtered(process: Process, f: ContributionFilters, *,
              sdg_mask: int | None = None) -> QuerySet[Contribution]:
    """The process's visible contributions under the filters; `sdg_mask` replaces the mask of
    `f.sdg` (the compiled row queries put a sentinel there)."""
    qs = Contribution.objects.filter(
        process_id=process.pk, is_hidden=False, withdrawn_at__isnull=True
    )
    if f.phase:
        qs = qs.filter(phase_id=f.phase)
    if f.neighbourhood:
        qs = qs.filter(neighbourhood=f.neighbourhood)
    # Correlated EXISTS, not joins (a contribution tagged twice must not appear twice) and not
    # `pk IN (...)`: with IN, SQLite drives the query from every tagged row of every process and
    # sorts them (70 ms at 30,000); with EXISTS it walks the order's index and stops at the page.
    if f.pillar:
        qs = qs.filter(Exists(Contribution.pillars.through.objects.filter(
            contribution_id=OuterRef("pk"), pillar__slug=f.pillar)))
    if f.sdg:
        qs = with_sdg_goal(qs, sdg_goal_bit(f.sdg) if sdg_mask is None else sdg_mask)
    if f.status:
        from faelles.feedback.selectors import filter_by_status

        qs = filter_by_status(qs, f.status)
    if f.q:
        # The site search index (Danish stemming on both databases), limited to this process by
        # the filter above; the keyset order still applies to the matches.
        from django.utils import translation

        from faelles.search.selectors import search

        hits = search(process.municipality_id, f.q, kinds=["participation.contribution"],
                      lang=translation.get_language() or "da", limit=500)
        qs = qs.filter(pk__in=[int(h.object_id) for h in hits if h.object_id.isdigit()])
    return qs


def _cursor_for(sort: str, c: Card) -> str:
    value = getattr(c, _KEYS[sort])
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return f"{value}_{c.pk}"


def _parse_cursor(sort: str, cursor: str) -> tuple[Any, int] | None:
    raw, _sep, pk = cursor.rpartition("_")
    pk_int = _int(pk)
    if not raw or pk_int is None:
        return None
    try:
        value = parse_datetime(raw) if sort == "newest" else _int(raw)
    except ValueError:  # a well-formed but impossible date
        return None
    if value is None or not 0 <= pk_int < 2**62 or (
            isinstance(value, int) and not 0 <= value < 2**31):
        return None
    return value, pk_int


def shuffle_start(seed: int) -> int:
    """The visitor's starting point in the shuffle-key space (a multiplicative hash of the
    seed, so neighbouring seeds start far apart)."""
    return (seed * 2654435761) % SHUFFLE_SPACE


# The card's columns, read with values_list (no model instances: 20 rows with their author,
# organisation and question as models cost more than the rest of the query).
_CARD_COLUMNS = (
    "pk", "title", "is_example", "kind", "author_id", "author__name", "on_behalf_of_id",
    "on_behalf_of__name", "offline_source", "offline_author_name", "publish_name",
    "protected_address", "created_at", "neighbourhood", "question_id", "question__text_da",
    "question__text_en", "excerpt", "support_count", "comment_count", "shuffle_key",
)


def _row_query(process: Any, f: ContributionFilters, *, sort: str, lap: str,
               after: tuple[Any, int] | None, start: int, limit: int,
               sdg_mask: int | None = None) -> QuerySet[Any]:
    """The card rows of one page: the filters, the keyset bound and the order.

    For "random", `lap` "a" reads keys from the visitor's `start` upwards and lap "b" the keys
    below it (the wrap-around); the other orders descend on their indexed key."""
    qs = _filtered(process, f, sdg_mask=sdg_mask)
    key = _KEYS[sort]
    if sort == "random":
        qs = qs.filter(shuffle_key__gte=start) if lap == "a" else qs.filter(shuffle_key__lt=start)
        order: tuple[str, ...] = ("shuffle_key", "pk")
    else:
        order = (f"-{key}", "-pk")
    if after is not None:
        value, pk = after
        # The first condition is a plain range the index can seek to (so page 1,000 starts
        # where it should instead of scanning from the top); the second breaks ties by id.
        if sort == "random":
            qs = qs.filter(**{f"{key}__gte": value}).filter(
                Q(**{f"{key}__gt": value}) | Q(**{key: value, "pk__gt": pk}))
        elif connection.vendor == "postgresql":
            # A row comparison is one index bound on PostgreSQL, ties included: with the OR
            # below, page 1,000 of "commented" filtered every row of the same count (3,700).
            table = Contribution._meta.db_table
            column = Contribution._meta.get_field(key).column
            # Identifiers come from the model, values are bound parameters.
            qs = qs.extra(where=[f'("{table}"."{column}", "{table}"."id") < (%s, %s)'],  # noqa: S610
                          params=[value, pk])
        else:
            qs = qs.filter(**{f"{key}__lte": value}).filter(
                Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk}))
    return qs.order_by(*order).values_list(*_CARD_COLUMNS)[:limit]


# Compiled row queries by shape. Building the query through the ORM costs about 1 ms (three
# joins, 21 columns, the keyset Q objects) against 0.1 ms for running it, so each shape (order,
# lap, cursor or not, which filters are set, page size) is compiled once with sentinel values;
# later pages bind their own values into the same SQL and apply the same converters.
ROW_SQL_CACHE = True
_ROW_SQL: dict[tuple[Any, ...], Any] = {}
_SENTINEL_DT = dt.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC)
# Within every column's range (Django compiles an out-of-range integer lookup to "no rows").
# "sdg" stands for the goal mask: above every real mask (17 bits), unlike any other value.
_SENTINELS: dict[str, Any] = {
    "process": 2_147_000_001, "phase": 2_147_000_002, "sdg": 2_147_000_003,
    "after_pk": 2_147_000_004, "start": 2_147_000_005, "after_int": 2_147_000_006,
    "area": "\x00slot-area", "pillar": "\x00slot-pillar", "status": "\x00slot-status",
}


class _SentinelProcess:
    pk = _SENTINELS["process"]
    municipality_id = None


def _compile_rows(shape: tuple[Any, ...], f: ContributionFilters, sort: str, lap: str,
                  has_after: bool, limit: int) -> Any:
    sentinel_filters = ContributionFilters(
        phase=_SENTINELS["phase"] if f.phase else None,
        pillar=_SENTINELS["pillar"] if f.pillar else "",
        sdg=1 if f.sdg else None,  # its mask is the sentinel, passed below
        neighbourhood=_SENTINELS["area"] if f.neighbourhood else "",
        status=_SENTINELS["status"] if f.status else "",
    )
    after = None
    if has_after:
        after = (_SENTINEL_DT if sort == "newest" else _SENTINELS["after_int"],
                 _SENTINELS["after_pk"])
    qs = _row_query(_SentinelProcess(), sentinel_filters, sort=sort, lap=lap, after=after,
                    start=_SENTINELS["start"], limit=limit, sdg_mask=_SENTINELS["sdg"])
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    by_value = {v: k for k, v in _SENTINELS.items()}
    by_value[connection.ops.adapt_datetimefield_value(_SENTINEL_DT)] = "after_dt"
    slots = []
    for param in params:
        name = by_value.get(param) if isinstance(param, (int, str, dt.datetime)) else None
        slots.append((True, name) if name else (False, param))
    expected = {k for k, v in (("phase", f.phase), ("pillar", f.pillar), ("sdg", f.sdg),
                               ("area", f.neighbourhood), ("status", f.status)) if v}
    expected.add("process")
    if sort == "random":
        expected.add("start")
    if has_after:
        expected |= {"after_pk", "after_dt" if sort == "newest" else "after_int"}
    if {name for bound, name in slots if bound} != expected:
        return None  # the ORM inlined or transformed a value: not safe to reuse; use the ORM
    converters = compiler.get_converters([col[0] for col in compiler.select[:len(_CARD_COLUMNS)]])
    return sql, slots, compiler, converters


def _rows(process: Any, f: ContributionFilters, *, sort: str, lap: str = "a",
          after: tuple[Any, int] | None = None, limit: int) -> list[tuple[Any, ...]]:
    start = shuffle_start(f.seed)
    if f.q or not ROW_SQL_CACHE:  # search results bind a list of ids: no fixed shape
        return list(_row_query(process, f, sort=sort, lap=lap, after=after, start=start,
                               limit=limit))
    shape = (connection.vendor, sort, lap if sort == "random" else "", after is not None,
             limit, bool(f.phase), bool(f.pillar), bool(f.sdg), bool(f.neighbourhood),
             bool(f.status))
    entry = _ROW_SQL.get(shape)
    if entry is None and shape not in _ROW_SQL:
        entry = _ROW_SQL[shape] = _compile_rows(shape, f, sort, lap, after is not None, limit)
    if entry is None:
        return list(_row_query(process, f, sort=sort, lap=lap, after=after, start=start,
                               limit=limit))
    sql, slots, compiler, converters = entry
    values = {
        "process": process.pk, "phase": f.phase, "sdg": sdg_goal_bit(f.sdg),
        "area": f.neighbourhood,
        "pillar": f.pillar, "status": f.status, "start": start,
    }
    if after is not None:
        values["after_pk"] = after[1]
        if sort == "newest":
            values["after_dt"] = connection.ops.adapt_datetimefield_value(after[0])
        else:
            values["after_int"] = after[0]
    params = [values[value] if bound else value for bound, value in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    n = len(_CARD_COLUMNS)
    if converters:
        return [tuple(r)[:n] for r in compiler.apply_converters(rows, converters)]
    return [tuple(r)[:n] for r in rows]


def _random_rows(f: ContributionFilters, process: Any, limit: int) -> list[tuple[Any, ...]]:
    """The random order as two keyset laps: keys from the visitor's start upwards, then once
    around from the lowest key up to the start. The cursor says which lap ("b" prefix)."""
    cursor = f.cursor
    second_lap = cursor.startswith("b")
    if cursor[:1] in ("a", "b"):
        cursor = cursor[1:]
    after = _parse_cursor("random", cursor) if cursor else None
    rows: list[tuple[Any, ...]] = []
    if not second_lap:
        rows = _rows(process, f, sort="random", lap="a", after=after, limit=limit)
        if len(rows) >= limit:
            return rows
        after = None
    return rows + _rows(process, f, sort="random", lap="b", after=after, limit=limit - len(rows))


def contribution_page(
    *, process: Process, filters: ContributionFilters, user: Any = None,
    page_size: int = PAGE_SIZE,
) -> ContributionPage:
    """One page of cards in three queries (rows, their pillar tags, the visitor's supports),
    plus one only when rows lack their stored excerpt, and one when a random page wraps."""
    sort = filters.sort
    wrapped_from: int | None = None  # index of the first row of the second random lap
    if sort == "random":
        rows = _random_rows(filters, process, page_size + 1)
        start = shuffle_start(filters.seed)
        wrapped_from = next((i for i, r in enumerate(rows) if r[-1] < start), None)
    else:
        after = _parse_cursor(sort, filters.cursor) if filters.cursor else None
        rows = _rows(process, filters, sort=sort, after=after, limit=page_size + 1)
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    items = _cards(process, rows)
    page = ContributionPage(items)
    if has_next:
        last = items[-1]
        if sort == "random":
            lap = "b" if (filters.cursor.startswith("b") or (
                wrapped_from is not None and wrapped_from <= len(items) - 1)) else "a"
            page.next_query = filters.query(after=lap + _cursor_for(sort, last))
        else:
            page.next_query = filters.query(after=_cursor_for(sort, last))
    if filters.cursor:
        page.prev_query = filters.query()  # back to the first page
    if user is not None and user.is_authenticated and items:
        page.supported_ids = set(
            Support.objects.filter(user=user, contribution__in=[c.pk for c in items])
            .values_list("contribution_id", flat=True)
        )
    return page


class _Labels:
    """Display strings a page repeats (counts, author lines), translated once per value."""

    def __init__(self) -> None:
        self.lang = translation.get_language() or "da"
        self.kinds = {k: str(label).capitalize() for k, label in ContributionKind.choices}
        self.areas = dict(Neighbourhood.choices)
        self.sources = dict(OfflineSource.choices)
        self._supports: dict[int, str] = {}
        self._comments: dict[int, str] = {}
        self._citizen = ""
        self._participant = ""
        self._received: dict[str, str] = {}

    @staticmethod
    def _num(n: int) -> str:
        return str(n) if n < 1000 else number_format(n, use_l10n=True, force_grouping=True)

    def supports(self, n: int) -> str:
        label = self._supports.get(n)
        if label is None:
            label = self._supports[n] = ngettext(
                "%(num)s support", "%(num)s supports", n) % {"num": self._num(n)}
        return label

    def comments(self, n: int) -> str:
        label = self._comments.get(n)
        if label is None:
            label = self._comments[n] = ngettext(
                "%(num)s comment", "%(num)s comments", n) % {"num": self._num(n)}
        return label

    def citizen(self) -> str:
        self._citizen = self._citizen or gettext("A citizen")
        return self._citizen

    def participant(self) -> str:
        self._participant = self._participant or gettext("Participant")
        return self._participant

    def received(self, source: str) -> str:
        label = self._received.get(source)
        if label is None:
            label = self._received[source] = gettext("received as %(source)s") % {
                "source": self.sources.get(source, source)}
        return label

    def author(self, author_id: int | None, name: str | None, org: str | None, offline: str,
               offline_name: str, shows_name: bool) -> str:
        # The same rules as the author_line macro of the contribution page.
        if org:
            person = (name or self.participant()) if shows_name and author_id else ""
            return f"{org} ({person})" if person else org
        if offline:
            who = offline_name if shows_name and offline_name else self.citizen()
            return f"{who} · {self.received(offline)}"
        if shows_name and author_id:
            return name or self.participant()
        return self.citizen()


def _cards(process: Process, rows: list[tuple[Any, ...]]) -> list[Card]:
    if not rows:
        return []
    labels = _Labels()
    lang = labels.lang
    url = path_for("participation:contribution", pk=0).rsplit("/0/", 1)
    tz = timezone.get_current_timezone()
    items = []
    for (pk, title, is_example, kind, author_id, author_name, org_id, org_name, offline,
         offline_name, publish_name, protected, created, area, question_id, q_da, q_en,
         excerpt_, supports, comments, shuffle_key) in rows:
        items.append(Card(
            pk, f"{url[0]}/{pk}/{url[1]}", title, is_example, labels.kinds.get(kind, kind),
            labels.author(author_id, author_name, org_name if org_id else "", offline,
                          offline_name, publish_name and not protected),
            created, created.isoformat(), day_label(created.astimezone(tz).date(), "j. M Y", lang),
            str(labels.areas.get(area, area)) if area else "",
            _tr(q_da, q_en, lang) if question_id else "", excerpt_, supports, comments,
            shuffle_key, labels.supports(supports), labels.comments(comments),
        ))
    _attach_tags(process, items)
    missing = [c for c in items if not c.excerpt]
    if missing:
        # Rows written before the excerpt column was filled: make it from the text here.
        texts = dict(
            Contribution.objects.filter(pk__in=[c.pk for c in missing])
            .values_list("pk", "redacted_text")
        )
        plain = dict(Contribution.objects.filter(pk__in=[c.pk for c in missing])
                     .values_list("pk", "text")) if not all(texts.values()) else {}
        for c in missing:
            c.excerpt = excerpt(texts.get(c.pk) or plain.get(c.pk, ""))
    return items


def _tag_pairs(ids: list[int]) -> list[tuple[int, int]]:
    """(contribution id, pillar id) for `ids`, by pillar id. Plain SQL: the ORM would spend
    more time building this one-table query than the database spends answering it."""
    through = Contribution.pillars.through._meta
    qn = connection.ops.quote_name
    contribution = qn(through.get_field("contribution").column)
    pillar = qn(through.get_field("pillar").column)
    marks = ", ".join(["%s"] * len(ids))
    # Table and column names come from the model; the ids are bound parameters.
    sql = (f"SELECT {contribution}, {pillar} FROM {qn(through.db_table)} "  # noqa: S608
           f"WHERE {contribution} IN ({marks}) ORDER BY {pillar}")
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.fetchall()


def _attach_tags(process: Process, items: list[Card]) -> None:
    """Pillar tags for the page: one query on the through table, titles from the shell."""
    pairs = _tag_pairs([c.pk for c in items])
    if not pairs:
        return
    pillars = getattr(process, "pillar_list", None)
    if pillars is None:
        pillars = [PillarInfo(p.pk, p.slug, p.title) for p in process.pillars.all()]
    titles = {p.pk: (i, p.title) for i, p in enumerate(pillars)}
    unknown = {pid for _cid, pid in pairs if pid not in titles}
    if unknown:  # a tag outside the process's own pillars (rare): read just those
        from faelles.strategy.models import Pillar

        lang = translation.get_language() or "da"
        for pk, da, en in Pillar.objects.filter(pk__in=unknown).values_list(
            "pk", "title_da", "title_en"
        ):
            titles[pk] = (len(titles), _tr(da, en, lang))
    by_card: dict[int, list[tuple[int, str]]] = {}
    for cid, pid in pairs:
        if pid in titles:
            by_card.setdefault(cid, []).append(titles[pid])
    for c in items:
        tags = by_card.get(c.pk)
        if tags:
            c.tags = [t for _i, t in sorted(tags)]


def contribution_get(*, municipality: Any, pk: int) -> Contribution | None:
    return (
        Contribution.objects.filter(municipality=municipality, pk=pk)
        .select_related("process", "author", "on_behalf_of", "phase", "question", "meeting")
        .prefetch_related("pillars", "sdg_targets")
        .first()
    )


@dataclass
class CommentNode:
    comment: Comment
    replies: list[CommentNode] = field(default_factory=list)
    depth: int = 0


MAX_DEPTH = 3


class ThreadAuthor:
    __slots__ = ("name", "pk")

    def __init__(self, pk: int, name: str) -> None:
        self.pk, self.name = pk, name

    @property
    def display_name(self) -> str:
        # As User.display_name: never derived from the (private) e-mail address.
        return self.name or gettext("Participant")


class _ThreadLabels:
    """The thread's display strings, made once per comment in Python: the template's
    `|date("j. M Y, H:i")` and `|date("H:i")` in the local time zone (one formatter per
    thread), and the author's name as `User.display_name` gives it (or "Deleted account")."""

    def __init__(self) -> None:
        self.fmt = DateFormatter()
        self.participant = gettext("Participant")
        self.deleted = gettext("Deleted account")

    def when(self, value: dt.datetime) -> str:
        return self.fmt(value, "j. M Y, H:i")

    def time(self, value: dt.datetime) -> str:
        return self.fmt(value, "H:i")


class ThreadComment:
    """A comment as a thread shows it, built from one row of plain values.

    A busy contribution has 200 comments: model instances for them and their authors were a
    fifth of the page's time. This carries what the thread template and the edit rule
    (`participation.edit_comment`: author, age, hidden) read, under the model's names, and the
    display strings (`author_label`, `date_label`, `iso`, `edited_label`, `edited_iso`).
    """

    __slots__ = ("author", "author_id", "author_label", "contribution_id", "created_at",
                 "date_label", "edited_at", "edited_iso", "edited_label", "hidden_reason",
                 "is_example", "is_hidden", "iso", "paragraph_id", "parent_id", "pk", "text")

    def __init__(self, row: tuple[Any, ...], labels: _ThreadLabels | None = None) -> None:
        (self.pk, self.contribution_id, self.paragraph_id, self.parent_id, self.author_id,
         author_name, self.text, self.created_at, self.edited_at, self.is_hidden,
         self.hidden_reason, self.is_example) = row
        self.author = ThreadAuthor(self.author_id, author_name or "") if self.author_id else None
        labels = labels or _ThreadLabels()
        self.author_label = ((author_name or labels.participant) if self.author_id
                             else labels.deleted)
        self.iso = self.created_at.isoformat()
        self.date_label = labels.when(self.created_at)
        edited = self.edited_at
        self.edited_iso = edited.isoformat() if edited else ""
        self.edited_label = labels.time(edited) if edited else ""

    @classmethod
    def from_model(cls, comment: Comment) -> ThreadComment:
        """The same for a model instance (one comment swapped in after an edit)."""
        author = comment.author if comment.author_id else None
        return cls((comment.pk, comment.contribution_id, comment.paragraph_id, comment.parent_id,
                    comment.author_id, author.name if author else "", comment.text,
                    comment.created_at, comment.edited_at, comment.is_hidden,
                    comment.hidden_reason, comment.is_example))

    @property
    def id(self) -> int:
        return self.pk


_THREAD_VALUES = ("id", "contribution_id", "paragraph_id", "parent_id", "author_id",
                  "author__name", "text", "created_at", "edited_at", "is_hidden",
                  "hidden_reason", "is_example")


def _thread_comments(qs: QuerySet[Comment]) -> list[Any]:
    labels = _ThreadLabels()
    return [ThreadComment(row, labels) for row in
            qs.order_by("created_at", "id").values_list(*_THREAD_VALUES)]


# Compiled once (core.prepared): building it cost more than reading 200 comments.
_THREAD_ROWS = Prepared(lambda contribution_id: QuerySet(Comment).filter(
    contribution_id=contribution_id).order_by("created_at", "id").values_list(*_THREAD_VALUES))


def comment_tree(*, contribution: Contribution) -> list[CommentNode]:
    """All comments in one query, arranged as threads. Replies deeper than MAX_DEPTH are shown
    at the last level, so a long thread stays readable on a phone."""
    labels = _ThreadLabels()
    return _tree([ThreadComment(row, labels) for row in _THREAD_ROWS.rows(contribution.pk)])


@dataclass(frozen=True, slots=True)
class TargetTag:
    """An SDG target as a tag: its code and the link the Target model would give (plain values,
    so a cached page part can hold it)."""

    code: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True)
class Tags:
    pillars: list[str]
    sdg_targets: list[TargetTag]


_TAG_PILLARS = Prepared(lambda contribution_id: QuerySet(Contribution.pillars.through).filter(
    contribution_id=contribution_id).order_by("pillar__order", "pillar_id").values_list(
    "pillar__title_da", "pillar__title_en"))
_TAG_TARGETS = Prepared(lambda contribution_id: QuerySet(Contribution.sdg_targets.through)
                        .filter(contribution_id=contribution_id)
                        .order_by("target__goal__number", "target__sort_key")
                        .values_list("target__code", flat=True))


def contribution_tags(*, contribution: Contribution) -> Tags:
    """The contribution's tags as the page shows them: pillar titles in the active language
    and SDG targets (code and link), from two plain queries on the through tables (model
    prefetches cost twice as much on the contribution page)."""
    from faelles.sdg.models import Target

    english = (translation.get_language() or "da").startswith("en")
    pillars = [
        (title_en if english and title_en else title_da)
        for title_da, title_en in _TAG_PILLARS.rows(contribution.pk)
    ]
    codes = _TAG_TARGETS.rows(contribution.pk)
    return Tags(pillars, [TargetTag(code, Target(code=code).get_absolute_url()) for code in codes])


def _tree(comments: list[Comment]) -> list[CommentNode]:
    nodes = {c.pk: CommentNode(c) for c in comments}
    roots: list[CommentNode] = []
    for c in comments:
        node = nodes[c.pk]
        parent = nodes.get(c.parent_id) if c.parent_id else None
        if parent is None:
            roots.append(node)
            continue
        while parent.depth >= MAX_DEPTH - 1 and parent.comment.parent_id in nodes:
            parent = nodes[parent.comment.parent_id]
        node.depth = parent.depth + 1
        parent.replies.append(node)
    return roots


def drafts_for(*, process: Process) -> list[DraftVersion]:
    return list(DraftVersion.objects.filter(process=process).order_by("number"))


@dataclass
class DraftPage:
    version: DraftVersion
    paragraphs: list[tuple[Paragraph, list[CommentNode]]]
    versions: list[DraftVersion]


def draft_page(*, process: Process, number: int) -> DraftPage | None:
    """A draft with every paragraph and its comment threads, in three queries."""
    versions = drafts_for(process=process)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        return None
    paragraphs = list(
        Paragraph.objects.filter(version=version).select_related("previous").order_by(
            "order", "id")
    )
    # The rules walk paragraph -> version -> process: hand them the objects already loaded.
    for v in versions:
        v.process = process
    for p in paragraphs:
        p.version = version
    comments = _thread_comments(Comment.objects.filter(paragraph__version=version))
    by_paragraph: dict[int, list[Comment]] = {}
    for c in comments:
        by_paragraph.setdefault(c.paragraph_id, []).append(c)
    return DraftPage(version, [(p, _tree(by_paragraph.get(p.pk, []))) for p in paragraphs],
                     versions)


def user_supports(*, user: Any, contribution: Contribution) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Support.objects.filter(user=user, contribution=contribution).exists()


_WORD = re.compile(r"\w{4,}", re.UNICODE)
_STOPWORDS_TEXT = (
    "alle andre både blev bliver blive bare dem denne dette disse efter eller fordi flere fra "
    "hvad hvis hvor hvordan ikke ingen jeg kan kunne lige mange meget mere mest min mine måske "
    "når også over sådan skal skulle som store synes under vores være været with that this "
    "have from they there their about would"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def similar_contributions(
    *, process: Process, text: str, limit: int = 5, exclude: int | None = None,
    scan: int = 500,
) -> list[Contribution]:
    """Contributions like `text`, by word overlap (Jaccard) over the newest `scan` ones.

    Deliberately simple and bounded: one indexed query, at most `scan` rows, no search engine.
    """
    words = _words(text)
    if len(words) < 2:
        return []
    rows = list(
        Contribution.objects.filter(process=process, is_hidden=False, withdrawn_at__isnull=True)
        .order_by("-created_at", "-id").only("id", "title", "text", "process_id", "support_count")
        [:scan]
    )
    scored = []
    for c in rows:
        if c.pk == exclude:
            continue
        other = _words(c.title + " " + c.text[:1500])
        if not other:
            continue
        score = len(words & other) / len(words | other)
        if score >= 0.08:
            scored.append((score, c))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [c for _score, c in scored[:limit]]


def excerpt(text: str, length: int = 220) -> str:
    plain = " ".join(plain_text(text[: length * 3]).split())
    return plain if len(plain) <= length else plain[: length - 1].rsplit(" ", 1)[0] + " …"


def meeting_get(*, municipality: Any, pk: int) -> Meeting | None:
    return Meeting.objects.filter(municipality=municipality, pk=pk).select_related(
        "process"
    ).first()


def meetings_for(*, process: Process) -> list[Meeting]:
    return list(Meeting.objects.filter(process=process).order_by("start", "id"))


def report_queue(*, municipality: Any, limit: int = 100) -> list[Report]:
    return list(
        Report.objects.filter(municipality=municipality, status=ReportStatus.OPEN)
        .select_related("reporter", "contribution", "comment", "comment__contribution")
        .order_by("created_at", "id")[:limit]
    )


def now() -> dt.datetime:
    return timezone.now()
