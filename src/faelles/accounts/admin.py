from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from faelles.accounts.models import (
    MunicipalityPolicy,
    Organisation,
    OrganisationMembership,
    Role,
    User,
)
from faelles.core.admin import AuditedAdmin, MunicipalAdmin
from faelles.core.audit import audit_log
from faelles.core.tenancy import request_municipality


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ["role", "granted_at"]
    readonly_fields = ["granted_at"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).filter(municipality=request_municipality(request))


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ["email", "name", "email_confirmed_at", "date_joined", "is_active"]
    search_fields = ["email", "name"]
    list_filter = ["is_active"]
    ordering = ["email"]
    fields = ["email", "name", "language", "is_active", "email_confirmed_at", "date_joined"]
    readonly_fields = ["date_joined"]
    inlines = [RoleInline]
    actions = ["export_personal_data"]

    # Deleting an account, on the person's request, goes through the privacy registry like the
    # person's own "delete my account": content apps anonymise first, and the audit entry names
    # the account by number only (no snapshot with the e-mail address).
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from faelles.core.privacy import erase_user

        erase_user(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        from faelles.core.privacy import erase_user

        for user in list(queryset):
            erase_user(user, actor=request.user)

    @admin.action(description=_("Export personal data (on request, as JSON)"))
    def export_personal_data(self, request: HttpRequest, queryset: models.QuerySet) -> Any:
        from django.http import JsonResponse

        from faelles.core.privacy import export_user

        data = {str(user.pk): export_user(user) for user in queryset}
        for user in queryset:
            audit_log(actor=request.user, action="export_personal_data", obj=user,
                      object_type="accounts.user")
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        response["Cache-Control"] = "no-store"
        return response

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_log(actor=request.user, action="revoke_role", obj=obj,
                      before={"role": obj.role, "user": obj.user.email})
            obj.delete()
        for instance in instances:
            if isinstance(instance, Role):
                instance.municipality = request_municipality(request)
                is_new = instance.pk is None
                instance.save()
                if is_new:
                    audit_log(actor=request.user, action="grant_role", obj=instance,
                              after={"role": instance.role, "user": instance.user.email})
        formset.save_m2m()


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    fields = ["user", "requested_at", "confirmed_at", "confirmed_by"]
    readonly_fields = ["requested_at", "confirmed_by"]
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(MunicipalAdmin):
    list_display = ["name", "kind", "is_example"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "requested_at", "confirmed_at"]
    list_filter = ["confirmed_at"]
    actions = ["confirm"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).filter(
            organisation__municipality=request_municipality(request)
        ).select_related("user", "organisation")

    @admin.action(description=_("Confirm the selected memberships"))
    def confirm(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        from faelles.accounts.services import membership_confirm

        for membership in queryset.filter(confirmed_at__isnull=True):
            membership_confirm(actor=request.user, membership=membership)
        self.message_user(request, _("The memberships are confirmed."))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.confirmed_at and not obj.confirmed_by_id:
            obj.confirmed_by = request.user
        if obj.confirmed_at is None and "confirmed_at" in form.changed_data:
            obj.confirmed_by = None
        super().save_model(request, obj, form, change)




@admin.register(MunicipalityPolicy)
class MunicipalityPolicyAdmin(AuditedAdmin):
    """One row per municipality: admins see and change only their own."""

    list_display = ["municipality", "require_staff_two_factor", "hearing_response_retention_years"]
    exclude = ["municipality"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).filter(municipality=request_municipality(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        municipality = request_municipality(request)
        exists = MunicipalityPolicy.objects.filter(municipality=municipality).exists()
        return super().has_add_permission(request) and not exists

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.municipality = request_municipality(request)
        super().save_model(request, obj, form, change)
