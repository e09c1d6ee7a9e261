"""Reads of the event: what someone may see of it (scoped to the programmes they organise or work
at), the safeguarding gate of an invitation, who is invited and how they are named, responses at a
glance, and the programme's failed e-mail."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Substr, Trim
from django.utils import timezone
from django.utils.text import capfirst

from awards.enums import Role
from awards.rules import programme_ids_with_role
from mail.delivery import STUCK_AFTER
from mail.enums import DeliveryStatus
from mail.models import EmailDelivery
from nominations.enums import ConsentPurpose, PhotoChoice
from nominations.models import Consent, Nomination, Nominee
from nominations.naming import Audience, nomination_name, photos_in_room, words_for
from nominations.selectors import hash_token, nominations_with_identity_for
from shortlisting.enums import ShortlistState
from shortlisting.models import PanelMember, Shortlist

from .enums import AccessNeed, Dietary, Easier, InvitationKind, InvitationStatus
from .models import CelebrationChoices, CelebrationLink, Event, Guest, Invitation, InvitationLink
from .rules import CARER_RELATIONSHIPS, FINALIST_STATUSES, has_own_say, link_is_open


def invitation_link_for_token(token: str, now: datetime | None = None) -> InvitationLink | None:
    """The private link a token is, with its invitation, or None for any token that is not one now
    (wrong, revoked, expired, after the event, or closed when the invitation was resent to someone
    else): the caller shows one page for all of these."""
    if not token or len(token) > 128:
        return None
    link = (
        InvitationLink.objects.select_related("invitation__event", "invitation__nomination__category")
        .filter(token_hash=hash_token(token), closed_at__isnull=True)
        .first()
    )
    if link is None or not link_is_open(link.invitation, now):
        return None
    return link


def invitation_for_token(token: str, now: datetime | None = None) -> Invitation | None:
    """The invitation a private link opens now, or None (see invitation_link_for_token)."""
    link = invitation_link_for_token(token, now)
    return link.invitation if link is not None else None


def invitation_for_session(invitation_id, now: datetime | None = None, *, link_id=None) -> Invitation | None:
    """The invitation the session a link opened holds, while that link still opens it (a session
    from before links were remembered, without `link_id`, holds it as long as the invitation is open)."""
    if invitation_id is None:
        return None
    if link_id is not None and not InvitationLink.objects.filter(pk=link_id, invitation_id=invitation_id, closed_at__isnull=True).exists():
        return None
    invitation = (
        Invitation.objects.select_related(
            "event__programme", "nomination__category", "nomination__nominee", "nomination__group"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not link_is_open(invitation, now):
        return None
    return invitation


def events_organised_by(user) -> QuerySet[Event]:
    return Event.objects.filter(programme_id__in=programme_ids_with_role(user, Role.ORGANISER)).select_related("programme")


def _current_consents() -> Prefetch:
    return Prefetch("consents", queryset=Consent.objects.filter(withdrawn_at__isnull=True), to_attr="current_consents")


def invitations_for_organiser(event: Event) -> QuerySet[Invitation]:
    """Every invitation of the event with what the organiser's list and the gate need, in a fixed
    number of queries whatever the number of invitations."""
    return (
        Invitation.objects.filter(event=event)
        .select_related("event", "nomination__category", "nomination__nominee", "nomination__group")
        .prefetch_related(
            "guests",
            "deliveries",
            Prefetch("nomination__nominee__consents", queryset=Consent.objects.filter(withdrawn_at__isnull=True), to_attr="current_consents"),
            Prefetch("nomination__group__members", queryset=Nominee.objects.prefetch_related(_current_consents())),
        )
        .order_by("kind", "nomination__category__name", "id")
    )


def invitations_at_a_glance(event: Event) -> list[Invitation]:
    """Every invitation of the event with only what the organiser's event page reads, in a fixed
    number of queries: the gate's consent to attend (`current_consents`), the e-mails worth a
    word (`deliveries_to_watch`: failed, being retried, or claimed for sending) and the number of
    guests coming besides the invitee (`guests_coming`). A thousand invitations are read in well
    under the time the full `invitations_for_organiser` takes, which also loads every guest and
    every consent (benchmarks: the capacity run's organisers)."""
    attending = Consent.objects.filter(withdrawn_at__isnull=True, purpose=ConsentPurpose.ATTENDING).only(
        "id", "nominee_id", "purpose", "given", "withdrawn_at"
    )
    watched = EmailDelivery.objects.filter(
        Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, attempts__gt=0) | Q(status=DeliveryStatus.SENDING)
    )
    invitations = list(
        Invitation.objects.filter(event=event)
        .select_related("nomination__category", "nomination__nominee", "nomination__group")
        .prefetch_related(
            Prefetch("deliveries", queryset=watched, to_attr="deliveries_to_watch"),
            Prefetch("nomination__nominee__consents", queryset=attending, to_attr="current_consents"),
            Prefetch("nomination__group__members", queryset=Nominee.objects.prefetch_related(
                Prefetch("consents", queryset=attending, to_attr="current_consents"))),
        )
        .order_by("kind", "nomination__category__name", "id")
    )
    coming = dict(
        Guest.objects.filter(invitation__event=event, position__gt=0).values("invitation_id").annotate(n=Count("id")).values_list("invitation_id", "n")
    )
    for invitation in invitations:
        invitation.event = event
        invitation.guests_coming = coming.get(invitation.pk, 0)
    return invitations


