"""Writes of the feedback loop. Keyword-only, typed, `<entity>_<action>`.

Every staff write appends a public `HistoryEntry`, records an audit entry and calls `notify`,
all in one transaction: a failure leaves neither a half-answered contribution nor a
notification about something that did not happen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from faelles.core.audit import audit_log, snapshot
from faelles.core.links import path_for
from faelles.core.models import Municipality
from faelles.core.permissions import can, roles_of
from faelles.feedback.defaults import DEFAULT_STATUSES
from faelles.feedback.models import (
    Answer,
    ContributionState,
    EventKind,
    Follow,
    Frequency,
    HistoryEntry,
    HistoryKind,
    Notification,
    NotificationPreference,
    Outbox,
    Outcome,
    OutcomeKind,
    Redaction,
    Status,
)
from faelles.participation.models import Contribution

# The role shown on public history when staff names are off, most specific first.
_ROLE_ORDER = ("process_manager", "admin", "moderator", "editor", "politician")
UNSUBSCRIBE_SALT = "faelles.feedback.unsubscribe"
ALL_KINDS = "all"


# --- statuses ---------------------------------------------------------------------------------

def statuses_ensure(*, municipality: Municipality) -> dict[str, Status]:
    """The municipality's statuses by key; seeds the default list on first use (a municipality
    added after the data migration gets it here)."""
    statuses = {s.key: s for s in Status.objects.filter(municipality=municipality)}
    if not statuses:  # never re-create a default the municipality removed or renamed
        for row in DEFAULT_STATUSES:
            status, _created = Status.objects.get_or_create(
                municipality=municipality, key=row["key"],
                defaults={**{k: v for k, v in row.items() if k != "key"},
                          "name": row["name_da"], "description": row["description_da"]},
            )
            statuses[status.key] = status
    return statuses


def status_default(*, municipality: Municipality) -> Status:
    statuses = statuses_ensure(municipality=municipality)
    for status in statuses.values():
        if status.is_default:
            return status
    return min(statuses.values(), key=lambda s: (s.order, s.pk))


def status_by_kind(*, municipality: Municipality, kind: str) -> Status | None:
    statuses = statuses_ensure(municipality=municipality)
    return next((s for s in sorted(statuses.values(), key=lambda s: (s.order, s.pk))
                 if s.kind == kind), None)


# --- helpers ----------------------------------------------------------------------------------

def _actor_role(actor: Any, municipality: Municipality) -> str:
    roles = roles_of(actor, municipality)
    return next((r for r in _ROLE_ORDER if r in roles), "")


def _require(actor: Any, action: str, obj: Any) -> None:
    if actor is not None and not can(actor, action, obj):
        raise PermissionDenied(action)


def _state_for_update(contribution: Contribution) -> ContributionState:
    """The contribution's state row, created on first touch and locked for this transaction."""
    state, _created = ContributionState.objects.select_for_update().get_or_create(
        contribution=contribution, defaults={"municipality_id": contribution.municipality_id},
    )
    return state


def _history(*, contribution: Contribution, kind: str, actor: Any, **fields: Any) -> HistoryEntry:
    municipality = contribution.municipality
    return HistoryEntry.objects.create(
        municipality_id=contribution.municipality_id, contribution=contribution, kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=_actor_role(actor, municipality) if actor is not None else "",
        actor_name=getattr(actor, "display_name", "") if actor is not None else "",
        **fields,
    )


# --- status, answers, outcomes ----------------------------------------------------------------

