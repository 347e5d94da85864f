"""Participation: processes with dated phases, contributions, comments, supports, meetings and
moderation reports.

Counters (`support_count`, `comment_count`, `contribution_count` ...) are maintained columns,
changed with F() expressions in the same transaction as the row they count (services.py), so list
pages never COUNT over joins. Texts are markdown, rendered with the `|markdown` filter.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.links import path_for
from faelles.core.models import MunicipalOwned
from faelles.participation.phases import PhaseTiming, PhaseType


def new_shuffle_key() -> int:
    """A random position for the "random" list order (31 bits fit every database's integer)."""
    return secrets.randbelow(2**31)


SDG_GOAL_COUNT = 17


def sdg_goal_bit(number: int | None) -> int:
    """Goal `number`'s bit in `Contribution.sdg_goals` (bit n-1 for goal n); 0 for a number that
    is no SDG goal, so filtering by it matches nothing."""
    if number is None or not 1 <= number <= SDG_GOAL_COUNT:
        return 0
    return 1 << (number - 1)


class Neighbourhood(models.TextChoices):
    """Areas of Albertslund (reference/denmark.md 1.7), used to tag and filter contributions."""

    WHOLE_CITY = "hele-byen", _("the whole city")
    SYD = "syd", "Albertslund Syd"
    NORD = "nord", "Albertslund Nord"
    VEST = "vest", "Albertslund Vest"
    CENTRUM = "centrum", "Albertslund Centrum"
    GALGEBAKKEN = "galgebakken", "Galgebakken"
    HYLDESPJAELDET = "hyldespjaeldet", "Hyldespjældet"
    HERSTEDLUND = "herstedlund", "Herstedlund"
    HERSTEDVESTER = "herstedvester", "Herstedvester"
    HERSTEDOESTER = "herstedoester", "Herstedøster"
    VRIDSLOESELILLE = "vridsloeselille", "Vridsløselille"
    HERSTED_INDUSTRIPARK = "hersted-industripark", "Hersted Industripark"
    VESTSKOVEN = "vestskoven", "Vestskoven"


class Process(MunicipalOwned):
    """A participation process (forløb) with ordered, dated phases."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name (in the address)"), max_length=120)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    image = models.ImageField(_("image"), upload_to="participation/processes/", blank=True)
    image_alt = models.CharField(
        _("image description (alt text)"), max_length=300, blank=True,
        help_text=_("Describe what the picture shows, for people who cannot see it."),
    )
    pillars = models.ManyToManyField(
        "strategy.Pillar", blank=True, related_name="processes", verbose_name=_("pillars")
    )
    goals = models.ManyToManyField(
        "strategy.Goal", blank=True, related_name="processes", verbose_name=_("goals")
    )
    sdg_targets = models.ManyToManyField(
        "sdg.Target", blank=True, related_name="processes", verbose_name=_("SDG targets")
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_example = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Invented for the demo; shown with an 'example' label."),
    )
    supports_per_user = models.PositiveSmallIntegerField(
        _("supports per person"), null=True, blank=True,
        help_text=_("How many contributions one person may support. Empty: no limit."),
    )
    support_threshold = models.PositiveIntegerField(
        _("support threshold"), null=True, blank=True,
        help_text=_("A contribution with this many supports from confirmed accounts is "
                    "taken up by the council. Empty: no threshold."),
    )
    answer_deadline_days = models.PositiveSmallIntegerField(
        _("answer within (days)"), default=30,
        help_text=_("Calendar days, Europe/Copenhagen, until the end of that day."),
    )
    contribution_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    support_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="unique_process_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("participation:process", slug=self.slug)

    @cached_property
    def phase_list(self) -> list[Phase]:
        """The phases in order; uses prefetched rows when the selector prefetched them."""
        return sorted(self.phases.all(), key=lambda p: (p.order, p.start, p.pk))

    def phase_spans(self) -> list[tuple[str, dt.datetime, dt.datetime]]:
        return [(p.type, p.start, p.end) for p in self.phase_list]

    def running_phases(self, now: dt.datetime | None = None) -> list[Phase]:
        now = now or timezone.now()
        return [p for p in self.phase_list if p.is_running(now)]

    def current_phase(self, now: dt.datetime | None = None) -> Phase | None:
        running = self.running_phases(now)
        return running[0] if running else None


class Phase(PhaseTiming, MunicipalOwned):
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process")
    )
    type = models.CharField(_("type"), max_length=20, choices=PhaseType.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"), help_text=_("The phase is open up to this moment."))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "order", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="phase_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title



class Question(MunicipalOwned):
    """An open question asked in a phase, e.g. the pre-hearing's "Hvad savner du?"."""

    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="questions", verbose_name=_("phase")
    )
    text = models.CharField(_("question"), max_length=400)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["phase", "order", "id"]

    def __str__(self) -> str:
        return self.text


