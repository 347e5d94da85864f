from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from faelles.core.workers import Heartbeat, heartbeat_clear, requeue_orphaned


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks-db)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="Run queued tasks, then exit.")

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        # Our own id, so the heartbeat names the worker that claims tasks (faelles.core.workers).
        worker_id = get_random_string(32)
        extra = ["--batch"] if batch else []
        if batch:
            requeue_orphaned()
            call_command("db_worker", *extra, "--interval", "1", "--worker-id", worker_id)
            return
        beat = Heartbeat(worker_id)
        beat.start()
        try:
            call_command("db_worker", "--interval", "1", "--worker-id", worker_id)
        finally:
            beat.stopped.set()
            heartbeat_clear(worker_id)
