"""The SDG catalogue in the back-office: read-only (it is loaded with `faelles load-sdg`);
registered so staff can look targets up and pick them on goals."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from faelles.sdg.models import Goal, Indicator, Target


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Goal)
class GoalAdmin(ReadOnlyAdmin):
    list_display = ["number", "short_title_da", "short_title_en", "colour"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_da", "title_en"]
    list_filter = ["goal"]
    search_fields = ["code", "title_da", "title_en"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_da", "is_current", "repeat_of"]
    list_filter = ["is_current", "target__goal"]
    search_fields = ["code", "title_da", "title_en"]
