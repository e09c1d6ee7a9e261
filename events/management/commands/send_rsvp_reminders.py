"""Run daily: remind invitees who have not answered (7 and 2 days before the deadline), and
expire the invitations still unanswered after it."""

from django.core.management.base import BaseCommand

from events.services import invitations_expire, rsvp_reminders_queue


class Command(BaseCommand):
    help = "Queue reminders to invitees who have not answered, and expire unanswered invitations after the deadline."

    def handle(self, *args, **options):
        reminded = rsvp_reminders_queue()
        expired = invitations_expire()
        self.stdout.write(f"Reminders queued: {reminded}. Invitations expired: {expired}.")
