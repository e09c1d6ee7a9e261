"""Every write of the event and its invitations: the event, creating, sending, resending and revoking
invitations past the safeguarding gate (events.selectors.gate_problems), the RSVP, reminders and
expiry. Each write checks who may make it, runs in a transaction and leaves history; the e-mail it
causes is queued in the outbox (mail) in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from awards.models import Programme
from awards.rules import is_organiser
from mail.enums import EmailKind
from mail.errors import NotAllowed, ServiceError
from mail.models import EmailDelivery
from mail.services import delivery_retry as mail_delivery_retry
from mail.services import email_queue
from nominations.models import Nomination
from nominations.naming import Audience, nomination_name, words_naming_too_much
from nominations.services import nominee_record_own_choices
from shortlisting.enums import ShortlistState
from shortlisting.models import Shortlist

from .enums import (
    LINK_OPEN_STATUSES,
    SURPRISE_ME,
    AccessNeed,
    Dietary,
    Easier,
    GuestRelationship,
    InvitationKind,
    InvitationStatus,
    Speech,
)
from .links import door_code_new
from .models import FREE_TEXT_MAX, CelebrationChoices, Event, Guest, Invitation, InvitationHistory
from .rules import FINALIST_STATUSES, choices_open, has_own_say, link_is_open, own_link_goes_direct
from .selectors import approved_tracks, gate_problems, invitee_name, responsible_adult


class EventError(ServiceError):
    """A write the rules refuse; shown to the person with what to do about it."""


class GateClosed(EventError):
    status_code = 409


class RsvpClosed(EventError):
    status_code = 409


class CapacityFull(EventError):
    status_code = 409


class LinkNotValid(EventError):
    status_code = 404

    def __init__(self):
        super().__init__("This link is not valid.")


# Reminders to answer, this long before the deadline.
REMINDER_STAGES = (("7d", timedelta(days=7)), ("2d", timedelta(days=2)))


def _actor_label(actor) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "invitee (private link)" if actor is None else "system"


def _user_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _history(invitation: Invitation, action: str, actor, *, from_status: str = "", **detail) -> InvitationHistory:
    return InvitationHistory.objects.create(
        invitation=invitation,
        action=action,
        from_status=from_status,
        to_status=invitation.status,
        actor=_user_or_none(actor),
        actor_label=_actor_label(actor),
        detail=detail,
    )


def _require_organiser(actor, event: Event) -> None:
    if not is_organiser(actor, event.programme_id):
        raise NotAllowed("Only the programme's organisers can do this.")


# --- the safeguarding gate -------------------------------------------------------------------


# --- invitations -----------------------------------------------------------------------------


@dataclass
class CreateResult:
    created: list[Invitation] = field(default_factory=list)
    already_invited: int = 0


def finalist_invitations_create(*, event: Event, actor) -> CreateResult:
    """A draft invitation for every finalist of every confirmed shortlist of the programme that
    has none yet. Safe to run again after another shortlist is confirmed."""
    _require_organiser(actor, event)
    result = CreateResult()
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        shortlists = Shortlist.objects.filter(category__programme_id=event.programme_id, state=ShortlistState.CONFIRMED)
        nominations = (
            Nomination.objects.filter(pk__in=shortlists.values("finalists"), status__in=FINALIST_STATUSES)
            .select_related("nominee__allocated_worker", "group", "category")
            .order_by("category__name", "reference")
        )
        invited = set(Invitation.objects.filter(event=event, nomination__isnull=False).values_list("nomination_id", flat=True))
        for nomination in nominations:
            if nomination.pk in invited:
                result.already_invited += 1
                continue
            name, email = responsible_adult(nomination)
            invitation = Invitation.objects.create(
                event=event,
                kind=InvitationKind.FINALIST,
                nomination=nomination,
                addressee_name=name,
                addressee_email=email,
                guest_allowance=event.default_guest_allowance,
            )
            _history(invitation, "events.invitation.created", actor, category=nomination.category.name)
            result.created.append(invitation)
    return result


def invitation_create(
    *,
    event: Event,
    actor,
    kind: str,
    addressee_name: str,
    addressee_email: str,
    invitee_name: str = "",
    title: str = "",
    guest_allowance: int | None = None,
) -> Invitation:
    """An invitation to someone who is not a finalist: presenter, performer, compere, VIP ..."""
    _require_organiser(actor, event)
    if kind not in InvitationKind.values:
        raise EventError(f"'{kind}' is not a kind of invitation.", field="kind")
    if kind == InvitationKind.FINALIST:
        raise EventError("Finalists are invited from the confirmed shortlist.", field="kind")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            event=event,
            kind=kind,
            addressee_name=addressee_name,
            addressee_email=addressee_email,
            invitee_name=invitee_name or addressee_name,
            title=title,
            guest_allowance=event.default_guest_allowance if guest_allowance is None else guest_allowance,
        )
        _history(invitation, "events.invitation.created", actor)
    return invitation


@dataclass
class SendResult:
    queued: list[Invitation] = field(default_factory=list)
    blocked: dict[int, list[str]] = field(default_factory=dict)


def _queue_email(invitation: Invitation, kind: str, key: str) -> EmailDelivery | None:
    """Add a message about the invitation to the outbox (once per key), sent after the commit."""
    return email_queue(kind=kind, about=invitation, key=key, programme_id=invitation.event.programme_id)


def _queue_invitation_email(invitation: Invitation) -> EmailDelivery | None:
    number = invitation.deliveries.filter(kind=EmailKind.INVITATION).count() + 1
    if own_link_goes_direct(invitation):
        # The young person's own link goes to them; otherwise it is inside this invitation (events.emails).
        _queue_email(invitation, EmailKind.CELEBRATION, f"celebration:{invitation.pk}:{number}")
    return _queue_email(invitation, EmailKind.INVITATION, f"invitation:{invitation.pk}:{number}")


def invitations_send(*, event: Event, actor, invitation_ids: list[int] | None = None) -> SendResult:
    """Queue the e-mail of every draft invitation (or of those named) that passes the gate.
    Those that do not are left as they are and returned with the reasons."""
    _require_organiser(actor, event)
    result = SendResult()
    with transaction.atomic():
        invitations = Invitation.objects.select_for_update().filter(event=event)
        if invitation_ids is None:
            invitations = invitations.filter(status=InvitationStatus.DRAFT)
        else:
            invitations = invitations.filter(pk__in=invitation_ids)
        for invitation in invitations.order_by("pk"):
            if invitation.status != InvitationStatus.DRAFT:
                result.blocked[invitation.pk] = [
                    f"It is {invitation.get_status_display().lower()}; only drafts are sent (use resend for the others)."
                ]
                continue
            problems = gate_problems(invitation)
            if problems:
                result.blocked[invitation.pk] = problems
                continue
            invitation.status = InvitationStatus.QUEUED
            invitation.save(update_fields=["status", "updated_at"])
            _history(invitation, "events.invitation.queued", actor, from_status=InvitationStatus.DRAFT)
            _queue_invitation_email(invitation)
            result.queued.append(invitation)
    return result


def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    """Send the invitation again, with a new link. Earlier links keep working, unless it was
    re-addressed since they were made (invitation_update_details): those went to someone it no
    longer goes to, so they close now, and their holder gets the neutral page of any bad link."""
    _require_organiser(actor, invitation.event)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status not in (InvitationStatus.QUEUED, *LINK_OPEN_STATUSES):
            raise EventError(
                f"This invitation is {locked.get_status_display().lower()}; only a sent or answered invitation is resent."
            )
        problems = gate_problems(locked)
        if problems:
            raise GateClosed("It cannot be sent: " + " ".join(p[:1].upper() + p[1:] for p in problems))
        closed = 0
        if locked.readdressed_at is not None:
            closed = locked.links.filter(closed_at__isnull=True, created_at__lt=locked.readdressed_at).update(
                closed_at=timezone.now()
            )
        _queue_invitation_email(locked)
        detail = {"earlier_links_closed": closed} if closed else {}
        _history(locked, "events.invitation.resent", actor, from_status=locked.status, **detail)
    return locked


def _release_seats(invitation: Invitation) -> None:
    """Give back the seats of an accepted invitation's guests (caller holds the event lock)."""
    if invitation.status == InvitationStatus.ACCEPTED:
        count = invitation.guests.count()
        Event.objects.filter(pk=invitation.event_id).update(seats_taken=F("seats_taken") - count)
        invitation.guests.all().delete()


