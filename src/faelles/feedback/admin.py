"""Back-office for feedback. Answers, statuses and links are written through services (so
history, audit and notifications follow); the staff pages /besvar/ do the daily work, the admin
holds configuration (statuses, case details) and gives read access and bulk actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from faelles.core.admin import MunicipalAdmin
from faelles.core.markdown import render_markdown
from faelles.core.tenancy import request_municipality
from faelles.feedback import services
from faelles.feedback.models import (
    Answer,
    ContributionState,
    HistoryEntry,
    Outbox,
    Outcome,
    ProcessCase,
    Redaction,
    Status,
)


@admin.register(Status)
class StatusAdmin(MunicipalAdmin, TranslationAdmin):
    list_display = ["name", "key", "kind", "order", "is_default"]
    ordering = ["order", "id"]


@admin.register(ProcessCase)
class ProcessCaseAdmin(MunicipalAdmin):
    list_display = ["process", "case_number", "manager", "memo_status"]
    list_editable = ["memo_status"]


def _status_action(key: str, label: Any) -> Any:
    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> None:
        status = services.statuses_ensure(municipality=request_municipality(request)).get(key)
        if status is None:
            modeladmin.message_user(request, _("The status does not exist."), messages.ERROR)
            return
        for state in queryset.select_related("contribution"):
            services.status_change(contribution=state.contribution, status=status,
                                   actor=request.user)
        modeladmin.message_user(request, _("Status changed."))

    action.short_description = label  # type: ignore[attr-defined]
    action.__name__ = f"set_{key.replace('-', '_')}"
    return action


@admin.register(ContributionState)
class ContributionStateAdmin(MunicipalAdmin):
    list_display = ["contribution", "status", "answered_at", "deadline_override", "memo_section"]
    list_filter = ["status", "contribution__process"]
    search_fields = ["contribution__title"]
    readonly_fields = ["contribution", "status", "status_changed_at", "answer", "answered_at"]
    fields = [*readonly_fields, "deadline_override", "memo_section", "address",
              "address_protected"]
    actions = [_status_action("under-behandling", _("Set status: in progress")),
               _status_action("gennemfoert", _("Set status: implemented")),
               _status_action("ikke-viderefoert", _("Set status: not pursued"))]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # states are created by the services on first touch


@admin.register(Answer)
class AnswerAdmin(MunicipalAdmin):
    list_display = ["__str__", "process", "published_at", "edited_at"]
    list_filter = ["process"]
    readonly_fields = ["process", "text", "preview", "author", "author_role", "published_at",
                       "edited_at"]
    exclude = ["is_example"]

    @admin.display(description=_("Preview"))
    def preview(self, obj: Answer) -> SafeString:
        return render_markdown(obj.text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # published through the staff pages, so authors are told


@admin.register(Outcome)
class OutcomeAdmin(MunicipalAdmin):
    list_display = ["contribution", "kind", "decision", "initiative", "document", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["contribution", "kind", "decision", "initiative", "document",
                       "created_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Redaction)
class RedactionAdmin(MunicipalAdmin):
    list_display = ["contribution", "reason", "created_at"]
    raw_id_fields = ["contribution"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(MunicipalAdmin):
    list_display = ["contribution", "kind", "at", "actor_role"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Outbox)
class OutboxAdmin(MunicipalAdmin):
    list_display = ["event_key", "recipient", "frequency", "created_at", "sent_at", "attempts"]
    list_filter = ["frequency", "kind"]
    readonly_fields = [f.name for f in Outbox._meta.fields if f.name != "municipality"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
