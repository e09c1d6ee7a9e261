"""The scheduled jobs and when each is due: what `manage.py run_scheduler` puts on the task queue,
for the task workers to run (the cron lines of earlier versions).

Each job is due once per slot: an interval job once per `every` (counted from the epoch, so every
scheduler agrees on the slots), a daily job once per day from its time of day (UK time) on. A
scheduler started after a daily job's time runs it that day. Several schedulers may run at once (a
second machine, a container restarted while the old one stops): a slot is taken in the shared
database cache, so each job is enqueued once per slot; and every job is safe to run twice anyway."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks.base import Task

from config.tasks import prune_task_results
from data_protection.tasks import apply_retention
from events.tasks import send_rsvp_reminders
from mail.tasks import send_due_email


@dataclass(frozen=True)
class Job:
    name: str
    task: Task
    every: timedelta | None = None  # an interval job
    at: time | None = None  # a daily job, at this time of day (local time)
    kwargs: dict = field(default_factory=dict)

    def slot(self, now: datetime) -> str | None:
        """The slot `now` falls in, or None before a daily job's time of day."""
        if self.every is not None:
            return str(int(now.timestamp() // self.every.total_seconds()))
        local = timezone.localtime(now)
        if local.time() < self.at:
            return None
        return local.date().isoformat()


def daily_at(variable: str, default: str) -> time:
    hours, minutes = os.environ.get(variable, default).split(":")
    return time(int(hours), int(minutes))


def jobs() -> list[Job]:
    return [
        # Messages whose task was lost or whose worker died; also the sign that a worker is alive.
        Job(
            "outbox", send_due_email, every=timedelta(seconds=int(os.environ.get("PROUD_OUTBOX_SWEEP_SECONDS", "60"))),
            kwargs={"orphans_only": True},
        ),
        Job("rsvp-reminders", send_rsvp_reminders, at=daily_at("PROUD_REMINDERS_AT", "07:00")),
        Job("retention", apply_retention, at=daily_at("PROUD_RETENTION_AT", "02:30")),
        Job("prune-task-results", prune_task_results, at=daily_at("PROUD_PRUNE_AT", "03:30")),
    ]


def due(schedule: list[Job], now: datetime, done: dict[str, str]) -> list[tuple[Job, str]]:
    """The jobs due at `now` with their slot, given the slot each last ran in (`done`)."""
    found = []
    for job in schedule:
        slot = job.slot(now)
        if slot is not None and done.get(job.name) != slot:
            found.append((job, slot))
    return found
