"""Reads of the feedback loop. Each selector runs a fixed number of queries, whatever the
amount of data (tests pin the counts)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from faelles.core.links import path_for
from faelles.core.models import Municipality
from faelles.core.prepared import Prepared
from faelles.core.roles import RoleName
from faelles.feedback.models import (
    COPENHAGEN,
    Answer,
    ContributionState,
    HistoryEntry,
    HistoryKind,
    Notification,
    NotificationPreference,
    Outcome,
    OutcomeKind,
    ProcessCase,
    Redaction,
    Status,
    deadline_for,
)
from faelles.participation.models import Contribution, ContributionKind, Process
from faelles.strategy.models import InitiativeStatus

# --- building blocks --------------------------------------------------------------------------

def statuses_of(municipality_id: int) -> list[Status]:
    return list(Status.objects.filter(municipality_id=municipality_id))


def filter_by_status(qs: QuerySet[Contribution], status: str) -> QuerySet[Contribution]:
    """Contributions whose feedback status has key `status`; without a state row a
    contribution has the municipality's default status (derived state, see README)."""
    match = Q(feedback_state__status__key=status)
    default = Status.objects.filter(is_default=True, key=status, municipality=OuterRef(
        "municipality"))
    without = Q(feedback_state__isnull=True) | Q(feedback_state__status__isnull=True)
    return qs.filter(match | (without & Exists(default)))


def _default_status(statuses: Sequence[Status]) -> Status | None:
    return next((s for s in statuses if s.is_default), statuses[0] if statuses else None)


def redact(text: str, passages: Iterable[Redaction]) -> str:
    """The text with every redacted passage replaced by a visible marker."""
    for r in passages:
        if r.passage:
            marker = _("removed: %(reason)s") % {"reason": r.reason}
            text = text.replace(r.passage, f"[{marker}]")
    return text


def role_label(role: str) -> str:
    try:
        return str(RoleName(role).label)
    except ValueError:
        return _("the municipality")


def actor_label(entry: HistoryEntry | Answer, municipality: Municipality) -> str:
    """Staff names appear only when the municipality chose to show them."""
    if isinstance(entry, Answer):
        name = entry.author.display_name if entry.author_id and entry.author else ""
        role = entry.author_role
    else:
        name, role = entry.actor_name, entry.actor_role
    if municipality.show_staff_names and name:
        return f"{name} ({role_label(role)})"
    return role_label(role)


@dataclass
class Step:
    at: dt.datetime
    kind: str
    label: str
    detail: str = ""
    actor: str = ""
    url: str = ""


@dataclass
class OutcomeView:
    kind: str
    kind_label: str
    title: str
    url: str
    explanation: str
    change: str
    at: dt.datetime
    is_example: bool
    extra: str = ""


@dataclass
class Trace:
    contribution: Contribution
    status: Status | None
    deadline: dt.datetime
    is_overdue: bool
    answer: Answer | None
    answered_at: dt.datetime | None
    answer_by: str
    outcomes: list[OutcomeView] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    text: str = ""
    state: ContributionState | None = None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def due_date(self) -> dt.date:
        """The last local day on which the answer is on time."""
        return (self.deadline.astimezone(COPENHAGEN) - dt.timedelta(seconds=1)).date()


def _outcome_view(o: Outcome) -> OutcomeView:
    target = o.target
    extra = ""
    if o.decision_id and o.decision:
        d = o.decision
        extra = ", ".join(x for x in (d.body, d.date.strftime("%d.%m.%Y"), d.reference) if x)
    if o.initiative_id and o.initiative:
        extra = _("%(status)s, %(progress)s %% done") % {
            "status": o.initiative.get_status_display(),
            "progress": number_format(o.initiative.progress_total, decimal_pos=0)}
    return OutcomeView(
        kind=o.kind, kind_label=str(o.get_kind_display()),
        title=str(getattr(target, "title", target)),
        url=target.get_absolute_url() if target is not None else "", explanation=o.explanation,
        change=o.change, at=o.created_at, is_example=o.is_example, extra=extra,
    )


def _outcomes_qs() -> Any:
    return Outcome.objects.select_related("decision", "initiative", "document")


