import time
from typing import Any

from django.core.management.base import BaseCommand

from faelles.core.scheduler import all_jobs, run_due


class Command(BaseCommand):
    help = "Enqueue periodic jobs (digests, reminders, data refresh, retention) when they are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between checks.")

    def handle(self, *args: Any, once: bool, interval: int, **options: Any) -> None:
        names = ", ".join(job.name for job in all_jobs()) or "none"
        self.stdout.write(f"Scheduler started. Jobs: {names}")
        while True:
            for name in run_due():
                self.stdout.write(f"Enqueued {name}")
            if once:
                return
            time.sleep(interval)
