from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks-db)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="Run queued tasks, then exit.")

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        extra = ["--batch"] if batch else []
        call_command("db_worker", *extra, "--interval", "1")
