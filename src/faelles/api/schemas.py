"""Response and filter schemas of API v1. Output is built field by field in serialise.py, so a
new model field never reaches the public by accident."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

Lang = Literal["da", "en"]
SLUG = r"^[-a-zA-Z0-9_]+$"
TARGET_CODE = r"^[0-9]{1,2}\.[0-9a-z]{1,2}$"
# Rows per list page. 20 keeps a page of any list at a few milliseconds; clients that want
# fewer requests ask for up to MAX_LIMIT (the downloads give everything at once).
DEFAULT_LIMIT = 20
MAX_LIMIT = 500


class Error(Schema):
    detail: str = Field(description="What went wrong, in the requested language.")
    errors: list[dict] | None = Field(None, description="Each invalid parameter, when known.")


# ---------------------------------------------------------------------------- filters


class Common(Schema):
    lang: Lang | None = Field(
        None, description="Language of texts (da or en); else Accept-Language."
    )


class Paged(Common):
    cursor: str | None = Field(
        None, max_length=200, pattern=SLUG, description="The next_cursor of the previous page."
    )
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
        description=f"Rows per page: {DEFAULT_LIMIT} unless asked, at most {MAX_LIMIT}.",
    )


class SdgTargetFilters(Paged):
    goal: int | None = Field(None, ge=1, le=17, description="SDG number.")


class SdgIndicatorFilters(SdgTargetFilters):
    target: str | None = Field(
        None, max_length=8, pattern=TARGET_CODE, description="SDG target code, e.g. 11.6."
    )


class GoalFilters(Paged):
    pillar: str | None = Field(None, max_length=120, pattern=SLUG, description="Pillar slug.")
    sdg: int | None = Field(None, ge=1, le=17, description="SDG number.")
    target: str | None = Field(
        None, max_length=8, pattern=TARGET_CODE, description="SDG target code, e.g. 11.6."
    )


class InitiativeFilters(GoalFilters):
    goal: str | None = Field(None, max_length=120, pattern=SLUG, description="Goal slug.")
    status: Literal["planned", "ongoing", "completed", "paused", "cancelled"] | None = None


class IndicatorFilters(GoalFilters):
    goal: str | None = Field(None, max_length=120, pattern=SLUG, description="Goal slug.")
    status: (
        Literal[
            "target_achieved", "on_track", "acceleration_needed", "limited_progress",
            "deterioration", "insufficient_data",
        ]
        | None
    ) = Field(None, description="Progress status of the headline series.")


class ObservationFilters(Paged):
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    series: Literal["headline", "all"] = Field(
        "all", description="headline: only the total series; all: every breakdown too."
    )


class ProcessFilters(GoalFilters):
    goal: str | None = Field(None, max_length=120, pattern=SLUG, description="Goal slug.")


class ContributionFilters(Paged):
    process: str | None = Field(None, max_length=120, pattern=SLUG, description="Process slug.")
    pillar: str | None = Field(None, max_length=120, pattern=SLUG, description="Pillar slug.")
    sdg: int | None = Field(None, ge=1, le=17, description="SDG number.")
    kind: (
        Literal["idea", "proposal", "hearing_response", "prehearing_answer", "workshop_note"]
        | None
    ) = None
    neighbourhood: str | None = Field(None, max_length=30, pattern=SLUG)
    status: str | None = Field(
        None, max_length=40, pattern=SLUG,
        description="Feedback status code (when the feedback loop is on).",
    )


class DecisionFilters(Paged):
    year: int | None = Field(None, ge=1900, le=2100)


# ------------------------------------------------------------------------------ output


class PageMeta(Schema):
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end."
    )
    next: str | None = Field(description="The next page's full address; null at the end.")


class SdgGoalOut(Schema):
    number: int
    short_title: str
    title: str
    colour: str
    dimension: str


class SdgTargetOut(Schema):
    code: str
    goal: int
    title: str


class SdgIndicatorOut(Schema):
    code: str
    target: str
    goal: int
    title: str
    is_current: bool
    repeat_of: str | None


class SdgGoalPage(PageMeta):
    items: list[SdgGoalOut]


class SdgTargetPage(PageMeta):
    items: list[SdgTargetOut]


class SdgIndicatorPage(PageMeta):
    items: list[SdgIndicatorOut]


class Ref(Schema):
    slug: str
    title: str


class FocusSdgOut(Schema):
    sdg: int
    title: str
    keywords: list[str]
    text: str


class PillarOut(Schema):
    slug: str
    title: str
    summary: str
    text: str
    order: int
    is_example: bool
    url: str | None


class PillarPage(PageMeta):
    items: list[PillarOut]


class VisionOut(Schema):
    slug: str
    title: str
    text: str
    period_start: int | None
    period_end: int | None
    source_url: str
    pillars: list[PillarOut]
    focus_sdgs: list[FocusSdgOut]
    is_example: bool
    updated_at: dt.datetime


class GoalOut(Schema):
    slug: str
    title: str
    summary: str
    description: str
    dimension: str
    pillar: Ref
    sdgs: list[int]
    sdg_targets: list[str]
    is_example: bool
    updated_at: dt.datetime
    url: str | None


class GoalPage(PageMeta):
    items: list[GoalOut]


class MilestoneOut(Schema):
    title: str
    description: str
    due_date: dt.date
    completed_on: dt.date | None


class PartnerOut(Schema):
    slug: str
    name: str
    kind: str


class DecisionRef(Schema):
    slug: str
    title: str
    date: dt.date


class InitiativeOut(Schema):
    slug: str
    title: str
    summary: str
    description: str
    status: str
    status_label: str
    progress: float = Field(description="Progress in %, including sub-initiatives.")
    parent: str | None = Field(description="Slug of the initiative this is part of.")
    department: str
    start_date: dt.date | None
    end_date: dt.date | None
    goals: list[Ref]
    sdgs: list[int]
    partners: list[PartnerOut]
    milestones: list[MilestoneOut]
    adopted_by: DecisionRef | None
    link: str
    is_example: bool
    updated_at: dt.datetime
    url: str | None


class InitiativePage(PageMeta):
    items: list[InitiativeOut]


class AssessmentOut(Schema):
    series: str = Field(description="'' for the headline series, else the breakdown key.")
    breakdown: dict[str, str]
    status: str
    status_label: str
    receipt: dict | None = Field(description="The numbers behind the status (progress method).")
    target_value: float | None
    target_year: int | None
    computed_at: dt.datetime


class IndicatorOut(Schema):
    slug: str
    title: str
    description: str
    unit: str
    direction: str
    goal: Ref
    pillar: Ref
    sdgs: list[int]
    un_indicator: str | None
    base_year: int
    target_value: float | None
    target_year: int
    reporting_status: str
    status: str | None = Field(description="Progress status of the headline series.")
    definition: str
    data_source: str
    source_url: str
    method: str
    limitations: str
    contact_organisation: str
    assessments: list[AssessmentOut]
    is_example: bool
    updated_at: dt.datetime
    url: str | None


class IndicatorPage(PageMeta):
    items: list[IndicatorOut]


class ObservationOut(Schema):
    period: str
    year: int
    quarter: int | None
    month: int | None
    value: float
    breakdown: dict[str, str]
    series: str
    units: str
    source: str
    retrieved_at: dt.datetime


class ObservationPage(PageMeta):
    items: list[ObservationOut]


class PhaseOut(Schema):
    type: str
    type_label: str
    title: str
    text: str
    start: dt.datetime
    end: dt.datetime
    state: Literal["future", "running", "past"]


class ProcessOut(Schema):
    slug: str
    title: str
    summary: str
    text: str
    phases: list[PhaseOut]
    pillars: list[Ref]
    goals: list[Ref]
    sdgs: list[int]
    sdg_targets: list[str]
    answer_deadline_days: int
    contribution_count: int
    is_example: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str | None
    feed: str


class ProcessPage(PageMeta):
    items: list[ProcessOut]


class AnswerOut(Schema):
    text: str
    published_at: dt.datetime | None
    answered_by: str = Field(description="A role or, when the municipality shows them, a name.")


class OutcomeOut(Schema):
    kind: str
    title: str
    explanation: str
    url: str | None


class ContributionOut(Schema):
    id: int
    process: Ref
    phase: str | None
    kind: str
    kind_label: str
    title: str
    text: str
    author_name: str = Field(description="Only when the author chose to show it; else ''.")
    on_behalf_of: str | None
    neighbourhood: str
    pillars: list[Ref]
    sdg_targets: list[str]
    support_count: int
    comment_count: int
    status: str | None
    status_label: str | None
    answer: AnswerOut | None
    outcomes: list[OutcomeOut]
    is_example: bool
    created_at: dt.datetime
    url: str | None


class ContributionPage(PageMeta):
    items: list[ContributionOut]


class DecisionOut(Schema):
    slug: str
    title: str
    body: str
    date: dt.date
    date_precision: str
    reference: str
    link: str
    text: str
    is_example: bool
    updated_at: dt.datetime
    url: str | None


class DecisionPage(PageMeta):
    items: list[DecisionOut]


class DocumentOut(Schema):
    slug: str
    kind: str
    kind_label: str
    title: str
    summary: str
    text: str
    pillars: list[Ref]
    adopted_by: DecisionRef | None
    link: str
    is_example: bool
    updated_at: dt.datetime
    url: str | None


class DocumentPage(PageMeta):
    items: list[DocumentOut]