def rsvp_session_valid(started_at: float | None, now: datetime | None = None, minutes: int = 120) -> bool:
    now = now or timezone.now()
    return started_at is not None and now.timestamp() - started_at < minutes * 60


def needs_totals(event: Event) -> dict:
    """Dietary and access totals over everyone coming (accepted invitations), one query."""

    dietary = {code: 0 for code in Dietary.values}
    access = {code: 0 for code in AccessNeed.values}
    other_dietary = transport = photography_refused = 0
    rows = Guest.objects.filter(invitation__event=event, invitation__status=InvitationStatus.ACCEPTED).values_list(
        "dietary", "dietary_other", "access_needs", "photography_consent", "transport_needed"
    )
    guests = 0
    for diet, diet_other, needs, photo, transport_needed in rows:
        guests += 1
        for code in diet:
            dietary[code] = dietary.get(code, 0) + 1
        other_dietary += bool(diet_other)
        for code in needs:
            access[code] = access.get(code, 0) + 1
        photography_refused += not photo
        transport += transport_needed
    return {
        "guests": guests,
        "dietary": dietary,
        "dietary_other": other_dietary,
        "access": access,
        "transport_needed": transport,
        "no_photographs": photography_refused,
    }


def door_programme_ids(user) -> list[int]:
    """Programmes whose event night `user` works: as an organiser or as event staff."""
    return sorted(set(programme_ids_with_role(user, Role.ORGANISER)) | set(programme_ids_with_role(user, Role.EVENT_STAFF)))


def events_at_the_door(user) -> QuerySet[Event]:
    """Events whose door the user works."""
    return Event.objects.filter(programme_id__in=door_programme_ids(user)).select_related("programme")


def coming(guests: QuerySet) -> QuerySet:
    """Of these guests, those expected on the night: under an accepted invitation, or walk-ins."""

    return guests.filter(Q(invitation__status=InvitationStatus.ACCEPTED) | Q(invitation__isnull=True))


def guests_coming(event: Event) -> QuerySet:
    """Everyone expected at this event."""

    return coming(Guest.objects.filter(event=event))


# --- the safeguarding gate, who is invited, responses at a glance -----------------------------


def _nominee_gate_problems(nominee: Nominee, current_consents: dict[str, bool], who: str = "") -> list[str]:
    prefix = f"{who}: " if who else ""
    problems = []
    if nominee.safeguarding_checked_at is None:
        problems.append(f"{prefix}the safeguarding check has not been recorded.")
    elif nominee.attendance_safe is not True:
        problems.append(f"{prefix}the safeguarding check does not confirm that attending is safe.")
    if current_consents.get(ConsentPurpose.ATTENDING) is not True:
        problems.append(f"{prefix}no consent to attend the event is recorded.")
    return problems


