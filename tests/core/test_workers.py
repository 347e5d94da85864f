"""A task whose worker died (kill -9) is put back in the queue and runs again (issue 8)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _running(worker_ids: list[str], *, started_ago: float = 120) -> Any:
    from django_tasks_db.models import DBTaskResult, get_date_max

    return DBTaskResult.objects.create(
        id=uuid.uuid4(), status="RUNNING", args_kwargs={"args": [], "kwargs": {"outbox_id": 1}},
        task_path="faelles.feedback.tasks.send_outbox", backend_name="default",
        run_after=get_date_max(), worker_ids=worker_ids,
        started_at=timezone.now() - dt.timedelta(seconds=started_ago),
    )


def test_running_task_of_a_dead_worker_is_requeued_and_ready() -> None:
    from django_tasks_db.models import DBTaskResult

    from faelles.core.workers import requeue_orphaned

    cache.clear()
    task = _running(["dead-worker"])
    assert requeue_orphaned() == 1
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.started_at is None
    assert task.worker_ids == ["dead-worker"]  # the history of who tried stays
    assert list(DBTaskResult.objects.ready().values_list("pk", flat=True)) == [task.pk]
    assert requeue_orphaned() == 0  # idempotent


def test_task_of_a_live_worker_or_just_started_is_left_alone() -> None:
    from faelles.core.workers import heartbeat, requeue_orphaned

    cache.clear()
    heartbeat("alive-worker")
    busy = _running(["alive-worker"])
    fresh = _running(["unknown-worker"], started_ago=2)  # heartbeat may not be written yet
    # The last worker counts: an earlier dead one does not make a live run orphaned.
    retried = _running(["dead-worker", "alive-worker"])
    assert requeue_orphaned() == 0
    for task in (busy, fresh, retried):
        task.refresh_from_db()
        assert task.status == "RUNNING"


def test_task_that_killed_its_worker_three_times_is_failed_not_requeued() -> None:
    from faelles.core.workers import LOST, MAX_WORKER_LOSSES, requeue_orphaned

    cache.clear()
    task = _running([f"w{i}" for i in range(MAX_WORKER_LOSSES)])
    assert requeue_orphaned() == 1
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == LOST
    assert task.finished_at is not None


# The worker command closes the database connection between tasks, as it must in
# production; only a transactional test survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_requeued_task_runs_to_the_end_in_the_next_worker(settings: Any) -> None:
    """End to end with the database backend: the orphaned send_outbox runs and succeeds."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from faelles.core.workers import requeue_orphaned

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    cache.clear()
    task = _running(["dead-worker"])
    requeue_orphaned()
    call_command("worker", "--batch")
    task = DBTaskResult.objects.get(pk=task.pk)
    assert task.status == "SUCCESSFUL", task.traceback
    assert len(task.worker_ids) == 2  # the dead worker, then the one that finished it


# The worker command closes the database connection between tasks, as it must in
# production; only a transactional test survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_worker_batch_requeues_orphans_before_running(settings: Any) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    cache.clear()
    task = _running(["dead-worker"])
    call_command("worker", "--batch")
    assert DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL"


def test_heartbeat_tick_beats_and_requeues_others() -> None:
    from faelles.core.workers import Heartbeat, _key

    cache.clear()
    task = _running(["dead-worker"])
    beat = Heartbeat("me")
    assert beat.tick() == 1
    assert cache.get(_key("me")) is not None
    task.refresh_from_db()
    assert task.status == "READY"