def status_change(
    *, contribution: Contribution, status: Status, actor: Any, note: str = "",
    at: dt.datetime | None = None, silent: bool = False,
) -> ContributionState:
    """Give a contribution a new status; history, audit and notification follow.

    `at` and `silent` are for recording past events (imports, demo): no one is notified.
    """
    _require(actor, "feedback.answer_contribution", contribution)
    if status.municipality_id != contribution.municipality_id:
        raise ValidationError("The status belongs to another municipality.")
    with transaction.atomic():
        state = _state_for_update(contribution)
        before = snapshot(state)
        previous = state.status or status_default(municipality=contribution.municipality)
        if previous.pk == status.pk and state.status_id is not None:
            return state
        state.status = status
        state.status_changed_at = at or timezone.now()
        state.save(update_fields=["status", "status_changed_at"])
        _history(contribution=contribution, kind=HistoryKind.STATUS, actor=actor,
                 status=status, previous_status=previous, note=note, at=state.status_changed_at)
        audit_log(actor=actor, action="feedback.status_change", obj=state, before=before,
                  after=snapshot(state))
        if silent:
            return state
        notify_contribution(
            contribution=contribution, kind=EventKind.STATUS,
            event_key=f"status:{contribution.pk}:{state.status_changed_at.timestamp():.0f}:{status.pk}",
            message=lambda: (
                _("New status: %(status)s") % {"status": status.name},
                _("Your contribution “%(title)s” now has the status “%(status)s”.")
                % {"title": contribution.title, "status": status.name},
            ),
        )
    return state


def answer_publish(
    *, contributions: Sequence[Contribution], text: str, actor: Any,
    status: Status | None = None, is_example: bool = False,
    at: dt.datetime | None = None, silent: bool = False,
) -> Answer:
    """Publish one public answer for one or many contributions of the same process.

    Each contribution keeps its own state and history entry. With no status given, contributions
    that are still "received" or "in progress" become "answered"; later statuses are kept.
    """
    contributions = list(contributions)
    if not contributions:
        raise ValidationError(_("Choose at least one contribution."))
    if not text.strip():
        raise ValidationError(_("Write the answer."))
    process_ids = {c.process_id for c in contributions}
    if len(process_ids) != 1:
        raise ValidationError(_("A shared answer covers contributions of one process."))
    first = contributions[0]
    for contribution in contributions:
        _require(actor, "feedback.answer_contribution", contribution)
    municipality = first.municipality
    answered = status or status_by_kind(municipality=municipality, kind="answered")
    now = at or timezone.now()
    with transaction.atomic():
        answer = Answer.objects.create(
            municipality_id=first.municipality_id, process_id=first.process_id, text=text,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            author_role=_actor_role(actor, municipality) if actor else "",
            published_at=now, is_example=is_example,
        )
        audit_log(actor=actor, action="feedback.answer_publish", obj=answer,
                  after=snapshot(answer))
        for contribution in contributions:
            state = _state_for_update(contribution)
            previous = state.status or status_default(municipality=municipality)
            state.answer = answer
            if state.answered_at is None:
                state.answered_at = now
            fields = ["answer", "answered_at"]
            change_status = answered is not None and (
                status is not None or previous.kind in ("received", "in_progress")
            ) and previous.pk != answered.pk
            if change_status:
                state.status = answered
                state.status_changed_at = now
                fields += ["status", "status_changed_at"]
            elif state.status_id is None:
                state.status = previous
                fields.append("status")
            state.save(update_fields=fields)
            _history(contribution=contribution, kind=HistoryKind.ANSWER_PUBLISHED, actor=actor,
                     answer=answer, at=now)
            if change_status:
                _history(contribution=contribution, kind=HistoryKind.STATUS, actor=actor,
                         status=answered, previous_status=previous, at=now)
            if silent:
                continue
            # One event per contribution: an author of three answered contributions hears about
            # each, and the status change travels in the same message.
            notify_contribution(
                contribution=contribution, kind=EventKind.ANSWER,
                event_key=f"answer:{answer.pk}:{contribution.pk}",
                message=lambda c=contribution: (
                    _("The municipality has answered"),
                    _("The municipality has answered your contribution “%(title)s”.")
                    % {"title": c.title},
                ),
                extra=text,
            )
    return answer