def _history_of(ids: list[int], statuses: Sequence[Status],
                outcome_rows: dict[int, Outcome]) -> list[HistoryEntry]:
    """The history entries of these contributions, their statuses and outcomes taken from the
    rows already loaded: a join of six tables cost more to plan on PostgreSQL than to run."""
    entries = list(HistoryEntry.objects.filter(contribution_id__in=ids))
    missing = {h.outcome_id for h in entries
               if h.outcome_id and h.outcome_id not in outcome_rows}
    if missing:  # an outcome linked from another contribution's history (not expected)
        outcome_rows = {**outcome_rows,
                        **{o.pk: o for o in _outcomes_qs().filter(pk__in=missing)}}
    by_id = {s.pk: s for s in statuses}
    for h in entries:
        if h.status_id in by_id:
            h.status = by_id[h.status_id]
        if h.previous_status_id in by_id:
            h.previous_status = by_id[h.previous_status_id]
        if h.outcome_id in outcome_rows:
            h.outcome = outcome_rows[h.outcome_id]
    return entries


def traces_for(
    contributions: Sequence[Contribution], *, with_steps: bool = False,
    now: dt.datetime | None = None,
) -> dict[int, Trace]:
    """Traces for many contributions in a fixed number of queries.

    The contributions must have `process` and `municipality` loaded (select_related).
    """
    now = now or timezone.now()
    if not contributions:
        return {}
    ids = [c.pk for c in contributions]
    municipality = contributions[0].municipality
    statuses = statuses_of(municipality.pk)
    default = _default_status(statuses)
    states = {s.contribution_id: s for s in ContributionState.objects.filter(
        contribution_id__in=ids).select_related("status", "answer", "answer__author")}
    outcomes: dict[int, list[OutcomeView]] = defaultdict(list)
    outcome_rows: dict[int, Outcome] = {}
    for o in _outcomes_qs().filter(contribution_id__in=ids):
        outcomes[o.contribution_id].append(_outcome_view(o))
        outcome_rows[o.pk] = o
    redactions: dict[int, list[Redaction]] = defaultdict(list)
    for r in Redaction.objects.filter(contribution_id__in=ids):
        redactions[r.contribution_id].append(r)
    history: dict[int, list[HistoryEntry]] = defaultdict(list)
    if with_steps:
        for h in _history_of(ids, statuses, outcome_rows):
            history[h.contribution_id].append(h)
    traces: dict[int, Trace] = {}
    for c in contributions:
        state = states.get(c.pk)
        deadline = deadline_for(c.created_at, c.process.answer_deadline_days,
                                state.deadline_override if state else None)
        answered_at = state.answered_at if state else None
        answer = state.answer if state else None
        trace = Trace(
            contribution=c, status=(state.status if state and state.status_id else default),
            deadline=deadline, is_overdue=answered_at is None and now >= deadline,
            answer=answer, answered_at=answered_at,
            answer_by=actor_label(answer, municipality) if answer else "",
            outcomes=outcomes[c.pk], state=state,
            text=public_text(c, redactions[c.pk]),
        )
        if with_steps:
            trace.steps = _steps(c, history[c.pk], municipality, default)
        traces[c.pk] = trace
    return traces


def _steps(c: Contribution, entries: list[HistoryEntry], municipality: Municipality,
           default: Status | None) -> list[Step]:
    steps = [Step(at=c.created_at, kind="received",
                  label=_("Received"),
                  detail=_("Status: %(status)s") % {"status": default.name} if default else "")]
    for h in entries:
        actor = actor_label(h, municipality)
        if h.kind == HistoryKind.STATUS and h.status:
            steps.append(Step(at=h.at, kind=h.kind, actor=actor,
                              label=_("Status changed to “%(status)s”") % {"status": h.status.name},
                              detail=h.note))
        elif h.kind == HistoryKind.ANSWER_PUBLISHED:
            steps.append(Step(at=h.at, kind=h.kind, actor=actor, label=_("Answer published")))
        elif h.kind == HistoryKind.ANSWER_EDITED:
            steps.append(Step(at=h.at, kind=h.kind, actor=actor, label=_("Answer edited"),
                              detail=h.note))
        elif h.kind == HistoryKind.OUTCOME and h.outcome:
            o = _outcome_view(h.outcome)
            steps.append(Step(at=h.at, kind=h.kind, actor=actor, url=o.url,
                              label=_("Linked to %(kind)s: %(title)s") % {
                                  "kind": o.kind_label, "title": o.title},
                              detail=o.explanation))
    return steps


