"""Task workers that die (kill -9, OOM, a lost machine) do not leave their task stuck.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a
task whose worker died mid-run would stay RUNNING forever. Each `faelles worker` therefore
writes a heartbeat for its worker id into the shared cache, and every worker periodically puts
RUNNING tasks whose worker has no heartbeat back in the queue. Tasks are thus run at least once:
they must be idempotent (the outbox is: a re-sent mail keeps its Message-ID).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# A worker whose heartbeat is older than this is gone; RUNNING tasks started before it are
# only requeued after it too, so a flushed cache re-learns a live worker's heartbeat first.
HEARTBEAT_TTL = 20
# A task whose worker died this many times is failed instead of requeued (it may be the cause).
MAX_WORKER_LOSSES = 3
LOST = "faelles.core.workers.WorkerLost"


def _key(worker_id: str) -> str:
    return f"tasks:worker-alive:{worker_id}"


def heartbeat(worker_id: str) -> None:
    cache.set(_key(worker_id), timezone.now().isoformat(), timeout=HEARTBEAT_TTL)


def heartbeat_clear(worker_id: str) -> None:
    cache.delete(_key(worker_id))


def requeue_orphaned(*, now: dt.datetime | None = None) -> int:
    """Put RUNNING tasks of dead workers back in the queue; returns how many were requeued or,
    after MAX_WORKER_LOSSES, failed."""
    now = now or timezone.now()
    candidates = list(
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - dt.timedelta(seconds=HEARTBEAT_TTL))
        .values_list("pk", "worker_ids")
    )
    if not candidates:
        return 0
    last = {pk: (ids[-1] if ids else "") for pk, ids in candidates}
    alive = cache.get_many([_key(w) for w in set(last.values()) if w])
    orphans = [pk for pk, w in last.items() if _key(w) not in alive]
    changed = 0
    for pk in orphans:
        with transaction.atomic():
            # skip_locked: a task another worker is handling right now is left alone.
            row = (DBTaskResult.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, status=TaskResultStatus.RUNNING).first())
            if row is None:
                continue
            if len(row.worker_ids) >= MAX_WORKER_LOSSES:
                row.status = TaskResultStatus.FAILED
                row.finished_at = now
                row.exception_class_path = LOST
                row.traceback = (f"The worker running this task died {len(row.worker_ids)} "
                                 "times; not requeued again.")
                row.save(update_fields=["status", "finished_at", "exception_class_path",
                                        "traceback"])
                logger.error("Task %s failed: its worker died %d times", pk, len(row.worker_ids))
            else:
                row.status = TaskResultStatus.READY
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                logger.warning("Task %s (%s) requeued: worker %s is gone", pk, row.task_path,
                               last[pk])
            changed += 1
    return changed


class Heartbeat(threading.Thread):
    """Beside the worker loop: keep this worker's heartbeat fresh and requeue orphaned tasks.
    Runs while a task runs, so a long task is not taken for orphaned."""

    def __init__(self, worker_id: str, interval: float = HEARTBEAT_SECONDS) -> None:
        super().__init__(name="task-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()

    def tick(self) -> int:
        heartbeat(self.worker_id)
        return requeue_orphaned()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                self.tick()
            except Exception:  # a passing DB or cache outage must not end the heartbeat
                logger.exception("Task worker heartbeat failed")
            self.stopped.wait(self.interval)
        connection.close()