def invitation_revoke(*, invitation: Invitation, actor, reason: str) -> Invitation:
    """Withdraw an invitation: its links stop working and any seats are given back."""
    _require_organiser(actor, invitation.event)
    if not reason.strip():
        raise EventError("Say why the invitation is revoked.", field="reason")
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=invitation.event_id)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status == InvitationStatus.REVOKED:
            return locked
        before = locked.status
        _release_seats(locked)
        locked.status = InvitationStatus.REVOKED
        locked.save(update_fields=["status", "updated_at"])
        _history(locked, "events.invitation.revoked", actor, from_status=before, reason=reason)
    return locked


def invitation_change_allowance(*, invitation: Invitation, actor, allowance: int) -> Invitation:
    _require_organiser(actor, invitation.event)
    if allowance < 0 or allowance > 20:
        raise EventError("The allowance is between 0 and 20 guests.", field="guest_allowance")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        coming = locked.guests.filter(position__gt=0).count()
        if allowance < coming:
            raise EventError(
                f"{coming} guests are already coming with this invitation; ask them to change their answer first.",
                field="guest_allowance",
            )
        before = locked.guest_allowance
        locked.guest_allowance = allowance
        locked.save(update_fields=["guest_allowance", "updated_at"])
        _history(locked, "events.invitation.allowance_changed", actor, from_status=locked.status, before=before, after=allowance)
    return locked


