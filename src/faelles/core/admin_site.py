from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from faelles.core.permissions import is_staff_member


class FaellesAdminSite(admin.AdminSite):
    """The back-office: open to staff roles of the current municipality only."""

    site_header = _("Fælles – back-office")
    site_title = _("Fælles back-office")
    index_title = _("Manage the municipality's content")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or is_staff_member(user, None)))
