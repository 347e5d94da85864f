"""Indicators measure a local goal; observations are their data; assessments their progress.

Data flow one way (DESIGN.md): sources (CSV, StatBank) -> observations -> assessments -> pages.
Writes go through `services.py`; the progress arithmetic is the pure `progress.assess`.

Metadata fields are named after the UN SDG metadata concepts (SDMX SDG MSD) where they fit,
e.g. `data_source` = DATA_SOURCE, `data_comp` = DATA_COMP, `stat_conc_def` = STAT_CONC_DEF,
so an Open SDG metadata file maps onto them field by field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.links import path_for
from faelles.core.models import MunicipalOwned
from faelles.indicators.periods import AnnualRule, Period
from faelles.indicators.progress import DEFAULT_BASE_YEAR, Status


def disaggregation_key(disaggregation: Mapping[str, str]) -> str:
    """The normalised, unambiguous key of a breakdown; "" is the headline (total) series.

    JSON of the (dimension, category) pairs sorted by dimension: stable whatever order the
    source gave the columns in, and no category text can forge a separator.
    """
    if not disaggregation:
        return ""
    return json.dumps(sorted(disaggregation.items()), ensure_ascii=False, separators=(",", ":"))


def dimensions_key(disaggregation: Mapping[str, str]) -> str:
    """The sorted dimension names, "|"-joined: which breakdown a row belongs to (e.g. "Bydel")."""
    return "|".join(sorted(disaggregation))


class Direction(models.TextChoices):
    INCREASE = "increase", _("increase is better")
    DECREASE = "decrease", _("decrease is better")


class ReportingStatus(models.TextChoices):
    DATA_AVAILABLE = "data_available", _("data available")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_STARTED = "not_started", _("not started")


class ProgressStatus(models.TextChoices):
    """Stored values are `progress.Status`; the labels are for pages and the admin."""

    TARGET_ACHIEVED = Status.TARGET_ACHIEVED.value, _("target achieved")
    ON_TRACK = Status.ON_TRACK.value, _("on track")
    ACCELERATION_NEEDED = Status.ACCELERATION_NEEDED.value, _("acceleration needed")
    LIMITED_PROGRESS = Status.LIMITED_PROGRESS.value, _("limited progress")
    DETERIORATION = Status.DETERIORATION.value, _("deterioration")
    INSUFFICIENT_DATA = Status.INSUFFICIENT_DATA.value, _("insufficient data")


def validate_annual_rule(value: str) -> None:
    try:
        AnnualRule.parse(value)
    except ValueError:
        raise ValidationError(
            _("Write annual, mean, a quarter (K1-K4) or a month (M01-M12).")
        ) from None


class Indicator(MunicipalOwned):
    goal = models.ForeignKey(
        "strategy.Goal", on_delete=models.PROTECT, related_name="indicators",
        verbose_name=_("goal"),
    )
    sdg_indicator = models.ForeignKey(
        "sdg.Indicator", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("UN indicator"),
        help_text=_("The UN SDG indicator this local indicator corresponds to, if any."),
    )
    slug = models.SlugField(_("short name (in the address)"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("E.g. t CO2 or %."))
    direction = models.CharField(
        _("desired direction"), max_length=10, choices=Direction.choices,
        default=Direction.INCREASE,
    )
    base_year = models.PositiveSmallIntegerField(
        _("base year"), default=DEFAULT_BASE_YEAR,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Progress is measured from the first year with data from this year on."),
    )
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Default 2030."),
    )
    # Targets for single breakdowns ({series key: {"value": v, "year": y}}); breakdowns
    # without one are assessed without a target (DESIGN.md, progress method step 7).
    series_targets = models.JSONField(_("targets for breakdowns"), default=dict, blank=True)
    annual_rule = models.CharField(
        _("yearly value for sub-annual data"), max_length=10, default="annual",
        validators=[validate_annual_rule],
        help_text=_(
            "annual (yearly data), mean (mean of a complete year), or the period that stands "
            "for the year, e.g. K1 (1 January) or M01."
        ),
    )
    reporting_status = models.CharField(
        _("reporting status"), max_length=20, choices=ReportingStatus.choices,
        default=ReportingStatus.NOT_STARTED,
    )
    # UN metadata concepts.
    stat_conc_def = models.TextField(
        _("definition"), blank=True, help_text=_("STAT_CONC_DEF. Markdown.")
    )
    data_source = models.CharField(
        _("data source"), max_length=300, blank=True, help_text=_("DATA_SOURCE.")
    )
    source_url = models.URLField(_("link to the source"), blank=True)
    data_comp = models.TextField(
        _("method of computation"), blank=True, help_text=_("DATA_COMP. Markdown.")
    )
    freq_coll = models.CharField(
        _("how often data are collected"), max_length=100, blank=True, help_text=_("FREQ_COLL.")
    )
    rec_use_lim = models.TextField(
        _("limitations"), blank=True, help_text=_("REC_USE_LIM. Markdown.")
    )
    contact_organisation = models.CharField(
        _("contact (organisation)"), max_length=200, blank=True,
        help_text=_("CONTACT_ORGANISATION."),
    )
    contact_mail = models.EmailField(
        _("contact (e-mail)"), blank=True, help_text=_("CONTACT_MAIL.")
    )
    meta_last_update = models.DateField(
        _("metadata last updated"), null=True, blank=True, help_text=_("META_LAST_UPDATE.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_example = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Invented for the demo; shown with an 'example' label."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="unique_indicator_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("indicators:detail", slug=self.slug)

    def clean(self) -> None:
        target_year = self.effective_target_year
        if target_year <= self.base_year:
            raise ValidationError(
                {"target_year": _("The target year must be after the base year.")}
            )
        if not isinstance(self.series_targets, dict):
            raise ValidationError({"series_targets": _("Write an object: {key: {value, year}}.")})
        for target in self.series_targets.values():
            if not isinstance(target, dict) or not isinstance(
                target.get("value"), int | float
            ):
                raise ValidationError(
                    {"series_targets": _("Each breakdown target needs a number as value.")}
                )
            year = target.get("year", target_year)
            if not isinstance(year, int) or year <= self.base_year:
                raise ValidationError(
                    {"series_targets": _("A breakdown's target year must be after the base year.")}
                )

    @property
    def effective_target_year(self) -> int:
        from faelles.indicators.progress import DEFAULT_TARGET_YEAR

        return self.target_year or DEFAULT_TARGET_YEAR

    @property
    def has_target(self) -> bool:
        return self.target_value is not None


class Observation(MunicipalOwned):
    """One value for one period and breakdown of an indicator."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="observations",
        verbose_name=_("indicator"),
    )
    # Canonical period text ("2024", "2024K1", "2020M02") plus its parts for ordering.
    period = models.CharField(_("period"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    value = models.FloatField(_("value"))
    disaggregation = models.JSONField(_("breakdown"), default=dict, blank=True)
    disaggregation_key = models.CharField(max_length=500, blank=True, default="")
    dimensions = models.CharField(max_length=200, blank=True, default="")
    series = models.CharField(_("series"), max_length=100, blank=True, default="")
    units = models.CharField(_("units"), max_length=60, blank=True, default="")
    geocode = models.CharField(_("geocode"), max_length=40, blank=True, default="")
    source = models.CharField(_("source"), max_length=300, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved"), default=timezone.now)
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "disaggregation_key", "year", "quarter", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "disaggregation_key", "series", "units"],
                name="unique_observation",
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "disaggregation_key", "year", "quarter", "month"],
                name="observation_series_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.value}"

    @property
    def period_obj(self) -> Period:
        return Period(self.year, self.quarter, self.month)


class ObservationRevision(MunicipalOwned):
    """The value an observation had before an import or an edit changed it."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="revisions",
        verbose_name=_("observation"),
    )
    old_value = models.FloatField(_("old value"))
    new_value = models.FloatField(_("new value"))
    old_source = models.CharField(_("old source"), max_length=300, blank=True)
    source = models.CharField(_("source of the change"), max_length=300, blank=True)
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions",
    )
    # The import that had set the old value, so undoing this change restores it exactly.
    old_import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("observation revision")
        verbose_name_plural = _("observation revisions")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_value} -> {self.new_value}"


class Assessment(MunicipalOwned):
    """The stored progress status of one series, with the receipt that explains it."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="assessments",
        verbose_name=_("indicator"),
    )
    # "" = the headline series; otherwise the disaggregation key of the breakdown.
    series_key = models.CharField(max_length=500, blank=True, default="")
    disaggregation = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=ProgressStatus.choices)
    receipt = models.JSONField(_("receipt"), null=True, blank=True)
    # What the receipt was computed against, so it can be described again exactly.
    target_value = models.FloatField(null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["indicator", "series_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "series_key"], name="unique_assessment_series"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.series_key or 'headline'}: {self.status}"


class ValuePresentation(models.TextChoices):
    CODE = "Code", _("codes")
    VALUE = "Value", _("texts")
    CODE_AND_VALUE = "CodeAndValue", _("codes and texts")


class StatBankMapping(MunicipalOwned):
    """Which part of a Statistics Denmark table feeds an indicator (see importers/statbank)."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="statbank_mapping",
        verbose_name=_("indicator"),
    )
    table = models.CharField(_("table"), max_length=20, help_text=_("E.g. FOLK1A."))
    selections = models.JSONField(
        _("variable selections"), default=dict,
        help_text=_('E.g. {"OMRÅDE": ["165"]}. Variables left out are summed by the API.'),
    )
    time_variable = models.CharField(_("time variable"), max_length=20, default="Tid")
    disaggregations = models.JSONField(
        _("breakdown variables"), default=dict, blank=True,
        help_text=_('Variable -> breakdown name, e.g. {"KØN": "Køn"}.'),
    )
    totals = models.JSONField(
        _("total values"), default=dict, blank=True,
        help_text=_('Variable -> the value meaning "all", e.g. {"KØN": "TOT"}.'),
    )
    value_presentation = models.CharField(
        _("value presentation"), max_length=12, choices=ValuePresentation.choices,
        default=ValuePresentation.CODE,
    )
    is_active = models.BooleanField(_("refresh daily"), default=True)
    last_refreshed = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("StatBank mapping")
        verbose_name_plural = _("StatBank mappings")

    def __str__(self) -> str:
        return f"{self.table} -> {self.indicator_id}"


class ImportKind(models.TextChoices):
    CSV = "csv", _("CSV file")
    STATBANK = "statbank", _("Statistics Denmark")
    MANUAL = "manual", _("entered by hand")


class ImportStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("imported")
    FAILED = "failed", _("failed, nothing imported")
    REVERTED = "reverted", _("undone")


class ImportRun(MunicipalOwned):
    """The log of one import: who, when, from where, how many rows, and what went wrong."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="import_runs",
        verbose_name=_("indicator"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reverted_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"