def quote_approve(*, invitation: Invitation, actor, quote: str) -> Invitation:
    """An organiser approves the words from the nomination to quote (blank: none). They are read
    out in the room and shown to the compere and event staff, so words that name the young person
    more than the room may hear (any form of a name beyond the announce name) are refused, named."""
    _require_organiser(actor, invitation.event)
    quote = quote.strip()
    if len(quote) > 600:
        raise EventError("Keep the quote under 600 characters.", field="quote")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.nomination_id is not None:
            too_much = words_naming_too_much(Audience.ROOM, quote, locked.nomination)
            if too_much:
                heard = nomination_name(Audience.ROOM, locked.nomination)
                words = ", ".join(f"“{word}”" for word in too_much)
                raise EventError(
                    f"These words name the young person more than the room may hear: {words}. "
                    f"The room hears them as “{heard}”: change or remove those words, then approve.",
                    field="quote",
                )
        locked.quote = quote
        locked.quote_approved_at = timezone.now() if quote else None
        locked.quote_approved_by = _user_or_none(actor) if quote else None
        locked.save(update_fields=["quote", "quote_approved_at", "quote_approved_by", "updated_at"])
        _history(locked, "events.invitation.quote_approved", actor, from_status=locked.status)
    return locked


# --- the private link ------------------------------------------------------------------------


# --- RSVP ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuestInput:
    name: str
    relationship: str = GuestRelationship.OTHER
    dietary: tuple[str, ...] = ()
    dietary_other: str = ""
    access_needs: tuple[str, ...] = ()
    access_other: str = ""
    photography_consent: bool = False
    transport_needed: bool = False
    access_on_place_card: bool = False

    def normalised(self) -> tuple:
        return (
            self.name.strip(),
            self.relationship,
            tuple(sorted(set(self.dietary))),
            self.dietary_other.strip(),
            tuple(sorted(set(self.access_needs))),
            self.access_other.strip(),
            bool(self.photography_consent),
            bool(self.transport_needed),
            bool(self.access_on_place_card),
        )


@dataclass(frozen=True)
class RsvpAnswer:
    attending: bool
    # The invitee first (their needs; a finalist's name is fixed), then each guest.
    party: tuple[GuestInput, ...] = ()


@dataclass(frozen=True)
class RsvpResult:
    invitation: Invitation
    changed: bool


