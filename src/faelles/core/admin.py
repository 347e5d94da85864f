"""Back-office building blocks: every model admin is limited to the current municipality and
records changes in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from faelles.core.audit import audit_log, snapshot
from faelles.core.models import AuditEntry, Municipality, MunicipalityHost
from faelles.core.tenancy import request_municipality


def checked_upload(field: Any, *, image: bool) -> Any:
    """Make a form's file field pass uploads through the same checks as the site's forms:
    size limit, type by content, images re-encoded, a generated name (never the user's)."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
    from django.forms import ValidationError

    from faelles.core.uploads import clean_document, clean_image

    original = field.clean

    def clean(data: Any, initial: Any = None) -> Any:
        value = original(data, initial)
        if not isinstance(value, UploadedFile):
            return value  # unchanged, cleared or kept
        value.seek(0)
        try:
            checked = clean_image(value) if image else clean_document(value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return SimpleUploadedFile(checked.name, checked.content.read(), checked.content_type)

    field.clean = clean
    return field


class AuditedAdmin(admin.ModelAdmin):
    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.FileField):
            field = checked_upload(field, image=isinstance(db_field, models.ImageField))
        return field

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.filter(pk=obj.pk).first()) if change else None
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user, action="change" if change else "add", obj=obj,
            before=before, after=snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_log(actor=request.user, action="delete", obj=obj, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            audit_log(actor=request.user, action="delete", obj=obj, before=snapshot(obj))
        super().delete_queryset(request, queryset)


class MunicipalAdmin(AuditedAdmin):
    """For models with a `municipality`: staff see and change only their own municipality's."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).filter(municipality=request_municipality(request))

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*(super().get_exclude(request, obj) or []), "municipality"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change or not obj.municipality_id:
            obj.municipality = request_municipality(request)
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Related choices come from the same municipality only.
        related = db_field.related_model
        if any(f.name == "municipality" for f in related._meta.fields):
            kwargs.setdefault(
                "queryset",
                related._default_manager.filter(municipality=request_municipality(request)),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if any(f.name == "municipality" for f in related._meta.fields):
            kwargs.setdefault(
                "queryset",
                related._default_manager.filter(municipality=request_municipality(request)),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HostInline(admin.TabularInline):
    model = MunicipalityHost
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["name", "code", "is_default"]
    inlines = [HostInline]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk=request_municipality(request).pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(municipality=request_municipality(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