def answer_edit(*, answer: Answer, text: str, actor: Any, reason: str = "") -> Answer:
    """Change a published answer. The edit is public in every covered contribution's history."""
    if not text.strip():
        raise ValidationError(_("Write the answer."))
    states = list(ContributionState.objects.filter(answer=answer).select_related("contribution"))
    for state in states:
        _require(actor, "feedback.answer_contribution", state.contribution)
    with transaction.atomic():
        before = snapshot(answer)
        answer.text = text
        answer.edited_at = timezone.now()
        answer.save(update_fields=["text", "edited_at"])
        audit_log(actor=actor, action="feedback.answer_edit", obj=answer, before=before,
                  after=snapshot(answer), reason=reason)
        for state in states:
            contribution = state.contribution
            _history(contribution=contribution, kind=HistoryKind.ANSWER_EDITED, actor=actor,
                     answer=answer, note=reason)
            notify_contribution(
                contribution=contribution, kind=EventKind.ANSWER,
                event_key=f"answer-edit:{answer.pk}:{answer.edited_at.timestamp():.0f}:{contribution.pk}",
                message=lambda c=contribution: (
                    _("The answer was updated"),
                    _("The answer to your contribution “%(title)s” was updated.")
                    % {"title": c.title},
                ),
                extra=text,
            )
    return answer


def outcome_link(
    *, contribution: Contribution, target: models.Model, explanation: str, actor: Any,
    change: str = "", is_example: bool = False, at: dt.datetime | None = None,
    silent: bool = False,
) -> Outcome:
    """Link a contribution to a decision, a document change or an initiative.

    Linking never changes the status (decidim#12912): acceptance stays a separate decision.
    """
    from faelles.strategy.models import Decision, Initiative, StrategyDocument

    _require(actor, "feedback.answer_contribution", contribution)
    if getattr(target, "municipality_id", None) != contribution.municipality_id:
        raise ValidationError("The outcome belongs to another municipality.")
    if not explanation.strip():
        raise ValidationError(_("Explain how the contribution led to it."))
    kinds = {Decision: OutcomeKind.DECISION, Initiative: OutcomeKind.INITIATIVE,
             StrategyDocument: OutcomeKind.DOCUMENT_CHANGE}
    kind = kinds.get(type(target))
    if kind is None:
        raise ValidationError("Unknown kind of outcome.")
    with transaction.atomic():
        outcome = Outcome.objects.create(
            municipality_id=contribution.municipality_id, contribution=contribution, kind=kind,
            explanation=explanation, change=change,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            is_example=is_example, created_at=at or timezone.now(),
            **{_target_field(kind): target},
        )
        _history(contribution=contribution, kind=HistoryKind.OUTCOME, actor=actor,
                 outcome=outcome, at=outcome.created_at)
        audit_log(actor=actor, action="feedback.outcome_link", obj=outcome,
                  after=snapshot(outcome))
        if silent:
            return outcome
        notify_contribution(
            contribution=contribution, kind=EventKind.OUTCOME,
            event_key=f"outcome:{outcome.pk}",
            message=lambda: (
                _("Your contribution led to something"),
                _("Your contribution “%(title)s” is now linked to: %(target)s.")
                % {"title": contribution.title, "target": str(target)},
            ),
            extra=explanation,
        )
    return outcome


def _target_field(kind: str) -> str:
    return {"decision": "decision", "initiative": "initiative",
            "document_change": "document"}[kind]


def state_update_details(
    *, contribution: Contribution, actor: Any, memo_section: str | None = None,
    deadline_override: Any = ..., address: str | None = None,
    address_protected: bool | None = None,
) -> ContributionState:
    """Case details that are not public events (memo section, deadline, responder address)."""
    _require(actor, "feedback.answer_contribution", contribution)
    with transaction.atomic():
        state = _state_for_update(contribution)
        before = snapshot(state)
        if memo_section is not None:
            state.memo_section = memo_section
        if deadline_override is not ...:
            state.deadline_override = deadline_override
        if address is not None:
            state.address = address
        if address_protected is not None:
            state.address_protected = address_protected
        state.save()
        audit_log(actor=actor, action="feedback.state_details", obj=state, before=before,
                  after=snapshot(state))
    return state


