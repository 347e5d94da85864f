"""Periodic jobs: the retention rules of every app run once a night."""

from faelles.accounts.tasks import apply_retention
from faelles.core.scheduler import Job

JOBS = [Job(name="privacy.retention", task=apply_retention, at_hour=3)]
