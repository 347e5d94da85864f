"""Recording staff actions in the append-only audit log."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from faelles.core.models import AuditEntry
from faelles.core.tenancy import current_municipality


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # `.url` of an empty file raises, so test the type
        return value.name or ""
    return value


def snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """The object's concrete field values, JSON-ready; passwords are never copied."""
    if obj is None:
        return None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"password"}:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    municipality: Any = None,
    object_type: str = "",
) -> AuditEntry:
    if municipality is None:
        municipality = getattr(obj, "municipality", None) if obj is not None else None
    if municipality is None or not hasattr(municipality, "pk"):
        municipality = current_municipality()
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.email
    else:
        actor = None
    changed_before, changed_after = before, after
    if before is not None and after is not None:
        keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        changed_before = {k: before.get(k) for k in sorted(keys)}
        changed_after = {k: after.get(k) for k in sorted(keys)}
    return AuditEntry.objects.create(
        municipality=municipality,
        actor=actor,
        actor_label=label,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=changed_before,
        after=changed_after,
        reason=reason,
    )
