"""Back-office for report editions: the foreword and the conclusions per section, in both
languages. The frozen data are never editable here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from faelles.core.admin import MunicipalAdmin
from faelles.core.audit import audit_log
from faelles.core.links import path_for
from faelles.core.markdown import render_markdown
from faelles.reports.models import ReportEdition, SectionText


class SectionTextInline(TranslationStackedInline):
    model = SectionText
    extra = 1
    exclude = ["municipality", "updated_at"]


@admin.register(ReportEdition)
class ReportEditionAdmin(MunicipalAdmin, TranslationAdmin):
    list_display = ["year", "status", "created_at", "published_at", "progress"]
    list_filter = ["status"]
    fields = ["year", "foreword", "foreword_preview", "is_example", "status_link"]
    readonly_fields = ["year", "foreword_preview", "status_link"]
    inlines = [SectionTextInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Editions are created on the report pages, which freeze the data (services).
        return False

    @admin.display(description=_("preview of the foreword"))
    def foreword_preview(self, obj: ReportEdition) -> SafeString:
        return format_html(
            "<div lang='da'>{}</div><hr><div lang='en'>{}</div>",
            render_markdown(obj.foreword_da), render_markdown(obj.foreword_en),
        )

    @admin.display(description=_("status and files"))
    def status_link(self, obj: ReportEdition) -> SafeString:
        return format_html('<a href="{}">{}</a>', path_for("reports:status", year=obj.year),
                           _("Generate, publish and see progress"))

    # The audit log keeps the texts staff change, not the whole row: the frozen snapshot is
    # large and never edited here, and the file fields have no JSON form.
    @staticmethod
    def _texts(obj: ReportEdition) -> dict[str, Any]:
        return {"year": obj.year, "foreword_da": obj.foreword_da, "foreword_en": obj.foreword_en,
                "is_example": obj.is_example, "status": obj.status}

    def save_model(self, request: HttpRequest, obj: ReportEdition, form: Any, change: bool
                   ) -> None:
        before = ReportEdition.objects.filter(pk=obj.pk).first() if change else None
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        audit_log(actor=request.user, action="change" if change else "add", obj=obj,
                  before=self._texts(before) if before else None, after=self._texts(obj))

    def delete_model(self, request: HttpRequest, obj: ReportEdition) -> None:
        audit_log(actor=request.user, action="delete", obj=obj, before=self._texts(obj))
        admin.ModelAdmin.delete_model(self, request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.instance and not inline_form.instance.municipality_id:
                inline_form.instance.municipality_id = form.instance.municipality_id
        super().save_formset(request, form, formset, change)
        changed = [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]
        for section in changed:
            audit_log(actor=request.user, action="report.section_text", obj=section,
                      after={"key": section.key, "text_da": section.text_da,
                             "text_en": section.text_en})
