"""The demo's celebration night: finalists from confirmed shortlists and invitations in every state.

Everything goes through the services (shortlist confirmation, safeguarding checks, invitations,
answers), as an organiser would do it. The demo mails nobody: each message the services queue is
marked as sent, except one left failed and one waiting to be retried, so the organiser's page has
them to show."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from awards.models import Category, Programme
from events.enums import AccessNeed, Dietary, InvitationKind, InvitationStatus
from events.models import Event, Guest, Invitation
from events.services import (
    GuestInput,
    RsvpAnswer,
    event_save,
    finalist_invitations_create,
    invitation_create,
    invitation_revoke,
    invitations_send,
    rsvp_respond,
)
from mail.delivery import delivery_sent
from mail.enums import DeliveryStatus
from mail.models import EmailDelivery
from night.services import (
    guest_check_in,
    running_order_add,
    running_order_generate,
    running_order_update,
    seating_assign,
    tables_set,
)
from nominations.enums import ConsentGiver, ConsentPurpose, NominationStatus, PublicityLevel
from nominations.models import Nomination, Nominee
from nominations.services import consent_record, nominee_record_safeguarding
from shortlisting.selectors import coverage_gaps
from shortlisting.services import Decision, shortlist_confirm, shortlist_propose

# Categories whose panels have finished: their shortlists are confirmed in the demo. The young
# people's panel (the `panel`, `chair` and `youngpanel` accounts) is still scoring.
FINISHED_CATEGORIES = (
    "positive-choices-under-11",
    "achievement-in-education",
    "talent",
    "responding-to-the-needs-of-others",
    "outstanding-service-to-the-community",
    "team-effort",
)

OTHER_INVITATIONS = (
    (InvitationKind.PRESENTER, "Dr Helen Marsh", "High Sheriff of Northshire"),
    (InvitationKind.PRESENTER, "Cllr Peter Oduya", "Cabinet Member for Children and Families"),
    (InvitationKind.PRESENTER, "Angela Forde", "Director of Children's Social Care"),
    (InvitationKind.COMPERE, "Kai (Children in Care Council)", "Compere"),
    (InvitationKind.COMPERE, "Mia (Care Leavers Forum)", "Compere"),
    (InvitationKind.PERFORMER, "Northtown Youth Choir", "Performers"),
    (InvitationKind.VIP, "Cllr Susan Blake", "Chair of Northshire County Council"),
    (InvitationKind.STAFF, "Participation team", ""),
)

GUEST_FIRST = ("Sam", "Jo", "Alex", "Chris", "Pat", "Jamie", "Robin", "Lee", "Morgan", "Taylor")
GUEST_LAST = ("Harper", "Bennett", "Okafor", "Nowak", "Singh", "Doyle", "Price", "Murray", "Kaur", "Evans")


def _night(
    event: Event, rng: random.Random, users: dict, *, tables: list[tuple[int, int, bool]] | None = None,
    bulk_arrivals: bool = False,
) -> None:
    """A running order with presenters, comperes and a performance; tables (default 25 of 10, the
    first three accessible), seating; a few arrivals (as if the doors had just opened), through
    guest_check_in or, for a large night, in one update."""

    organiser = users["organiser"]
    if not Invitation.objects.filter(event=event, kind=InvitationKind.FINALIST, status=InvitationStatus.ACCEPTED).exists():
        return
    items = running_order_generate(event=event, actor=organiser)
    presenters = list(Invitation.objects.filter(event=event, kind__in=[InvitationKind.PRESENTER, InvitationKind.VIP]).order_by("pk"))
    comperes = list(Invitation.objects.filter(event=event, kind=InvitationKind.COMPERE).order_by("pk"))
    for index, item in enumerate(i for i in items if i.kind == "award"):
        running_order_update(
            item=item, actor=organiser, presenters=[presenters[index % len(presenters)]] if presenters else [],
            compere=comperes[index % len(comperes)] if comperes else None,
            walk_on_music=rng.choice(["Good as Hell", "Unwritten", "Rise Up", "Hall of Fame", "Fight Song"]),
            slide=f"S{index + 3:02d}",
        )
    running_order_add(event=event, actor=organiser, position=3, kind="performance", title="Northtown Youth Choir", duration_minutes=8)
    tables_set(event=event, actor=organiser, tables=tables or [(number, 10, number <= 3) for number in range(1, 26)])
    seating_assign(event=event, actor=organiser)
    door = users["door"]
    arriving = Guest.objects.filter(event=event, invitation__status=InvitationStatus.ACCEPTED).order_by("pk")[::7]
    if bulk_arrivals:
        Guest.objects.filter(pk__in=[g.pk for g in arriving]).update(checked_in_at=timezone.now(), checked_in_by=door)
        return
    for guest in arriving:
        guest_check_in(guest=guest, actor=door)


@dataclass(frozen=True)
class EventSummary:
    finalists: int
    invitations: int
    by_status: dict[str, int]
    guests: int


def seed_event(*, programme: Programme, users: dict, rng: random.Random, now: datetime) -> EventSummary:
    organiser = users["organiser"]
    day = (now + timedelta(weeks=10)).date()
    starts = timezone.make_aware(datetime.combine(day, time(18, 0)))
    event = event_save(
        actor=organiser, programme=programme,
        name="PROUD Awards 2026 celebration night", venue_name="Northtown Football Club, Riverside Suite",
        venue_address="Riverside Stadium\nStadium Way\nNorthtown\nNT4 2PW",
        starts_at=starts, doors_open_at=starts - timedelta(minutes=30), ends_at=starts + timedelta(hours=3, minutes=30),
        rsvp_deadline=starts - timedelta(weeks=3), capacity=250, default_guest_allowance=2,
        access_information="Step-free entrance from the West Stand car park, lift to the suite, accessible toilets "
        "on every floor, a hearing loop in the suite and a quiet room next to it.",
        dress_code="Whatever makes you feel good", organiser_contact_name="Participation team",
        organiser_contact_email="awards@example.org", organiser_contact_phone="01234 567890",
    )
    finalists = _confirm_shortlists(programme, users, rng)
    _safeguarding(finalists, organiser, rng)
    finalist_invitations_create(event=event, actor=organiser)
    for kind, name, title in OTHER_INVITATIONS:
        invitation_create(
            event=event, actor=organiser, kind=kind, addressee_name=name, title=title,
            addressee_email=f"{name.split()[-1].strip('()').lower()}.{kind}@example.org",
            guest_allowance=1 if kind != InvitationKind.PERFORMER else 0,
        )
    held_back = Invitation.objects.filter(event=event, kind=InvitationKind.STAFF).values_list("pk", flat=True)
    sendable = list(Invitation.objects.filter(event=event).exclude(pk__in=held_back).values_list("pk", flat=True))
    invitations_send(event=event, actor=organiser, invitation_ids=sendable)
    _deliveries_as_sent(event, now, keep_failed=1, keep_retrying=1)
    _answers(event, rng, organiser)
    _deliveries_as_sent(event, now)
    _night(event, rng, users)
    by_status = dict(event.invitations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    event.refresh_from_db()
    return EventSummary(
        finalists=len(finalists), invitations=sum(by_status.values()), by_status=by_status, guests=event.seats_taken
    )


def _confirm_shortlists(programme: Programme, users: dict, rng: random.Random) -> list[Nomination]:
    """Each finished panel's chair proposes the best-scored eligible nominations, the organiser confirms."""
    finalists = []
    for category in Category.objects.filter(programme=programme, slug__in=FINISHED_CATEGORIES).select_related("panel_link__panel"):
        chair = category.panel_link.panel.members.filter(role="chair").select_related("user").first().user
        chosen = list(
            Nomination.objects.filter(category=category, status=NominationStatus.ELIGIBLE)
            .annotate(scored=Count("assignments__review__scores", filter=Q(assignments__review__status="submitted")))
            .order_by("-scored", "reference")[: category.max_finalists]
        )
        if not chosen:
            continue
        # Some nominations are not fully scored: the chair proposes knowing it, and the organiser
        # rejects them with a reason rather than silently (shortlisting.services.shortlist_confirm).
        shortlist_propose(category=category, nominations=chosen, actor=chair, despite_gaps=True)
        panel = category.panel_link.panel
        decisions = {
            gap.nomination.pk: (Decision.REJECT, "The panel agreed the finalists were clear without more scores.")
            for gap in coverage_gaps(panel, category)
            if gap.nomination not in chosen
        }
        shortlist_confirm(category=category, actor=users["organiser"], decisions=decisions)
        finalists += chosen
    return finalists


