"""Writes in participation. Every function checks permission through the rules (one place),
changes counters with F() expressions in the same transaction as the row they count, and raises
`ParticipationError` with a message for the person (in their language) when it refuses.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from faelles.accounts.models import Organisation, OrganisationMembership, User
from faelles.core.audit import audit_log
from faelles.core.audit import snapshot as core_snapshot
from faelles.core.permissions import can
from faelles.core.uploads import CleanFile
from faelles.participation import phases
from faelles.participation.models import (
    Comment,
    Contribution,
    ContributionKind,
    Meeting,
    Paragraph,
    Process,
    Question,
    Registration,
    Report,
    ReportStatus,
    Support,
)
from faelles.participation.rules import effective_roles
from faelles.participation.selectors import excerpt as _excerpt_of

TITLE_MIN, TITLE_MAX = 5, 160
TEXT_MIN, TEXT_MAX = 10, 10_000
COMMENT_MAX = 3_000
REASON_MAX = 300

# (max actions, window in seconds) per person; settings may override (FAELLES_RATE_LIMITS).
RATE_LIMITS: dict[str, tuple[int, int]] = {
    "contribute": (5, 600),
    "comment": (20, 600),
    "support": (60, 60),
    "report": (10, 600),
}
RATE_MESSAGES = {
    "contribute": gettext_lazy(
        "You have sent many contributions in a short time. Please wait a few minutes and try "
        "again. What you wrote is kept below."
    ),
    "comment": gettext_lazy(
        "You have written many comments in a short time. Please wait a few minutes and try again."
    ),
    "support": gettext_lazy(
        "You have supported many contributions in a short time. Please wait a minute."
    ),
    "report": gettext_lazy("You have sent many reports in a short time. Please wait a little."),
}

# Raw HTML is never rendered (the markdown renderer escapes it), but a text that tries to send
# markup is refused with a clear message rather than silently shown as code.
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")
_SCRIPT_URL = re.compile(r"\]\(\s*(javascript|data|vbscript):", re.IGNORECASE)


class ParticipationError(Exception):
    """A refusal with a message for the person; `field` names the form field it concerns."""

    def __init__(self, message: Any, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class RateLimited(ParticipationError):
    pass


def snapshot(obj: Any) -> dict[str, Any] | None:
    """Like core.audit.snapshot, but an empty image field is recorded as "" (core's file check
    raises on an empty FieldFile)."""
    if obj is None:
        return None
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.FileField):
            data[f.attname] = getattr(obj, f.attname).name or ""
    rest = core_snapshot(_WithoutFiles(obj)) or {}
    return {**rest, **data}


class _WithoutFiles:
    """A read-only view of a model instance that hides its file fields from core_snapshot."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj
        self._meta = _MetaWithoutFiles(obj._meta)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)


class _MetaWithoutFiles:
    def __init__(self, meta: Any) -> None:
        self.concrete_fields = [f for f in meta.concrete_fields
                                if not isinstance(f, models.FileField)]


def _reindex(obj: Any) -> None:
    """Update the site search after the transaction commits (never inside a failed one)."""
    from faelles.search.services import search_index

    transaction.on_commit(lambda: search_index(obj))


# -- Validation shared by forms and services -------------------------------------------------


def validate_markdown_text(value: str) -> None:
    if _HTML_TAG.search(value) or _SCRIPT_URL.search(value):
        raise ValidationError(
            _("HTML code and scripts are not allowed. Write plain text; you may use markdown, "
              "e.g. **bold** or a list with dashes."),
            code="html",
        )


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < TITLE_MIN:
        raise ParticipationError(
            _("Write a title of at least %(min)d characters.") % {"min": TITLE_MIN},
            field="title", code="too_short",
        )
    if len(title) > TITLE_MAX:
        raise ParticipationError(
            _("The title can be at most %(max)d characters.") % {"max": TITLE_MAX},
            field="title", code="too_long",
        )
    return title


