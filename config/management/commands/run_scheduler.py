"""Run the scheduled jobs (config/schedule.py): the outbox sweep every minute, the RSVP reminders
and retention daily, pruning the task queue's table. Each is put on the task queue for a worker to
run (`manage.py db_worker`). Started by `make serve` and the container's scheduler; stops on
SIGINT/SIGTERM."""

import logging
import signal
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from config.schedule import due, jobs

logger = logging.getLogger("proud.scheduler")

# A taken slot is remembered this long in the shared cache: longer than a day, the longest slot.
SLOT_KEPT_SECONDS = 2 * 24 * 3600


class Command(BaseCommand):
    help = "Put the scheduled jobs (outbox sweep, RSVP reminders, retention) on the task queue when due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now, then exit.")
        parser.add_argument("--tick", type=float, default=1.0, help="Seconds between looks at the clock (default 1).")

    def handle(self, *args, once: bool, tick: float, **options):
        self.running = True
        if not once:
            signal.signal(signal.SIGINT, self.stop)
            signal.signal(signal.SIGTERM, self.stop)
        schedule = jobs()
        logger.info("Scheduler started: %s", ", ".join(job.name for job in schedule))
        done: dict[str, str] = {}
        while self.running:
            close_old_connections()  # a connection the database dropped is opened again
            try:
                self.enqueue_due(schedule, done)
            except DatabaseError as error:
                if once:
                    raise
                # The database restarting is not the scheduler's end: the slot is tried again.
                logger.warning("Scheduler: the database failed (%s); trying again", type(error).__name__)
            if once:
                return
            time.sleep(tick)
        logger.info("Scheduler stopped")

    def enqueue_due(self, schedule, done: dict[str, str]) -> None:
        for job, slot in due(schedule, timezone.now(), done):
            # Another scheduler may have taken this slot: then it has enqueued the job.
            if cache.add(f"proud:schedule:{job.name}:{slot}", 1, timeout=SLOT_KEPT_SECONDS):
                result = job.task.enqueue(**job.kwargs)
                logger.info("Scheduled %s (task %s)", job.name, result.id)
            done[job.name] = slot

    def stop(self, signum, frame):
        self.running = False
