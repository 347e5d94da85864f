"""Back-office for processes, phases, meetings and offline contributions. Permissions come from
rules.py through user.has_perm, so the admin obeys the same rules as the site."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from faelles.core.admin import MunicipalAdmin
from faelles.participation.models import Contribution, Meeting, Phase, Process, Question, Report


class PhaseInline(TranslationTabularInline):
    model = Phase
    extra = 0
    fields = ("type", "order", "title", "start", "end")
    exclude = ("municipality",)


@admin.register(Process)
class ProcessAdmin(MunicipalAdmin, TranslationAdmin):
    list_display = ("title", "is_published", "contribution_count", "support_count", "is_example")
    list_filter = ("is_published", "is_example")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("pillars", "goals", "sdg_targets")
    inlines = [PhaseInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        for obj in formset.save(commit=False):
            obj.municipality_id = form.instance.municipality_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Question)
class QuestionAdmin(MunicipalAdmin, TranslationAdmin):
    list_display = ("text", "phase", "order")


@admin.register(Meeting)
class MeetingAdmin(MunicipalAdmin, TranslationAdmin):
    list_display = ("title", "process", "start", "place", "attendee_count", "capacity")
    list_filter = ("process",)


@admin.register(Contribution)
class ContributionAdmin(MunicipalAdmin):
    list_display = ("title", "process", "kind", "offline_source", "created_at", "support_count",
                    "comment_count", "is_hidden")
    list_filter = ("process", "kind", "offline_source", "is_hidden", "is_example")
    search_fields = ("title", "text")
    readonly_fields = ("support_count", "comment_count", "confirmed_support_count")
    raw_id_fields = ("author", "registered_by", "on_behalf_of", "meeting", "question", "phase")

    def has_add_permission(self, request: Any) -> bool:
        # New contributions go through the services (counters, rules): the site's forms, and
        # for staff the "register input received offline" page.
        return False


@admin.register(Report)
class ReportAdmin(MunicipalAdmin):
    list_display = ("reason", "status", "created_at", "contribution", "comment")
    list_filter = ("status", "reason")
    raw_id_fields = ("reporter", "contribution", "comment", "handled_by")
