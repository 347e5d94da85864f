"""The feedback part of the privacy registry (faelles.core.privacy): what a person follows, their
notification settings, notifications and e-mails.

All of it is personal and goes with the account (the models cascade on the user). Answers and
history written by staff stay: they are the municipality's record, and the staff link is removed
by the models' SET_NULL. Models are looked up defensively, so the registry keeps working if one
is missing.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from faelles.core.privacy import RetentionRule

LABELS = {
    "feedback": _("Answers and notifications"),
    "follows": _("What you follow"),
    "notification_settings": _("E-mail settings"),
    "notifications": _("Notifications"),
    "emails": _("E-mails"),
    "target": _("Follows"),
    "active": _("Active"),
    "frequency": _("How often"),
    "subject": _("Subject"),
    "read_at": _("Read"),
    "sent_at": _("Sent"),
}


def _model(name: str) -> Any:
    try:
        return apps.get_model("feedback", name)
    except LookupError:
        return None


def export(user: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    Follow = _model("Follow")
    if Follow is not None:
        follows = list(Follow.objects.filter(user=user).select_related("content_type")
                       .order_by("created_at", "id"))
        data["follows"] = [
            {"target": str(f.target) if f.target is not None else f"{f.content_type}:{f.object_id}",
             "kind": str(f.content_type.model_class()._meta.verbose_name)
             if f.content_type.model_class() else f.content_type.model,
             "active": f.active, "created_at": f.created_at}
            for f in follows
        ]
    Preference = _model("NotificationPreference")
    if Preference is not None:
        data["notification_settings"] = [
            {"kind": p.get_kind_display(), "frequency": p.get_frequency_display()}
            for p in Preference.objects.filter(user=user).order_by("kind")
        ]
    Notification = _model("Notification")
    if Notification is not None:
        data["notifications"] = [
            {"subject": n.subject_da, "kind": n.get_kind_display(), "url": n.url,
             "created_at": n.created_at, "read_at": n.read_at}
            for n in Notification.objects.filter(user=user).order_by("created_at", "id")
        ]
    Outbox = _model("Outbox")
    if Outbox is not None:
        data["emails"] = [
            {"subject": o.subject, "kind": o.get_kind_display(), "created_at": o.created_at,
             "sent_at": o.sent_at}
            for o in Outbox.objects.filter(recipient=user).order_by("created_at", "id")
        ]
    return data


def erase(user: Any, *, actor: Any) -> None:
    # Follows, settings, notifications and e-mails cascade with the account. Nothing must stay.
    return None


RETENTION = [
    RetentionRule(
        key="feedback.follows",
        data=_("What you follow, your e-mail settings and your notifications"),
        purpose=_("Telling you what happens to your input and to what you follow"),
        legal_basis=_("Public task, GDPR art. 6(1)(e); e-mails: consent, art. 6(1)(a)"),
        keep=_("While your account exists."),
        order=150,
    ),
    RetentionRule(
        key="feedback.answers",
        data=_("Answers, statuses and decisions about contributions"),
        purpose=_("The municipality's answer and the record of what input led to"),
        legal_basis=_("Public task, GDPR art. 6(1)(e)"),
        keep=_("They stay public as part of the record. Staff are shown by role, or by name "
               "if the municipality chooses so."),
        order=160,
    ),
]
