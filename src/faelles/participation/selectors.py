"""Reads in participation: each list and page in a fixed number of queries.

Contribution lists paginate by keyset on the indexed orderings (newest, most supported, most
commented; the id breaks ties), so page 1,000 costs what page 1 costs. The "random" ordering is
stable per visitor through a seed and uses offsets (it has no index to seek on).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from faelles.core.markdown import plain_text
from faelles.participation.models import (
    Comment,
    Contribution,
    DraftVersion,
    Meeting,
    Paragraph,
    Phase,
    Process,
    Report,
    ReportStatus,
    Support,
)

PAGE_SIZE = 20
SORTS = ("newest", "supported", "commented", "random")
# Keyset columns per ordering: (field, descending) pairs ending in the id tie-breaker.
_KEYS = {
    "newest": "created_at",
    "supported": "support_count",
    "commented": "comment_count",
}


def process_list(*, municipality: Any, include_unpublished: bool = False) -> list[Process]:
    qs = Process.objects.filter(municipality=municipality)
    if not include_unpublished:
        qs = qs.filter(is_published=True)
    return list(qs.prefetch_related(Prefetch("phases", Phase.objects.order_by("order", "start"))))


def process_get(*, municipality: Any, slug: str) -> Process | None:
    return (
        Process.objects.filter(municipality=municipality, slug=slug)
        .prefetch_related(
            Prefetch("phases", Phase.objects.prefetch_related("questions")),
            "pillars", "sdg_targets",
        )
        .first()
    )


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


@dataclass
class ContributionPage:
    items: list[Contribution]
    next_query: str = ""
    prev_query: str = ""
    supported_ids: set[int] = field(default_factory=set)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_filters(params: Any, *, seed: int) -> ContributionFilters:
    sort = params.get("sort") or "newest"
    return ContributionFilters(
        phase=_int(params.get("phase")),
        pillar=(params.get("pillar") or "")[:120],
        sdg=_int(params.get("sdg")),
        neighbourhood=(params.get("area") or "")[:30],
        status=(params.get("status") or "")[:40],
        q=(params.get("q") or "").strip()[:200],
        sort=sort if sort in SORTS else "newest",
        seed=seed,
        cursor=(params.get("after") or "")[:80],
        page=max(_int(params.get("page")) or 1, 1),
    )


def _filtered(process: Process, f: ContributionFilters) -> QuerySet[Contribution]:
    qs = Contribution.objects.filter(
        process=process, is_hidden=False, withdrawn_at__isnull=True
    )
    if f.phase:
        qs = qs.filter(phase_id=f.phase)
    if f.neighbourhood:
        qs = qs.filter(neighbourhood=f.neighbourhood)
    # Subqueries, not joins: a contribution tagged twice must not appear twice.
    if f.pillar:
        through = Contribution.pillars.through.objects.filter(pillar__slug=f.pillar)
        qs = qs.filter(pk__in=through.values("contribution_id"))
    if f.sdg:
        through = Contribution.sdg_targets.through.objects.filter(target__goal__number=f.sdg)
        qs = qs.filter(pk__in=through.values("contribution_id"))
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


def _cursor_for(sort: str, c: Contribution) -> str:
    value = getattr(c, _KEYS[sort])
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return f"{value}_{c.pk}"


def _seek(qs: QuerySet[Contribution], sort: str, cursor: str) -> QuerySet[Contribution]:
    key = _KEYS[sort]
    raw, _sep, pk = cursor.rpartition("_")
    pk_int = _int(pk)
    if not raw or pk_int is None:
        return qs
    value: Any
    if sort == "newest":
        value = parse_datetime(raw)
        if value is None:
            return qs
    else:
        value = _int(raw)
        if value is None:
            return qs
    # The first condition is a plain range the index can seek to (so page 1,000 starts where
    # it should instead of scanning from the top); the second breaks ties by id.
    return qs.filter(**{f"{key}__lte": value}).filter(
        Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk_int})
    )


def contribution_page(
    *, process: Process, filters: ContributionFilters, user: Any = None,
    page_size: int = PAGE_SIZE,
) -> ContributionPage:
    qs = _filtered(process, filters).select_related("author", "on_behalf_of", "question")
    qs = qs.prefetch_related("pillars")
    if filters.sort == "random":
        # A stable shuffle per visitor: a multiplicative hash of the id with the visitor's seed.
        qs = qs.annotate(shuffle=Mod(F("id") * 2654435761 + filters.seed, 4294967291))
        start = (filters.page - 1) * page_size
        items = list(qs.order_by("shuffle", "id")[start:start + page_size + 1])
        has_next = len(items) > page_size
        items = items[:page_size]
        page = ContributionPage(items)
        if has_next:
            page.next_query = filters.query(page=filters.page + 1)
        if filters.page > 1:
            page.prev_query = filters.query(page=filters.page - 1)
    else:
        key = _KEYS[filters.sort]
        if filters.cursor:
            qs = _seek(qs, filters.sort, filters.cursor)
        items = list(qs.order_by(f"-{key}", "-id")[: page_size + 1])
        has_next = len(items) > page_size
        items = items[:page_size]
        page = ContributionPage(items)
        if has_next:
            page.next_query = filters.query(after=_cursor_for(filters.sort, items[-1]))
        if filters.cursor:
            page.prev_query = filters.query()  # back to the first page
    if user is not None and user.is_authenticated and items:
        page.supported_ids = set(
            Support.objects.filter(user=user, contribution__in=[c.pk for c in items])
            .values_list("contribution_id", flat=True)
        )
    return page


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


# The columns a thread shows (and the rules for editing ask): a page of 200 comments builds
# 400 model instances, and the author's other columns (password hash, e-mail ...) are not needed.
THREAD_FIELDS = (
    "id", "municipality_id", "contribution_id", "paragraph_id", "parent_id", "author_id",
    "text", "created_at", "edited_at", "is_hidden", "hidden_reason", "is_example",
    "author__id", "author__name",
)


def comment_tree(*, contribution: Contribution) -> list[CommentNode]:
    """All comments in one query, arranged as threads. Replies deeper than MAX_DEPTH are shown
    at the last level, so a long thread stays readable on a phone."""
    return _tree(list(
        Comment.objects.filter(contribution=contribution).select_related("author")
        .only(*THREAD_FIELDS).order_by("created_at", "id")
    ))


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
    comments = list(
        Comment.objects.filter(paragraph__version=version).select_related("author")
        .only(*THREAD_FIELDS).order_by("created_at", "id")
    )
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