def contribution_trace(contribution: Contribution, *, now: dt.datetime | None = None) -> Trace:
    """The trace of one contribution, step by step (for `feedback/_trace_panel.html`; public
    pages show it cached, see `faelles.feedback.panels`)."""
    return traces_for([contribution], with_steps=True, now=now)[contribution.pk]


def trace_text(contribution: Contribution) -> str:
    """The contribution's text as the trace page shows it (with feedback's redactions)."""
    return public_text(contribution, Redaction.objects.filter(contribution=contribution))


def contribution_for_trace(municipality: Municipality, pk: int) -> Contribution:
    return (Contribution.objects.select_related("process", "municipality", "author",
                                                "on_behalf_of", "phase")
            .get(municipality=municipality, pk=pk))


# --- my contributions -------------------------------------------------------------------------

MY_PAGE_SIZE = 20


@dataclass(slots=True)
class StatusView:
    """A status as the cards show it (name in the page's language)."""

    name: str
    kind: str


@dataclass(slots=True)
class MyContribution:
    """One card of "Mine bidrag" as plain values: the contribution, its status, deadline,
    answer and outcomes (what `Trace` holds, without model instances)."""

    pk: int
    title: str
    is_example: bool
    created_at: dt.datetime
    process_title: str
    status: StatusView | None
    deadline: dt.datetime
    is_overdue: bool
    answered_at: dt.datetime | None
    answer: str | None  # the answer's markdown; None: not answered
    outcomes: list[OutcomeView]

    @property
    def due_date(self) -> dt.date:
        """The last local day on which the answer is on time."""
        return (self.deadline.astimezone(COPENHAGEN) - dt.timedelta(seconds=1)).date()


@dataclass
class MyContributionsPage:
    """One page of "Mine bidrag", newest first. The cursors are "<created_at iso>_<id>" of the
    page's last (`after`) and first (`before`) item, for the next and the previous page."""

    items: list[MyContribution]
    next_cursor: str = ""
    prev_cursor: str = ""


def _my_cursor(created_at: dt.datetime, pk: int) -> str:
    return f"{created_at.isoformat()}_{pk}"


def _parse_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    raw, _sep, pk = cursor.rpartition("_")
    if not raw or not pk.isdigit():
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value, int(pk)


def _tr(da: str | None, en: str | None, lang: str) -> str:
    """A translated column read as a value: the language's text, else the other one (as
    modeltranslation's fallback does)."""
    return (en or da or "") if lang == "en" else (da or en or "")


# The card's columns: the contribution, its process, and its state and answer (one-to-one, so
# joining them keeps one row per contribution).
_MY_COLUMNS = (
    "pk", "title", "is_example", "created_at", "process__title_da", "process__title_en",
    "process__answer_deadline_days", "feedback_state__status_id", "feedback_state__answered_at",
    "feedback_state__deadline_override", "feedback_state__answer_id",
    "feedback_state__answer__text",
)


def _my_rows(*, direction: str, limit: int, user: int, municipality: int, at: dt.datetime,
             pk: int = 0) -> Any:
    qs = Contribution.objects.filter(author_id=user, municipality_id=municipality)
    if direction == "before":
        # Oldest-first above the cursor, then turned round: the page just before it.
        qs = qs.filter(created_at__gte=at).filter(
            Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk)).order_by("created_at", "id")
    else:
        # Always a range on created_at: with it SQLite reads the index in order and stops
        # after a page; without it, it may sort all of the author's rows first.
        qs = qs.filter(created_at__lte=at)
        if direction == "after":
            # The OR breaks ties by id.
            qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
        qs = qs.order_by("-created_at", "-id")
    return qs.values_list(*_MY_COLUMNS)[:limit]


_MY_ROWS = Prepared(_my_rows, shape=("direction", "limit"))
# A plain QuerySet: modeltranslation's reorders values_list() columns in its own iterable.
_STATUSES = Prepared(lambda *, municipality: QuerySet(Status).filter(
    municipality_id=municipality).values_list("id", "name_da", "name_en", "kind", "is_default"))
