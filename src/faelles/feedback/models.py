"""The feedback loop: every contribution is answered, traced to what it led to, and its author
told (DESIGN.md, "Feedback loop").

Derived state, so participation needs no hook:
- A contribution without a `ContributionState` row is "received" (the municipality's default
  status) and has never been answered.
- Its answer deadline is `created_at + process.answer_deadline_days` calendar days in
  Europe/Copenhagen, due at the end of that local day (`deadline_for`), unless staff set an
  override on the state.
- Its author follows it unless they unfollowed it (a `Follow` row with `active=False`).

Writes go through services.py; history rows are append-only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.models import MunicipalOwned

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def deadline_for(
    created_at: dt.datetime, days: int, override: dt.date | None = None,
) -> dt.datetime:
    """The moment an answer becomes overdue: the end of the due day in Europe/Copenhagen.

    Calendar days are counted on the local date, so a contribution sent at 23:59 and one sent at
    00:01 the next day get different due days, and a daylight-saving change in between moves
    nothing: the due moment is always local midnight after the due day, converted to UTC.
    """
    if override is not None:
        due_day = override
    else:
        due_day = created_at.astimezone(COPENHAGEN).date() + dt.timedelta(days=days)
    next_midnight = dt.datetime.combine(due_day + dt.timedelta(days=1), dt.time(0, 0))
    return next_midnight.replace(tzinfo=COPENHAGEN).astimezone(dt.UTC)


class StatusKind(models.TextChoices):
    """What a status means for the figures; the municipality can name its own statuses."""

    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    ANSWERED = "answered", _("answered")
    IMPLEMENTED = "implemented", _("implemented")
    NOT_PURSUED = "not_pursued", _("not pursued")


class Status(MunicipalOwned):
    """A status a contribution can have. Defaults are seeded per municipality (services)."""

    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    kind = models.CharField(
        _("meaning"), max_length=20, choices=StatusKind.choices, default=StatusKind.IN_PROGRESS,
        help_text=_("How the status counts in the figures."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_default = models.BooleanField(
        _("given to new contributions"), default=False,
    )

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="unique_status_key"),
            models.UniqueConstraint(
                fields=["municipality"], condition=models.Q(is_default=True),
                name="one_default_status",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Answer(MunicipalOwned):
    """A public answer with reasons. One answer may be shared by a group of contributions (a
    bulk answer); each contribution keeps its own state and history."""

    process = models.ForeignKey(
        "participation.Process", on_delete=models.CASCADE, related_name="feedback_answers",
        verbose_name=_("process"),
    )
    text = models.TextField(_("answer"), help_text=_("Markdown. Give the reasons."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("written by"),
    )
    author_role = models.CharField(_("role"), max_length=20, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_example = models.BooleanField(_("example content"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class ContributionState(MunicipalOwned):
    """The feedback state of one contribution. Created the first time staff act on it."""

    contribution = models.OneToOneField(
        "participation.Contribution", on_delete=models.CASCADE, related_name="feedback_state",
        verbose_name=_("contribution"),
    )
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    answer = models.ForeignKey(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="states",
        verbose_name=_("answer"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    deadline_override = models.DateField(
        _("answer by (override)"), null=True, blank=True,
        help_text=_("Empty: the process's answer deadline counted from the day it was received."),
    )
    memo_section = models.CharField(
        _("section in the hearing memo"), max_length=200, blank=True,
        help_text=_("The paragraph or theme the response is grouped under."),
    )
    # For the responder list (høringsliste): letters carry an address; never shown when
    # protected (hemmelig adresse).
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_protected = models.BooleanField(_("protected address"), default=False)

    class Meta:
        verbose_name = _("feedback state")
        verbose_name_plural = _("feedback states")
        indexes = [models.Index(fields=["municipality", "answered_at"], name="fb_state_answered")]

    def __str__(self) -> str:
        return str(self.contribution_id)


class Redaction(MunicipalOwned):
    """A passage removed from a contribution wherever feedback shows it (memo, trace, export)."""

    contribution = models.ForeignKey(
        "participation.Contribution", on_delete=models.CASCADE, related_name="redactions",
        verbose_name=_("contribution"),
    )
    passage = models.CharField(_("passage to remove"), max_length=500)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.reason


class OutcomeKind(models.TextChoices):
    DECISION = "decision", _("decision")
    DOCUMENT_CHANGE = "document_change", _("change in a document")
    INITIATIVE = "initiative", _("initiative")


class Outcome(MunicipalOwned):
    """What a contribution led to. A link never changes the contribution's status by itself."""

    contribution = models.ForeignKey(
        "participation.Contribution", on_delete=models.CASCADE, related_name="outcomes",
        verbose_name=_("contribution"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)
    decision = models.ForeignKey(
        "strategy.Decision", on_delete=models.CASCADE, null=True, blank=True,
        related_name="feedback_outcomes", verbose_name=_("decision"),
    )
    initiative = models.ForeignKey(
        "strategy.Initiative", on_delete=models.CASCADE, null=True, blank=True,
        related_name="feedback_outcomes", verbose_name=_("initiative"),
    )
    document = models.ForeignKey(
        "strategy.StrategyDocument", on_delete=models.CASCADE, null=True, blank=True,
        related_name="feedback_outcomes", verbose_name=_("document"),
    )
    change = models.TextField(
        _("the change"), blank=True,
        help_text=_("For a document: what changed from the hearing version to the new one."),
    )
    explanation = models.TextField(_("explanation"), help_text=_("How the contribution led to it."))
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    is_example = models.BooleanField(_("example content"), default=False)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="outcome_target_matches_kind",
                condition=(
                    models.Q(kind="decision", decision__isnull=False, initiative__isnull=True,
                             document__isnull=True)
                    | models.Q(kind="initiative", initiative__isnull=False,
                               decision__isnull=True, document__isnull=True)
                    | models.Q(kind="document_change", document__isnull=False,
                               decision__isnull=True, initiative__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self) -> models.Model | None:
        return self.decision or self.initiative or self.document


class HistoryKind(models.TextChoices):
    RECEIVED = "received", _("received")
    STATUS = "status", _("status changed")
    ANSWER_PUBLISHED = "answer_published", _("answer published")
    ANSWER_EDITED = "answer_edited", _("answer edited")
    OUTCOME = "outcome", _("linked to an outcome")


class HistoryEntry(MunicipalOwned):
    """Public, append-only history of a contribution's handling."""

    contribution = models.ForeignKey(
        "participation.Contribution", on_delete=models.CASCADE, related_name="feedback_history",
    )
    kind = models.CharField(_("what"), max_length=20, choices=HistoryKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    actor_name = models.CharField(_("name"), max_length=150, blank=True)
    status = models.ForeignKey(Status, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    previous_status = models.ForeignKey(Status, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    outcome = models.ForeignKey(Outcome, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["contribution", "at", "id"], name="fb_history")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("History entries are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("History entries are append-only.")


class Follow(MunicipalOwned):
    """A person follows a contribution, process, goal or initiative. `active=False` records an
    explicit unfollow, which is how an author stops following their own contribution."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="follows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id"],
                                    name="one_follow_per_target")
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "active"],
                                name="fb_followers")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.content_type_id}:{self.object_id}"


class EventKind(models.TextChoices):
    STATUS = "status", _("status changes")
    ANSWER = "answer", _("answers")
    OUTCOME = "outcome", _("what contributions led to")
    INITIATIVE = "initiative", _("progress of initiatives")
    HEARING_CLOSING = "hearing_closing", _("hearings about to close")
    PHASE = "phase", _("a process entering a new phase")
    MODERATION = "moderation", _("a moderator hiding something you wrote")


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("at once")
    DAILY = "daily", _("one e-mail a day")
    WEEKLY = "weekly", _("one e-mail a week")
    NEVER = "never", _("no e-mail (only on the site)")


class NotificationPreference(models.Model):
    """How a person wants e-mail about one kind of event. No row: at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATELY)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}={self.frequency}"


class Notification(MunicipalOwned):
    """A notification shown on the site. One per recipient per event."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    event_key = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    subject_da = models.CharField(max_length=300)
    subject_en = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "user"], name="one_notification_per_event")
        ]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="fb_notif_user")]

    def __str__(self) -> str:
        return self.subject_da

    def subject(self, lang: str) -> str:
        return self.subject_en if lang == "en" and self.subject_en else self.subject_da


class Outbox(MunicipalOwned):
    """One e-mail per recipient per event (the unique constraint is the guarantee). Sending is at
    least once; the stable Message-ID lets mail systems drop a retried copy."""

    event_key = models.CharField(max_length=120)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    message_id = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Digest members point at the digest e-mail that carried them.
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="items")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient"], name="one_mail_per_event")
        ]
        indexes = [models.Index(fields=["frequency", "sent_at", "recipient"], name="fb_outbox_due")]

    def __str__(self) -> str:
        return f"{self.event_key} → {self.recipient_id}"


class ProcessCase(MunicipalOwned):
    """Case-handling facts for a process: the case number (journalnummer) and who answers."""

    process = models.OneToOneField("participation.Process", on_delete=models.CASCADE,
                                   related_name="feedback_case", verbose_name=_("process"))
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("responsible process manager"),
    )
    memo_status = models.CharField(
        _("hearing memo"), max_length=20, default="draft",
        choices=[("draft", _("draft")), ("awaiting_decision", _("awaiting decision")),
                 ("decided", _("decided"))],
    )

    class Meta:
        verbose_name = _("case details")
        verbose_name_plural = _("case details")

    def __str__(self) -> str:
        return self.case_number or str(self.process_id)


class InitiativeSeen(models.Model):
    """The last progress and status notified for an initiative; a job compares and notifies, so
    the strategy app needs no hook."""

    initiative = models.OneToOneField("strategy.Initiative", on_delete=models.CASCADE,
                                      related_name="+")
    progress = models.DecimalField(max_digits=5, decimal_places=1)
    status = models.CharField(max_length=20)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.progress}"


def content_type_for(model: type[models.Model]) -> ContentType:
    return ContentType.objects.get_for_model(model)
