"""The last seats taken by many people at the same moment, in real concurrent transactions on
PostgreSQL (SQLite runs one writer at a time, so there is nothing to race there)."""

import threading

import pytest
from django.db import connection, connections

from events.enums import InvitationStatus
from events.models import Event, Guest, Invitation
from events.services import CapacityFull, GuestInput, RsvpAnswer, invitations_send, rsvp_respond
from tests.factories import EventFactory, InvitationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers: PostgreSQL"),
]

PARTY = RsvpAnswer(
    attending=True,
    party=(GuestInput(name=""), GuestInput(name="Guest One", relationship="family"), GuestInput(name="Guest Two", relationship="friend")),
)


def answer_all_at_once(invitations, answer) -> list:
    """Each invitation answers in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(invitations))
    outcomes: list = [None] * len(invitations)

    def respond(index: int, invitation: Invitation) -> None:
        try:
            barrier.wait(timeout=30)
            rsvp_respond(invitation=invitation, answer=answer)
            outcomes[index] = "accepted"
        except Exception as error:  # noqa: BLE001 - every outcome is checked below
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=respond, args=(i, inv)) for i, inv in enumerate(invitations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_last_seats_are_never_overbooked_when_many_answer_at_once(organiser, programme):
    assert connection.vendor == "postgresql"
    event = EventFactory(programme=programme, capacity=10)
    for _ in range(8):
        InvitationFactory(event=event, guest_allowance=2)
    invitations_send(event=event, actor=organiser)
    invitations = list(Invitation.objects.filter(event=event))
    Invitation.objects.filter(event=event).update(status=InvitationStatus.SENT)
    for invitation in invitations:
        invitation.status = InvitationStatus.SENT

    outcomes = answer_all_at_once(invitations, PARTY)

    accepted = [o for o in outcomes if o == "accepted"]
    refused = [o for o in outcomes if o != "accepted"]
    event.refresh_from_db()
    # 10 seats, parties of 3: three parties fit and five are told the event is full.
    assert len(accepted) == 3
    assert all(isinstance(o, CapacityFull) for o in refused), refused
    assert event.seats_taken == 9 == Guest.objects.filter(invitation__event=event).count()
    assert Invitation.objects.filter(event=event, status=InvitationStatus.ACCEPTED).count() == 3


def test_one_invitation_answered_twice_at_once_counts_its_seats_once(organiser, programme):
    event = EventFactory(programme=programme, capacity=50)
    invitation = InvitationFactory(event=event, guest_allowance=2, status=InvitationStatus.SENT)

    outcomes = answer_all_at_once([invitation] * 6, PARTY)

    assert outcomes == ["accepted"] * 6
    assert Event.objects.get(pk=event.pk).seats_taken == 3 == Guest.objects.filter(invitation=invitation).count()
    assert invitation.history.filter(action="events.invitation.answered").count() == 1