_OUTCOME_COLUMNS = (
    "contribution_id", "kind", "change", "explanation", "created_at", "is_example",
    "decision_id", "decision__slug", "decision__title_da", "decision__title_en",
    "decision__body", "decision__date", "decision__reference",
    "initiative_id", "initiative__slug", "initiative__title_da", "initiative__title_en",
    "initiative__status", "initiative__progress_total",
    "document_id", "document__slug", "document__title_da", "document__title_en",
)
_OUTCOMES = Prepared(lambda *, ids: Outcome.objects.filter(
    contribution_id__in=ids).values_list(*_OUTCOME_COLUMNS))
_UNREAD = Prepared(lambda *, user, municipality: Notification.objects.filter(
    user_id=user, municipality_id=municipality, read_at__isnull=True).order_by()
    .values("user_id").annotate(n=Count("id")).values_list("n"))


def _outcome_view_of_row(row: tuple[Any, ...], lang: str) -> OutcomeView:
    """`_outcome_view` of an `_OUTCOME_COLUMNS` row: the same texts and links."""
    (_cid, kind, change, explanation, created_at, is_example,
     decision_id, d_slug, d_title_da, d_title_en, d_body, d_date, d_reference,
     initiative_id, i_slug, i_title_da, i_title_en, i_status, i_progress,
     document_id, doc_slug, doc_title_da, doc_title_en) = row
    extra = title = url = ""
    if decision_id:
        title, url = _tr(d_title_da, d_title_en, lang), path_for("strategy:decision", slug=d_slug)
        extra = ", ".join(x for x in (d_body, d_date.strftime("%d.%m.%Y"), d_reference) if x)
    elif initiative_id:
        title = _tr(i_title_da, i_title_en, lang)
        url = path_for("strategy:initiative", slug=i_slug)
    elif document_id:
        title = _tr(doc_title_da, doc_title_en, lang)
        url = path_for("strategy:document", slug=doc_slug)
    else:
        title = "None"  # as str(None) in `_outcome_view` (the check constraint forbids it)
    if initiative_id:
        status = str(dict(InitiativeStatus.choices).get(i_status, i_status))
        extra = _("%(status)s, %(progress)s %% done") % {
            "status": status, "progress": number_format(i_progress, decimal_pos=0)}
    kind_label = str(dict(OutcomeKind.choices).get(kind, kind))
    return OutcomeView(kind=kind, kind_label=kind_label, title=title, url=url,
                       explanation=explanation, change=change, at=created_at,
                       is_example=is_example, extra=extra)


def my_contributions(
    *, user: Any, municipality: Municipality, after: str = "", before: str = "",
    page_size: int = MY_PAGE_SIZE, now: dt.datetime | None = None,
) -> MyContributionsPage:
    """The author's contributions, a page at a time by keyset on (-created_at, -id) (index
    `contrib_author_new`), so page 25 costs what page 1 costs; with status, deadline, answer
    and outcomes as on the trace page (no steps).

    `after`: the page following that cursor; `before`: the page preceding it. Three queries,
    each compiled once per shape (`Prepared`): the page with its states and answers joined,
    the municipality's statuses, the page's outcomes. Plain values throughout: building model
    rows (a process has many translated texts) was most of the page's cost.
    """
    now = now or timezone.now()
    lang = translation.get_language() or "da"
    seek_after = _parse_cursor(after) if after else None
    seek_before = _parse_cursor(before) if before and not seek_after else None
    ids = {"user": user.pk, "municipality": municipality.pk}
    if seek_before:
        at, pk = seek_before
        rows = _MY_ROWS.rows(direction="before", limit=page_size + 1, **ids, at=at, pk=pk)
        has_prev, has_next = len(rows) > page_size, True
        rows = rows[:page_size][::-1]
    elif seek_after:
        at, pk = seek_after
        rows = _MY_ROWS.rows(direction="after", limit=page_size + 1, **ids, at=at, pk=pk)
        has_prev, has_next = True, len(rows) > page_size
        rows = rows[:page_size]
    else:
        rows = _MY_ROWS.rows(direction="first", limit=page_size + 1, **ids,
                             at=dt.datetime.max.replace(tzinfo=dt.UTC))
        has_prev, has_next = False, len(rows) > page_size
        rows = rows[:page_size]
    if not rows:
        return MyContributionsPage([])
    statuses = _STATUSES.rows(municipality=municipality.pk)
    by_id = {sid: StatusView(_tr(da, en, lang), kind) for sid, da, en, kind, _d in statuses}
    default_id = next((r[0] for r in statuses if r[4]), statuses[0][0] if statuses else None)
    default = by_id.get(default_id) if default_id is not None else None
    outcomes: dict[int, list[OutcomeView]] = defaultdict(list)
    for o in _OUTCOMES.rows(ids=[r[0] for r in rows]):
        outcomes[o[0]].append(_outcome_view_of_row(o, lang))
    items = []
    for (pk, title, is_example, created_at, p_title_da, p_title_en, days, status_id,
         answered_at, override, answer_id, answer_text) in rows:
        deadline = deadline_for(created_at, days, override)
        items.append(MyContribution(
            pk=pk, title=title, is_example=is_example, created_at=created_at,
            process_title=_tr(p_title_da, p_title_en, lang),
            status=by_id.get(status_id) if status_id else default, deadline=deadline,
            is_overdue=answered_at is None and now >= deadline, answered_at=answered_at,
            answer=answer_text if answer_id else None, outcomes=outcomes.get(pk, []),
        ))
    page = MyContributionsPage(items)
    first, last = items[0], items[-1]
    page.next_cursor = _my_cursor(last.created_at, last.pk) if has_next else ""
    page.prev_cursor = _my_cursor(first.created_at, first.pk) if has_prev else ""
    return page


