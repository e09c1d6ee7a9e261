"""Background work of the events app: the daily RSVP reminders, started by the scheduler
(`manage.py run_scheduler`) on the task queue."""

from __future__ import annotations

from django_tasks import task

from .services import invitations_expire, rsvp_reminders_queue


@task()
def send_rsvp_reminders() -> dict[str, int]:
    """Queue reminders 7 and 2 days before the deadline to invitees who have not answered, and
    expire the invitations still unanswered after it. Safe to run twice: a reminder is queued once."""
    return {"reminded": rsvp_reminders_queue(), "expired": invitations_expire()}