class ContributionKind(models.TextChoices):
    IDEA = "idea", _("idea")
    PROPOSAL = "proposal", _("proposal")
    HEARING_RESPONSE = "hearing_response", _("hearing response")
    PREHEARING_ANSWER = "prehearing_answer", _("answer to a pre-hearing question")
    WORKSHOP_NOTE = "workshop_note", _("workshop note")


class OfflineSource(models.TextChoices):
    NONE = "", _("online")
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone call")
    WORKSHOP = "workshop", _("workshop or meeting")
    SOCIAL = "social", _("social media")


class Contribution(MunicipalOwned):
    """Any input that deserves an answer (bidrag)."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("process")
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions",
        verbose_name=_("phase"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="contributions", verbose_name=_("question"),
    )
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="contributions", verbose_name=_("born at meeting"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices,
                            default=ContributionKind.IDEA)
    # Null for input received offline from someone without an account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="contributions", verbose_name=_("author"),
    )
    on_behalf_of = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="contributions", verbose_name=_("on behalf of"),
    )
    offline_source = models.CharField(
        _("received as"), max_length=10, choices=OfflineSource.choices, blank=True, default="",
    )
    offline_author_name = models.CharField(
        _("name of the sender"), max_length=200, blank=True,
        help_text=_("For input received offline. Shown only with consent."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("registered by"),
    )
    title = models.CharField(_("title"), max_length=160)
    text = models.TextField(_("text"), help_text=_("Markdown."))
    neighbourhood = models.CharField(
        _("area"), max_length=30, choices=Neighbourhood.choices, blank=True, db_index=True
    )
    pillars = models.ManyToManyField(
        "strategy.Pillar", blank=True, related_name="contributions", verbose_name=_("pillars")
    )
    sdg_targets = models.ManyToManyField(
        "sdg.Target", blank=True, related_name="contributions", verbose_name=_("SDG targets")
    )
    image = models.ImageField(_("image"), upload_to="participation/contributions/", blank=True)
    image_alt = models.CharField(_("image description (alt text)"), max_length=300, blank=True)
    # A PDF or picture the author attaches (stored under a generated name, never the user's).
    attachment = models.FileField(
        _("attachment"), upload_to="participation/attachments/", blank=True
    )
    attachment_type = models.CharField(max_length=50, blank=True, editable=False)
    attachment_size = models.PositiveIntegerField(default=0, editable=False)
    # Plain-text excerpt kept with the row so list pages never render markdown per card.
    excerpt = models.CharField(_("excerpt"), max_length=240, blank=True, editable=False)
    # The "random" order walks this column from a per-visitor starting point (keyset, O(page)).
    shuffle_key = models.PositiveIntegerField(default=new_shuffle_key, editable=False)
    # The SDG goals of `sdg_targets` as a bit mask (see sdg_goal_bit), kept in step by
    # services.refresh_sdg_goals: the list's SDG filter is then a test on the row it already
    # reads, not a subquery joining the targets per walked row.
    sdg_goals = models.PositiveIntegerField(default=0, editable=False)
    publish_name = models.BooleanField(
        _("show my name"), default=True,
        help_text=_("When off, the contribution is shown without your name."),
    )
    # Hearing responses: a person with a protected (secret) address is never named in public,
    # whatever the consent says (reference/denmark.md 1.8).
    protected_address = models.BooleanField(
        _("I have a protected address"), default=False,
        help_text=_("Your name and address are then never shown in public."),
    )
    paragraph = models.ForeignKey(
        "Paragraph", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="responses", verbose_name=_("about the paragraph"),
    )
    # Staff may publish a redacted text (personal data about others removed); the original is
    # kept for the internal hearing memo.
    redacted_text = models.TextField(
        _("published text (redacted)"), blank=True,
        help_text=_("If filled in, this is shown in public instead of the text."),
    )
    redaction_reason = models.CharField(_("reason for redaction"), max_length=300, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    hidden_reason = models.CharField(_("public reason for hiding"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    is_example = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Invented for the demo; shown with an 'example' label."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    # Supports from accounts with a confirmed e-mail address: the number thresholds use.
    confirmed_support_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-id"]
        # One index per list ordering; the id breaks ties so keyset pagination is exact.
        indexes = [
            models.Index(fields=["process", "-created_at", "-id"], name="contrib_newest"),
            models.Index(fields=["process", "-support_count", "-id"], name="contrib_supported"),
            models.Index(fields=["process", "-comment_count", "-id"], name="contrib_commented"),
            models.Index(fields=["municipality", "-created_at", "-id"], name="contrib_muni_new"),
            models.Index(fields=["process", "shuffle_key", "id"], name="contrib_shuffle"),
            models.Index(fields=["author", "-created_at", "-id"], name="contrib_author_new"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("participation:contribution", pk=self.pk)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_public(self) -> bool:
        return not self.is_hidden and self.withdrawn_at is None

    @property
    def is_offline(self) -> bool:
        return bool(self.offline_source)

    @property
    def public_text(self) -> str:
        return self.redacted_text or self.text

    @property
    def shows_name(self) -> bool:
        return self.publish_name and not self.protected_address

    def edit_deadline(self) -> dt.datetime:
        return self.created_at + dt.timedelta(minutes=settings.FAELLES_EDIT_GRACE_MINUTES)


class Comment(MunicipalOwned):
    """Discussion under a contribution or under a paragraph of a draft (exactly one)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="comments",
        verbose_name=_("contribution"), null=True, blank=True,
    )
    paragraph = models.ForeignKey(
        "Paragraph", on_delete=models.CASCADE, related_name="comments",
        verbose_name=_("paragraph"), null=True, blank=True,
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="participation_comments", verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), help_text=_("Markdown."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    hidden_reason = models.CharField(_("public reason for hiding"), max_length=300, blank=True)
    is_example = models.BooleanField(_("example content"), default=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["contribution", "created_at", "id"], name="comment_thread"),
            models.Index(fields=["paragraph", "created_at", "id"], name="comment_paragraph"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(contribution__isnull=False, paragraph__isnull=True)
                           | models.Q(contribution__isnull=True, paragraph__isnull=False)),
                name="comment_has_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Support(models.Model):
    """One per person per contribution (the unique constraint is what stops a double click)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="supports",
        verbose_name=_("contribution"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_supports",
        verbose_name=_("person"),
    )
    # Whether it counts toward thresholds: the account's e-mail was confirmed when it was given.
    counts = models.BooleanField(_("counts toward the threshold"), default=True)
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "user"], name="one_support_per_person")
        ]
        indexes = [models.Index(fields=["user", "contribution"], name="support_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.contribution_id}"


class ReportReason(models.TextChoices):
    OFFENSIVE = "offensive", _("offensive or hateful")
    PERSONAL = "personal", _("personal information about others")
    SPAM = "spam", _("spam or advertising")
    OFF_TOPIC = "off_topic", _("off topic")
    OTHER = "other", _("something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("waiting")
    HIDDEN = "hidden", _("content hidden")
    DISMISSED = "dismissed", _("dismissed")


class Report(MunicipalOwned):
    """A report of abuse, handled by a moderator."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("reported by"),
    )
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
        verbose_name=_("contribution"),
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
        verbose_name=_("comment"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    text = models.TextField(_("explanation"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.OPEN, db_index=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contribution__isnull=False) | models.Q(comment__isnull=False),
                name="report_has_target",
            )
        ]
        indexes = [models.Index(fields=["municipality", "status", "created_at"],
                                name="report_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_status_display()})"


class Meeting(MunicipalOwned):
    """A meeting or workshop; contributions can be born at it."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    attendee_count = models.PositiveIntegerField(
        _("participants"), default=0, editable=False,
        help_text=_("People registered (or, for past meetings, counted on the day)."),
    )
    waiting_count = models.PositiveIntegerField(default=0, editable=False)
    is_example = models.BooleanField(_("example content"), default=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("participation:meeting", pk=self.pk)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.attendee_count >= self.capacity

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.attendee_count, 0)


class Registration(models.Model):
    """A place at a meeting, or a place on its waiting list."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
        related_name="meeting_registrations", verbose_name=_("person"),
    )
    waiting = models.BooleanField(_("on the waiting list"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_registration_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.meeting_id}"


class DraftVersion(MunicipalOwned):
    """A version of the document in hearing (høringsudkast), split into paragraphs."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("process")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    changes = models.TextField(
        _("what changed"), blank=True, help_text=_("Markdown. What changed since the last "
                                                   "version, and why.")
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    is_example = models.BooleanField(_("example content"), default=False)

    class Meta:
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="unique_draft_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"

    def get_absolute_url(self) -> str:
        return path_for("participation:draft", slug=self.process.slug, number=self.number)


class Paragraph(MunicipalOwned):
    version = models.ForeignKey(
        DraftVersion, on_delete=models.CASCADE, related_name="paragraphs",
        verbose_name=_("version"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.CharField(_("number"), max_length=20, help_text=_("E.g. 3.2. Kept between "
                                                                    "versions."))
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"), help_text=_("Markdown."))
    # The same paragraph in the version before, so a change can be traced to the comments on it.
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions",
        verbose_name=_("in the previous version"),
    )
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return f"{self.key} {self.heading}".strip()

    @property
    def anchor(self) -> str:
        return "p-" + "".join(ch if ch.isalnum() else "-" for ch in self.key)

    @property
    def changed(self) -> bool:
        return self.previous_id is not None and self.previous.text != self.text
