"""Worlds the tests of several apps build on: cleared finalists in confirmed shortlists, the
invitations world of the API tests and what its checks compare. The fixtures that return them are
in tests/conftest.py."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from awards.enums import NomineeKind, Role
from awards.models import ProgrammeRole
from events.enums import InvitationStatus, ShowView
from events.links import celebration_link_create, link_create
from events.models import Event, Guest, Invitation, InvitationHistory
from events.selectors import guest_name
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, rsvp_respond
from mail.models import EmailDelivery
from night.letters import letter_approve
from night.services import running_order_generate, tables_set, walk_in_add, winner_set
from night.show import show_key_create, show_operator_add
from nominations.enums import ConsentPurpose, NominationStatus, PersonKind, PublicityLevel
from nominations.models import Nomination
from nominations.services import nomination_link_create
from shortlisting.enums import PanelRole, ShortlistState
from shortlisting.models import Assignment, Conflict, Shortlist
from shortlisting.services import assignment_run, review_save

from .factories import (
    CategoryFactory,
    ConsentFactory,
    CriterionFactory,
    EventFactory,
    InvitationFactory,
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    PanelCategoryFactory,
    PanelFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    UserFactory,
    delivery_for,
)


def cleared_nominee(programme, **kwargs):
    """A nominee whose safeguarding check is complete, with consent to attend and be named."""
    nominee = NomineeFactory(
        programme=programme,
        **{
            "safeguarding_checked_at": timezone.now(),
            "attendance_safe": True,
            "publicity_level": PublicityLevel.FIRST_NAME,
            **kwargs,
        },
    )
    for purpose in (ConsentPurpose.NOMINATION, ConsentPurpose.ATTENDING, ConsentPurpose.NAME_READ_OUT):
        ConsentFactory(nominee=nominee, purpose=purpose)
    return nominee


def confirmed_finalists(programme, category, nominees):
    """Shortlisted nominations in a confirmed shortlist of `category`, one per nominee."""
    nominations = [
        NominationFactory(programme=programme, category=category, nominee=n, status=NominationStatus.SHORTLISTED)
        for n in nominees
    ]
    shortlist = Shortlist.objects.create(
        category=category, panel=PanelFactory(programme=programme), state=ShortlistState.CONFIRMED
    )
    shortlist.finalists.set(nominations)
    return nominations


ROLES = ("anonymous", "nominator", "staff", "event_staff", "panel_member", "other_organiser", "organiser")
OUTSIDERS = ("nominator", "staff", "event_staff", "panel_member", "other_organiser")

# Names that must never reach anyone through the invitations API: the finalists' legal surnames
# (their publicity level shows a first name only, or nothing).
SECRET_SURNAMES = ("Featherstonehaugh", "Quillfeather")


@dataclass
class World:
    event: Event
    organiser: object
    sent: Invitation  # Rowan's finalist invitation, sent; announce name "Rowan"
    blocked: Invitation  # Sable's finalist invitation, a draft the safeguarding gate holds back
    presenter: Invitation  # a draft presenter's invitation, free to send
    token: str  # a live private link of `sent`
    failed: EmailDelivery  # a reminder about `sent` that used every retry


def snapshot() -> tuple:
    """Everything a write could change, to show that a refused one changed nothing."""
    return (
        list(Event.objects.order_by("pk").values_list()),
        list(Invitation.objects.order_by("pk").values_list()),
        list(Guest.objects.order_by("pk").values_list()),
        list(EmailDelivery.objects.order_by("pk").values_list()),
        list(InvitationHistory.objects.order_by("pk").values_list()),
    )


LINK = re.compile(r"/rsvp/([A-Za-z0-9_-]{20,})/")


def token_from(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def guests_by_name(event, audience="room") -> dict:
    """The event's guests by the name `audience` sees (a finalist's own line keeps no name of its
    own: it is composed from the nominee, events.selectors.guest_name)."""
    guests = Guest.objects.filter(event=event).select_related(
        "table", "invitation__nomination__nominee", "invitation__nomination__group"
    )
    return {guest_name(g, audience): g for g in guests}


# --- the access world: one of everything, seen by every role ---------------------------------


def user_with_role(programme, role: str, username: str | None = None):
    user = UserFactory(**({"username": username} if username else {}))
    ProgrammeRoleFactory(programme=programme, user=user, role=role)
    return user


# The access world's markers: identity, safeguarding notes and a member's score that some roles must never see.
ACCESS_SECRETS = {
    "legal surname": "Quartermaine",
    "date of birth": "2011-02-03",
    "area": "Hidden Hollow",
    "safeguarding notes": "Placement-Secret-Note",
}
OTHERS_SCORE = "Chair-Score-Comment-Marker"


@dataclass
class AccessWorld:
    users: dict
    ids: dict  # name -> id or slug of this programme's objects
    tokens: dict  # the private links: "rsvp" (the finalist's invitation), "nomination" (the nominator's), "celebrate" (the young person's own)


def access_world() -> AccessWorld:
    """One programme with something of every kind, for the access matrix and the fuzz test
    (tests/test_access_matrix.py, tests/test_fuzz.py): organisers of it and of another programme,
    allocated and other staff, event staff, a nominator with an account; a panel with a chair, a
    member, a conflicted member and a young member; a finalist with identity markers, recorded as
    winner before the night; an eligible nomination the chair has scored; a group nomination and an
    adult's (PROUD+); the event with the finalist's invitation accepted with a guest, a presenter's
    invitation accepted, a walk-in who has arrived, a running order, a table and a failed e-mail."""
    programme = ProgrammeFactory(slug="ours")
    ProgrammeFactory(slug="theirs")
    users = {
        "organiser": user_with_role(programme, Role.ORGANISER, "organiser"),
        "organiser_other": user_with_role(ProgrammeFactory(), Role.ORGANISER, "organiser-other"),
        "staff_allocated": user_with_role(programme, Role.STAFF, "staff-allocated"),
        "staff_other": user_with_role(programme, Role.STAFF, "staff-other"),
        "event_staff": user_with_role(programme, Role.EVENT_STAFF, "door"),
        "nominator": UserFactory(username="nominator"),
    }
    category = CategoryFactory(programme=programme, name="Education", max_finalists=2)
    secrets = ACCESS_SECRETS
    CriterionFactory(category=category, name="Impact", max_score=5)
    panel = PanelCategoryFactory(panel__programme=programme, category=category).panel
    users["chair"] = PanelMemberFactory(panel=panel, role=PanelRole.CHAIR, user__username="chair").user
    members = {
        "panel_member": PanelMemberFactory(panel=panel, user__username="member"),
        "panel_conflicted": PanelMemberFactory(panel=panel, user__username="conflicted"),
        "young_panel": PanelMemberFactory(panel=panel, user__username="young", is_young_person=True),
    }
    users.update({name: member.user for name, member in members.items()})

    secret = cleared_nominee(
        programme, legal_first_name="Persephone", legal_last_name=secrets["legal surname"],
        date_of_birth=dt.date.fromisoformat(secrets["date of birth"]), area=secrets["area"],
        safeguarding_notes=secrets["safeguarding notes"], allocated_worker=users["staff_allocated"],
        publicity_level=PublicityLevel.FIRST_NAME,
    )
    (finalist,) = confirmed_finalists(programme, category, [secret])
    finalist.nominator_user = users["nominator"]
    finalist.save()
    eligible = NominationFactory(programme=programme, category=category, status=NominationStatus.ELIGIBLE)
    Shortlist.objects.filter(category=category).update(state="open")  # open again, so panels can act on it
    assignment_run(panel=panel, actor=users["organiser"])
    Conflict.objects.create(member=members["panel_conflicted"], nominee=secret, source="declared", reason="Knows them")
    # The chair has scored the eligible nomination; the other members have not scored it yet.
    chair_assignment = Assignment.objects.get(member__user=users["chair"], nomination=eligible)
    review_save(assignment=chair_assignment, actor=users["chair"], scores={category.criteria.get().pk: 4}, comment=OTHERS_SCORE, submit=True)
    Shortlist.objects.filter(category=category).update(state="confirmed")

    event = EventFactory(programme=programme)
    (invitation,) = finalist_invitations_create(event=event, actor=users["organiser"]).created
    invitation.status = InvitationStatus.SENT
    invitation.save()
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""), GuestInput(name="Jo", relationship="carer"))))
    items = running_order_generate(event=event, actor=users["organiser"])
    award = next(i for i in items if i.kind == "award")
    winner_set(item=award, actor=users["organiser"], nomination=finalist)  # recorded, not revealed
    # The panel's result too, with the night still to come: a finalist to all but the organiser.
    Nomination.objects.filter(pk=finalist.pk).update(status=NominationStatus.WINNER)
    tables_set(event=event, actor=users["organiser"], tables=[(1, 10, True)])

    # Nominees of the other kinds: a group (no one nominee) and an adult (no cohort).
    team = CategoryFactory(programme=programme, name="Team Effort", nominee_kind=NomineeKind.GROUP)
    group = NomineeGroupFactory(programme=programme, name="The Garden Project")
    group_members = [cleared_nominee(programme), cleared_nominee(programme)]
    group.members.set(group_members)
    NominationFactory(programme=programme, category=team, nominee=None, group=group, status=NominationStatus.ELIGIBLE)
    proud_plus = CategoryFactory(programme=programme, name="PROUD+", nominee_kind=NomineeKind.ADULT)
    adult = NomineeFactory(programme=programme, kind=PersonKind.ADULT, cohort="", date_of_birth=None)
    NominationFactory(programme=programme, category=proud_plus, nominee=adult, status=NominationStatus.ELIGIBLE)
    # Invitations and guests of the other kinds: a presenter's (no nomination) and a walk-in (no invitation).
    presenter = InvitationFactory(event=event, status=InvitationStatus.SENT, title="High Sheriff")
    rsvp_respond(invitation=presenter, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""),)))
    walk_in = walk_in_add(event=event, actor=users["organiser"], name="Sam Walker", table=event.tables.first())
    draft_invitation = InvitationFactory(event=event, title="County Councillor")
    # The nominator's own draft, not submitted yet.
    draft = NominationFactory(
        programme=programme, category=team, nominee=None, group=NomineeGroupFactory(programme=programme, name="Choir"),
        status=NominationStatus.DRAFT, submitted_at=None, nominator_user=users["nominator"],
    )

    letter_approve(nomination=finalist, actor=users["organiser"], quote="Never gave up.", nominator_named=False)
    show_key, _ = show_key_create(event=event, actor=users["organiser"], view=ShowView.SCREEN, label="Projector")
    operator = show_operator_add(event=event, actor=users["organiser"], username=UserFactory(username="show-operator").username)

    delivery = delivery_for(invitation, kind="reminder", key="matrix", status="failed", next_attempt_at=timezone.now())
    ids = {
        "programme": programme.slug,
        "category": category.pk,
        "criterion": category.criteria.first().pk,
        "nomination": finalist.pk,
        "my_nomination": finalist.pk,
        "nominee": secret.pk,
        "panel": panel.pk,
        "assignment": Assignment.objects.get(member=members["panel_member"], nomination=eligible).pk,
        "shortlist": category.pk,
        "event": event.pk,
        "invitation": invitation.pk,
        "guest": Guest.objects.filter(invitation=invitation).first().pk,
        "running_order_item": award.pk,
        "running_order_items": [item.pk for item in items],
        "email_delivery": delivery.pk,
        "show_key": show_key.pk,
        "show_operator": operator.pk,
        "table": event.tables.first().pk,
        # More objects of the kinds above, in the states some commands need.
        "other_programme": ProgrammeRole.objects.get(user=users["organiser_other"]).programme.slug,
        "eligible_nomination": eligible.pk,
        "draft_nomination": draft.pk,
        "group_member": group_members[0].pk,
        "walk_in": walk_in.pk,
        "panel_member": members["panel_member"].pk,
        "draft_invitation": draft_invitation.pk,
        "category_slug": category.slug,
        "team_slug": team.slug,
    }
    tokens = {
        "rsvp": link_create(invitation),
        "nomination": nomination_link_create(finalist),
        "celebrate": celebration_link_create(invitation),
    }
    return AccessWorld(users=users, ids=ids, tokens=tokens)