def redaction_add(
    *, contribution: Contribution, passage: str, reason: str, actor: Any,
) -> Redaction:
    """Remove a passage (e.g. someone else's personal data) wherever feedback shows the text."""
    _require(actor, "feedback.answer_contribution", contribution)
    if not passage.strip() or passage not in contribution.text:
        raise ValidationError(_("The passage is not in the text."))
    with transaction.atomic():
        redaction = Redaction.objects.create(
            municipality_id=contribution.municipality_id, contribution=contribution,
            passage=passage, reason=reason)
        audit_log(actor=actor, action="feedback.redaction_add", obj=redaction,
                  after=snapshot(redaction))
    return redaction


# --- following --------------------------------------------------------------------------------

def follow(*, user: Any, target: models.Model) -> Follow:
    """Follow a contribution, process, goal or initiative (idempotent)."""
    ct = ContentType.objects.get_for_model(type(target))
    row, created = Follow.objects.get_or_create(
        user=user, content_type=ct, object_id=target.pk,
        defaults={"municipality_id": target.municipality_id, "active": True},
    )
    if not created and not row.active:
        row.active = True
        row.save(update_fields=["active"])
    return row


def unfollow(*, user: Any, target: models.Model) -> None:
    """Stop following. For an author and their own contribution this stores `active=False`,
    because authors follow their contributions by default (derived, no row needed)."""
    ct = ContentType.objects.get_for_model(type(target))
    Follow.objects.update_or_create(
        user=user, content_type=ct, object_id=target.pk,
        defaults={"municipality_id": target.municipality_id, "active": False},
    )


def is_following(*, user: Any, target: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ct = ContentType.objects.get_for_model(type(target))
    row = Follow.objects.filter(user=user, content_type=ct, object_id=target.pk).first()
    if row is not None:
        return row.active
    return getattr(target, "author_id", None) == user.pk


def followers_of(target: models.Model) -> set[int]:
    """User ids following `target`; a contribution's author counts unless they unfollowed."""
    ct = ContentType.objects.get_for_model(type(target))
    rows = dict(Follow.objects.filter(content_type=ct, object_id=target.pk)
                .values_list("user_id", "active"))
    ids = {uid for uid, active in rows.items() if active}
    author_id = getattr(target, "author_id", None) if isinstance(target, Contribution) else None
    if author_id is not None and rows.get(author_id, True):
        ids.add(author_id)
    return ids


# --- notifications ----------------------------------------------------------------------------

def preference_set(*, user: Any, kind: str, frequency: str) -> NotificationPreference:
    if kind not in EventKind.values or frequency not in Frequency.values:
        raise ValidationError("Unknown kind or frequency.")
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency},
    )
    return pref


