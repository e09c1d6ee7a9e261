"""Send every outbox message that is due: first attempts whose task was lost, retries when the task
backend cannot schedule them (development), and messages whose worker died while sending them, once
their claim has run out. The scheduler (`manage.py run_scheduler`) has a worker do this every
minute; safe to run by hand at any time: a message being sent by a live worker is not sent again."""

from django.core.management.base import BaseCommand

from mail.tasks import send_due_email


class Command(BaseCommand):
    help = "Send the e-mails that are due (first attempts, retries, and those whose worker died)."

    def handle(self, *args, **options):
        outcomes = send_due_email.call()
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"E-mail: {summary}.")
