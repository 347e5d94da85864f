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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.instance and not inline_form.instance.municipality_id:
                inline_form.instance.municipality_id = form.instance.municipality_id
        super().save_formset(request, form, formset, change)
