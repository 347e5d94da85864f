"""Background work: sending e-mail, digests and the periodic checks (see jobs.py)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from faelles.core.links import path_for
from faelles.feedback.models import COPENHAGEN, EventKind, Frequency, Outbox

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


NO_CONSENT = "not sent: consent to e-mails withdrawn"


def _withhold(ids: list[int]) -> None:
    """Mail queued before its recipient withdrew consent is never sent (GDPR art. 7(3)); the
    row stays, marked, so the retry job and the digests leave it alone."""
    Outbox.objects.filter(pk__in=ids, sent_at__isnull=True).update(
        attempts=MAX_ATTEMPTS, last_error=NO_CONSENT
    )


def _consenting(user_ids: Any) -> set[int]:
    from faelles.accounts.consent import users_with_consent
    from faelles.accounts.models import ConsentKind

    return users_with_consent(user_ids, ConsentKind.EMAIL_NOTIFICATIONS)


def _claim(outbox_id: int) -> Outbox | None:
    """Count the attempt in its own transaction before sending, so a crash mid-send is visible
    and a concurrent worker does not send an already sent row."""
    with transaction.atomic():
        row = (Outbox.objects.select_for_update().select_related("recipient")
               .filter(pk=outbox_id).first())
        if row is None or row.sent_at is not None or row.attempts >= MAX_ATTEMPTS:
            return None
        if not _consenting([row.recipient_id]):
            _withhold([row.pk])
            return None
        row.attempts += 1
        row.save(update_fields=["attempts"])
    return row


def deliver(row: Outbox) -> bool:
    """Send one outbox row. At least once: if the process dies after sending and before
    recording it, the retry sends the same Message-ID, which receiving systems deduplicate."""
    from faelles.feedback.services import unsubscribe_url

    kind = row.kind if row.kind in EventKind.values else "all"
    unsubscribe = unsubscribe_url(user_id=row.recipient_id, kind=kind)
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient.email],
        headers={
            "Message-ID": row.message_id,
            # RFC 8058 one-click unsubscribe: the mail client POSTs to this URL.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(row.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        logger.warning("Sending %s failed: %s", row.pk, exc)
        Outbox.objects.filter(pk=row.pk).update(last_error=str(exc)[:300])
        return False
    now = timezone.now()
    Outbox.objects.filter(pk=row.pk, sent_at__isnull=True).update(sent_at=now)
    Outbox.objects.filter(digest_id=row.pk, sent_at__isnull=True).update(sent_at=now)
    return True


def send_now(outbox_id: int) -> bool:
    row = _claim(outbox_id)
    return deliver(row) if row is not None else False


@task()
def send_outbox(outbox_id: int) -> bool:
    return send_now(outbox_id)


@task()
def retry_outbox() -> int:
    """Send immediate and digest mails that failed or whose worker died."""
    cutoff = timezone.now() - dt.timedelta(minutes=5)
    ids = list(
        Outbox.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS,
                              created_at__lt=cutoff, frequency=Frequency.IMMEDIATELY)
        .values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in ids if send_now(pk))


def build_digests(*, frequency: str, now: dt.datetime | None = None) -> list[int]:
    """One digest e-mail per recipient holding all their unsent items of that frequency,
    newest first, grouped by kind. Returns the digest outbox ids."""
    from django.template.loader import render_to_string

    from faelles.feedback.services import message_id_for, site_url, translate_path, unsubscribe_url

    now = now or timezone.now()
    local_day = now.astimezone(COPENHAGEN).date()
    items = list(
        Outbox.objects.filter(frequency=frequency, sent_at__isnull=True, digest__isnull=True)
        .select_related("recipient").order_by("-created_at", "-id")
    )
    by_recipient: dict[int, list[Outbox]] = defaultdict(list)
    for item in items:
        by_recipient[item.recipient_id].append(item)
    allowed = _consenting(by_recipient)
    for recipient_id in [r for r in by_recipient if r not in allowed]:
        _withhold([row.pk for row in by_recipient.pop(recipient_id)])
    digests: list[int] = []
    for recipient_id, rows in by_recipient.items():
        user = rows[0].recipient
        lang = user.language or "da"
        event_key = f"digest:{frequency}:{local_day.isoformat()}:{recipient_id}"
        groups: dict[str, list[Outbox]] = defaultdict(list)
        for row in rows:
            groups[row.kind].append(row)
        with translation.override(lang):
            labelled = [(str(EventKind(k).label), [
                (r.subject, site_url(translate_path(r.url, lang)), r.body_text) for r in g
            ]) for k, g in sorted(groups.items(), key=lambda kv: EventKind.values.index(kv[0]))]
            subject = (_("Your daily overview") if frequency == Frequency.DAILY
                       else _("Your weekly overview"))
            context = {"user": user, "groups": labelled, "count": len(rows), "subject": subject,
                       "unsubscribe_url": unsubscribe_url(user_id=user.pk, kind="all"),
                       "settings_url": site_url(path_for("feedback:settings"))}
            body_text = render_to_string("feedback/email/digest.txt", context)
            body_html = render_to_string("feedback/email/digest.html", context)
        try:
            with transaction.atomic():
                digest = Outbox.objects.create(
                    municipality_id=rows[0].municipality_id, event_key=event_key,
                    recipient=user, kind="digest", frequency=Frequency.IMMEDIATELY,
                    message_id=message_id_for(event_key, recipient_id), subject=subject,
                    body_text=body_text, body_html=body_html,
                )
                Outbox.objects.filter(pk__in=[r.pk for r in rows]).update(digest=digest)
        except IntegrityError:
            continue  # this period's digest already exists
        digests.append(digest.pk)
    for pk in digests:
        send_outbox.enqueue(outbox_id=pk)
    return digests


@task()
def send_daily_digests() -> int:
    return len(build_digests(frequency=Frequency.DAILY))


@task()
def send_weekly_digests() -> int:
    # The scheduler runs this every morning; the week's digest goes out on Mondays.
    if timezone.localtime().weekday() != 0:
        return 0
    return len(build_digests(frequency=Frequency.WEEKLY))


@task()
def notify_hearings_closing(hours: int = 48) -> int:
    """Tell followers of a process that its hearing closes soon (once per hearing phase)."""
    from faelles.feedback.services import followers_of, notify
    from faelles.participation.models import Phase

    now = timezone.now()
    sent = 0
    for phase in Phase.objects.filter(
        type="hearing", end__gt=now, end__lte=now + dt.timedelta(hours=hours),
        process__is_published=True,
    ).select_related("process"):
        process = phase.process
        end = phase.end
        sent += len(notify(
            municipality_id=process.municipality_id, event_key=f"hearing_closing:{phase.pk}",
            kind=EventKind.HEARING_CLOSING, recipient_ids=followers_of(process),
            message=lambda p=process, e=end: (
                _("The hearing closes soon"),
                _("The hearing “%(title)s” closes %(when)s.") % {
                    "title": p.title,
                    "when": timezone.localtime(e).strftime("%d.%m.%Y %H:%M")},
            ),
            url=process.get_absolute_url(),
        ))
    return sent


@task()
def notify_new_phases(days: int = 2) -> int:
    """Tell followers and contributors that a process entered a new phase (once per phase)."""
    from faelles.feedback.services import followers_of, notify
    from faelles.participation.models import Contribution, Phase

    now = timezone.now()
    sent = 0
    for phase in Phase.objects.filter(
        start__lte=now, start__gt=now - dt.timedelta(days=days), end__gt=now,
        process__is_published=True,
    ).select_related("process"):
        process = phase.process
        authors = set(Contribution.objects.filter(process=process, author__isnull=False)
                      .values_list("author_id", flat=True))
        sent += len(notify(
            municipality_id=process.municipality_id, event_key=f"phase:{phase.pk}",
            kind=EventKind.PHASE, recipient_ids=followers_of(process) | authors,
            message=lambda p=process, ph=phase: (
                _("A new phase has started"),
                _("“%(title)s” has entered a new phase: %(phase)s.")
                % {"title": p.title, "phase": ph.title},
            ),
            url=process.get_absolute_url(),
        ))
    return sent


@task()
def notify_initiative_progress() -> int:
    """Compare initiatives with what was last notified; tell followers of the initiative and of
    the contributions linked to it when status or progress changed."""
    from faelles.feedback.models import InitiativeSeen, Outcome
    from faelles.feedback.services import followers_of, notify
    from faelles.participation.models import Contribution
    from faelles.strategy.models import Initiative

    sent = 0
    seen = {s.initiative_id: s for s in InitiativeSeen.objects.all()}
    linked = set(Outcome.objects.filter(initiative__isnull=False)
                 .values_list("initiative_id", flat=True))
    for initiative in Initiative.objects.filter(pk__in=linked):
        last = seen.get(initiative.pk)
        if last is None:
            InitiativeSeen.objects.create(initiative=initiative,
                                          progress=initiative.progress_total,
                                          status=initiative.status)
            continue
        if last.progress == initiative.progress_total and last.status == initiative.status:
            continue
        recipients = followers_of(initiative)
        for contribution in Contribution.objects.filter(
            outcomes__initiative=initiative).distinct():
            recipients |= followers_of(contribution)
        progress = initiative.progress_total
        sent += len(notify(
            municipality_id=initiative.municipality_id,
            event_key=f"initiative:{initiative.pk}:{initiative.status}:{progress}",
            kind=EventKind.INITIATIVE, recipient_ids=recipients,
            message=lambda i=initiative, p=progress: (
                _("News about an initiative"),
                _("The initiative “%(title)s” is now %(status)s, %(progress)s %% done.")
                % {"title": i.title, "status": i.get_status_display(), "progress": p},
            ),
            url=initiative.get_absolute_url(),
        ))
        last.progress, last.status, last.seen_at = progress, initiative.status, timezone.now()
        last.save()
    return sent