# --- trace pages for decisions, initiatives and goals -----------------------------------------

@dataclass
class ShapedBy:
    contribution: Contribution
    author: str
    outcomes: list[OutcomeView]


def public_author(c: Contribution) -> str:
    """The name shown publicly: only with consent, never with a protected address."""
    org = c.on_behalf_of.name if c.on_behalf_of_id and c.on_behalf_of else ""
    if not c.publish_name or getattr(c, "protected_address", False):
        return org or _("Name not published")
    name = (c.author.display_name if c.author_id and c.author else c.offline_author_name)
    if org:
        return f"{name}, {org}" if name else org
    return name or _("Name not published")


def public_text(c: Contribution, passages: Iterable[Redaction] = ()) -> str:
    """What the public may read: participation's redacted text if staff published one, with
    feedback's passage redactions applied on top."""
    return redact(getattr(c, "public_text", c.text), passages)


def shaped_by(*, outcomes_filter: Q, municipality: Municipality) -> list[ShapedBy]:
    """Public contributions linked (through outcomes matching the filter) to a target."""
    rows = list(
        _outcomes_qs().filter(outcomes_filter, municipality=municipality,
                              contribution__is_hidden=False,
                              contribution__withdrawn_at__isnull=True,
                              contribution__process__is_published=True)
        .select_related("contribution", "contribution__author", "contribution__on_behalf_of",
                        "contribution__process")
        .order_by("contribution__created_at", "contribution_id", "id")
    )
    grouped: dict[int, ShapedBy] = {}
    for o in rows:
        c = o.contribution
        item = grouped.get(c.pk)
        if item is None:
            item = grouped[c.pk] = ShapedBy(contribution=c, author=public_author(c), outcomes=[])
        item.outcomes.append(_outcome_view(o))
    return list(grouped.values())


# --- figures ----------------------------------------------------------------------------------

@dataclass
class Figures:
    received: int = 0
    answered: int = 0
    linked: int = 0
    median_days: float | None = None
    overdue: list[dict[str, Any]] = field(default_factory=list)

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.received * 100 if self.received else None

    @property
    def share_linked(self) -> float | None:
        return self.linked / self.received * 100 if self.received else None


