"""Consent: the texts (with versions), the person's current answers, and recording an answer.

Only two things rest on consent: showing a person's name with what they write, and e-mails
about what happens to their input. A consent counts only while the text it was given to is the
current version; when the text changes (a new version here), the person is asked again and until
they answer the careful choice applies (name not shown, no e-mails).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from faelles.accounts.models import ConsentKind, ConsentRecord, User


@dataclass(frozen=True)
class ConsentText:
    kind: str
    version: str  # change it whenever the meaning of the text changes
    question: Any
    text: Any


TEXTS: dict[str, ConsentText] = {
    ConsentKind.PUBLISH_IDENTITY: ConsentText(
        kind=ConsentKind.PUBLISH_IDENTITY,
        version="2026-11",
        question=_("Show my name with what I write"),
        text=_(
            "Your name is shown next to your ideas, comments and hearing responses, and in the "
            "hearing memo. Without your consent they are shown without your name. Your address "
            "is never published. You can change your mind at any time; it applies from then on."
        ),
    ),
    ConsentKind.EMAIL_NOTIFICATIONS: ConsentText(
        kind=ConsentKind.EMAIL_NOTIFICATIONS,
        version="2026-11",
        question=_("Send me e-mails about what happens to my input"),
        text=_(
            "We send an e-mail when your input gets an answer, a new status or leads to a "
            "decision. You always see the same news on the site. You can say no at any time."
        ),
    ),
}


@dataclass(frozen=True)
class ConsentState:
    kind: str
    question: str
    text: str
    granted: bool  # counts now: granted to the current version
    answered_at: datetime | None
    answered_version: str | None
    answered_granted: bool | None  # the last answer, whichever version it was given to
    needs_answer: bool  # never asked, or asked about an older version


def consent_states(user: User) -> list[ConsentState]:
    """The person's current answer to each consent question (one query)."""
    latest: dict[str, ConsentRecord] = {}
    if user.is_authenticated:
        for record in ConsentRecord.objects.filter(user=user).order_by("-at", "-id"):
            latest.setdefault(record.kind, record)
    states = []
    for kind, text in TEXTS.items():
        record = latest.get(kind)
        current = record is not None and record.version == text.version
        states.append(ConsentState(
            kind=kind, question=str(text.question), text=str(text.text),
            granted=bool(current and record.granted),
            answered_at=record.at if record else None,
            answered_version=record.version if record else None,
            answered_granted=record.granted if record else None,
            needs_answer=not current,
        ))
    return states


def has_consent(user: Any, kind: str) -> bool:
    """True if the person has said yes to the current version of the text. Other apps ask this
    before publishing a name or sending an optional e-mail."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    record = (ConsentRecord.objects.filter(user=user, kind=kind)
              .order_by("-at", "-id").values("version", "granted").first())
    return bool(record and record["granted"] and record["version"] == TEXTS[kind].version)


def users_with_consent(user_ids: Any, kind: str) -> set[int]:
    """Of these accounts, those who have said yes to the current version of the text: one query
    for any number of people (e.g. everyone an event is sent to)."""
    ids = set(user_ids)
    if not ids:
        return set()
    latest: dict[int, tuple[str, bool]] = {}
    rows = (ConsentRecord.objects.filter(user_id__in=ids, kind=kind)
            .order_by("user_id", "-at", "-id").values_list("user_id", "version", "granted"))
    for user_id, version, granted in rows:
        latest.setdefault(user_id, (version, granted))
    version = TEXTS[kind].version
    return {uid for uid, (v, granted) in latest.items() if granted and v == version}


def needs_consent_answer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and any(
        s.needs_answer for s in consent_states(user)
    )


def consent_set(
    *, user: User, kind: str, granted: bool, now: datetime | None = None
) -> ConsentRecord:
    """Record an answer to the current text. A repeated identical answer adds no row."""
    text = TEXTS[kind]
    latest = ConsentRecord.objects.filter(user=user, kind=kind).order_by("-at", "-id").first()
    if latest and latest.version == text.version and latest.granted == granted:
        return latest
    return ConsentRecord.objects.create(
        user=user, kind=kind, version=text.version, granted=granted,
        text=f"{text.question}\n\n{text.text}", language=translation.get_language() or "da",
        at=now or timezone.now(),
    )
