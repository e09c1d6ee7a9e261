"""Background work of data protection: retention, started daily by the scheduler
(`manage.py run_scheduler`) on the task queue."""

from __future__ import annotations

from django_tasks import task

from .services import retention_apply, retention_months


@task()
def apply_retention() -> dict[str, int]:
    """Anonymise every programme whose event was more than PROUD_RETENTION_MONTHS ago (DESIGN.md
    rule 7). Safe to run again: a programme already anonymised has nothing left to change."""
    reports = retention_apply(months=retention_months(), dry_run=False)
    return {"programmes": len(reports), "changed": sum(1 for report in reports if report.changed)}
