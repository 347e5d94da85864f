"""The privacy registry: every app says what personal data it holds, how to export it, how to
erase it and how long it keeps it, in its own `faelles.<app>.privacy` module.

An app's module provides:

- `export(user) -> dict`: everything the app holds about the person, JSON-ready;
- `erase(user, *, actor) -> None`: remove or anonymise it (the account itself is deleted last,
  by the accounts app);
- `RETENTION`: a list of `RetentionRule`, shown on the privacy page and run by the scheduler.

The core collects the modules the same way `faelles.core.scheduler.all_jobs` collects jobs, so
a new app takes part without this file changing.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    """How long one kind of data is kept, and what happens then.

    `keep` is a text for people ("30 days after registration"), or a callable that builds that
    text from the municipality's settings. `run(now)` applies the rule and returns how many
    records it changed; rules without `run` are documented only (e.g. kept while the account
    exists).
    """

    key: str
    data: Any  # lazy text: which data
    purpose: Any  # lazy text: why it is processed
    legal_basis: Any  # lazy text: GDPR article
    keep: Any  # lazy text, or Callable[[municipality | None], str]
    run: Callable[[dt.datetime], int] | None = None
    order: int = 100

    def keep_text(self, municipality: Any = None) -> str:
        return str(self.keep(municipality) if callable(self.keep) else self.keep)


def privacy_modules() -> list[tuple[str, ModuleType]]:
    """(app label, module) for every Fælles app that has a privacy module, in app order."""
    found: list[tuple[str, ModuleType]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("faelles."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.privacy")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.privacy":
                raise
            continue
        found.append((config.label, module))
    return found


def retention_rules() -> list[RetentionRule]:
    rules: list[RetentionRule] = []
    for _label, module in privacy_modules():
        rules.extend(getattr(module, "RETENTION", []))
    return sorted(rules, key=lambda r: (r.order, r.key))


def export_labels() -> dict[str, str]:
    """Readable names for the keys of the export (each module's optional `LABELS`)."""
    labels: dict[str, str] = {}
    for _label, module in privacy_modules():
        labels.update({k: str(v) for k, v in getattr(module, "LABELS", {}).items()})
    return labels


@dataclass(frozen=True)
class PrivacyPage:
    municipality: Any
    rules: list[tuple[RetentionRule, str]]  # each rule with its period for this municipality
    facts: list[tuple[str, str]]  # settings that matter to privacy, as (label, value)


def privacy_page(municipality: Any) -> PrivacyPage:
    """What the privacy page shows, read from the registered rules and the municipality's
    settings, so the page cannot drift from what the platform actually does."""
    facts: list[tuple[str, str]] = []
    for _label, module in privacy_modules():
        provide = getattr(module, "facts", None)
        if provide is not None:
            facts.extend((str(k), str(v)) for k, v in provide(municipality))
    return PrivacyPage(
        municipality=municipality,
        rules=[(rule, rule.keep_text(municipality)) for rule in retention_rules()],
        facts=facts,
    )


def jsonable(value: Any) -> Any:
    """Dates, decimals and ids as strings; lazy texts as plain text. Nested values too."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def export_user(user: Any) -> dict[str, Any]:
    """Everything every app holds about the person, keyed by app label."""
    data: dict[str, Any] = {
        "format": "faelles-personal-data/1",
        "exported_at": timezone.now().isoformat(),
    }
    for label, module in privacy_modules():
        export = getattr(module, "export", None)
        if export is None:
            continue
        part = export(user)
        if part:
            data[label] = jsonable(part)
    return data


def erase_user(user: Any, *, actor: Any, reason: str = "") -> None:
    """Delete the person's account and personal data, in one transaction.

    Apps are asked in reverse app order, so the content apps anonymise what must stay (public
    contributions, counted supports) before the accounts app deletes the account itself.
    """
    with transaction.atomic():
        for _label, module in reversed(privacy_modules()):
            erase = getattr(module, "erase", None)
            if erase is not None:
                erase(user, actor=actor)


def run_retention(now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every rule that has a `run`; returns the number of records each changed."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for rule in retention_rules():
        if rule.run is None:
            continue
        try:
            with transaction.atomic():
                done[rule.key] = rule.run(now)
        except Exception:  # one failing rule must not stop the others; the next run retries
            logger.exception("Retention rule %s failed", rule.key)
            done[rule.key] = -1
    return done


# The core's own data. The module that collects the registry is also the core app's entry in it.

def _clear_expired_sessions(now: dt.datetime) -> int:
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


def _core_rules() -> list[RetentionRule]:
    from django.utils.translation import gettext_lazy as _

    return [
        RetentionRule(
            key="core.sessions",
            data=_("Login session (a cookie with a random number) and the protection of forms"),
            purpose=_("Keeping you logged in; protecting forms against forgery"),
            legal_basis=_("Necessary for the service you ask for; no consent needed for "
                          "strictly necessary cookies"),
            keep=_("Two weeks after the last visit, or until you log out."),
            run=_clear_expired_sessions,
            order=60,
        ),
        RetentionRule(
            key="core.login_attempts",
            data=_("Failed logins: e-mail address and IP address"),
            purpose=_("Stopping password guessing"),
            legal_basis=_("Security of processing, GDPR art. 32"),
            keep=_("15 minutes."),
            order=70,
        ),
        RetentionRule(
            key="core.audit",
            data=_("Audit log of staff actions: who did what, and when"),
            purpose=_("Accountability and security of the municipality's work"),
            legal_basis=_("Public task and security, GDPR art. 6(1)(e) and art. 32"),
            keep=_("As long as the platform runs; it cannot be changed afterwards. Deleted "
                   "accounts appear only by number."),
            order=80,
        ),
    ]


RETENTION = _core_rules()