def _clean_text(text: str, *, field: str = "text", minimum: int = TEXT_MIN,
                maximum: int = TEXT_MAX) -> str:
    text = (text or "").strip()
    if len(text) < minimum:
        raise ParticipationError(
            _("Write at least %(min)d characters.") % {"min": minimum},
            field=field, code="too_short",
        )
    if len(text) > maximum:
        raise ParticipationError(
            _("The text can be at most %(max)d characters. It is now %(len)d.")
            % {"max": maximum, "len": len(text)},
            field=field, code="too_long",
        )
    try:
        validate_markdown_text(text)
    except ValidationError as exc:
        raise ParticipationError(exc.messages[0], field=field, code="html") from exc
    return text


def rate_limit(*, user: Any, action: str) -> None:
    """Count one `action` by `user` in the shared cache; refuse when over the limit.

    The cache is shared by all processes (DESIGN.md), so the limit holds with several workers.
    """
    limits = {**RATE_LIMITS, **getattr(settings, "FAELLES_RATE_LIMITS", {})}
    maximum, window = limits[action]
    key = f"participation:rate:{action}:{user.pk}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > maximum:
        raise RateLimited(RATE_MESSAGES[action], code="rate_limited")


def _require(user: Any, perm: str, obj: Any, message: Any) -> None:
    if not can(user, perm, obj):
        raise PermissionDenied(str(message))


# -- Processes -------------------------------------------------------------------------------


def process_create_from_blueprint(
    *, municipality: Any, actor: User, blueprint: str, title: str, slug: str,
    start: dt.date,
) -> Process:
    """Start a process from a template: unpublished, with its phases dated from `start`
    (midnight, Europe/Copenhagen). Staff then adjust and publish it in the back-office."""
    from faelles.participation.blueprints import BLUEPRINTS
    from faelles.participation.models import Phase

    if not can(actor, "participation.add_process", None):
        raise PermissionDenied(_("Only process managers can start processes."))
    template = BLUEPRINTS.get(blueprint)
    if template is None:
        raise ParticipationError(_("Choose a template."), field="blueprint")
    if Process.objects.filter(municipality=municipality, slug=slug).exists():
        raise ParticipationError(_("Another process already uses this short name."),
                                 field="slug")
    moment = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    with transaction.atomic():
        process = Process.objects.create(
            municipality=municipality, title=_clean_title(title), slug=slug, is_published=False,
        )
        for order, phase in enumerate(template.phases, 1):
            end = moment + dt.timedelta(weeks=phase.weeks)
            Phase.objects.create(
                municipality=municipality, process=process, order=order, type=phase.type,
                title_da=phase.title_da, title_en=phase.title_en, start=moment, end=end,
            )
            moment = end
        audit_log(actor=actor, action="create_from_blueprint", obj=process,
                  after=snapshot(process), reason=blueprint)
    return process


# -- Contributions ---------------------------------------------------------------------------


def contribution_phase(
    *, process: Process, user: Any, kind: str, now: dt.datetime | None = None
) -> Any:
    """The running phase that accepts `kind` from `user`, or None."""
    now = now or timezone.now()
    action = (phases.Action.RESPOND_HEARING if kind == ContributionKind.HEARING_RESPONSE
              else phases.Action.CONTRIBUTE)
    roles = effective_roles(user, process)
    for phase in process.running_phases(now):
        if kind in phases.CONTRIBUTION_KINDS.get(phase.type, ()) and phases.phase_allows(
            phase.type, action, roles
        ):
            return phase
    return None


def allowed_kinds(*, process: Process, user: Any, now: dt.datetime | None = None) -> list[str]:
    """The kinds of contribution `user` may send to `process` now (for the form)."""
    return [
        kind for kind in ContributionKind.values
        if kind != ContributionKind.WORKSHOP_NOTE
        and contribution_phase(process=process, user=user, kind=kind, now=now) is not None
    ]


def _check_organisation(user: User, organisation: Organisation | None, process: Process) -> None:
    if organisation is None:
        return
    ok = (
        organisation.municipality_id == process.municipality_id
        and OrganisationMembership.objects.filter(
            organisation=organisation, user=user, confirmed_at__isnull=False
        ).exists()
    )
    if not ok:
        raise ParticipationError(
            _("You can only write on behalf of an organisation where staff have confirmed your "
              "membership."),
            field="on_behalf_of",
        )


def _set_excerpt(contribution: Contribution) -> None:
    """The stored plain-text excerpt follows the public text (the original or the redaction),
    so list pages never render markdown per card."""
    contribution.excerpt = _excerpt_of(contribution.public_text)[:240]