def figures(*, municipality: Municipality, process: Process | None = None,
            now: dt.datetime | None = None) -> dict[int | None, Figures]:
    """Accountability figures per process (key: process id) and in total (key: None).

    Hidden and withdrawn contributions do not count. Days to answer are calendar days from
    receipt to the first published answer.
    """
    now = now or timezone.now()
    qs = Contribution.objects.filter(municipality=municipality, is_hidden=False,
                                     withdrawn_at__isnull=True)
    if process is not None:
        qs = qs.filter(process=process)
    rows = list(qs.values_list("pk", "process_id", "created_at", "title",
                               "process__answer_deadline_days", "process__title",
                               "process__slug"))
    ids = [r[0] for r in rows]
    states = {s[0]: s[1:] for s in ContributionState.objects.filter(
        contribution_id__in=ids).values_list("contribution_id", "answered_at",
                                             "deadline_override")}
    linked = set(Outcome.objects.filter(contribution_id__in=ids)
                 .values_list("contribution_id", flat=True))
    managers = {pc.process_id: pc for pc in ProcessCase.objects.filter(
        municipality=municipality).select_related("manager")}
    result: dict[int | None, Figures] = defaultdict(Figures)
    days: dict[int | None, list[float]] = defaultdict(list)
    for pk, process_id, created_at, title, deadline_days, ptitle, pslug in rows:
        answered_at, override = states.get(pk, (None, None))
        for key in (process_id, None):
            f = result[key]
            f.received += 1
            if answered_at is not None:
                f.answered += 1
                days[key].append((answered_at - created_at).total_seconds() / 86400)
            if pk in linked:
                f.linked += 1
        deadline = deadline_for(created_at, deadline_days, override)
        if answered_at is None and now >= deadline:
            case = managers.get(process_id)
            item = {"pk": pk, "title": title, "process": ptitle, "process_slug": pslug,
                    "deadline": deadline, "days_overdue": (now - deadline).days + 1,
                    "manager": case.manager.display_name if case and case.manager else ""}
            result[process_id].overdue.append(item)
            result[None].overdue.append(item)
    for key, values in days.items():
        result[key].median_days = round(statistics.median(values), 1)
    for f in result.values():
        f.overdue.sort(key=lambda i: i["deadline"])
    result.setdefault(None, Figures())
    return dict(result)


# --- hearing memo -----------------------------------------------------------------------------

@dataclass
class MemoEntry:
    number: int
    contribution: Contribution
    name: str
    internal_name: str
    organisation: str
    address: str
    text: str
    is_hidden: bool
    hidden_reason: str
    answer: Answer | None
    changes: list[OutcomeView]
    other_outcomes: list[OutcomeView]
    status: Status | None
    redacted: bool = False


@dataclass
class Memo:
    process: Process
    case: ProcessCase | None
    sections: list[tuple[str, list[MemoEntry]]]
    entries: list[MemoEntry]
    total: int
    from_organisations: int
    answered: int
    with_changes: int
    anonymous: int


def hearing_responses(process: Process) -> Any:
    """The hearing's responses: contributions of kind "hearing response" (or, in a process
    without any, everything sent during its hearing phases). Withdrawn ones are not counted."""
    base = Contribution.objects.filter(process=process, withdrawn_at__isnull=True)
    if base.filter(kind=ContributionKind.HEARING_RESPONSE).exists():
        base = base.filter(kind=ContributionKind.HEARING_RESPONSE)
    else:
        base = base.filter(phase__type="hearing")
    related = ["author", "on_behalf_of", "municipality", "process"]
    if any(f.name == "paragraph" for f in Contribution._meta.get_fields()):
        related.append("paragraph")
    return (base.select_related(*related)
            .prefetch_related(Prefetch("pillars")).order_by("created_at", "id"))


def _section(c: Contribution, state: ContributionState | None) -> tuple[tuple[Any, ...], str]:
    """Where a response goes in the memo: its paragraph of the draft (in document order), else
    the theme staff gave it, else its pillars, else "General"."""
    paragraph = getattr(c, "paragraph", None)
    if paragraph is not None:
        label = str(paragraph)
        return (0, paragraph.order, label), label
    if state and state.memo_section:
        return (1, state.memo_section), state.memo_section
    pillars = ", ".join(p.title for p in c.pillars.all())
    if pillars:
        return (2, pillars), pillars
    return (3,), _("General")


