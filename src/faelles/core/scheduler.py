"""Periodic jobs: one scheduler process enqueues them into the task queue.

Each app lists its jobs in `<app>/jobs.py` as `JOBS = [Job(...), ...]`. A job runs once per slot
(e.g. once per hour); the slot is claimed with a unique database row, so a second scheduler started
by mistake, or a restart in the middle of a slot, never enqueues a job twice.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from faelles.core.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: Any  # a django_tasks Task
    every_minutes: int = 60
    at_hour: int | None = None  # for daily jobs: the local hour (Europe/Copenhagen)
    kwargs: dict[str, Any] = field(default_factory=dict)

    def slot(self, now: datetime) -> str | None:
        local = timezone.localtime(now)
        if self.at_hour is not None:
            if local.hour < self.at_hour:
                return None
            return local.strftime("%Y-%m-%d")
        minutes = int(now.timestamp() // 60)
        return str(minutes // self.every_minutes)


def all_jobs() -> list[Job]:
    jobs: list[Job] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("faelles."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.jobs":
                raise
            continue
        jobs.extend(getattr(module, "JOBS", []))
    return jobs


def run_due(now: datetime | None = None, *, jobs: list[Job] | None = None,
            enqueue: Callable[[Job], Any] | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been claimed yet; returns their names."""
    now = now or timezone.now()
    started: list[str] = []
    for job in all_jobs() if jobs is None else jobs:
        slot = job.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot, enqueued_at=now)
                (enqueue or (lambda j: j.task.enqueue(**j.kwargs)))(job)
        except IntegrityError:
            continue
        logger.info("Enqueued %s for slot %s", job.name, slot)
        started.append(job.name)
    return started
