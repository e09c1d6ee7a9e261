"""Background work of shortlisting (django-tasks: in process in development, a worker in production)."""

from django_tasks import task

from . import emails


@task()
def send_panel_reminder(member_id: int) -> bool:
    return emails.send_panel_reminder(member_id=member_id)
