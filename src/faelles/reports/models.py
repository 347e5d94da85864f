"""The annual SDG report (Voluntary Local Review).

An edition freezes everything the report shows into `snapshot` (JSON) when it is created, so a
published edition never changes when data are revised later. The report templates render only
from the snapshot; the foreword and the per-section conclusions are the only live texts, and the
generated HTML/PDF files pin them as they were when the files were made.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.links import path_for
from faelles.core.models import MunicipalOwned


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    GENERATING = "generating", _("generating")
    PUBLISHED = "published", _("published")


def _upload_to(instance: ReportEdition, filename: str) -> str:
    return f"reports/{instance.municipality_id}/{instance.year}/{filename}"


class ReportEdition(MunicipalOwned):
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    foreword = models.TextField(_("foreword"), blank=True, help_text=_("Markdown."))
    is_example = models.BooleanField(
        _("example texts"), default=False,
        help_text=_("The foreword and conclusions were invented for the demo; shown with a label."),
    )
    snapshot = models.JSONField(_("frozen data"), default=dict, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Generation in the task queue: 0-100 and what it is doing, shown on the status page.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    progress_message = models.CharField(max_length=200, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True, editable=False)
    generation_seconds = models.FloatField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True, editable=False)
    html_da = models.FileField(_("HTML (Danish)"), upload_to=_upload_to, blank=True,
                               editable=False)
    html_en = models.FileField(_("HTML (English)"), upload_to=_upload_to, blank=True,
                               editable=False)
    pdf_da = models.FileField(_("PDF (Danish)"), upload_to=_upload_to, blank=True,
                              editable=False)
    pdf_en = models.FileField(_("PDF (English)"), upload_to=_upload_to, blank=True,
                              editable=False)
    pdf_pages_da = models.PositiveIntegerField(null=True, blank=True, editable=False)
    pdf_pages_en = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="unique_edition_year"),
        ]

    def __str__(self) -> str:
        return str(_("SDG report %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return path_for("reports:edition", year=self.year)

    @property
    def is_published(self) -> bool:
        # Publication is a moment, not the status: a published edition being regenerated shows
        # "generating" to staff and stays public meanwhile.
        return self.published_at is not None

    @property
    def is_generated(self) -> bool:
        return bool(self.pdf_da and self.pdf_en)

    def file_for(self, kind: str, lang: str) -> Any:
        return getattr(self, f"{kind}_{'en' if lang == 'en' else 'da'}")


class SectionText(MunicipalOwned):
    """Editable conclusions for one section of an edition.

    `key` names the section: a pillar slug ("pillar:<slug>"), an SDG ("sdg:11"), or one of the
    fixed sections ("participation", "conclusions").
    """

    edition = models.ForeignKey(
        ReportEdition, on_delete=models.CASCADE, related_name="section_texts",
        verbose_name=_("edition"),
    )
    key = models.CharField(
        _("section"), max_length=140,
        help_text=_('E.g. "pillar:det-groenne", "sdg:11", "participation" or "conclusions".'),
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("section text")
        verbose_name_plural = _("section texts")
        ordering = ["edition", "key"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_section_text"),
        ]

    def __str__(self) -> str:
        return self.key