def _save_attachment(contribution: Contribution, attachment: CleanFile | None) -> None:
    """Store a cleaned upload (generated name, type read from the content) with its type and
    size; the caller saves the row."""
    if attachment is None:
        return
    contribution.attachment.save(attachment.name, attachment.content, save=False)
    contribution.attachment_type = attachment.content_type
    contribution.attachment_size = attachment.content.size


def _rename_attachment(contribution: Contribution) -> bool:
    """Give the attachment a new random name, so the address the public knew stops working
    once the contribution is hidden or withdrawn (media files are served without a check).
    Staff still reach it from the contribution. The caller saves the row."""
    old = contribution.attachment.name or ""
    if not old:
        return False
    storage = contribution.attachment.storage
    ext = old.rsplit(".", 1)[-1] if "." in old.rsplit("/", 1)[-1] else "bin"
    with storage.open(old, "rb") as fh:
        contribution.attachment.save(f"{uuid.uuid4().hex}.{ext}", File(fh), save=False)
    _delete_file_on_commit(storage, old)
    return True


def _delete_file_on_commit(storage: Any, name: str) -> None:
    """Remove a replaced or removed file once the row no longer points to it (never before:
    a rolled-back transaction would leave the row pointing to nothing)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _save_image(contribution: Contribution, image: CleanFile | None, image_alt: str) -> None:
    if image is None:
        return
    if not image_alt.strip():
        raise ParticipationError(
            _("Describe the picture for people who cannot see it."), field="image_alt"
        )
    contribution.image.save(image.name, image.content, save=False)
    contribution.image_alt = image_alt.strip()[:300]


def contribution_create(
    *,
    process: Process,
    author: User,
    title: str,
    text: str,
    kind: str = ContributionKind.IDEA,
    question: Question | None = None,
    neighbourhood: str = "",
    pillars: Iterable[Any] = (),
    sdg_targets: Iterable[Any] = (),
    image: CleanFile | None = None,
    image_alt: str = "",
    on_behalf_of: Organisation | None = None,
    publish_name: bool = True,
    protected_address: bool = False,
    paragraph: Paragraph | None = None,
    attachment: CleanFile | None = None,
) -> Contribution:
    phase = contribution_phase(process=process, user=author, kind=kind)
    if phase is None:
        perm = ("participation.respond_process" if kind == ContributionKind.HEARING_RESPONSE
                else "participation.contribute_process")
        _require(author, perm, process, _("This process does not take contributions now."))
        raise ParticipationError(_("This kind of contribution is not collected now."),
                                 field="kind")
    title = _clean_title(title)
    text = _clean_text(text)
    if question is not None and question.phase_id != phase.pk:
        raise ParticipationError(_("Choose one of the questions asked."), field="question")
    _check_organisation(author, on_behalf_of, process)
    if paragraph is not None and paragraph.version.process_id != process.pk:
        raise ParticipationError(_("Choose a paragraph of this draft."), field="paragraph")
    rate_limit(user=author, action="contribute")
    with transaction.atomic():
        contribution = Contribution(
            municipality_id=process.municipality_id, process=process, phase=phase,
            question=question, kind=kind, author=author, on_behalf_of=on_behalf_of,
            title=title, text=text, neighbourhood=neighbourhood, publish_name=publish_name,
            protected_address=protected_address, paragraph=paragraph,
        )
        _save_image(contribution, image, image_alt)
        _save_attachment(contribution, attachment)
        _set_excerpt(contribution)
        contribution.save()
        if pillars:
            contribution.pillars.set(
                [p for p in pillars if p.municipality_id == process.municipality_id]
            )
        if sdg_targets:
            contribution.sdg_targets.set(list(sdg_targets))
        Process.objects.filter(pk=process.pk).update(contribution_count=F("contribution_count") + 1)
        _reindex(contribution)
    return contribution


def contribution_register_offline(
    *,
    process: Process,
    registered_by: User,
    offline_source: str,
    title: str,
    text: str,
    kind: str = ContributionKind.WORKSHOP_NOTE,
    offline_author_name: str = "",
    publish_name: bool = False,
    meeting: Meeting | None = None,
    neighbourhood: str = "",
    created_at: dt.datetime | None = None,
    attachment: CleanFile | None = None,
) -> Contribution:
    """Staff register a letter, phone call or workshop note so it gets an answer like any other."""
    _require(registered_by, "participation.register_offline_process", process,
             _("You may not register contributions for this process now."))
    if not offline_source:
        raise ParticipationError(_("Say how the contribution was received."),
                                 field="offline_source")
    title, text = _clean_title(title), _clean_text(text)
    with transaction.atomic():
        contribution = Contribution(
            municipality_id=process.municipality_id, process=process,
            phase=process.current_phase(), kind=kind, author=None,
            registered_by=registered_by, offline_source=offline_source,
            offline_author_name=offline_author_name.strip(), publish_name=publish_name,
            meeting=meeting, title=title, text=text,
            neighbourhood=neighbourhood, created_at=created_at or timezone.now(),
        )
        _save_attachment(contribution, attachment)
        _set_excerpt(contribution)
        contribution.save()
        Process.objects.filter(pk=process.pk).update(contribution_count=F("contribution_count") + 1)
        audit_log(actor=registered_by, action="register_offline", obj=contribution,
                  after=snapshot(contribution))
        _reindex(contribution)
    return contribution


def contribution_edit(
    *, contribution: Contribution, user: User, title: str, text: str,
    neighbourhood: str | None = None, attachment: CleanFile | None = None,
    remove_attachment: bool = False,
) -> Contribution:
    """The author corrects a contribution within FAELLES_EDIT_GRACE_MINUTES of sending it:
    title, text, area, and the attached file (replace it, or remove it)."""
    if not can(user, "participation.change_contribution", contribution):
        raise ParticipationError(
            _("You can edit a contribution only within %(minutes)d minutes of sending it.")
            % {"minutes": settings.FAELLES_EDIT_GRACE_MINUTES},
            code="grace_over",
        )
    title, text = _clean_title(title), _clean_text(text)
    with transaction.atomic():
        before = snapshot(contribution)
        contribution.title = title
        contribution.text = text
        if neighbourhood is not None:
            contribution.neighbourhood = neighbourhood
        fields = ["title", "text", "neighbourhood", "edited_at", "excerpt"]
        old_file = contribution.attachment.name or ""
        if attachment is not None or (remove_attachment and old_file):
            contribution.attachment = None
            contribution.attachment_type, contribution.attachment_size = "", 0
            _save_attachment(contribution, attachment)
            fields += ["attachment", "attachment_type", "attachment_size"]
            _delete_file_on_commit(contribution.attachment.storage, old_file)
        _set_excerpt(contribution)
        contribution.edited_at = timezone.now()
        contribution.save(update_fields=fields)
        # The author's own change is recorded like staff changes, so a moderator handling a
        # report can see what the text was when it was reported.
        audit_log(actor=user, action="edit", obj=contribution, before=before,
                  after=snapshot(contribution))
        _reindex(contribution)
    return contribution


def contribution_withdraw(*, contribution: Contribution, user: User) -> Contribution:
    _require(user, "participation.withdraw_contribution", contribution,
             _("You can only withdraw your own contribution."))
    with transaction.atomic():
        updated = Contribution.objects.filter(
            pk=contribution.pk, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        if updated and _rename_attachment(contribution):
            Contribution.objects.filter(pk=contribution.pk).update(
                attachment=contribution.attachment.name)
        if updated and not contribution.is_hidden:
            Process.objects.filter(pk=contribution.process_id).update(
                contribution_count=F("contribution_count") - 1
            )
    contribution.refresh_from_db(fields=["withdrawn_at"])
    # Written with update(), which sends no signal: cached pages showing it are invalidated here.
    bump_municipalities([contribution.municipality_id])
    _reindex(contribution)
    return contribution


# -- Comments --------------------------------------------------------------------------------


def comment_create(
    *, contribution: Contribution, author: User, text: str, parent: Comment | None = None
) -> Comment:
    _require(author, "participation.comment_contribution", contribution,
             _("Comments are closed here."))
    if parent is not None and parent.contribution_id != contribution.pk:
        raise ParticipationError(_("You can only reply to a comment on this contribution."))
    text = _clean_text(text, minimum=2, maximum=COMMENT_MAX)
    rate_limit(user=author, action="comment")
    with transaction.atomic():
        comment = Comment.objects.create(
            municipality_id=contribution.municipality_id, contribution=contribution,
            parent=parent, author=author, text=text,
        )
        Contribution.objects.filter(pk=contribution.pk).update(
            comment_count=F("comment_count") + 1
        )
        Process.objects.filter(pk=contribution.process_id).update(
            comment_count=F("comment_count") + 1
        )
    return comment


def paragraph_comment_create(
    *, paragraph: Paragraph, author: User, text: str, parent: Comment | None = None
) -> Comment:
    """A comment on one paragraph of a draft in hearing."""
    _require(author, "participation.comment_paragraph", paragraph,
             _("Comments are closed here."))
    if parent is not None and parent.paragraph_id != paragraph.pk:
        raise ParticipationError(_("You can only reply to a comment on this paragraph."))
    text = _clean_text(text, minimum=2, maximum=COMMENT_MAX)
    rate_limit(user=author, action="comment")
    with transaction.atomic():
        comment = Comment.objects.create(
            municipality_id=paragraph.municipality_id, paragraph=paragraph, parent=parent,
            author=author, text=text,
        )
        Paragraph.objects.filter(pk=paragraph.pk).update(comment_count=F("comment_count") + 1)
        Process.objects.filter(pk=paragraph.version.process_id).update(
            comment_count=F("comment_count") + 1
        )
    return comment


def comment_edit(*, comment: Comment, user: User, text: str) -> Comment:
    """The author corrects a comment (on a contribution or on a paragraph) within
    FAELLES_EDIT_GRACE_MINUTES of writing it, unless a moderator has hidden it."""
    if not can(user, "participation.edit_comment", comment):
        raise ParticipationError(
            _("You can edit a comment only within %(minutes)d minutes of writing it.")
            % {"minutes": settings.FAELLES_EDIT_GRACE_MINUTES},
            code="grace_over",
        )
    text = _clean_text(text, minimum=2, maximum=COMMENT_MAX)
    with transaction.atomic():
        # Locked, so a moderator hiding it at the same moment is not overwritten.
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_hidden:
            raise ParticipationError(_("A moderator has hidden this comment."), code="hidden")
        before = snapshot(locked)
        locked.text = text
        locked.edited_at = timezone.now()
        locked.save(update_fields=["text", "edited_at"])
        audit_log(actor=user, action="edit", obj=locked, before=before, after=snapshot(locked))
    comment.text, comment.edited_at = locked.text, locked.edited_at
    return comment


def contribution_redact(
    *, staff: User, contribution: Contribution, text: str, reason: str
) -> Contribution:
    """Publish a redacted text (e.g. a hearing response naming others); the original stays for
    the internal hearing memo. An empty text removes the redaction."""
    _require(staff, "participation.redact_contribution", contribution,
             _("Only process managers can redact contributions."))
    text = (text or "").strip()
    if text:
        text = _clean_text(text, minimum=1)
        reason = _clean_reason(reason)
    with transaction.atomic():
        before = snapshot(contribution)
        contribution.redacted_text = text
        contribution.redaction_reason = reason if text else ""
        _set_excerpt(contribution)
        contribution.save(update_fields=["redacted_text", "redaction_reason", "excerpt"])
        audit_log(actor=staff, action="redact", obj=contribution, before=before,
                  after=snapshot(contribution), reason=reason)
        _reindex(contribution)
    return contribution


# -- Supports --------------------------------------------------------------------------------


def support_add(*, contribution: Contribution, user: User) -> bool:
    """Support a contribution once. Returns False if this person already supports it.

    Safe under concurrency: the unique constraint decides who was first, and the counters are
    changed with F() in the same transaction, so N people give exactly N.
    """
    _require(user, "participation.support_contribution", contribution,
             _("You cannot support this contribution now."))
    rate_limit(user=user, action="support")
    process = contribution.process
    counts = user.email_confirmed
    try:
        with transaction.atomic():
            if process.supports_per_user is not None:
                # Serialise one person's supports so two clicks cannot pass the limit together.
                User.objects.select_for_update().filter(pk=user.pk).first()
                used = Support.objects.filter(user=user, contribution__process=process).count()
                if used >= process.supports_per_user:
                    raise ParticipationError(
                        _("You have used all %(n)d of your supports in this process. Withdraw "
                          "one to support something else.") % {"n": process.supports_per_user},
                        code="limit",
                    )
            Support.objects.create(contribution=contribution, user=user, counts=counts)
            Contribution.objects.filter(pk=contribution.pk).update(
                support_count=F("support_count") + 1,
                confirmed_support_count=F("confirmed_support_count") + (1 if counts else 0),
            )
            Process.objects.filter(pk=process.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False
    return True


def support_remove(*, contribution: Contribution, user: User) -> bool:
    with transaction.atomic():
        support = (
            Support.objects.select_for_update()
            .filter(contribution=contribution, user=user).first()
        )
        if support is None:
            return False
        deleted, _rows = Support.objects.filter(pk=support.pk).delete()
        if not deleted:
            return False
        Contribution.objects.filter(pk=contribution.pk).update(
            support_count=F("support_count") - 1,
            confirmed_support_count=F("confirmed_support_count") - (1 if support.counts else 0),
        )
        Process.objects.filter(pk=contribution.process_id).update(
            support_count=F("support_count") - 1
        )
    return True


# -- Meetings --------------------------------------------------------------------------------


def registration_create(*, meeting: Meeting, user: User) -> Registration:
    """A place at the meeting, or on its waiting list when it is full."""
    _require(user, "participation.register_meeting", meeting,
             _("Registration for this meeting is closed."))
    with transaction.atomic():
        existing = Registration.objects.filter(meeting=meeting, user=user).first()
        if existing is not None:
            return existing
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        waiting = locked.capacity is not None and locked.attendee_count >= locked.capacity
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    meeting=meeting, user=user, waiting=waiting
                )
        except IntegrityError:
            return Registration.objects.get(meeting=meeting, user=user)
        field = "waiting_count" if waiting else "attendee_count"
        Meeting.objects.filter(pk=meeting.pk).update(**{field: F(field) + 1})
    return registration


def registration_cancel(*, meeting: Meeting, user: User) -> bool:
    """Give up a place; the first on the waiting list gets it."""
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        registration = Registration.objects.filter(meeting=meeting, user=user).first()
        if registration is None:
            return False
        registration.delete()
        if registration.waiting:
            Meeting.objects.filter(pk=meeting.pk).update(waiting_count=F("waiting_count") - 1)
            return True
        first = Registration.objects.filter(meeting=meeting, waiting=True).order_by(
            "created_at", "id"
        ).first()
        if first is not None:
            Registration.objects.filter(pk=first.pk).update(waiting=False)
            Meeting.objects.filter(pk=meeting.pk).update(waiting_count=F("waiting_count") - 1)
        else:
            Meeting.objects.filter(pk=meeting.pk).update(attendee_count=F("attendee_count") - 1)
    return True


# -- Moderation ------------------------------------------------------------------------------


def report_create(
    *, reporter: User, reason: str, text: str = "",
    contribution: Contribution | None = None, comment: Comment | None = None,
) -> Report:
    target = comment or contribution
    if target is None:
        raise ParticipationError(_("Nothing to report."))
    _require(reporter, "participation.report_contribution", target, _("Log in to report."))
    rate_limit(user=reporter, action="report")
    if comment is not None:
        contribution = comment.contribution
    return Report.objects.create(
        municipality_id=target.municipality_id, reporter=reporter, reason=reason,
        text=(text or "").strip()[:2000],
        contribution=contribution if comment is None else None, comment=comment,
    )


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ParticipationError(
            _("Write the reason. It is shown publicly instead of the text."), field="reason"
        )
    if len(reason) > REASON_MAX:
        raise ParticipationError(
            _("The reason can be at most %(max)d characters.") % {"max": REASON_MAX},
            field="reason",
        )
    return reason


def moderation_hide(
    *, moderator: User, reason: str, contribution: Contribution | None = None,
    comment: Comment | None = None, report: Report | None = None,
) -> None:
    """Hide a contribution or comment with a public reason; closes its open reports."""
    if report is not None:
        contribution, comment = report.contribution, report.comment
    target: Any = comment or contribution
    if target is None:
        raise ParticipationError(_("Nothing to hide."))
    perm = "participation.moderate_comment" if comment else "participation.moderate_contribution"
    _require(moderator, perm, target, _("Only moderators can hide content."))
    reason = _clean_reason(reason)
    with transaction.atomic():
        model = type(target)
        locked = model.objects.select_for_update().get(pk=target.pk)
        before = snapshot(locked)
        was_hidden = locked.is_hidden
        locked.is_hidden = True
        locked.hidden_reason = reason
        fields = ["is_hidden", "hidden_reason"]
        if isinstance(locked, Contribution) and not was_hidden and _rename_attachment(locked):
            fields.append("attachment")
        locked.save(update_fields=fields)
        if not was_hidden and isinstance(locked, Contribution) and locked.withdrawn_at is None:
            Process.objects.filter(pk=locked.process_id).update(
                contribution_count=F("contribution_count") - 1
            )
        now = timezone.now()
        reports = Report.objects.filter(status=ReportStatus.OPEN)
        reports = reports.filter(comment=locked) if comment else reports.filter(
            contribution=locked
        )
        reports.update(status=ReportStatus.HIDDEN, handled_by=moderator, handled_at=now)
        audit_log(actor=moderator, action="hide", obj=locked, before=before,
                  after=snapshot(locked), reason=reason)
        if isinstance(locked, Contribution):
            _reindex(locked)
        if not was_hidden and locked.author_id is not None:
            # After commit: the author is never told about a hiding that was rolled back.
            transaction.on_commit(lambda: _notify_hidden(locked, reason))
    target.is_hidden, target.hidden_reason = True, reason


def _notify_hidden(target: Contribution | Comment, reason: str) -> None:
    """Tell the author what a moderator hid and why (site notification, e-mail per their
    preferences), with a link to the item."""
    from django.utils import translation

    from faelles.core.links import path_for
    from faelles.feedback.models import EventKind
    from faelles.feedback.services import notify

    with translation.override("da"):
        if isinstance(target, Contribution):
            url = path_for("participation:contribution", pk=target.pk)
            title = target.title
        elif target.contribution_id is not None:
            url = (path_for("participation:contribution", pk=target.contribution_id)
                   + f"#comment-{target.pk}")
            title = target.contribution.title
        else:
            version = target.paragraph.version
            url = (path_for("participation:draft", slug=version.process.slug,
                            number=version.number) + f"#comment-{target.pk}")
            title = f"{version.title}, {target.paragraph.key}"

    def message() -> tuple[str, str]:
        if isinstance(target, Contribution):
            return (_("A moderator has hidden your contribution"),
                    _("A moderator has hidden your contribution “%(title)s”. Reason: "
                      "%(reason)s") % {"title": title, "reason": reason})
        return (_("A moderator has hidden your comment"),
                _("A moderator has hidden your comment on “%(title)s”. Reason: %(reason)s")
                % {"title": title, "reason": reason})

    kind = "contribution" if isinstance(target, Contribution) else "comment"
    notify(
        municipality_id=target.municipality_id, kind=EventKind.MODERATION,
        event_key=f"hidden:{kind}:{target.pk}:{timezone.now().timestamp():.0f}",
        recipient_ids=[target.author_id], message=message, url=url,
    )


def moderation_dismiss(*, moderator: User, report: Report, reason: str = "") -> Report:
    _require(moderator, "participation.view_report", report,
             _("Only moderators can handle reports."))
    with transaction.atomic():
        before = snapshot(report)
        report.status = ReportStatus.DISMISSED
        report.handled_by = moderator
        report.handled_at = timezone.now()
        report.save(update_fields=["status", "handled_by", "handled_at"])
        audit_log(actor=moderator, action="dismiss_report", obj=report, before=before,
                  after=snapshot(report), reason=reason)
    return report


# -- Cached page parts -------------------------------------------------------------------------


def comment_municipalities(*, user: Any) -> set[int]:
    """The municipalities where `user` has comments (their name shows in cached threads)."""
    return set(Comment.objects.filter(author=user).order_by()
               .values_list("municipality_id", flat=True).distinct())


def bump_municipalities(ids: Iterable[int]) -> None:
    """Invalidate the cached pages and parts of these municipalities, now and once more when
    the transaction commits (a page cached in between would otherwise keep the old text)."""
    from faelles.core import pagecache

    ids = sorted(set(ids))
    if not ids:
        return

    def bump() -> None:
        for mid in ids:
            pagecache.bump(mid)

    bump()
    transaction.on_commit(bump)


def bump_for_user(*, user: Any) -> None:
    """A user's name changed (or the account went): cached comment threads show it, and
    writes to the account send no signal of a municipality's content."""
    bump_municipalities(comment_municipalities(user=user))