def gate_problems(invitation: Invitation) -> list[str]:
    """Why this invitation may not be sent yet; empty when it may. Only finalists pass a gate
    (DESIGN.md rule 3 and 4): the nomination is still in the final, and each young person's
    safeguarding check is complete with attending safe, and consent to attend is recorded.

    Reads the nominee's consents from `nominee.current_consents` when a selector has prefetched
    them, so the organiser's list asks the database a fixed number of times."""
    if invitation.kind != InvitationKind.FINALIST:
        return []
    nomination = invitation.nomination
    problems = []
    if nomination.status not in FINALIST_STATUSES:
        problems.append(f"The nomination is {nomination.get_status_display().lower()}, not in the final.")
    people: list[Nominee] = []
    if nomination.group_id is not None:
        people = list(nomination.group.members.all())
        if not people:
            problems.append("The group's young people are not linked to their records, so their checks cannot be confirmed.")
    else:
        people = [nomination.nominee]
    for index, nominee in enumerate(people, start=1):
        consents = getattr(nominee, "current_consents", None)
        if consents is None:
            consents = list(nominee.consents.filter(withdrawn_at__isnull=True))
        current = {c.purpose: c.given for c in consents if c.withdrawn_at is None}
        problems += _nominee_gate_problems(nominee, current, who=f"Young person {index}" if len(people) > 1 else "")
    return problems


def nominee_gate_problems(nominee: Nominee) -> list[str]:
    """What stops one young person passing the gate now: the check and the consent to attend."""
    current = {c.purpose: c.given for c in nominee.consents.filter(withdrawn_at__isnull=True)}
    return _nominee_gate_problems(nominee, current)


@dataclass
class Waiting:
    """A finalist (one young person) the safeguarding gate holds back, and why."""

    nominee: Nominee
    nomination: Nomination
    problems: list[str]
    invitation: Invitation | None


def finalists_waiting(user) -> list[Waiting]:
    """Every young person in a confirmed final whom the gate holds back, among those whose
    identity `user` may read (the programmes they organise, the young people allocated to them),
    in a fixed number of queries."""
    from_scope = nominations_with_identity_for(user).values("pk")
    shortlists = Shortlist.objects.filter(state=ShortlistState.CONFIRMED)
    nominations = list(
        Nomination.objects.filter(pk__in=from_scope, status__in=FINALIST_STATUSES)
        .filter(pk__in=shortlists.values("finalists"))
        .select_related("category", "programme", "nominee", "group")
        .prefetch_related(
            Prefetch("nominee__consents", queryset=Consent.objects.filter(withdrawn_at__isnull=True), to_attr="current_consents"),
            Prefetch("group__members", queryset=Nominee.objects.prefetch_related(_current_consents())),
        )
        .order_by("programme__name", "category__name", "reference")
    )
    invitations = {
        i.nomination_id: i for i in Invitation.objects.filter(nomination__in=nominations).exclude(status=InvitationStatus.REVOKED)
    }
    waiting = []
    for nomination in nominations:
        people = list(nomination.group.members.all()) if nomination.group_id else [nomination.nominee]
        for nominee in people:
            current = {c.purpose: c.given for c in nominee.current_consents}
            problems = _nominee_gate_problems(nominee, current)
            if problems:
                waiting.append(Waiting(nominee, nomination, problems, invitations.get(nomination.pk)))
    return waiting


def responsible_adult(nomination: Nomination) -> tuple[str, str]:
    """Who a finalist's invitation is addressed to: a carer who nominated, else the allocated
    worker, else the nominator."""
    if nomination.nominator_relationship in CARER_RELATIONSHIPS:
        return nomination.nominator_name, nomination.nominator_email
    worker = nomination.nominee.allocated_worker if nomination.nominee_id else None
    if worker is not None and worker.email:
        return (worker.get_full_name() or worker.get_username()), worker.email
    return nomination.nominator_name, nomination.nominator_email


