"""Periodic jobs of the feedback loop (enqueued by the scheduler)."""

from faelles.core.scheduler import Job
from faelles.feedback import tasks

JOBS = [
    Job(name="feedback.retry_outbox", task=tasks.retry_outbox, every_minutes=10),
    Job(name="feedback.daily_digest", task=tasks.send_daily_digests, at_hour=7),
    # Runs every morning and sends only on Mondays, so a missed Monday slot is not doubled.
    Job(name="feedback.weekly_digest", task=tasks.send_weekly_digests, at_hour=7),
    Job(name="feedback.hearings_closing", task=tasks.notify_hearings_closing, every_minutes=60),
    Job(name="feedback.new_phases", task=tasks.notify_new_phases, every_minutes=60),
    Job(name="feedback.initiative_progress", task=tasks.notify_initiative_progress,
        every_minutes=60),
]
