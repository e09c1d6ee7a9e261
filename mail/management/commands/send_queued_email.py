"""Send every outbox message that is due: first attempts whose task was lost, and retries when
the task backend cannot schedule them (development). Safe to run at any time and often (cron,
every few minutes): a message being sent by a worker is not sent again."""

from django.core.management.base import BaseCommand

from mail.services import deliveries_due
from mail.tasks import deliver_email


class Command(BaseCommand):
    help = "Send the e-mails that are due (first attempts and retries)."

    def handle(self, *args, **options):
        outcomes: dict[str, int] = {}
        for delivery_id in deliveries_due():
            outcome = deliver_email.call(delivery_id)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"E-mail: {summary}.")
