"""The tenant (municipality) and the mechanisms every other app shares."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """The tenant: all content belongs to one; the request's host selects it."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    code = models.CharField(_("municipality code"), max_length=4, blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used when no host matches the request.")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    accessibility_statement_url = models.URLField(
        _("accessibility statement (link)"),
        blank=True,
        help_text=_("The statement made in WAS-Tool. Shown in the footer of every page."),
    )
    privacy_contact = models.CharField(
        _("data protection officer (contact)"), max_length=200, blank=True
    )
    show_staff_names = models.BooleanField(
        _("show staff names on answers"), default=False,
        help_text=_("When off, answers show only the role, e.g. 'process manager'."),
    )
    data_licence = models.CharField(_("licence for open data"), max_length=60, default="CC BY 4.0")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True),
                name="one_default_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MunicipalityHost(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="hosts")
    host = models.CharField(_("host name"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("host name")
        verbose_name_plural = _("host names")

    def __str__(self) -> str:
        return self.host


class MunicipalQuerySet(models.QuerySet):
    def for_municipality(self, municipality: Municipality | int) -> MunicipalQuerySet:
        return self.filter(municipality=municipality)


class MunicipalOwned(models.Model):
    """Base for every kind of content: it belongs to exactly one municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name=_("municipality"),
        related_name="+",
    )

    objects = MunicipalQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Append-only log of staff actions: who, what, when, before and after.

    The database refuses UPDATE and DELETE on this table (triggers in migration 0002), so even a
    bug or a compromised admin form cannot rewrite history.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # No cascade and no constraint: deleting an account must never rewrite the log
    # (the label keeps who it was).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Audit entries are append-only.")


class IdempotencyKey(models.Model):
    """One row per submitted form: a second submission of the same form finds it and gets the
    first one's result instead of creating a duplicate."""

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=60)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class ScheduledRun(models.Model):
    """When each periodic job was last enqueued; the scheduler claims a slot with a unique row,
    so two schedulers running by mistake never enqueue the same job twice."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.job}@{self.slot}"