def invitee_name(invitation: Invitation, audience: str = Audience.ROOM) -> str:
    """Who is invited, as `audience` may see it (nominations.naming): a finalist by the name that
    audience sees (the room's announce name unless said otherwise); a presenter, performer or VIP
    by their own name."""
    if invitation.kind == InvitationKind.FINALIST:
        return nomination_name(audience, invitation.nomination, number=invitation.pk)
    return invitation.invitee_name or invitation.addressee_name


def approved_words(invitation: Invitation) -> str:
    """The nominator's words an organiser approved for this invitation ("" when none), as the room
    may hear them now: approval refuses words that name the young person too much, and a publicity
    level lowered since is honoured when the words are read (nominations.naming.words_for)."""
    if not invitation.quote or invitation.quote_approved_at is None:
        return ""
    if invitation.kind != InvitationKind.FINALIST:
        return invitation.quote
    return words_for(Audience.ROOM, invitation.quote, invitation.nomination)


# --- guests' names -----------------------------------------------------------------------------
# A finalist's own line among the guests holds no name (no copy of a derived name is stored): it
# is composed from the nominee when read, so a change to the publicity level, consent or the
# preferred name shows everywhere at once. Every other guest's name is the one typed for them.


def is_finalist_line(guest: Guest) -> bool:
    return guest.position == 0 and guest.invitation_id is not None and guest.invitation.kind == InvitationKind.FINALIST


def guest_name(guest: Guest, audience: str = Audience.EVENT_TEAM, *, with_name: str = "") -> str:
    """A guest as `audience` names them: the event team (door, floor, seating) by default. For a
    finalist's own line the name comes from the nominee (its invitation, nomination and nominee
    loaded); `with_name` is the first guest they bring, for the event team's neutral label."""
    if not is_finalist_line(guest):
        return guest.name
    if audience != Audience.EVENT_TEAM:
        return nomination_name(audience, guest.invitation.nomination)
    table = guest.table.number if guest.table_id else None
    return nomination_name(
        audience, guest.invitation.nomination, number=guest.invitation_id, table=table, with_name=with_name
    )


def needs_in_words(guest: Guest) -> dict[str, str]:
    """A guest's answers as the carer would say them: "Vegetarian, Nut allergy", never the codes."""
    dietary, access = dict(Dietary.choices), dict(AccessNeed.choices)
    food = [dietary.get(code, code) for code in guest.dietary] + ([guest.dietary_other] if guest.dietary_other else [])
    needs = [access.get(code, code) for code in guest.access_needs if code != AccessNeed.OTHER]
    needs += [guest.access_other] if guest.access_other else []
    return {
        "food": ", ".join(food),
        "access": ", ".join(needs),
        "photographs": "may be photographed" if guest.photography_consent else "not to be photographed",
    }


def named_party(invitation: Invitation, audience: str) -> list[Guest]:
    """An invitation's guests in order, each with `shown`: their name as `audience` sees it, and
    `needs`: their answers in words (the invitation's nomination and nominee loaded)."""
    party = list(invitation.guests.order_by("position"))
    companion = next((g.name for g in party if g.position == 1), "")
    for guest in party:
        guest.invitation = invitation
        guest.shown = guest_name(guest, audience, with_name=companion)
        guest.needs = needs_in_words(guest)
    return party


def guest_text(guest: Guest, text: str, audience: str = Audience.EVENT_TEAM) -> str:
    """What a carer typed about their party (food, access needs), as `audience` may read it: the
    finalist's names beyond the audience's name changed to it ("Kian Brennan's chair" -> "Kian
    B.'s chair" at the door). The guest's invitation, nomination and nominee loaded."""
    if not text or guest.invitation_id is None or guest.invitation.kind != InvitationKind.FINALIST:
        return text
    return words_for(audience, text, guest.invitation.nomination)


def finalists_companions(guests) -> dict[int, str]:
    """For each finalist's invitation among `guests`, the name of the first guest they bring (the
    event team's neutral label says who they are with), in one query."""
    invitation_ids = {g.invitation_id for g in guests if g.position == 0 and g.invitation_id}
    if not invitation_ids:
        return {}
    return dict(
        Guest.objects.filter(invitation_id__in=invitation_ids, position=1).values_list("invitation_id", "name")
    )


_NOMINEE = "invitation__nomination__nominee__"


