"""Fetch an object together with the permission check, so no view can forget it (the Zulip
`access_message` pattern). Objects of another municipality are reported as not found, never as
forbidden, so their existence does not leak."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from faelles.core.permissions import can
from faelles.core.tenancy import request_municipality

M = TypeVar("M", bound=models.Model)


def access_object(
    request: HttpRequest,
    queryset: models.QuerySet[M] | type[M],
    action: str,
    **lookup: Any,
) -> M:
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    municipality = request_municipality(request)
    try:
        obj = queryset.get(municipality=municipality, **lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
    if not can(request.user, action, obj):
        # A citizen must not learn that an unpublished object exists.
        if not can(request.user, action.split(".")[0] + ".view_any", obj):
            raise Http404
        raise PermissionDenied(action)
    return obj
