"""No name leaks, by construction (DESIGN.md rule 1, nominations.naming).

A programme built to leak: names in every free-text field (statements, the "anything else" note,
an approved quote, pronunciation, guests' food and access notes, hashtags and e-mail addresses),
namesakes between finalists and guests, every publicity level, a young person the door may not
know by name, and a publicity level lowered after the RSVP, the seating, the running order and an
approved quote already exist. Then, for every audience, every page, every API read operation in the
schema, the private links, the exports and every e-mail that audience reaches is requested, and
no answer may carry a name beyond what that audience may see.

A person may always be shown words they wrote themselves (a nominator's statement), so an
audience's forbidden words leave out its own; the world is built so that what they wrote does not
hide a leak of something else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from io import BytesIO

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from awards.enums import Role
from events.enums import InvitationStatus
from events.links import link_create
from events.models import Guest, Invitation
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, invitations_send, quote_approve, rsvp_respond
from night.services import running_order_generate, seating_assign, tables_set
from nominations.enums import ConsentPurpose, PublicityLevel
from nominations.models import Nomination
from nominations.services import consent_withdraw, nomination_link_create
from shortlisting.enums import PanelRole
from shortlisting.models import Shortlist
from shortlisting.services import assignment_run, panel_send_reminders
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, CriterionFactory, EventFactory, PanelCategoryFactory, PanelMemberFactory, UserFactory
from tests.test_access_matrix import api_operations, page_patterns
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db

# Each finalist's names, and which of them each audience may never be shown.
KIAN = dict(legal_first_name="Kian", legal_last_name="Brennan", say_first_name="KEE-an", say_last_name="BRENN-an")
CHI = dict(legal_first_name="Chiamaka", legal_last_name="Obiora", preferred_name="Chi", say_first_name="CHEE")
ZOE = dict(legal_first_name="Zoë", legal_last_name="O'Neill-Hughes", say_first_name="ZOH-ee", say_last_name="oh-NEEL-hyooz")
AMIRA = dict(legal_first_name="Amira", legal_last_name="Khanum", say_first_name="ah-MEER-ah")

# Words that name each finalist beyond what the room (and the event team) may hear.
KIAN_SURNAME = ["Brennan", "BRENN-an", "KianBrennan", "kian.brennan"]
CHI_LEGAL = ["Chiamaka", "Obiora"]
ZOE_ALL = ["Zoë", "Zoe", "ZOH-ee", "O'Neill", "ONeill", "Hughes", "oh-NEEL"]
AMIRA_SURNAME = ["Khanum"]
EVERY_SURNAME = [*KIAN_SURNAME, *CHI_LEGAL, *ZOE_ALL, *AMIRA_SURNAME]
FIRST_NAMES = ["Kian", "Amira", "Chiamaka", "Zoë", "Zoe"]


@dataclass
class Leaky:
    users: dict
    ids: dict
    tokens: dict  # private links: nominator's and the responsible adult's
    emails: list = field(default_factory=list)


def _accept(invitation, *party):
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.SENT)
    invitation.refresh_from_db()
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""), *party)))


@pytest.fixture
def leaky(db, django_capture_on_commit_callbacks) -> Leaky:
    programme = EventFactory().programme
    event = programme.event
    organiser = user_with_role(programme, Role.ORGANISER, "organiser")
    category = CategoryFactory(programme=programme, name="Positive Choices", max_finalists=4)
    CriterionFactory(category=category)
    kian = cleared_nominee(programme, **KIAN, publicity_level=PublicityLevel.FULL_NAME)
    chi = cleared_nominee(programme, **CHI, publicity_level=PublicityLevel.FIRST_NAME_INITIAL)
    zoe = cleared_nominee(programme, **ZOE, publicity_level=PublicityLevel.ANONYMOUS, named_to_event_staff=False)
    amira = cleared_nominee(programme, **AMIRA, publicity_level=PublicityLevel.FULL_NAME)
    nominator = UserFactory(username="nominator")
    nominations = confirmed_finalists(programme, category, [kian, chi, zoe, amira])
    statements = {
        kian: ("Kian Brennan (#KianBrennan, kian.brennan@school.example) never gave up.", "There is a lot going on at home for Kian Brennan."),
        chi: ("Chiamaka Obiora, Chi to her friends, ran the food bank.", "Chiamaka's carer says she is shy."),
        zoe: ("Zoë O'Neill-Hughes made #ZoeHughes trend; ONeill-Hughes is brilliant.", "Z. Hughes is in a new placement."),
        amira: ("Amira Khanum led the youth council.", "Amira would love to meet the High Sheriff."),
    }
    for nomination in nominations:
        achievement, anything_else = statements[nomination.nominee]
        nomination.achievement, nomination.why_it_matters, nomination.anything_else = achievement, achievement, anything_else
        nomination.nominator_user = nominator if nomination.nominee == kian else None
        nomination.save()
    # A panel reviewing blind, with a young member; reminders go out.
    panel = PanelCategoryFactory(panel__programme=programme, category=category).panel
    member = PanelMemberFactory(panel=panel, user=UserFactory(username="member", email="member@example.org"))
    young = PanelMemberFactory(panel=panel, user=UserFactory(username="young", email="young@example.org"), is_young_person=True)
    chair = PanelMemberFactory(panel=panel, role=PanelRole.CHAIR, user=UserFactory(username="chair"))
    Shortlist.objects.filter(category=category).update(state="open")
    assignment_run(panel=panel, actor=organiser)
    Shortlist.objects.filter(category=category).update(state="confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        panel_send_reminders(panel=panel, actor=organiser)
        finalist_invitations_create(event=event, actor=organiser)
        invitations = {i.nomination.nominee_id: i for i in Invitation.objects.filter(event=event).select_related("nomination")}
        Invitation.objects.filter(pk=invitations[kian.pk].pk).update(addressee_name="Sam Murphy", addressee_email="sam@example.org")
        invitations_send(event=event, actor=organiser)
    # Answers: names in the guests' notes; a namesake of Kian among Amira's guests.
    _accept(invitations[kian.pk], GuestInput(name="Sam Murphy", relationship="carer", access_other="Kian needs a quiet corner"))
    _accept(invitations[chi.pk], GuestInput(name="Pat Jones", relationship="carer", dietary_other="Chiamaka Obiora: halal"))
    _accept(invitations[zoe.pk], GuestInput(name="Morag Reid", relationship="carer", access_other="Zoë O'Neill-Hughes uses a wheelchair"))
    _accept(invitations[amira.pk], GuestInput(name="Kian Walsh", relationship="friend"))
    # The night: seating, the running order, an approved quote using the full name Kian's level allowed.
    tables_set(event=event, actor=organiser, tables=[(1, 6, True), (2, 6, True)])
    seating_assign(event=event, actor=organiser)
    running_order_generate(event=event, actor=organiser)
    quote_approve(invitation=invitations[kian.pk], actor=organiser, quote="Kian Brennan never gave up.")
    # Then Kian withdraws consent to being named in full: the room now hears "a young person".
    consent_withdraw(nominee=kian, purpose=ConsentPurpose.NAME_READ_OUT, actor=organiser)
    kian.refresh_from_db()
    assert kian.publicity_level == PublicityLevel.ANONYMOUS

    users = {
        "anonymous": None,
        "nominator": nominator,
        "panel_member": member.user,
        "young_panel": young.user,
        "chair": chair.user,
        "staff_other": user_with_role(programme, Role.STAFF, "staff-other"),
        "event_staff": user_with_role(programme, Role.EVENT_STAFF, "door"),
        "organiser": organiser,
    }
    kian_nomination = Nomination.objects.get(nominee=kian)
    ids = {
        "programme": programme.slug, "category": category.pk, "criterion": category.criteria.first().pk,
        "nomination": kian_nomination.pk, "my_nomination": kian_nomination.pk, "nominee": kian.pk, "panel": panel.pk,
        "assignment": member.assignments.first().pk, "shortlist": category.pk, "event": event.pk,
        "invitation": invitations[kian.pk].pk, "guest": Guest.objects.filter(invitation=invitations[kian.pk]).first().pk,
        "running_order_item": event.running_order.filter(kind="award").first().pk,
        "email_delivery": 0, "table": event.tables.first().pk,
    }
    tokens = {"nomination": nomination_link_create(kian_nomination), "rsvp": link_create(invitations[kian.pk])}
    return Leaky(users=users, ids=ids, tokens=tokens, emails=list(mail.outbox))


# What each audience may never be shown (a role's own words aside).
FORBIDDEN = {
    "anonymous": EVERY_SURNAME + FIRST_NAMES,
    # Blind review: no name of anyone nominated, first names included.
    "panel_member": EVERY_SURNAME + FIRST_NAMES,
    "young_panel": EVERY_SURNAME + FIRST_NAMES,
    "chair": EVERY_SURNAME + FIRST_NAMES,
    "staff_other": EVERY_SURNAME,
    # The door: first names and initials (Amira's full name is what the room hears, on the
    # running order the door may read); Zoë not at all; Kian's surname no more, since his level
    # was lowered after his quote, guests and seat were recorded.
    "event_staff": KIAN_SURNAME + CHI_LEGAL + ZOE_ALL,
    # The nominator wrote Kian's statement (his full name in it): the others'.
    "nominator": CHI_LEGAL + ZOE_ALL + AMIRA_SURNAME,
}
# The responsible adult, through the RSVP link, knows Kian as "Kian B.".
RESPONSIBLE_ADULT = KIAN_SURNAME + CHI_LEGAL + ZOE_ALL + AMIRA_SURNAME


def _found(body: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", body, re.IGNORECASE)]


def _body(response) -> str:
    if response.streaming:
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(BytesIO(content))
        return "\n".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None)
    return content.decode(errors="replace")


def _fill(path: str, ids: dict) -> str:
    resource = path.split("/")[3] if path.startswith("/api/") else ""
    keys = {
        "programmes": "programme", "categories": "category", "criteria": "criterion", "nominations": "nomination",
        "my-nominations": "my_nomination", "nominees": "nominee", "panels": "panel", "assignments": "assignment",
        "shortlists": "shortlist", "events": "event", "invitations": "invitation", "guests": "guest",
        "running-order-items": "running_order_item", "email-deliveries": "email_delivery",
    }
    return re.sub(r"\{[a-z_]+\}", lambda m: str(ids[keys[resource]]), path)


PAGE_PARAMS = {
    "slug": "programme", "pk": "my_nomination", "assignment_id": "assignment", "category_id": "shortlist",
    "panel_id": "panel", "event_id": "event", "invitation_id": "invitation", "delivery_id": "email_delivery",
    "item_id": "running_order_item", "guest_id": "guest", "nominee_id": "nominee",
}


def _page_url(route: str, ids: dict) -> str | None:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if any(name not in PAGE_PARAMS for name in names):
        return None  # private links and password resets: requested with their tokens below
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(ids[PAGE_PARAMS[m.group(2)]]), route)


@dataclass
class Tally:
    requests: int = 0
    answered: int = 0
    leaks: list = field(default_factory=list)


def _check(tally: Tally, who: str, where: str, response, forbidden: list[str]) -> None:
    tally.requests += 1
    if response.status_code >= 500:
        tally.leaks.append(f"{who}: {where} -> {response.status_code}")
        return
    if response.status_code != 200:
        if response.streaming:
            b"".join(response.streaming_content)
        return
    tally.answered += 1
    found = _found(_body(response), forbidden)
    if found:
        tally.leaks.append(f"{who}: {where} shows {found}")


def test_no_audience_is_shown_a_name_beyond_its_own(leaky, capsys):
    tally = Tally()
    operations = [(m, p) for m, p in api_operations() if m == "GET"]
    pages = page_patterns()
    for who, forbidden in FORBIDDEN.items():
        api, client = APIClient(), Client()
        if leaky.users[who] is not None:
            api.force_authenticate(leaky.users[who])
            client.force_login(leaky.users[who])
        for method, path in operations:
            url = _fill(path, leaky.ids) + (f"?event={leaky.ids['event']}" if path == "/api/v1/guests/" else "")
            with transaction.atomic():
                _check(tally, who, f"GET {url}", api.get(url), forbidden)
                transaction.set_rollback(True)
        for name, route in pages:
            url = _page_url(route, leaky.ids)
            if url is None or name in ("logout", "api-docs", "schema"):
                continue
            with transaction.atomic():
                _check(tally, who, f"page {url}", client.get(url), forbidden)
                transaction.set_rollback(True)
    # The nominator's private link, page and API.
    nominator = Client()
    nominator.get(f"/n/{leaky.tokens['nomination']}/")
    _check(tally, "nominator (link)", "page /my-nomination/", nominator.get("/my-nomination/"), FORBIDDEN["nominator"])
    viewed = APIClient().post("/api/v1/nomination-link/view/", {"token": leaky.tokens["nomination"]}, format="json")
    _check(tally, "nominator (link)", "POST /api/v1/nomination-link/view/", viewed, FORBIDDEN["nominator"])
    # The responsible adult's RSVP link, page and API.
    adult = Client()
    adult.get(f"/rsvp/{leaky.tokens['rsvp']}/")
    _check(tally, "responsible adult", "page /rsvp/", adult.get("/rsvp/"), RESPONSIBLE_ADULT)
    viewed = APIClient().post("/api/v1/rsvp/view/", {"token": leaky.tokens["rsvp"]}, format="json")
    _check(tally, "responsible adult", "POST /api/v1/rsvp/view/", viewed, RESPONSIBLE_ADULT)
    # The organiser's downloads, read as the audiences they are for: the workbook is the door's
    # paper fallback (the event team), the score sheet the panel's (blind).
    organiser = Client()
    organiser.force_login(leaky.users["organiser"])
    _check(tally, "workbook (event team)", "workbook", organiser.get(f"/event/{leaky.ids['event']}/workbook.xlsx"), FORBIDDEN["event_staff"])
    chair = APIClient()
    chair.force_authenticate(leaky.users["chair"])
    _check(tally, "score sheet (chair)", "score sheet", chair.get(f"/api/v1/panels/{leaky.ids['panel']}/score-sheet/"), FORBIDDEN["chair"])
    # Every e-mail: no name in any subject; each body as its reader may read it: a finalist's
    # responsible adult knows them by first name and initial, everyone else by no name at all.
    finalist_first_names = {
        i.addressee_email: {i.nomination.nominee.legal_first_name, i.nomination.nominee.preferred_name} - {""}
        for i in Invitation.objects.filter(kind="finalist").select_related("nomination__nominee")
    }
    # The reader's own name (a generated carer may be called Hughes) is theirs to read.
    own_names = {i.addressee_email: i.addressee_name for i in Invitation.objects.exclude(addressee_name="")}
    for message in leaky.emails:
        tally.requests += 1
        subject = _found(message.subject, EVERY_SURNAME + FIRST_NAMES)
        to = message.to[0]
        known = finalist_first_names.get(to, set())
        reader = [w for w in EVERY_SURNAME + FIRST_NAMES if w not in known and not (known & {"Zoë"} and w == "Zoe")]
        body = _found(message.body.replace(own_names[to], "") if own_names.get(to) else message.body, reader)
        if subject or body:
            tally.leaks.append(f"e-mail to {to} ({message.subject}): subject {subject}, body {body}")

    names_checked = len({w for words in [*FORBIDDEN.values(), RESPONSIBLE_ADULT] for w in words})
    with capsys.disabled():
        print(
            f"\nname leaks: {tally.requests} requests and e-mails, {tally.answered} answered 200, "
            f"{len(FORBIDDEN) + 2} audiences, {names_checked} names checked, {len(tally.leaks)} leaks"
        )
    assert tally.leaks == []
    assert tally.answered > 100 and len(leaky.emails) >= 5  # the surfaces were really reached


# --- the people entitled to know can find people --------------------------------------------


def test_the_door_finds_kian_by_first_name_and_his_namesake_too(leaky):
    door = APIClient()
    door.force_authenticate(leaky.users["event_staff"])

    found = door.get(f"/api/v1/guests/?event={leaky.ids['event']}&search=kian").json()["results"]
    page = Client()
    page.force_login(leaky.users["event_staff"])
    on_the_page = page.get(f"/event/{leaky.ids['event']}/door/?q=Kian").content.decode()

    assert sorted(g["name"] for g in found) == ["Kian B.", "Kian Walsh"]
    assert "Kian B." in on_the_page and "Kian Walsh" in on_the_page and "Brennan" not in on_the_page


def test_the_door_finds_a_young_person_it_may_not_name_by_the_neutral_label(leaky):
    door = APIClient()
    door.force_authenticate(leaky.users["event_staff"])

    results = door.get(f"/api/v1/guests/?event={leaky.ids['event']}&search=finalist").json()["results"]

    (zoe,) = [g for g in results if "Morag Reid" in g["name"]]
    assert re.fullmatch(r"Finalist no\. \d+, table \d, with Morag Reid", zoe["name"])


def test_the_organiser_finds_amira_by_name(leaky):
    organiser = Client()
    organiser.force_login(leaky.users["organiser"])

    page = organiser.get("/organise/nominations/?q=Amira").content.decode()

    assert "Amira Khanum" in page and "Kian" not in page


def test_leak_1_reproduced_a_lowered_level_shows_at_the_door_at_once(event, category, organiser):
    """Issue 14's reproduction: a finalist named in full, an accepted invitation, then the consent
    to the name being read out is withdrawn through the API; the door searches the surname."""
    kian = cleared_nominee(event.programme, **KIAN, publicity_level=PublicityLevel.FULL_NAME)
    confirmed_finalists(event.programme, category, [kian])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    _accept(invitation, GuestInput(name="Sam Murphy", relationship="carer"))
    door = APIClient()
    door.force_authenticate(user_with_role(event.programme, Role.EVENT_STAFF, "door"))
    organiser_api = APIClient()
    organiser_api.force_authenticate(organiser)

    before = door.get(f"/api/v1/guests/?event={event.pk}&search=Kian").json()["results"]
    withdrawn = organiser_api.post(f"/api/v1/nominees/{kian.pk}/withdraw-consent/", {"purpose": "name_read_out"}, format="json")
    by_surname = door.get(f"/api/v1/guests/?event={event.pk}&search=Brennan").json()["results"]
    by_first_name = door.get(f"/api/v1/guests/?event={event.pk}&search=Kian").json()["results"]
    running_order = door.get(f"/api/v1/events/{event.pk}/running-order/").content.decode()

    assert withdrawn.status_code == 200
    assert [g["name"] for g in before] == [g["name"] for g in by_first_name] == ["Kian B."]
    assert by_surname == []  # the event team never finds a surname it does not see
    assert "Brennan" not in running_order
    assert Guest.objects.get(invitation=invitation, position=0).name == ""  # no copy to go stale