def guest_name_expression():
    """The event team's name of a guest, in SQL, to search and sort a list of thousands at the
    door: what guest_name gives, without the neutral label's table and companion (a search for
    "Finalist" finds those lines). tests/events/test_guest_names.py holds the two to the same
    answers."""
    finalist = Q(position=0, invitation__kind=InvitationKind.FINALIST)
    first = Coalesce(NullIf(Trim(f"{_NOMINEE}preferred_name"), Value("")), Trim(f"{_NOMINEE}legal_first_name"))
    last = Trim(f"{_NOMINEE}legal_last_name")
    return Case(
        When(finalist & Q(invitation__nomination__group__isnull=False), then=F("invitation__nomination__group__name")),
        When(
            finalist & Q(**{f"{_NOMINEE}named_to_event_staff": True}) & ~Q(**{f"{_NOMINEE}legal_last_name__regex": r"\S"}),
            then=first,
        ),
        When(
            finalist & Q(**{f"{_NOMINEE}named_to_event_staff": True}),
            then=Concat(first, Value(" "), Substr(last, 1, 1), Value(".")),
        ),
        When(finalist, then=Concat(Value("Finalist no. "), Cast("invitation_id", CharField()))),
        default=F("name"),
        output_field=CharField(),
    )


def event_counts(event: Event) -> dict:
    """Responses at a glance for the organiser."""
    by_status = dict(event.invitations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "invitations": sum(by_status.values()),
        "accepted": by_status.get(InvitationStatus.ACCEPTED, 0),
        "declined": by_status.get(InvitationStatus.DECLINED, 0),
        "waiting": by_status.get(InvitationStatus.SENT, 0) + by_status.get(InvitationStatus.QUEUED, 0),
        "draft": by_status.get(InvitationStatus.DRAFT, 0),
        "revoked": by_status.get(InvitationStatus.REVOKED, 0),
        "expired": by_status.get(InvitationStatus.EXPIRED, 0),
        "capacity": event.capacity,
        "seats_taken": event.seats_taken,
        "seats_left": event.capacity - event.seats_taken,
        "failed_emails": EmailDelivery.objects.filter(
            invitation__event=event, status=DeliveryStatus.FAILED
        ).count(),
        "retrying_emails": EmailDelivery.objects.filter(
            Q(invitation__event=event, status=DeliveryStatus.PENDING, attempts__gt=0)
        ).count(),
    }


# --- the programme's other e-mail in the outbox -----------------------------------------------


@dataclass
class OtherDelivery:
    """A message of the programme that is not about an invitation (a nominator's receipt, a panel
    member's invitation or reminder …), as organisers see it when it failed."""

    delivery: EmailDelivery
    about: str


def _about(delivery: EmailDelivery, nominations: dict[int, str], members: dict[int, str]) -> str:
    model = delivery.content_type.model
    if model == "nomination":
        return f"Nomination {nominations.get(delivery.object_id, delivery.object_id)} (to its nominator)"
    if model == "panelmember":
        return f"Panel member {members.get(delivery.object_id, delivery.object_id)}"
    return f"{capfirst(delivery.content_type.name)} #{delivery.object_id}"


def other_failed_deliveries(event: Event, now: datetime | None = None) -> list[OtherDelivery]:
    """The programme's messages that used every retry (or stopped while sending) and are not about
    an invitation, in a fixed number of queries. Invitations' own are shown with them."""
    stuck_before = (now or timezone.now()) - STUCK_AFTER
    deliveries = list(
        EmailDelivery.objects.filter(programme_id=event.programme_id)
        .exclude(content_type=ContentType.objects.get_for_model(Invitation))
        .filter(Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.SENDING, updated_at__lt=stuck_before))
        .select_related("content_type")
        .order_by("updated_at", "pk")
    )
    ids = defaultdict(set)
    for delivery in deliveries:
        ids[delivery.content_type.model].add(delivery.object_id)
    nominations = dict(Nomination.objects.filter(pk__in=ids["nomination"]).values_list("pk", "reference"))
    members = dict(PanelMember.objects.filter(pk__in=ids["panelmember"]).values_list("pk", "user__username"))
    return [OtherDelivery(delivery, _about(delivery, nominations, members)) for delivery in deliveries]