def _safeguarding(finalists: list[Nomination], organiser, rng: random.Random) -> None:
    """Most finalists cleared to attend and be named; two left for the gate to stop."""
    people: list[Nominee] = []
    for nomination in finalists:
        if nomination.group_id:
            people += list(nomination.group.members.all())
        else:
            people.append(nomination.nominee)
    unchecked = {people[0].pk} if people else set()
    no_consent = {people[1].pk} if len(people) > 1 else set()
    for nominee in people:
        if nominee.pk in unchecked:
            continue
        giver = ConsentGiver.YOUNG_PERSON
        purposes = [ConsentPurpose.NAME_READ_OUT, ConsentPurpose.PHOTOGRAPHED]
        if nominee.pk not in no_consent:
            purposes.append(ConsentPurpose.ATTENDING)
        for purpose in purposes:
            consent_record(nominee=nominee, purpose=purpose, given=True, given_by=giver, actor=organiser)
        photographed = rng.random() < 0.8
        nominee_record_safeguarding(
            nominee=nominee, actor=organiser, attendance_safe=True,
            publicity_level=rng.choice([PublicityLevel.FIRST_NAME, PublicityLevel.FIRST_NAME_INITIAL, PublicityLevel.FULL_NAME]),
            photography_allowed=photographed,
        )