def user_saved(sender: Any, instance: Any, created: bool = False,
               update_fields: Any = None, **kwargs: Any) -> None:
    """post_save of the user model: only a save that may change the name (not a login's
    `last_login`) invalidates the threads the user wrote in."""
    if created or (update_fields is not None and "name" not in update_fields):
        return
    bump_for_user(user=instance)


def user_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_delete of the user model: the comments lose their author by SET_NULL, an update
    without signals; find their municipalities while the rows still name the user."""
    bump_for_user(user=instance)


# -- SDG goals of contributions ----------------------------------------------------------------

_SDG_REFRESH_CHUNK = 500  # ids per UPDATE: well under every database's limit of bound values


def _sdg_goal_bits() -> Subquery:
    """The mask of the outer contribution's targets' goals (NULL when it has none): the
    distinct goal bits summed, which is the bits OR-ed (SQLite has no BIT_OR aggregate)."""
    through = Contribution.sdg_targets.through
    return Subquery(
        through.objects.filter(contribution_id=OuterRef("pk")).order_by()
        .values("contribution_id")
        .annotate(mask=Sum(Value(1).bitleftshift(F("target__goal__number") - 1), distinct=True))
        .values("mask")
    )


def refresh_sdg_goals(*, contribution_ids: Iterable[int]) -> None:
    """Set `Contribution.sdg_goals` of these contributions from their SDG targets as they are
    in the database now (one UPDATE per 500 ids, the mask computed in the database).

    Called for every change of `sdg_targets` (the m2m_changed handler below, both sides) and by
    code that writes the through table in bulk (the demo and bench loaders), which sends no
    signal."""
    ids = sorted(set(contribution_ids))
    for i in range(0, len(ids), _SDG_REFRESH_CHUNK):
        Contribution.objects.filter(pk__in=ids[i:i + _SDG_REFRESH_CHUNK]).update(
            sdg_goals=Coalesce(_sdg_goal_bits(), Value(0)))


_CLEARING = "_participation_sdg_clearing"  # contribution ids kept from pre_ to post_ signals


def sdg_targets_changed(sender: Any, instance: Any, action: str, reverse: bool,
                        pk_set: set[int] | None, **kwargs: Any) -> None:
    """m2m_changed of `Contribution.sdg_targets`: keep the changed contributions' `sdg_goals`.

    From the contribution's side (`contribution.sdg_targets.add(...)`) the instance is the
    contribution, and its in-memory mask is read back so a later full save() keeps it. From the
    target's side (`target.contributions.add(...)`) `pk_set` holds the contributions, except
    for a clear, which names none: those are read before the rows go."""
    if not reverse:
        if action == "post_clear" or (action in ("post_add", "post_remove") and pk_set):
            refresh_sdg_goals(contribution_ids=[instance.pk])
            instance.refresh_from_db(fields=["sdg_goals"])
        return
    if action == "pre_clear":
        setattr(instance, _CLEARING, list(
            sender.objects.filter(target_id=instance.pk).values_list("contribution_id", flat=True)))
    elif action == "post_clear":
        refresh_sdg_goals(contribution_ids=instance.__dict__.pop(_CLEARING, []))
    elif action in ("post_add", "post_remove") and pk_set:
        refresh_sdg_goals(contribution_ids=pk_set)


def sdg_target_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_delete of an SDG target: its links go by cascade, without m2m_changed; note whose."""
    setattr(instance, _CLEARING, list(
        Contribution.sdg_targets.through.objects.filter(target_id=instance.pk)
        .values_list("contribution_id", flat=True)))


def sdg_target_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_delete of an SDG target: the noted contributions lost a target."""
    refresh_sdg_goals(contribution_ids=instance.__dict__.pop(_CLEARING, []))
