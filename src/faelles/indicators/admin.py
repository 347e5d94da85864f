"""Back-office for indicators: metadata and targets, values typed by hand, CSV uploads.

Every value, typed or uploaded, goes through `services.observations_import`, so the checks,
the revisions and the import log are the same as for the command line and StatBank. A file
with one bad row imports nothing; the page lists every bad row with its line and reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from faelles.core.admin import MunicipalAdmin
from faelles.core.forms import IdempotentFormMixin, already_submitted
from faelles.core.models import IdempotencyKey
from faelles.core.permissions import can
from faelles.core.tenancy import request_municipality
from faelles.indicators.importers.base import (
    NumberFormatError,
    RowError,
    message,
    parse_number,
)
from faelles.indicators.importers.opensdg_csv import parse_opensdg_csv
from faelles.indicators.models import (
    ImportRun,
    Indicator,
    Observation,
    StatBankMapping,
)
from faelles.indicators.periods import parse_period
from faelles.indicators.services import (
    ImportRevertError,
    ObservationImportError,
    import_errors,
    import_run_revert,
    observation_set,
    observations_import_result,
    statbank_refresh,
)
from faelles.indicators.tasks import recompute_indicator

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# A change to any of these changes the assessments.
ASSESSMENT_FIELDS = {
    "direction", "base_year", "target_value", "target_year", "series_targets", "annual_rule",
}


def _lang() -> str:
    return "en" if (translation.get_language() or "da").startswith("en") else "da"


class CsvUploadForm(IdempotentFormMixin):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Open SDG layout: a Year column, a Value column and a column per breakdown "
            "(e.g. Bydel). Leave a breakdown cell empty for the total."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 200 MB)."))
        return upload


class ManualValueForm(IdempotentFormMixin):
    period = forms.CharField(
        label=_("Period"), max_length=8, help_text=_("E.g. 2024, 2024K1 or 2024M02.")
    )
    value = forms.CharField(label=_("Value"), max_length=40, help_text=_("E.g. 1234,5."))
    breakdown = forms.CharField(
        label=_("Breakdown"), required=False, max_length=300,
        help_text=_("Empty for the total; otherwise e.g. Bydel=Albertslund Syd; Køn=Kvinder."),
    )
    source = forms.CharField(label=_("Source"), max_length=300)

    def clean_period(self) -> str:
        text = self.cleaned_data["period"]
        try:
            return str(parse_period(text))
        except ValueError:
            # The same sentence a CSV import gives for a bad period.
            raise forms.ValidationError(
                message(RowError("unknown_year", params={"value": text}), _lang())
            ) from None

    def clean_value(self) -> float:
        text = self.cleaned_data["value"]
        try:
            return parse_number(text)
        except NumberFormatError as exc:
            raise forms.ValidationError(
                message(RowError(exc.code, params={"value": text}), _lang())
            ) from None

    def clean_breakdown(self) -> dict[str, str]:
        text = self.cleaned_data["breakdown"].strip()
        result: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            name, sep, category = part.partition("=")
            if not sep or not name.strip() or not category.strip():
                raise forms.ValidationError(_("Write each breakdown as name=category."))
            result[name.strip()] = category.strip()
        return result


@admin.register(Indicator)
class IndicatorAdmin(MunicipalAdmin, TranslationAdmin):
    list_display = [
        "title", "goal", "reporting_status", "headline_status", "is_published", "is_example",
    ]
    list_filter = ["reporting_status", "is_published", "is_example", "goal__pillar"]
    search_fields = ["title_da", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_da"]}
    raw_id_fields = ["sdg_indicator"]
    readonly_fields = ["data_links"]
    fieldsets = [
        (None, {"fields": ["goal", "title", "slug", "description", "sdg_indicator", "order",
                           "is_published", "is_example", "data_links"]}),
        (_("Measurement"), {"fields": ["unit", "direction", "base_year", "target_value",
                                       "target_year", "series_targets", "annual_rule",
                                       "reporting_status"]}),
        (_("Metadata"), {"fields": ["stat_conc_def", "data_comp", "data_source", "source_url",
                                    "freq_coll", "rec_use_lim", "contact_organisation",
                                    "contact_mail", "meta_last_update"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Indicator]:
        return super().get_queryset(request).select_related("goal").prefetch_related(
            "assessments"
        )

    @admin.display(description=_("progress (total)"))
    def headline_status(self, obj: Indicator) -> str:
        for assessment in obj.assessments.all():
            if assessment.series_key == "":
                return assessment.get_status_display()
        return "–"

    @admin.display(description=_("Values and uploads"))
    def data_links(self, obj: Indicator | None) -> str:
        if obj is None or obj.pk is None:
            return str(_("Save first; then you can add data."))
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a> '
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:indicators_indicator_import_csv", args=[obj.pk]),
            _("Upload CSV file"),
            reverse("admin:indicators_indicator_add_value", args=[obj.pk]),
            _("Add a value"),
            reverse("admin:indicators_observation_changelist") + f"?indicator__id__exact={obj.pk}",
            _("See the values"),
            obj.get_absolute_url(),
            _("See the public page"),
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and ASSESSMENT_FIELDS & set(form.changed_data):
            recompute_indicator.enqueue(obj.pk)

    def get_urls(self) -> list[Any]:
        own = [
            path("<int:pk>/import-csv/", self.admin_site.admin_view(self.import_csv_view),
                 name="indicators_indicator_import_csv"),
            path("<int:pk>/add-value/", self.admin_site.admin_view(self.add_value_view),
                 name="indicators_indicator_add_value"),
        ]
        return own + super().get_urls()

    def _indicator_for_import(self, request: HttpRequest, pk: int) -> Indicator:
        indicator = get_object_or_404(
            Indicator, pk=pk, municipality=request_municipality(request)
        )
        if not can(request.user, "indicators.import_observations", indicator):
            raise PermissionDenied
        return indicator

    def _render(self, request: HttpRequest, template: str, context: dict[str, Any]) -> Any:
        return TemplateResponse(request, template, {
            **self.admin_site.each_context(request), "opts": self.model._meta, **context,
        })

    def import_csv_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        indicator = self._indicator_for_import(request, pk)
        errors: list[str] = []
        change_url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
        if request.method == "POST":
            previous = already_submitted(request.POST)
            if previous is not None:
                return HttpResponseRedirect(previous)
            form = CsvUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                result = parse_opensdg_csv(upload.read())
                try:
                    run = observations_import_result(
                        indicator=indicator, result=result, source=upload.name[:300],
                        actor=request.user,
                    )
                except ObservationImportError as exc:
                    errors = import_errors(exc.run, _lang())
                else:
                    key = form.cleaned_data.get("idempotency_key")
                    if key:
                        IdempotencyKey.objects.get_or_create(
                            key=key, defaults={"scope": "indicators.import_csv",
                                               "result_url": change_url},
                        )
                    messages.success(request, _(
                        "Imported %(rows)s rows: %(new)s new, %(changed)s changed, "
                        "%(same)s unchanged."
                    ) % {"rows": run.rows, "new": run.created, "changed": run.updated,
                         "same": run.unchanged})
                    return HttpResponseRedirect(change_url)
        else:
            form = CsvUploadForm()
        return self._render(request, "admin/indicators/indicator/import_csv.html", {
            "title": _("Upload data for %(indicator)s") % {"indicator": indicator.title},
            "indicator": indicator, "form": form, "errors": errors, "change_url": change_url,
            "crumb": _("Upload CSV file"), "submit_label": _("Import"),
            "error_heading": ngettext(
                "Nothing was imported. The file has %(count)s error:",
                "Nothing was imported. The file has %(count)s errors:", len(errors),
            ) % {"count": len(errors)},
            "retry_text": _(
                "Correct the file and upload it again. All rows are imported, or none."
            ),
            "note": _(
                "Values for periods that already exist are updated; the old value is kept in "
                "the history."
            ),
        })

    def add_value_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        indicator = self._indicator_for_import(request, pk)
        change_url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
        errors: list[str] = []
        if request.method == "POST":
            previous = already_submitted(request.POST)
            if previous is not None:
                return HttpResponseRedirect(previous)
            form = ManualValueForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    observation_set(
                        indicator=indicator, period=data["period"], value=data["value"],
                        disaggregation=data["breakdown"], source=data["source"],
                        actor=request.user,
                    )
                except ObservationImportError as exc:
                    errors = import_errors(exc.run, _lang())
                else:
                    key = data.get("idempotency_key")
                    if key:
                        IdempotencyKey.objects.get_or_create(
                            key=key, defaults={"scope": "indicators.add_value",
                                               "result_url": change_url},
                        )
                    messages.success(request, _("The value is saved."))
                    return HttpResponseRedirect(change_url)
        else:
            form = ManualValueForm()
        return self._render(request, "admin/indicators/indicator/add_value.html", {
            "title": _("Add a value to %(indicator)s") % {"indicator": indicator.title},
            "indicator": indicator, "form": form, "errors": errors, "change_url": change_url,
            "crumb": _("Add a value"), "submit_label": _("Save"),
            "error_heading": _("The value was not saved:"), "retry_text": "",
            "note": _(
                "If the period already has a value, it is replaced; the old value is kept in "
                "the history."
            ),
        })


class ReadOnlyAdmin(MunicipalAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    """Values are changed by import or "Add a value", which keep revisions; here they are read."""

    list_display = ["indicator", "period", "disaggregation_key", "series", "units", "value",
                    "source", "retrieved_at"]
    list_filter = ["indicator"]
    search_fields = ["period", "disaggregation_key"]
    list_select_related = ["indicator"]
    show_full_result_count = False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "indicator", "kind", "source", "status", "rows", "created",
                    "updated", "actor"]
    list_filter = ["status", "kind"]
    list_select_related = ["indicator", "actor"]
    readonly_fields = ["error_list"]
    exclude = ["errors"]
    actions = ["undo_import"]

    @admin.action(description=_("Undo the import (the latest one first)"))
    def undo_import(self, request: HttpRequest, queryset: QuerySet[ImportRun]) -> None:
        # Newest first, so selecting several runs of one indicator unwinds them in order.
        for run in queryset.select_related("indicator").order_by("-pk"):
            if not can(request.user, "indicators.import_observations", run.indicator):
                raise PermissionDenied
            try:
                import_run_revert(run=run, actor=request.user)
            except ImportRevertError as exc:
                messages.error(request, f"{run}: {exc}")
            else:
                messages.success(request, _("Undone: %(run)s") % {"run": run})

    @admin.display(description=_("errors"))
    def error_list(self, obj: ImportRun) -> str:
        if not obj.errors:
            return "–"
        items = format_html_join("", "<li>{}</li>", ((e,) for e in import_errors(obj, _lang())))
        return format_html("<ul>{}</ul>", items)


@admin.register(StatBankMapping)
class StatBankMappingAdmin(MunicipalAdmin):
    list_display = ["indicator", "table", "is_active", "last_refreshed", "has_error"]
    readonly_fields = ["last_refreshed", "last_error"]
    actions = ["refresh_now"]

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj: StatBankMapping) -> bool:
        return bool(obj.last_error)

    @admin.action(description=_("Fetch from Statistics Denmark now"))
    def refresh_now(self, request: HttpRequest, queryset: QuerySet[StatBankMapping]) -> None:
        for mapping in queryset.select_related("indicator"):
            try:
                run = statbank_refresh(mapping=mapping, actor=request.user)
            except ObservationImportError:
                messages.error(request, f"{mapping}: {mapping.last_error}")
            else:
                messages.success(request, _("%(table)s: %(rows)s rows imported.") % {
                    "table": mapping.table, "rows": run.rows,
                })
