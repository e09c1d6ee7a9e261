"""Background work of operations: keeping the task queue's own table small."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task

# Finished tasks are kept this long (the health check reads the latest), then deleted.
KEEP_TASK_RESULTS_DAYS = 7


@task()
def prune_task_results() -> None:
    """Delete the results of tasks that finished more than a week ago, on every queue."""
    call_command("prune_db_task_results", queue_name="*", min_age_days=KEEP_TASK_RESULTS_DAYS, verbosity=0)