def _validate_party(invitation: Invitation, party: tuple[GuestInput, ...]) -> None:
    if not party:
        raise EventError("Tell us about the person invited.", field="party")
    guests = len(party) - 1
    if guests > invitation.guest_allowance:
        raise EventError(
            f"This invitation is for the invitee and up to {invitation.guest_allowance} guests; you named {guests}.",
            field="guests",
        )
    for index, person in enumerate(party):
        where = "guests" if index else "invitee"
        label = f"Guest {index}" if index else "The invitee"
        if index and not person.name.strip():
            raise EventError(f"{label}: enter their name.", field=f"{where}[{index}].name")
        if len(person.name) > 150:
            raise EventError(f"{label}: the name is longer than 150 characters.", field=f"{where}[{index}].name")
        if person.relationship not in GuestRelationship.values:
            raise EventError(f"{label}: '{person.relationship}' is not a relationship we know.", field=f"{where}[{index}].relationship")
        for code in person.dietary:
            if code not in Dietary.values:
                raise EventError(f"{label}: '{code}' is not a dietary choice.", field=f"{where}[{index}].dietary")
        for code in person.access_needs:
            if code not in AccessNeed.values:
                raise EventError(f"{label}: '{code}' is not an access need.", field=f"{where}[{index}].access_needs")
        for name, text in (("dietary_other", person.dietary_other), ("access_other", person.access_other)):
            if len(text) > FREE_TEXT_MAX:
                raise EventError(
                    f"{label}: keep the details under {FREE_TEXT_MAX} characters.", field=f"{where}[{index}].{name}"
                )
        if AccessNeed.OTHER in person.access_needs and not person.access_other.strip():
            raise EventError(f"{label}: tell us what the other access need is.", field=f"{where}[{index}].access_other")


def _principal(invitation: Invitation, given: GuestInput) -> GuestInput:
    """The invitee's own line. A finalist's keeps no name, whatever was sent: it is composed from
    the nominee whenever it is read (events.selectors.guest_name), so it never goes stale."""
    relationship = GuestRelationship.FINALIST if invitation.kind == InvitationKind.FINALIST else GuestRelationship.INVITEE
    name = "" if invitation.kind == InvitationKind.FINALIST else (given.name.strip() or invitee_name(invitation))
    return GuestInput(
        name=name,
        relationship=relationship,
        dietary=given.dietary,
        dietary_other=given.dietary_other,
        access_needs=given.access_needs,
        access_other=given.access_other,
        photography_consent=given.photography_consent,
        transport_needed=given.transport_needed,
        access_on_place_card=given.access_on_place_card,
    )


def _current_party(invitation: Invitation) -> tuple:
    return tuple(
        GuestInput(
            name=g.name,
            relationship=g.relationship,
            dietary=tuple(g.dietary),
            dietary_other=g.dietary_other,
            access_needs=tuple(g.access_needs),
            access_other=g.access_other,
            photography_consent=g.photography_consent,
            transport_needed=g.transport_needed,
            access_on_place_card=g.access_on_place_card,
        ).normalised()
        for g in invitation.guests.order_by("position")
    )


