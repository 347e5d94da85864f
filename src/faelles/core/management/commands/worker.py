from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from faelles.core.workers import Heartbeat, heartbeat_clear


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks-db)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="Run queued tasks, then exit.")

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        # Our own id, so the heartbeat names the worker that claims tasks (faelles.core.workers):
        # other workers requeue this one's task only if its heartbeat stops.
        worker_id = get_random_string(32)
        beat = Heartbeat(worker_id)
        beat.tick()  # before the first claim: tasks of dead workers are ready again now
        beat.start()
        extra = ["--batch"] if batch else []
        try:
            call_command("db_worker", *extra, "--interval", "1", "--worker-id", worker_id)
        finally:
            beat.stopped.set()
            beat.join(timeout=5)
            heartbeat_clear(worker_id)