def hearing_memo(*, process: Process, internal: bool = False) -> Memo:
    """Every response with its answer and resulting change, grouped by paragraph or theme.

    Public: names only with consent and never with a protected address; addresses only with
    consent; the redacted text. Internal (for the council and the case): names as received, the
    original text; a protected address is never shown in either.
    """
    contributions = list(hearing_responses(process))
    traces = traces_for(contributions) if contributions else {}
    case = ProcessCase.objects.filter(process=process).select_related("manager").first()
    sections: dict[tuple[Any, ...], tuple[str, list[MemoEntry]]] = {}
    entries: list[MemoEntry] = []
    for number, c in enumerate(contributions, start=1):
        t = traces[c.pk]
        state = t.state
        key, label = _section(c, state)
        protected = getattr(c, "protected_address", False) or bool(
            state and state.address_protected)
        real_name = (c.author.display_name if c.author_id and c.author else c.offline_author_name)
        address = ""
        if state and state.address and not protected and (internal or c.publish_name):
            address = state.address
        redacted = bool(getattr(c, "redacted_text", "")) or t.text != c.text
        entry = MemoEntry(
            number=number, contribution=c, name=public_author(c),
            internal_name=real_name or _("Name not given"),
            organisation=c.on_behalf_of.name if c.on_behalf_of_id and c.on_behalf_of else "",
            address=address, text=c.text if internal else t.text,
            is_hidden=c.is_hidden, hidden_reason=c.hidden_reason, answer=t.answer,
            changes=[o for o in t.outcomes if o.kind == "document_change"],
            other_outcomes=[o for o in t.outcomes if o.kind != "document_change"],
            status=t.status, redacted=redacted,
        )
        sections.setdefault(key, (label, []))[1].append(entry)
        entries.append(entry)
    return Memo(
        process=process, case=case, sections=[sections[k] for k in sorted(sections)],
        entries=entries, total=len(entries),
        from_organisations=sum(1 for e in entries if e.organisation),
        answered=sum(1 for e in entries if e.answer is not None),
        with_changes=sum(1 for e in entries if e.changes),
        anonymous=sum(1 for e in entries if not e.contribution.publish_name
                      or getattr(e.contribution, "protected_address", False)),
    )


# --- politicians' overview --------------------------------------------------------------------

@dataclass
class ProcessOverview:
    process: Process
    figures: Figures
    over_threshold: list[Contribution]
    memo_status: str
    case: ProcessCase | None


def politician_overview(*, municipality: Municipality) -> tuple[list[ProcessOverview], Figures]:
    processes = list(Process.objects.filter(municipality=municipality, is_published=True)
                     .prefetch_related("phases").order_by("-created_at", "-id"))
    figs = figures(municipality=municipality)
    cases = {c.process_id: c for c in ProcessCase.objects.filter(municipality=municipality)}
    over: dict[int, list[Contribution]] = defaultdict(list)
    threshold_q = Q()
    for p in processes:
        if p.support_threshold:
            threshold_q |= Q(process=p, confirmed_support_count__gte=p.support_threshold)
    if threshold_q:
        for c in Contribution.objects.filter(threshold_q, is_hidden=False,
                                             withdrawn_at__isnull=True).order_by(
                                                 "-confirmed_support_count", "id"):
            over[c.process_id].append(c)
    rows = [ProcessOverview(process=p, figures=figs.get(p.pk, Figures()),
                            over_threshold=over[p.pk],
                            memo_status=cases[p.pk].get_memo_status_display() if p.pk in cases
                            else "", case=cases.get(p.pk))
            for p in processes]
    return rows, figs[None]


# --- notifications ----------------------------------------------------------------------------

@dataclass(slots=True)
class NotificationItem:
    """A notification as the page lists it: the subject in the page's language, the stored
    (Danish) path."""

    pk: int
    subject: str
    url: str
    read_at: dt.datetime | None
    created_at: dt.datetime


_NOTIFICATIONS = Prepared(lambda *, limit, user, municipality: Notification.objects.filter(
    user_id=user, municipality_id=municipality)
    .values_list("pk", "subject_da", "subject_en", "url", "read_at", "created_at")[:limit],
    shape=("limit",))


def notifications_for(
    *, user: Any, municipality: Municipality, limit: int = 50,
) -> list[NotificationItem]:
    """The newest first (index `fb_notif_user`), as plain values."""
    lang = translation.get_language() or "da"
    rows = _NOTIFICATIONS.rows(limit=limit, user=user.pk, municipality=municipality.pk)
    # As Notification.subject(lang).
    return [NotificationItem(pk, en if lang == "en" and en else da, url, read_at, created_at)
            for pk, da, en, url, read_at, created_at in rows]


def unread_count(*, user: Any, municipality: Municipality) -> int:
    rows = _UNREAD.rows(user=user.pk, municipality=municipality.pk)
    return rows[0][0] if rows else 0


def preferences_for(user: Any) -> dict[str, str]:
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))


def trace_url(contribution_id: int) -> str:
    return path_for("feedback:trace", pk=contribution_id)