def preferences_of(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    return {
        (uid, kind): freq
        for uid, kind, freq in NotificationPreference.objects.filter(
            user_id__in=list(user_ids)).values_list("user_id", "kind", "frequency")
    }


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a signed link, or None when the link was forged or mangled."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in (*EventKind.values, ALL_KINDS):
        return None
    return int(data["u"]), str(data["k"])


def unsubscribe_apply(*, user_id: int, kind: str) -> None:
    """Stop e-mail for one kind (or all). Notifications on the site continue."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    for k in EventKind.values if kind == ALL_KINDS else [kind]:
        preference_set(user=user, kind=k, frequency=Frequency.NEVER)


def site_url(path: str) -> str:
    return settings.FAELLES_SITE_URL.rstrip("/") + path


def message_id_for(event_key: str, recipient_id: int) -> str:
    """Stable per (event, recipient): a retried send carries the same Message-ID."""
    digest = hashlib.sha256(f"{event_key}|{recipient_id}".encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "faelles.local"
    return f"<{digest}@{domain}>"


def notify(
    *, municipality_id: int, event_key: str, kind: str, recipient_ids: Iterable[int],
    message: Any, url: str, extra: str = "",
) -> list[Outbox]:
    """Tell each recipient once: a notification on the site and, if they have consented to
    e-mails about their input and not chosen otherwise, an e-mail (now, or in the daily or
    weekly digest).

    `message()` returns (subject, line) and is called in each recipient's language. The unique
    (event, recipient) constraints make a repeated call harmless. Mail is enqueued; the task
    sends it at least once.
    """
    from django.contrib.auth import get_user_model

    ids = set(recipient_ids)
    if not ids:
        return []
    from faelles.accounts.consent import users_with_consent
    from faelles.accounts.models import ConsentKind

    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    prefs = preferences_of(ids)
    # Optional e-mails rest on consent (GDPR art. 6(1)(a)); the site notification does not.
    may_email = users_with_consent(ids, ConsentKind.EMAIL_NOTIFICATIONS)
    texts: dict[str, tuple[str, str]] = {}
    for lang in ("da", "en"):
        with translation.override(lang):
            texts[lang] = tuple(str(x) for x in message())  # type: ignore[assignment]
    created: list[Outbox] = []
    for user in users:
        lang = user.language if user.language in texts else "da"
        Notification.objects.get_or_create(
            event_key=event_key, user=user,
            defaults={"municipality_id": municipality_id, "kind": kind,
                      "subject_da": texts["da"][1][:300], "subject_en": texts["en"][1][:300],
                      "url": url},
        )
        frequency = prefs.get((user.pk, kind), Frequency.IMMEDIATELY)
        if (frequency == Frequency.NEVER or not user.email_confirmed
                or user.pk not in may_email):
            continue
        if Outbox.objects.filter(event_key=event_key, recipient=user).exists():
            continue
        _subject, line = texts[lang]
        with translation.override(lang):
            body_text, body_html = _render_mail(
                "feedback/email/event", user=user, kind=kind, line=line, extra=extra,
                url=site_url(translate_path(url, lang)),
            )
        try:
            with transaction.atomic():
                row = Outbox.objects.create(
                    municipality_id=municipality_id, event_key=event_key, recipient=user,
                    kind=kind, frequency=frequency, subject=line[:300],
                    message_id=message_id_for(event_key, user.pk), body_text=body_text,
                    body_html=body_html, url=url,
                )
        except IntegrityError:
            continue  # a concurrent call made it first
        created.append(row)
    from faelles.feedback.tasks import send_outbox

    for row in created:
        if row.frequency == Frequency.IMMEDIATELY:
            send_outbox.enqueue(outbox_id=row.pk)
    return created


def translate_path(path: str, lang: str) -> str:
    """A stored (Danish) path in language `lang`."""
    if lang == "da" or not path:
        return path
    from django.urls import get_urlconf

    return _translated_path(path, lang, get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=4096)
def _translated_path(path: str, lang: str, urlconf: str) -> str:
    # Resolving and reversing cost about 0.3 ms per path (50 per notifications page); the
    # answer depends only on the path, the language and the URL conf.
    from django.urls import translate_url

    with translation.override("da"):
        return translate_url(path, lang)


def _render_mail(template: str, **context: Any) -> tuple[str, str]:
    user = context["user"]
    context["unsubscribe_url"] = unsubscribe_url(user_id=user.pk,
                                                 kind=context.get("kind", ALL_KINDS))
    context["settings_url"] = site_url(path_for("feedback:settings"))
    return (render_to_string(template + ".txt", context),
            render_to_string(template + ".html", context))


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    kind = kind if kind in EventKind.values else ALL_KINDS
    return site_url(path_for("feedback:unsubscribe",
                             token=unsubscribe_token(user_id=user_id, kind=kind)))


def notify_contribution(
    *, contribution: Contribution, kind: str, event_key: str, message: Any, extra: str = "",
) -> list[Outbox]:
    """Notify the author (unless they unfollowed) and the followers, each once."""
    with translation.override("da"):
        url = path_for("feedback:trace", pk=contribution.pk)
    return notify(
        municipality_id=contribution.municipality_id, event_key=event_key, kind=kind,
        recipient_ids=followers_of(contribution), message=message, url=url, extra=extra,
    )


def notification_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