def rsvp_respond(*, invitation: Invitation, answer: RsvpAnswer, now: datetime | None = None) -> RsvpResult:
    """Accept (with the party coming) or decline, through the private link. Changing an answer is
    allowed until the deadline; the same answer twice changes nothing. Seats are counted under a
    lock on the event, so the capacity holds when many answer at once."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=invitation.event_id)
        locked = Invitation.objects.select_for_update(of=("self",)).select_related("nomination__nominee", "nomination__group").get(pk=invitation.pk)
        locked.event = event
        if not link_is_open(locked, now):
            raise LinkNotValid()
        if now > event.rsvp_deadline:
            raise RsvpClosed(
                f"Answers closed on {timezone.localtime(event.rsvp_deadline):%-d %B %Y}. "
                f"To change anything, contact {event.organiser_contact_name} at {event.organiser_contact_email}."
            )
        if answer.attending:
            party = (_principal(locked, answer.party[0] if answer.party else GuestInput(name="")), *answer.party[1:])
            _validate_party(locked, party)
        else:
            party = ()
        new_status = InvitationStatus.ACCEPTED if answer.attending else InvitationStatus.DECLINED
        current = _current_party(locked) if locked.status == InvitationStatus.ACCEPTED else ()
        wanted = tuple(p.normalised() for p in party)
        if locked.status == new_status and current == wanted:
            return RsvpResult(invitation=locked, changed=False)
        seats_now = len(current)
        seats_after = event.seats_taken - seats_now + len(party)
        if seats_after > event.capacity:
            left = event.capacity - (event.seats_taken - seats_now)
            raise CapacityFull(
                f"Sorry, only {max(left, 0)} {'seat is' if left == 1 else 'seats are'} left at the event; "
                "reduce the number of guests or contact the organisers.",
                field="guests",
            )
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - seats_now + len(party))
        locked.guests.all().delete()
        Guest.objects.bulk_create(
            Guest(
                event=event,
                invitation=locked,
                position=position,
                name=person.name.strip(),
                relationship=person.relationship,
                dietary=sorted(set(person.dietary)),
                dietary_other=person.dietary_other.strip(),
                access_needs=sorted(set(person.access_needs)),
                access_other=person.access_other.strip(),
                photography_consent=person.photography_consent,
                transport_needed=person.transport_needed,
                access_on_place_card=person.access_on_place_card,
            )
            for position, person in enumerate(party)
        )
        before = locked.status
        locked.status = new_status
        locked.responded_at = now
        fields = ["status", "responded_at", "updated_at"]
        if answer.attending and not locked.door_code:
            locked.door_code = door_code_new()
            fields.append("door_code")
        locked.save(update_fields=fields)
        entry = _history(locked, "events.invitation.answered", None, from_status=before, party_size=len(party))
        _queue_email(locked, EmailKind.CONFIRMATION, f"confirmation:{locked.pk}:{entry.pk}")
    return RsvpResult(invitation=locked, changed=True)


# --- reminders and expiry --------------------------------------------------------------------


def rsvp_reminders_queue(*, now: datetime | None = None) -> int:
    """Queue a reminder to each invitation still waiting for an answer, 7 and 2 days before the
    deadline (each once); run daily (`manage.py send_rsvp_reminders`)."""
    now = now or timezone.now()
    queued = 0
    with transaction.atomic():
        waiting = Invitation.objects.filter(
            status=InvitationStatus.SENT, event__rsvp_deadline__gt=now
        ).select_related("event")
        for invitation in waiting:
            stage = None
            for name, before in REMINDER_STAGES:
                if now >= invitation.event.rsvp_deadline - before:
                    stage = name
            if stage and _queue_email(invitation, EmailKind.REMINDER, f"reminder:{invitation.pk}:{stage}"):
                queued += 1
    return queued


def invitations_expire(*, now: datetime | None = None) -> int:
    """Invitations not answered by the deadline expire (their links stop working)."""
    now = now or timezone.now()
    with transaction.atomic():
        expiring = list(
            Invitation.objects.select_for_update().filter(status=InvitationStatus.SENT, event__rsvp_deadline__lt=now)
        )
        for invitation in expiring:
            invitation.status = InvitationStatus.EXPIRED
            invitation.save(update_fields=["status", "updated_at"])
            _history(invitation, "events.invitation.expired", "system", from_status=InvitationStatus.SENT)
    return len(expiring)


# --- its e-mails in the outbox ----------------------------------------------------------------


def invitation_mark_sent(delivery: EmailDelivery, now: datetime) -> None:
    """The invitation's e-mail has gone (called by the outbox in the transaction that records it):
    a queued invitation is now sent."""
    invitation = Invitation.objects.select_for_update().get(pk=delivery.object_id)
    if invitation.status == InvitationStatus.QUEUED:
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = now
        invitation.save(update_fields=["status", "sent_at", "updated_at"])
        _history(invitation, "events.invitation.sent", "system", from_status=InvitationStatus.QUEUED)


def delivery_retry(*, delivery: EmailDelivery, actor) -> EmailDelivery:
    """An organiser of the programme sends a failed message again (or one stuck while sending,
    once checked)."""
    if delivery.programme_id is None or not is_organiser(actor, delivery.programme_id):
        raise NotAllowed("Only the programme's organisers can do this.")
    return mail_delivery_retry(delivery=delivery)


# --- the event -------------------------------------------------------------------------------


EVENT_FIELDS = (
    "name",
    "venue_name",
    "venue_address",
    "starts_at",
    "doors_open_at",
    "ends_at",
    "rsvp_deadline",
    "capacity",
    "default_guest_allowance",
    "access_information",
    "dress_code",
    "organiser_contact_name",
    "organiser_contact_email",
    "organiser_contact_phone",
    "walk_on_music_choices",
)


def event_save(*, actor, programme, event: Event | None = None, **values) -> Event:
    """Create the programme's event, or change it. Times must run doors ≤ start < end, the
    deadline no later than the start, and the capacity never below the seats already taken."""

    if not is_organiser(actor, programme.pk if hasattr(programme, "pk") else programme):
        raise NotAllowed("Only the programme's organisers can do this.")
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise EventError(f"Unknown field: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    with transaction.atomic():
        if event is None:
            if Event.objects.filter(programme=programme).exists():
                raise EventError("This programme already has its event; change that one.", field="programme")
            event = Event(programme=programme)
        else:
            event = Event.objects.select_for_update().get(pk=event.pk)
        for name, value in values.items():
            setattr(event, name, value)
        problems = []
        if event.doors_open_at and event.starts_at and event.doors_open_at > event.starts_at:
            problems.append(("doors_open_at", "Doors must open before the start."))
        if event.starts_at and event.ends_at and event.starts_at >= event.ends_at:
            problems.append(("ends_at", "The end must be after the start."))
        if event.rsvp_deadline and event.starts_at and event.rsvp_deadline > event.starts_at:
            problems.append(("rsvp_deadline", "The deadline for answers must be before the start."))
        if event.capacity is not None and event.capacity < event.seats_taken:
            problems.append(("capacity", f"{event.seats_taken} seats are already taken; the capacity cannot be lower."))
        if problems:
            raise EventError(problems[0][1], field=problems[0][0])
        try:
            event.full_clean(exclude=["programme"], validate_constraints=False)
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise EventError(f"{name.replace('_', ' ').capitalize()}: {' '.join(messages)}", field=name) from error
        event.save()
        # The programme's event date is the night's (its last day, for a night past midnight):
        # results are announced, withdrawals close and retention counts from it.
        night = timezone.localdate(event.ends_at or event.starts_at)
        Programme.objects.filter(pk=event.programme_id).exclude(event_date=night).update(event_date=night)
    return event


INVITATION_DETAIL_FIELDS = ("addressee_name", "addressee_email", "young_person_email", "invitee_name", "title")
# Who the invitation's e-mail and its links go to: a change re-addresses it (see invitation_resend).
ADDRESSEE_FIELDS = ("addressee_name", "addressee_email", "young_person_email")


def invitation_update_details(*, invitation: Invitation, actor, **values) -> Invitation:
    """Change who an invitation is addressed to (and, for non-finalists, who is invited and their title).
    A change of addressee is recorded, so the next resend closes the links the earlier one got."""

    _require_organiser(actor, invitation.event)
    unknown = set(values) - set(INVITATION_DETAIL_FIELDS)
    if unknown:
        raise EventError(f"Unknown field: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.kind == InvitationKind.FINALIST and values.get("invitee_name"):
            raise EventError("A finalist is named by their announce name, from the safeguarding check.", field="invitee_name")
        if any(getattr(locked, name) != values[name] for name in ADDRESSEE_FIELDS if name in values):
            locked.readdressed_at = timezone.now()
        for name, value in values.items():
            setattr(locked, name, value)
        try:
            locked.full_clean(exclude=["event", "nomination", "quote_approved_by"], validate_constraints=False)
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise EventError(f"{name.replace('_', ' ').capitalize()}: {' '.join(messages)}", field=name) from error
        locked.save()
        _history(locked, "events.invitation.details_changed", actor, from_status=locked.status, fields=sorted(values))
    return locked


# --- the young person's own say ("How you'd like to be celebrated") ----------------------------


@dataclass(frozen=True)
class OwnSayAnswer:
    publicity_level: str
    say_first_name: str
    say_last_name: str
    walk_on_music: str  # an approved track, or SURPRISE_ME
    photos: str
    sit_with: tuple[int, ...]
    easier: tuple[str, ...]
    speech: str


def celebration_choices_record(*, invitation: Invitation, answer: OwnSayAnswer, now: datetime | None = None) -> CelebrationChoices:
    """Record the young person's own say, given through their own link, all or nothing: their
    name and photographs on the nominee (never beyond the check: nominee_record_own_choices), the
    rest here. A quiet space reaches their line's access needs for the seating. Refusals name the
    field; every output reads the new choice at once."""
    now = now or timezone.now()
    if not has_own_say(invitation) or not link_is_open(invitation, now):
        raise LinkNotValid()
    if not choices_open(invitation, now):
        raise EventError("It is too close to the night to change your choices now. Please ask your carer to call us.", field="publicity_level")
    tracks = approved_tracks(invitation.event)
    if answer.walk_on_music != SURPRISE_ME and answer.walk_on_music not in tracks:
        raise EventError("Please choose a song from the list, or “Surprise me”.", field="walk_on_music")
    if answer.speech not in Speech.values:
        raise EventError("Please say whether you'd like to say something if you win.", field="speech")
    if any(code not in Easier.values for code in answer.easier):
        raise EventError("Please choose from the things listed.", field="easier")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update(of=("self",)).select_related("nomination__nominee", "event").get(pk=invitation.pk)
        party = {guest.pk: guest for guest in locked.guests.all()}
        if any(pk not in party or party[pk].position == 0 for pk in answer.sit_with):
            raise EventError("Please choose from the people coming with you.", field="sit_with")
        nominee_record_own_choices(
            nominee=locked.nomination.nominee,
            publicity_level=answer.publicity_level,
            photos=answer.photos,
            say_first_name=answer.say_first_name,
            say_last_name=answer.say_last_name,
        )
        choices, _ = CelebrationChoices.objects.select_for_update().get_or_create(invitation=locked)
        choices.walk_on_music = "" if answer.walk_on_music == SURPRISE_ME else answer.walk_on_music
        choices.sit_with = sorted(set(answer.sit_with))
        choices.easier = [code for code in Easier.values if code in answer.easier]
        choices.speech = answer.speech
        choices.answered_at = now
        choices.save()
        own_line = next((guest for guest in party.values() if guest.position == 0), None)
        if own_line is not None and Easier.QUIET_SPACE in answer.easier and AccessNeed.QUIET_SPACE not in own_line.access_needs:
            own_line.access_needs = [*own_line.access_needs, AccessNeed.QUIET_SPACE]
            own_line.save(update_fields=["access_needs"])
        _history(locked, "events.invitation.own_say_recorded", None, from_status=locked.status)
    return choices


def celebration_remind(*, invitation: Invitation, actor, now: datetime | None = None) -> CelebrationChoices:
    """Remind a young person who has not answered, through their carer (the invitation's
    addressee), with a new link to their page. Once a day at most."""
    _require_organiser(actor, invitation.event)
    now = now or timezone.now()
    if not has_own_say(invitation):
        raise EventError("This invitation has no young person's own say to remind about.")
    if invitation.status not in LINK_OPEN_STATUSES:
        raise EventError("Send the invitation first: the reminder goes to the carer it went to.")
    with transaction.atomic():
        choices, _ = CelebrationChoices.objects.select_for_update().get_or_create(invitation=invitation)
        if choices.answered_at is not None:
            raise EventError("They have already answered.")
        _queue_email(invitation, EmailKind.CELEBRATION_REMINDER, f"celebration-reminder:{invitation.pk}:{timezone.localdate(now)}")
        choices.reminded_at = now
        choices.save(update_fields=["reminded_at"])
        _history(invitation, "events.invitation.own_say_reminded", actor, from_status=invitation.status)
    return choices
