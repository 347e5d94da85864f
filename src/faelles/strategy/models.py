"""The municipality's strategy: vision, pillars, focus SDGs, documents and the decisions that
adopted them, local goals, initiatives and their milestones.

Text fields hold markdown (rendered with the `|markdown` filter) and are translated with
modeltranslation (`title_da`, `title_en`, ...; see translation.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.links import path_for
from faelles.core.models import MunicipalOwned
from faelles.sdg.models import Dimension


class Content(MunicipalOwned):
    """Fields every published strategy item shares."""

    slug = models.SlugField(_("short name (in the address)"), max_length=120)
    is_published = models.BooleanField(_("published"), default=True)
    is_example = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Invented for the demo; shown with an 'example' label."),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


def _unique_slug(name: str) -> list[models.UniqueConstraint]:
    return [models.UniqueConstraint(fields=["municipality", "slug"], name=f"unique_{name}_slug")]


class Vision(Content):
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    period_start = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    source_url = models.URLField(_("source (link)"), blank=True)

    class Meta:
        verbose_name = _("vision")
        verbose_name_plural = _("visions")
        ordering = ["-period_start", "-id"]
        constraints = _unique_slug("vision")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("strategy:home")

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period must end after it starts.")})


class Pillar(Content):
    """A theme of the vision (tema), e.g. "Det grønne"."""

    vision = models.ForeignKey(
        Vision, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("vision")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["order", "id"]
        constraints = _unique_slug("pillar")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("strategy:pillar", slug=self.slug)


class FocusSDG(MunicipalOwned):
    """An SDG the vision puts first, with the municipality's own keywords for it."""

    vision = models.ForeignKey(
        Vision, on_delete=models.CASCADE, related_name="focus_sdgs", verbose_name=_("vision")
    )
    sdg = models.ForeignKey(
        "sdg.Goal", on_delete=models.PROTECT, related_name="+", verbose_name=_("SDG")
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, help_text=_("Separate the keywords with commas.")
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("focus SDG")
        verbose_name_plural = _("focus SDGs")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vision", "sdg"], name="unique_focus_sdg")
        ]

    def __str__(self) -> str:
        return f"SDG {self.sdg_id}: {self.keywords}"

    def get_absolute_url(self) -> str:
        return self.sdg.get_absolute_url()

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in (self.keywords or "").split(",") if k.strip()]


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year only")


class Decision(Content):
    """A political decision, e.g. Kommunalbestyrelsen adopting a strategy. Also used as an
    "outcome" a citizen's contribution led to."""

    title = models.CharField(_("title"), max_length=300)
    body = models.CharField(
        _("decided by"), max_length=200, help_text=_("E.g. Kommunalbestyrelsen.")
    )
    date = models.DateField(_("date"))
    # Some old decisions are known only by year ("adopted in 2019"): show only what is known.
    date_precision = models.CharField(
        _("how exact the date is"), max_length=5, choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    reference = models.CharField(
        _("reference"), max_length=300, blank=True,
        help_text=_("E.g. the agenda item or minutes."),
    )
    url = models.URLField(_("link to minutes"), blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "-id"]
        constraints = _unique_slug("decision")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y})"

    def get_absolute_url(self) -> str:
        return path_for("strategy:decision", slug=self.slug)


class DocumentKind(models.TextChoices):
    PLAN_STRATEGY = "plan_strategy", _("plan strategy")
    STRATEGY = "strategy", _("strategy")
    POLICY = "policy", _("policy")
    PLAN = "plan", _("plan")


class StrategyDocument(Content):
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    vision = models.ForeignKey(
        Vision, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents",
        verbose_name=_("vision"),
    )
    pillars = models.ManyToManyField(
        Pillar, blank=True, related_name="documents", verbose_name=_("pillars")
    )
    adopted_by = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents",
        verbose_name=_("adopted by"),
    )
    url = models.URLField(_("link to the document"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("strategy document")
        verbose_name_plural = _("strategy documents")
        ordering = ["order", "id"]
        constraints = _unique_slug("document")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("strategy:document", slug=self.slug)


class DocumentPoint(MunicipalOwned):
    """A numbered point of a document, grouped: e.g. the pejlemærker and prioriteringer of
    Mere Albertslund, or the values of Fælles om Albertslund."""

    document = models.ForeignKey(
        StrategyDocument, on_delete=models.CASCADE, related_name="points",
        verbose_name=_("document"),
    )
    group = models.CharField(
        _("group"), max_length=100, help_text=_("E.g. Pejlemærker, Prioriteringer, Værdier.")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document point")
        verbose_name_plural = _("document points")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Goal(Content):
    """A local goal (mål) under a pillar, linked to the SDG targets it works toward."""

    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, related_name="goals", verbose_name=_("pillar"),
        error_messages={
            "required": _("Choose the pillar (theme) this goal belongs to."),
            "null": _("Choose the pillar (theme) this goal belongs to."),
        },
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    dimension = models.CharField(
        _("sustainability dimension"), max_length=20, choices=Dimension.choices,
        help_text=_("The side of sustainability the goal mainly serves (the city in balance)."),
    )
    sdg_targets = models.ManyToManyField(
        "sdg.Target", blank=True, related_name="local_goals", verbose_name=_("SDG targets")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "id"]
        constraints = _unique_slug("goal")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("strategy:goal", slug=self.slug)


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ONGOING = "ongoing", _("ongoing")
    COMPLETED = "completed", _("completed")
    PAUSED = "paused", _("paused")
    CANCELLED = "cancelled", _("cancelled")


class Initiative(Content):
    """A concrete action (indsats) by the municipality and/or partners.

    `progress` is the progress entered by staff; `progress_total` is what pages show: the same
    for an initiative without sub-initiatives, otherwise the roll-up of its children
    (maintained by services.initiative_update_progress, never computed per request).
    """

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=20, choices=InitiativeStatus.choices,
        default=InitiativeStatus.PLANNED,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("From 0 to 100. Ignored when the initiative has sub-initiatives."),
    )
    progress_total = models.DecimalField(
        _("progress incl. sub-initiatives (%)"), max_digits=5, decimal_places=1,
        default=Decimal("0"), editable=False,
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("How much this sub-initiative counts in its parent's progress. "
                    "Leave empty to count all sub-initiatives equally."),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("part of"),
    )
    department = models.CharField(_("responsible department"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="initiatives",
        verbose_name=_("partners"),
    )
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="initiatives", verbose_name=_("goals")
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives",
        verbose_name=_("decided by"),
    )
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["title", "id"]
        constraints = [
            *_unique_slug("initiative"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="initiative_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("strategy:initiative", slug=self.slug)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The initiative must end after it starts.")
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("An initiative cannot be part of itself.")
        if errors:
            raise ValidationError(errors)


class Milestone(MunicipalOwned):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="milestones",
        verbose_name=_("initiative"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.initiative.get_absolute_url() + "#milestones"

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None

    def clean(self) -> None:
        # In the admin inline the initiative is the unsaved form's instance, so this sees the
        # end date being typed together with the milestone.
        try:
            initiative = self.initiative
        except Initiative.DoesNotExist:
            initiative = None
        end: date | None = initiative.end_date if initiative else None
        if end and self.due_date and self.due_date > end:
            raise ValidationError({"due_date": _(
                "The milestone is due after the initiative ends (%(end)s). "
                "Move the milestone or the end of the initiative."
            ) % {"end": end.strftime("%d.%m.%Y")}})