def _deliveries_as_sent(event: Event, now: datetime, *, keep_failed: int = 0, keep_retrying: int = 0) -> None:
    """The demo mails nobody: what the services queued counts as sent, but for a failure to show."""
    pending = list(EmailDelivery.objects.filter(invitation__event=event, status=DeliveryStatus.PENDING).order_by("pk"))
    for delivery in pending[:keep_failed]:
        delivery.status, delivery.attempts = DeliveryStatus.FAILED, 6
        delivery.last_error = "SMTPRecipientsRefused: mailbox unavailable"
        delivery.save()
    for delivery in pending[keep_failed:keep_failed + keep_retrying]:
        delivery.attempts, delivery.next_attempt_at = 2, now + timedelta(minutes=25)
        delivery.last_error = "ConnectionRefusedError: mail server down"
        delivery.save()
    for delivery in pending[keep_failed + keep_retrying:]:
        delivery.status = DeliveryStatus.SENDING
        delivery_sent(delivery, now)


def _answers(event: Event, rng: random.Random, organiser) -> None:
    """Of the sent invitations: most accept with guests and needs, some decline, one is revoked
    and one expired; the rest wait."""
    sent = list(Invitation.objects.filter(event=event, status=InvitationStatus.SENT).order_by("pk"))
    rng.shuffle(sent)
    revoke, expire, *rest = sent
    invitation_revoke(invitation=revoke, actor=organiser, reason="The placement has changed; not safe to attend.")
    Invitation.objects.filter(pk=expire.pk).update(status=InvitationStatus.EXPIRED)
    for invitation in rest:
        roll = rng.random()
        if roll < 0.15:
            continue  # still waiting
        if roll < 0.27:
            rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=False))
            continue
        guests = rng.randint(0, invitation.guest_allowance)
        party = [_person(rng, "")] + [_person(rng, f"{rng.choice(GUEST_FIRST)} {rng.choice(GUEST_LAST)}") for _ in range(guests)]
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=tuple(party)))


def _person(rng: random.Random, name: str) -> GuestInput:
    dietary = tuple(rng.sample(Dietary.values, 1)) if rng.random() < 0.3 else ()
    access = (AccessNeed.WHEELCHAIR,) if rng.random() < 0.06 else (AccessNeed.QUIET_SPACE,) if rng.random() < 0.05 else ()
    return GuestInput(
        name=name, relationship=rng.choice(["carer", "family", "friend", "worker"]) if name else "other",
        dietary=dietary, dietary_other="No mushrooms" if rng.random() < 0.05 else "",
        access_needs=access, photography_consent=rng.random() < 0.85, transport_needed=rng.random() < 0.1,
    )
