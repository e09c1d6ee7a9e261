"""The scheduler (`manage.py run_scheduler`, config/schedule.py): each job is put on the task queue
once per slot, however many schedulers run, and a worker runs it."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from config.schedule import Job, due, jobs
from mail.tasks import SWEEP_PRIORITY, send_due_email

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def database_queue(settings):
    """Tasks go on the database queue, as in production, instead of running in process."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    yield
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)


def test_an_interval_job_is_due_once_per_interval():
    sweep = Job("outbox", send_due_email, every=timedelta(seconds=60))
    start = datetime(2026, 11, 20, 19, 0, 5, tzinfo=LONDON)
    done: dict[str, str] = {}

    ran = []
    for second in range(0, 180, 5):  # three minutes of ticks
        for job, slot in due([sweep], start + timedelta(seconds=second), done):
            done[job.name] = slot
            ran.append(second)

    assert ran == [0, 55, 115, 175]  # at start, then on each minute


def test_a_daily_job_is_due_from_its_time_that_day_and_once():
    reminders = Job("rsvp-reminders", send_due_email, at=time(7, 0))
    done: dict[str, str] = {}

    assert due([reminders], datetime(2026, 11, 20, 6, 59, tzinfo=LONDON), done) == []
    (first,) = due([reminders], datetime(2026, 11, 20, 7, 0, tzinfo=LONDON), done)
    done["rsvp-reminders"] = first[1]
    assert due([reminders], datetime(2026, 11, 20, 23, 0, tzinfo=LONDON), done) == []
    # A scheduler started in the afternoon runs it that day.
    assert [slot for _, slot in due([reminders], datetime(2026, 11, 21, 15, 0, tzinfo=LONDON), done)] == ["2026-11-21"]


# The worker (and the scheduler) close the database connection as in production: a real transaction.
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_enqueue_each_job_once_and_the_sweep_jumps_the_queue(database_queue):
    call_command("run_scheduler", once=True)
    call_command("run_scheduler", once=True)  # a second scheduler at the same moment

    enqueued = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    names = {job.name for job in jobs()}
    assert names == {"outbox", "rsvp-reminders", "retention", "prune-task-results"}
    # The daily jobs are due only from their time of day, so they may or may not be there yet.
    assert enqueued.count("mail.tasks.send_due_email") == 1
    assert len(enqueued) == len(set(enqueued))
    assert DBTaskResult.objects.get(task_path="mail.tasks.send_due_email").priority == SWEEP_PRIORITY


# The worker (and the scheduler) close the database connection as in production: a real transaction.
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_what_the_scheduler_enqueued(database_queue, settings, monkeypatch):
    monkeypatch.setenv("PROUD_REMINDERS_AT", "00:00")
    monkeypatch.setenv("PROUD_RETENTION_AT", "00:00")
    monkeypatch.setenv("PROUD_PRUNE_AT", "00:00")
    call_command("run_scheduler", once=True)

    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)

    results = dict(DBTaskResult.objects.values_list("task_path", "status"))
    assert results == {
        "mail.tasks.send_due_email": "SUCCESSFUL",
        "events.tasks.send_rsvp_reminders": "SUCCESSFUL",
        "data_protection.tasks.apply_retention": "SUCCESSFUL",
        "config.tasks.prune_task_results": "SUCCESSFUL",
    }