# --- people on stage --------------------------------------------------------------------------


@dataclass(frozen=True)
class OnStage:
    """A presenter, compere or VIP as the night names them: their invitation, name and title."""

    id: int
    name: str
    title: str

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


def on_stage(invitation: Invitation) -> OnStage:
    """The one place a person on stage is named (running order and compere script pages, API and
    workbook)."""
    return OnStage(id=invitation.pk, name=invitee_name(invitation), title=invitation.title)


# --- the young person's own say ("How you'd like to be celebrated") ----------------------------


def celebration_link_for_token(token: str, now: datetime | None = None) -> CelebrationLink | None:
    """The young person's link a token is, or None for any token that is not one now (wrong,
    closed, after the night, or an invitation no longer open): one neutral page for all."""
    if not token or len(token) > 128:
        return None
    link = (
        CelebrationLink.objects.select_related("invitation__event", "invitation__nomination__nominee")
        .filter(token_hash=hash_token(token), closed_at__isnull=True)
        .first()
    )
    if link is None or not link_is_open(link.invitation, now) or not has_own_say(link.invitation):
        return None
    return link


def celebration_for_session(invitation_id, link_id, now: datetime | None = None) -> Invitation | None:
    """The invitation a young person's session holds, while its link still opens it."""
    if invitation_id is None or link_id is None:
        return None
    if not CelebrationLink.objects.filter(pk=link_id, invitation_id=invitation_id, closed_at__isnull=True).exists():
        return None
    invitation = (
        Invitation.objects.select_related("event__programme", "nomination__category", "nomination__nominee")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not link_is_open(invitation, now) or not has_own_say(invitation):
        return None
    return invitation


def approved_tracks(event: Event) -> list[str]:
    """The walk-on tracks the organisers approved, in their order."""
    return list(dict.fromkeys(line.strip() for line in event.walk_on_music_choices.splitlines() if line.strip()))


def celebration_choices(invitation: Invitation) -> CelebrationChoices | None:
    return CelebrationChoices.objects.filter(invitation=invitation).first()


def party_to_sit_with(invitation: Invitation) -> list[Guest]:
    """The people in their party (everyone but themselves), named as the young person knows them."""
    return [guest for guest in invitation.guests.order_by("position") if guest.position > 0]


@dataclass
class OwnSay:
    """One finalist's own say, for the organisers' list."""

    invitation: Invitation
    name: str
    answered_at: datetime | None
    reminded_at: datetime | None
    choices: CelebrationChoices | None
    room_name: str = ""
    photos: str = ""
    sit_with: str = ""
    easier: str = ""


def own_say_for_organiser(event: Event) -> list[OwnSay]:
    """Every finalist with their own say, answered or not: the organiser sees the known name
    (they hold identity; the list needs no more)."""
    invitations = (
        Invitation.objects.filter(event=event, kind=InvitationKind.FINALIST, nomination__nominee__isnull=False)
        .select_related("nomination__nominee", "nomination__category", "event", "celebration")
        .prefetch_related("guests")
        .order_by("nomination__category__name", "pk")
    )
    rows = []
    for invitation in invitations:
        if not has_own_say(invitation):
            continue
        choices = getattr(invitation, "celebration", None)
        nominee = invitation.nomination.nominee
        party = {guest.pk: guest.name for guest in invitation.guests.all() if guest.position > 0}
        rows.append(
            OwnSay(
                invitation=invitation,
                name=nomination_name(Audience.KNOWN, invitation.nomination),
                answered_at=choices.answered_at if choices else None,
                reminded_at=choices.reminded_at if choices else None,
                choices=choices,
                room_name=nomination_name(Audience.ROOM, invitation.nomination),
                photos=PhotoChoice(photos_in_room(nominee)).label,
                sit_with=", ".join(party[pk] for pk in (choices.sit_with if choices else []) if pk in party),
                easier="; ".join(Easier(code).label for code in (choices.easier if choices else []) if code in Easier.values),
            )
        )
    return rows
