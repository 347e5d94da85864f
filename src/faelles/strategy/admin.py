"""Back-office for the strategy: Danish and English fields side by side (modeltranslation),
municipality-scoped and audited (MunicipalAdmin), markdown previews rendered with the same
sanitising function as the public pages, and derived data kept in step through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from faelles.core.admin import MunicipalAdmin
from faelles.core.markdown import render_markdown
from faelles.core.tenancy import request_municipality
from faelles.strategy import services
from faelles.strategy.models import (
    Decision,
    DocumentPoint,
    FocusSDG,
    Goal,
    Initiative,
    Milestone,
    Pillar,
    StrategyDocument,
    Vision,
)


def _preview(obj: Any, field: str) -> SafeString:
    """Both languages of a markdown field, rendered exactly as the public page renders them."""
    if obj is None or obj.pk is None:
        return mark_safe("<p>" + str(_("Save to see a preview.")) + "</p>")  # noqa: S308
    parts = []
    for lang, label in (("da", "Dansk"), ("en", "English")):
        text = getattr(obj, f"{field}_{lang}", "") or ""
        parts.append((lang, label, render_markdown(text)))
    return format_html_join(
        "", '<div class="markdown-preview" lang="{}"><h3>{}</h3>{}</div>', parts
    )


class StrategyAdmin(MunicipalAdmin, TranslationAdmin):
    """Shared behaviour: set the municipality on inline rows and keep derived data in step."""

    preview_field = "text"
    readonly_fields = ["preview"]

    @admin.display(description=_("Preview"))
    def preview(self, obj: Any) -> SafeString:
        return _preview(obj, self.preview_field)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        municipality = request_municipality(request)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if hasattr(obj, "municipality_id") and not obj.municipality_id:
                obj.municipality = municipality
            obj.save()
        formset.save_m2m()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        old_parent = None
        if change and isinstance(obj, Initiative):
            old_parent = Initiative.objects.filter(pk=obj.pk).values_list(
                "parent_id", flat=True
            ).first()
        obj._old_parent_id = old_parent
        if hasattr(obj, "updated_at"):
            obj.updated_at = timezone.now()  # "latest activity" on the front page
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After many-to-many and inlines, so the search index and roll-up see everything.
        services.strategy_item_saved(
            obj=form.instance, old_parent_id=getattr(form.instance, "_old_parent_id", None)
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        services.strategy_item_deleted(obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        objs = list(queryset)
        super().delete_queryset(request, queryset)
        for obj in objs:
            services.strategy_item_deleted(obj=obj)


class FocusSDGInline(TranslationTabularInline):
    model = FocusSDG
    extra = 0
    exclude = ["municipality"]


@admin.register(Vision)
class VisionAdmin(StrategyAdmin):
    list_display = ["title", "period_start", "period_end", "is_published", "is_example"]
    prepopulated_fields = {"slug": ["title_da"]}
    inlines = [FocusSDGInline]


@admin.register(Pillar)
class PillarAdmin(StrategyAdmin):
    list_display = ["title", "vision", "order", "is_published", "is_example"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["title_da"]}


@admin.register(Decision)
class DecisionAdmin(StrategyAdmin):
    list_display = ["title", "body", "date", "reference", "is_published"]
    date_hierarchy = "date"
    search_fields = ["title_da", "title_en", "reference"]
    prepopulated_fields = {"slug": ["title_da"]}


class DocumentPointInline(TranslationStackedInline):
    model = DocumentPoint
    extra = 0
    exclude = ["municipality"]


@admin.register(StrategyDocument)
class StrategyDocumentAdmin(StrategyAdmin):
    list_display = ["title", "kind", "adopted_by", "is_published", "is_example"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["title_da"]}
    autocomplete_fields = ["adopted_by"]
    filter_horizontal = ["pillars"]
    inlines = [DocumentPointInline]


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        exclude = ["municipality"]  # noqa: DJ006 - the admin decides the fields
        error_messages = {
            "pillar": {"required": _("Choose the pillar (theme) this goal belongs to.")},
        }


@admin.register(Goal)
class GoalAdmin(StrategyAdmin):
    form = GoalForm
    preview_field = "description"
    list_display = ["title", "pillar", "dimension", "is_published", "is_example"]
    list_filter = ["pillar", "dimension", "is_published"]
    search_fields = ["title_da", "title_en"]
    prepopulated_fields = {"slug": ["title_da"]}
    autocomplete_fields = ["sdg_targets"]


class MilestoneInline(TranslationTabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "completed_on", "description"]


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        exclude = ["municipality"]  # noqa: DJ006 - the admin decides the fields
        error_messages = {
            "progress": {
                "max_value": _("Progress is a percentage: enter a number from 0 to 100."),
                "min_value": _("Progress is a percentage: enter a number from 0 to 100."),
            },
        }


@admin.register(Initiative)
class InitiativeAdmin(StrategyAdmin):
    form = InitiativeForm
    preview_field = "description"
    list_display = [
        "title", "status", "progress", "progress_total", "parent", "is_published", "is_example",
    ]
    list_filter = ["status", "is_published"]
    search_fields = ["title_da", "title_en"]
    prepopulated_fields = {"slug": ["title_da"]}
    autocomplete_fields = ["parent", "partners", "goals", "adopted_by"]
    readonly_fields = ["progress_total", "preview"]
    inlines = [MilestoneInline]
