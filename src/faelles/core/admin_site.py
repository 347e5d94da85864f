from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
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

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Any:
        # Two-factor login (faelles.accounts.otp): staff who set up a code app must have used it
        # in this session, and the municipality can require one before the back-office opens.
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from faelles.accounts.otp import admin_gate

            target = admin_gate(request) if self.has_permission(request) else None
            if target:
                return HttpResponseRedirect(target)
            return inner(request, *args, **kwargs)

        return gated
