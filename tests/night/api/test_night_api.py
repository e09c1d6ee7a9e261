"""The event night through the API: running order, compere script, tables and seating, the door
and the organisers' downloads. Every endpoint against every role; what each role sees, with data
present that could leak; bad input refused with the problem named and nothing half-written; the
offline arrivals counted once; fixed query counts."""

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from openpyxl import load_workbook

from awards.enums import Role
from events.enums import InvitationStatus
from events.models import Event, Guest, Invitation, RunningOrderItem, Table
from events.services import (
    GuestInput,
    RsvpAnswer,
    finalist_invitations_create,
    invitation_create,
    quote_approve,
    rsvp_respond,
)
from night.services import guest_check_in, running_order_generate, running_order_update, seating_assign, tables_set, winner_set
from nominations.enums import NominationStatus, PublicityLevel
from nominations.models import Nomination
from tests.conftest import client_for, user_with_role
from tests.factories import (
    CategoryFactory,
    EventFactory,
    NominationFactory,
    PanelFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.worlds import cleared_nominee, confirmed_finalists, guests_by_name

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "plain_user", "staff", "event_staff", "panel_member", "other_event_staff", "other_organiser", "organiser")
DOOR_ROLES = ("event_staff", "organiser")
NOTES = "Rowan's carer asked for a quiet exit route"
STATEMENT = "Took on a lot and stuck with it."  # every nomination's statement (the factory's)
SHEETS = [
    "Running order", "Compere script", "Finalists by category", "Guest list", "Table plan",
    "Dietary and access", "Photography", "Presenters",
]
DOOR_GUEST_FIELDS = {"id", "name", "table", "access_needs", "access_other", "checked_in_at"}
ORGANISER_GUEST_FIELDS = DOOR_GUEST_FIELDS | {
    "relationship", "dietary", "dietary_other", "photography_consent", "transport_needed", "invitation", "party",
}
DOOR_ITEM_FIELDS = {
    "id", "position", "kind", "title", "starts_at", "duration_minutes", "category", "category_name", "presenters",
    "compere", "walk_on_music", "slide", "finalists", "winner", "winner_revealed",
}
ORGANISER_ITEM_FIELDS = DOOR_ITEM_FIELDS | {"notes", "winner_nomination"}
ANONYMOUS = "A young person from our care"
# The event team's names (nominations.naming): first name and surname initial, whatever the
# publicity level the room's announce name follows.
ROWAN_AT_THE_DOOR, ASH_AT_THE_DOOR = "Rowan F.", "Ash Q."


@dataclass
class Night:
    event: Event
    organiser: object
    rowan: Nomination  # first name only, "ROH-an", accepted with Ann; arrived; the sealed winner
    ash: Nomination  # anonymous (pronunciation "ASH" must never show), accepted alone, not arrived
    kit: Nomination  # the Talent finalist, who declined
    award: RunningOrderItem  # Positive Choices, with presenter, compere, music, slide and notes
    items: list  # welcome, Positive Choices, Talent, close
    rowan_guest: Guest
    ann: Guest  # Rowan's carer: vegan, no mushrooms, wheelchair, no photographs, transport
    ash_guest: Guest
    margaret: Guest  # the presenter
    table1: Table  # accessible, 3 seats: Rowan, Ann, Ash
    table2: Table  # 4 seats: Margaret
    presenter: Invitation
    compere: Invitation


def accept(invitation, *party):
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.SENT)
    invitation.refresh_from_db()
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""), *party)))


@pytest.fixture
def night(event, category, organiser) -> Night:
    programme = event.programme
    talent = CategoryFactory(programme=programme, name="Talent", display_order=5, description="For a gift shared.")
    rowan_nominee = cleared_nominee(programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh", say_first_name="ROH-an")
    ash_nominee = cleared_nominee(
        programme, legal_first_name="Ash", legal_last_name="Quillfeather", say_first_name="ASH", publicity_level=PublicityLevel.ANONYMOUS
    )
    rowan, ash = confirmed_finalists(programme, category, [rowan_nominee, ash_nominee])
    (kit,) = confirmed_finalists(programme, talent, [cleared_nominee(programme, legal_first_name="Kit")])
    finalist_invitations_create(event=event, actor=organiser)
    invitation = {i.nomination_id: i for i in Invitation.objects.filter(event=event)}
    accept(
        invitation[rowan.pk],
        GuestInput(
            name="Ann Carer", relationship="carer", dietary=("vegan",), dietary_other="No mushrooms",
            access_needs=("wheelchair",), photography_consent=False, transport_needed=True,
        ),
    )
    accept(invitation[ash.pk])
    Invitation.objects.filter(pk=invitation[kit.pk].pk).update(status=InvitationStatus.SENT)
    rsvp_respond(invitation=Invitation.objects.get(pk=invitation[kit.pk].pk), answer=RsvpAnswer(attending=False))
    quote_approve(invitation=invitation[rowan.pk], actor=organiser, quote="Rowan never gave up.")
    presenter = invitation_create(
        event=event, actor=organiser, kind="presenter", addressee_name="Margaret Oduya", addressee_email="sheriff@example.org",
        title="High Sheriff",
    )
    accept(presenter)
    compere = invitation_create(event=event, actor=organiser, kind="compere", addressee_name="Jordan Lee", addressee_email="jl@example.org")
    items = running_order_generate(event=event, actor=organiser)
    award = running_order_update(
        item=items[1], actor=organiser, presenters=[presenter], compere=compere, walk_on_music="Proud", slide="S2", notes=NOTES
    )
    winner_set(item=award, actor=organiser, nomination=rowan)
    tables_set(event=event, actor=organiser, tables=[(1, 3, True), (2, 4, False)])
    seating_assign(event=event, actor=organiser)
    rowan_guest = Guest.objects.get(invitation=invitation[rowan.pk], position=0)
    guest_check_in(guest=rowan_guest, actor=organiser, at=timezone.now() - dt.timedelta(minutes=5))
    guests = guests_by_name(event)
    night = Night(
        event=event, organiser=organiser, rowan=rowan, ash=ash, kit=kit, award=RunningOrderItem.objects.get(pk=award.pk),
        items=list(RunningOrderItem.objects.filter(event=event).order_by("position")),
        rowan_guest=guests["Rowan"], ann=guests["Ann Carer"], ash_guest=guests[ANONYMOUS], margaret=guests["Margaret Oduya"],
        table1=Table.objects.get(event=event, number=1), table2=Table.objects.get(event=event, number=2),
        presenter=presenter, compere=compere,
    )
    assert [g.table_id for g in (night.rowan_guest, night.ann, night.ash_guest, night.margaret)] == [night.table1.pk] * 3 + [night.table2.pk]
    return night


@pytest.fixture
def people(programme, organiser, night) -> dict:
    other = ProgrammeFactory()
    EventFactory(programme=other)
    return {
        "anonymous": None,
        "plain_user": UserFactory(username="plain"),
        "staff": user_with_role(programme, Role.STAFF, "staffer"),
        "event_staff": user_with_role(programme, Role.EVENT_STAFF, "door"),
        "panel_member": PanelMemberFactory(panel=PanelFactory(programme=programme)).user,
        "other_event_staff": user_with_role(other, Role.EVENT_STAFF, "other-door"),
        "other_organiser": user_with_role(other, Role.ORGANISER, "other-organiser"),
        "organiser": organiser,
    }


def snapshot() -> tuple:
    """Everything a night write could change, to show that a refused one changed nothing."""
    return (
        list(RunningOrderItem.objects.order_by("pk").values_list()),
        list(RunningOrderItem.presenters.through.objects.order_by("pk").values_list()),
        list(Table.objects.order_by("pk").values_list()),
        list(Guest.objects.order_by("pk").values_list()),
    )


def _call(client, method, url, body=None):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


def download(response) -> bytes:
    return b"".join(response.streaming_content)


# --- what each endpoint answers its own people -------------------------------------------------


def _check_running_order(n, response, role):
    body = response.json()
    assert [(i["position"], i["kind"], i["title"]) for i in body] == [
        (1, "welcome", "Welcome"), (2, "award", "Positive Choices"), (3, "award", "Talent"), (4, "close", "Thanks and close"),
    ]
    award, talent = body[1], body[2]
    assert (award["presenters"], award["compere"]) == (
        [{"id": n.presenter.pk, "name": "Margaret Oduya", "title": "High Sheriff"}],
        {"id": n.compere.pk, "name": "Jordan Lee", "title": ""},
    )
    assert (award["walk_on_music"], award["slide"], award["category"]) == ("Proud", "S2", n.award.category_id)
    assert parse_datetime(award["starts_at"]) == n.event.starts_at + dt.timedelta(minutes=10)
    rowan, ash = award["finalists"]
    assert (rowan["announce_name"], rowan["pronunciation"], rowan["in_the_room"]) == ("Rowan", "ROH-an", "arrived")
    assert parse_datetime(rowan["arrived_at"]) == Guest.objects.get(pk=n.rowan_guest.pk).checked_in_at
    assert (ash["announce_name"], ash["pronunciation"], ash["in_the_room"], ash["arrived_at"]) == (ANONYMOUS, "", "not_yet", None)
    assert [(f["announce_name"], f["in_the_room"]) for f in talent["finalists"]] == [("Kit", "not_coming")]
    assert body[0]["finalists"] == [] and body[0]["category"] is None
    if role == "organiser":
        assert all(set(i) == ORGANISER_ITEM_FIELDS for i in body)
        assert (award["winner"], award["winner_nomination"], award["winner_revealed"], award["notes"]) == ("Rowan", n.rowan.pk, False, NOTES)
        assert [f["nomination"] for f in award["finalists"]] == [n.rowan.pk, n.ash.pk]
    else:
        assert all(set(i) == DOOR_ITEM_FIELDS for i in body)
        assert (award["winner"], award["winner_revealed"]) == (None, False)
        assert all(set(f) == {"announce_name", "pronunciation", "in_the_room", "arrived_at"} for f in award["finalists"])


def _check_compere_script(n, response, role):
    body = response.json()
    assert [(line["item"], line["award"], line["description"]) for line in body] == [
        (n.award.pk, "Positive Choices", n.award.category.description), (n.items[2].pk, "Talent", "For a gift shared."),
    ]
    assert [(f["announce_name"], f["pronunciation"], f["citation"], f["in_the_room"]) for f in body[0]["finalists"]] == [
        ("Rowan", "ROH-an", "Rowan never gave up.", "arrived"), (ANONYMOUS, "", "", "not_yet"),
    ]
    assert set(body[0]["finalists"][0]) == {"announce_name", "pronunciation", "citation", "in_the_room", "arrived_at"}
    assert body[0]["presenters"] == [{"id": n.presenter.pk, "name": "Margaret Oduya", "title": "High Sheriff"}]
    assert body[1]["compere"] is None


def _check_guest_list(n, response, role):
    body = response.json()
    assert body["count"] == 4
    assert [(g["name"], g["table"]) for g in body["results"]] == [
        ("Ann Carer", 1), (ASH_AT_THE_DOOR, 1), ("Margaret Oduya", 2), (ROWAN_AT_THE_DOOR, 1)
    ]
    ann = body["results"][0]
    assert (ann["access_needs"], ann["checked_in_at"]) == (["wheelchair"], None)
    if role == "organiser":
        assert all(set(g) == ORGANISER_GUEST_FIELDS for g in body["results"])
        assert (ann["dietary"], ann["dietary_other"], ann["photography_consent"], ann["transport_needed"]) == (["vegan"], "No mushrooms", False, True)
        assert (ann["relationship"], ann["invitation"], ann["party"]) == ("carer", n.ann.invitation_id, ROWAN_AT_THE_DOOR)
        assert body["results"][2]["party"] == "Margaret Oduya"
    else:
        assert all(set(g) == DOOR_GUEST_FIELDS for g in body["results"])


def _check_check_in(n, response, role):
    body = response.json()
    assert set(body) == (ORGANISER_GUEST_FIELDS if role == "organiser" else DOOR_GUEST_FIELDS)
    arrived = Guest.objects.get(pk=n.ash_guest.pk).checked_in_at
    assert arrived is not None and parse_datetime(body["checked_in_at"]) == arrived
    assert (body["id"], body["name"], body["table"]) == (n.ash_guest.pk, ASH_AT_THE_DOOR, 1)


def _check_undo(n, response, role):
    body = response.json()
    assert (body["id"], body["checked_in_at"]) == (n.rowan_guest.pk, None)
    assert Guest.objects.get(pk=n.rowan_guest.pk).checked_in_at is None
    assert set(body) == (ORGANISER_GUEST_FIELDS if role == "organiser" else DOOR_GUEST_FIELDS)


def _check_arrivals(n, response, role):
    body = response.json()
    arrived = Guest.objects.get(pk=n.ash_guest.pk).checked_in_at
    assert [(r["guest"], r["outcome"], r["detail"]) for r in body["results"]] == [(n.ash_guest.pk, "arrived", "")]
    assert parse_datetime(body["results"][0]["checked_in_at"]) == arrived
    assert (body["totals"]["expected"], body["totals"]["arrived"]) == (4, 2)


def _check_walk_in(n, response, role):
    body = response.json()
    made = Guest.objects.get(event=n.event, name="Pat Neighbour")
    assert (made.invitation_id, made.table_id, made.checked_in_at is not None) == (None, n.table2.pk, True)
    assert (body["id"], body["name"], body["table"]) == (made.pk, "Pat Neighbour", 2)
    assert set(body) == (ORGANISER_GUEST_FIELDS if role == "organiser" else DOOR_GUEST_FIELDS)


def _check_door_totals(n, response, role):
    assert response.json() == {
        "expected": 4,
        "arrived": 1,
        "tables": [{"table": 1, "expected": 3, "arrived": 1}, {"table": 2, "expected": 1, "arrived": 0}],
    }


def _check_generate(n, response, role):
    body = response.json()
    assert [i["title"] for i in body] == ["Welcome", "Positive Choices", "Talent", "Thanks and close"]
    assert body[1]["winner"] is None and body[1]["presenters"] == []
    assert not RunningOrderItem.objects.filter(pk__in=[i.pk for i in n.items]).exists()


def _check_reorder(n, response, role):
    assert [i["id"] for i in response.json()] == [i.pk for i in reversed(n.items)]
    assert [i["position"] for i in response.json()] == [1, 2, 3, 4]
    assert list(RunningOrderItem.objects.filter(event=n.event).order_by("position").values_list("pk", flat=True)) == [
        i.pk for i in reversed(n.items)
    ]


def _check_item_create(n, response, role):
    body = response.json()
    assert (body["position"], body["kind"], body["title"], body["duration_minutes"]) == (2, "performance", "Northtown Youth Choir", 12)
    assert set(body) == ORGANISER_ITEM_FIELDS
    titles = list(RunningOrderItem.objects.filter(event=n.event).order_by("position").values_list("title", flat=True))
    assert titles == ["Welcome", "Northtown Youth Choir", "Positive Choices", "Talent", "Thanks and close"]
    award = RunningOrderItem.objects.get(pk=n.award.pk)
    assert award.starts_at == n.event.starts_at + dt.timedelta(minutes=10 + 12)


def _check_item_update(n, response, role):
    body = response.json()
    assert (body["id"], body["title"], body["duration_minutes"]) == (n.items[0].pk, "Welcome to the PROUD Awards", 15)
    assert RunningOrderItem.objects.get(pk=n.award.pk).starts_at == n.event.starts_at + dt.timedelta(minutes=15)


def _check_item_delete(n, response, role):
    assert response.content == b""
    assert list(RunningOrderItem.objects.filter(event=n.event).order_by("position").values_list("title", "position")) == [
        ("Welcome", 1), ("Positive Choices", 2), ("Talent", 3),
    ]


def _check_winner(n, response, role):
    body = response.json()
    assert (body["winner"], body["winner_nomination"], body["winner_revealed"]) == (ANONYMOUS, n.ash.pk, False)
    assert RunningOrderItem.objects.get(pk=n.award.pk).winner_id == n.ash.pk


def _check_reveal(n, response, role):
    assert (response.json()["winner"], response.json()["winner_revealed"]) == ("Rowan", True)
    assert RunningOrderItem.objects.get(pk=n.award.pk).winner_revealed


def _check_tables(n, response, role):
    assert response.json() == [
        {"id": n.table1.pk, "number": 1, "capacity": 3, "accessible": True, "label": "", "seated": 3},
        {"id": n.table2.pk, "number": 2, "capacity": 4, "accessible": False, "label": "", "seated": 1},
    ]


def _check_tables_put(n, response, role):
    assert [(t["number"], t["capacity"], t["accessible"], t["seated"]) for t in response.json()] == [
        (1, 3, True, 3), (2, 6, True, 1), (3, 8, False, 0),
    ]
    assert Table.objects.filter(event=n.event).count() == 3


def _check_seating(n, response, role):
    assert response.json() == {"seated": 4, "tables_used": 2}
    assert Guest.objects.filter(event=n.event, table__isnull=True).count() == 0


def _check_move(n, response, role):
    body = response.json()
    assert (body["id"], body["table"], body["party"]) == (n.ash_guest.pk, 2, ASH_AT_THE_DOOR)
    assert Guest.objects.get(pk=n.ash_guest.pk).table_id == n.table2.pk


def _check_workbook(n, response, role):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(BytesIO(download(response)))
    assert workbook.sheetnames == SHEETS
    titles = [row[2] for row in workbook["Running order"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Welcome", "Positive Choices", "Talent", "Thanks and close"]


def _check_certificates(n, response, role):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    workbook = load_workbook(BytesIO(download(response)))
    names = sorted(row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True))
    # Certificates carry the young person's own name (nominations.naming: chosen name).
    assert names == sorted(["Ash Quillfeather", f"Kit {n.kit.nominee.legal_last_name}", "Rowan Featherstonehaugh"])


# name: (method, url, body, who may use it ("door": organisers and event staff), status, check)
ENDPOINTS = {
    "running-order": ("get", lambda n: f"/api/v1/events/{n.event.pk}/running-order/", None, "door", 200, _check_running_order),
    "compere-script": ("get", lambda n: f"/api/v1/events/{n.event.pk}/compere-script/", None, "door", 200, _check_compere_script),
    "guest-list": ("get", lambda n: f"/api/v1/guests/?event={n.event.pk}", None, "door", 200, _check_guest_list),
    "check-in": ("post", lambda n: f"/api/v1/guests/{n.ash_guest.pk}/check-in/", None, "door", 200, _check_check_in),
    "undo-check-in": ("post", lambda n: f"/api/v1/guests/{n.rowan_guest.pk}/undo-check-in/", None, "door", 200, _check_undo),
    "arrivals": (
        "post", lambda n: f"/api/v1/events/{n.event.pk}/arrivals/", lambda n: {"arrivals": [{"guest": n.ash_guest.pk}]}, "door", 200,
        _check_arrivals,
    ),
    "walk-in": (
        "post", lambda n: f"/api/v1/events/{n.event.pk}/walk-ins/", {"name": "Pat Neighbour", "table": 2}, "door", 201, _check_walk_in,
    ),
    "door-totals": ("get", lambda n: f"/api/v1/events/{n.event.pk}/door-totals/", None, "door", 200, _check_door_totals),
    "generate": (
        "post", lambda n: f"/api/v1/events/{n.event.pk}/running-order/generate/", {"replace": True}, "organiser", 201, _check_generate,
    ),
    "reorder": (
        "post", lambda n: f"/api/v1/events/{n.event.pk}/running-order/reorder/", lambda n: {"items": [i.pk for i in reversed(n.items)]},
        "organiser", 200, _check_reorder,
    ),
    "item-create": (
        "post", lambda n: "/api/v1/running-order-items/",
        lambda n: {"event": n.event.pk, "position": 2, "kind": "performance", "title": "Northtown Youth Choir", "duration_minutes": 12},
        "organiser", 201, _check_item_create,
    ),
    "item-update": (
        "patch", lambda n: f"/api/v1/running-order-items/{n.items[0].pk}/", {"title": "Welcome to the PROUD Awards", "duration_minutes": 15},
        "organiser", 200, _check_item_update,
    ),
    "item-delete": ("delete", lambda n: f"/api/v1/running-order-items/{n.items[3].pk}/", None, "organiser", 204, _check_item_delete),
    "winner": (
        "post", lambda n: f"/api/v1/running-order-items/{n.award.pk}/winner/", lambda n: {"nomination": n.ash.pk}, "organiser", 200,
        _check_winner,
    ),
    "reveal": ("post", lambda n: f"/api/v1/running-order-items/{n.award.pk}/reveal/", None, "organiser", 200, _check_reveal),
    "tables": ("get", lambda n: f"/api/v1/events/{n.event.pk}/tables/", None, "organiser", 200, _check_tables),
    "tables-put": (
        "put", lambda n: f"/api/v1/events/{n.event.pk}/tables/",
        {"tables": [{"number": 2, "capacity": 6, "accessible": True}, {"number": 3, "capacity": 8}]}, "organiser", 200, _check_tables_put,
    ),
    "seating": ("post", lambda n: f"/api/v1/events/{n.event.pk}/seating/", None, "organiser", 200, _check_seating),
    "move": ("post", lambda n: f"/api/v1/guests/{n.ash_guest.pk}/move/", lambda n: {"table": n.table2.pk}, "organiser", 200, _check_move),
    "workbook": ("get", lambda n: f"/api/v1/events/{n.event.pk}/workbook/", None, "organiser", 200, _check_workbook),
    "certificates": ("get", lambda n: f"/api/v1/events/{n.event.pk}/certificates/", None, "organiser", 200, _check_certificates),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_role_on_each_night_endpoint(night, people, role, endpoint):
    method, url, body, who, expected, check = ENDPOINTS[endpoint]
    body = body(night) if callable(body) else body
    before = snapshot()

    response = _call(client_for(people[role]), method, url(night), body)

    if role == "organiser" or (role == "event_staff" and who == "door"):
        assert response.status_code == expected, response.content
        check(night, response, role)
        return
    if role == "anonymous":
        assert response.status_code == 403
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    elif endpoint == "guest-list":
        # The event must be one the user works at; another programme's is refused like a missing one.
        assert response.status_code == 400
        assert response.json() == {"event": ["There is no such event among those you work at."]}
    elif endpoint == "item-create" and role == "other_organiser":
        assert response.status_code == 400
        assert response.json() == {"detail": "There is no such event among those you organise.", "code": "eventerror", "field": "event"}
    elif endpoint == "item-create":
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}
    else:
        # Outside the scope (event staff included, for organisers' endpoints): the same 404 as a
        # missing object.
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
        assert response.json()["detail"].startswith("No ")
    assert snapshot() == before


def test_foreign_and_missing_objects_get_the_same_answer(night, people):
    client = client_for(people["other_event_staff"])

    foreign = client.post(f"/api/v1/guests/{night.ash_guest.pk}/check-in/")
    missing = client.post("/api/v1/guests/999999/check-in/")
    foreign_list = client.get(f"/api/v1/guests/?event={night.event.pk}")
    missing_list = client.get("/api/v1/guests/?event=999999")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign_list.status_code == missing_list.status_code == 400
    assert foreign_list.json() == missing_list.json()
    assert Guest.objects.get(pk=night.ash_guest.pk).checked_in_at is None


# --- what event staff never see --------------------------------------------------------------


def test_event_staff_see_no_food_photography_party_notes_statement_or_sealed_winner(night, people):
    client = client_for(people["event_staff"])
    responses = [
        client.get(f"/api/v1/events/{night.event.pk}/running-order/"),
        client.get(f"/api/v1/events/{night.event.pk}/compere-script/"),
        client.get(f"/api/v1/guests/?event={night.event.pk}"),
        client.get(f"/api/v1/guests/?event={night.event.pk}&search=ann"),
        client.post(f"/api/v1/guests/{night.ann.pk}/check-in/"),
        client.post(f"/api/v1/events/{night.event.pk}/walk-ins/", {"name": "Pat"}, format="json"),
        client.get(f"/api/v1/events/{night.event.pk}/door-totals/"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 201, 200]
    running_order = responses[0].json()
    assert [i["winner"] for i in running_order] == [None] * 4
    for response in responses:
        text = response.content.decode()
        for secret in ("vegan", "mushrooms", "dietary", "photography", "transport", "relationship", "carer", "party",
                       "invitation", NOTES, STATEMENT, "winner_nomination", "Featherstonehaugh", "Quillfeather", "ASH"):
            assert secret not in text, (response.request["PATH_INFO"], secret)
    assert responses[3].json()["results"] == [
        {"id": night.ann.pk, "name": "Ann Carer", "table": 1, "access_needs": ["wheelchair"], "access_other": "", "checked_in_at": None}
    ]


def test_event_staff_see_the_winner_once_revealed(night, people):
    from night.services import winner_reveal

    url = f"/api/v1/events/{night.event.pk}/running-order/"
    door = client_for(people["event_staff"])
    assert door.get(url).json()[1]["winner"] is None

    winner_reveal(item=night.award, actor=night.organiser)

    award = door.get(url).json()[1]
    assert (award["winner"], award["winner_revealed"]) == ("Rowan", True)
    assert "winner_nomination" not in award


def test_nobody_sees_a_legal_surname_or_an_anonymous_finalists_pronunciation(night, people):
    client = client_for(people["organiser"])
    bodies = [
        client.get(f"/api/v1/events/{night.event.pk}/running-order/").content,
        client.get(f"/api/v1/events/{night.event.pk}/compere-script/").content,
        client.get(f"/api/v1/guests/?event={night.event.pk}").content,
    ]
    for body in bodies:
        for secret in ("Featherstonehaugh", "Quillfeather", '"ASH"'):
            assert secret not in body.decode()


# --- the running order: bad input is refused and changes nothing ------------------------------


def organiser_post(night, url, body):
    return client_for(night.organiser).post(url, body, format="json")


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({"kind": "award", "title": "Team", "category": "empty"}, "category", "Team Effort has no finalists: confirm its shortlist first."),
        ({"kind": "award", "title": "Again", "category": "award"}, "category", "That category already has its award in the running order."),
        ({"kind": "award", "title": "Elsewhere", "category": "foreign"}, "category", "That category is not in this event's programme."),
        ({"kind": "award", "title": "Nothing"}, "category", "An award item needs its category."),
        ({"kind": "speech", "title": "Long", "duration_minutes": 0}, "duration_minutes", "The duration is between 1 and 240 minutes."),
        ({"kind": "speech", "title": "Far", "position": 9}, "position", "The position is between 1 and 5."),
        ({"kind": "speech", "title": "Thanks", "presenters": "foreign"}, "presenters", "Presenters must be this event's presenter or VIP invitations."),
        ({"kind": "speech", "title": "Thanks", "presenters": "compere"}, "presenters", "Presenters must be this event's presenter or VIP invitations."),
        ({"kind": "speech", "title": "Thanks", "compere": "presenter"}, "compere", "The compere must be one of this event's compere invitations."),
        ({"kind": "speech", "title": "Thanks", "compere": 999999}, "compere", "The compere must be one of this event's compere invitations."),
    ],
)
def test_adding_a_bad_item_is_refused_by_name_and_changes_nothing(night, payload, field, message):
    elsewhere = EventFactory()
    lookups = {
        "empty": lambda: CategoryFactory(programme=night.event.programme, name="Team Effort").pk,
        "award": lambda: night.award.category_id,
        "foreign": lambda: CategoryFactory(programme=elsewhere.programme).pk,
    }
    payload = dict(payload)
    if "category" in payload:
        payload["category"] = lookups[payload["category"]]()
    if payload.get("presenters") == "foreign":
        payload["presenters"] = [night.presenter.pk, Invitation.objects.create(event=elsewhere, kind="presenter", addressee_name="X", addressee_email="x@example.org", guest_allowance=0).pk]
    elif payload.get("presenters") == "compere":
        payload["presenters"] = [night.compere.pk]
    if payload.get("compere") == "presenter":
        payload["compere"] = night.presenter.pk
    before = snapshot()

    response = organiser_post(night, "/api/v1/running-order-items/", {"event": night.event.pk, **payload})

    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "eventerror", "field": field}
    assert snapshot() == before


@pytest.mark.parametrize(
    "payload, errors",
    [
        ({"event": 0, "title": "No kind"}, {"kind": ["This field is required."]}),
        ({"kind": "dance", "title": "Dance"}, {"kind": ['"dance" is not a valid choice.']}),
        ({"kind": "speech", "title": " "}, {"title": ["This field may not be blank."]}),
        ({"kind": "speech", "title": "x" * 151}, {"title": ["Ensure this field has no more than 150 characters."]}),
        ({"kind": "speech", "title": "Hi", "presenters": ["all"]}, {"presenters": {"0": ["A valid integer is required."]}}),
    ],
)
def test_an_item_of_the_wrong_shape_is_refused_by_field(night, payload, errors):
    before = snapshot()

    response = organiser_post(night, "/api/v1/running-order-items/", {"event": night.event.pk, **payload})

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_a_change_with_one_bad_field_changes_nothing(night):
    before = snapshot()

    response = client_for(night.organiser).patch(
        f"/api/v1/running-order-items/{night.award.pk}/",
        {"title": "Renamed", "duration_minutes": 20, "compere": night.presenter.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "compere"
    assert snapshot() == before


def test_changing_presenters_replaces_the_list_and_leaving_them_out_keeps_it(night):
    vip = invitation_create(event=night.event, actor=night.organiser, kind="vip", addressee_name="Cllr Amy Hart", addressee_email="a@example.org", title="Chair of the Council")
    url = f"/api/v1/running-order-items/{night.award.pk}/"
    client = client_for(night.organiser)

    kept = client.patch(url, {"walk_on_music": "Fanfare"}, format="json")
    replaced = client.patch(url, {"presenters": [vip.pk, vip.pk]}, format="json")

    assert [p["name"] for p in kept.json()["presenters"]] == ["Margaret Oduya"]
    assert replaced.json()["presenters"] == [{"id": vip.pk, "name": "Cllr Amy Hart", "title": "Chair of the Council"}]
    assert (replaced.json()["walk_on_music"], replaced.json()["notes"]) == ("Fanfare", NOTES)


def test_generating_again_without_replace_is_refused(night):
    before = snapshot()

    response = organiser_post(night, f"/api/v1/events/{night.event.pk}/running-order/generate/", {})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "This event already has a running order; replace it explicitly or edit it.", "code": "eventerror",
    }
    assert snapshot() == before


def test_generating_without_finalists_is_refused(programme, organiser):
    event = EventFactory(programme=programme)

    response = client_for(organiser).post(f"/api/v1/events/{event.pk}/running-order/generate/", {"replace": True}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "No category has finalists yet: confirm a shortlist first.", "code": "eventerror"}
    assert not RunningOrderItem.objects.filter(event=event).exists()


@pytest.mark.parametrize(
    "order, message",
    [
        (lambda ids: [ids[0], ids[0], ids[1], ids[2]], "An item appears twice in the new order."),
        (lambda ids: ids[:3], "The new order must list every item of the running order exactly once."),
        (lambda ids: [*ids[:3], 999999], "The new order must list every item of the running order exactly once."),
    ],
)
def test_a_reorder_that_is_not_every_item_once_is_refused(night, order, message):
    before = snapshot()

    response = organiser_post(night, f"/api/v1/events/{night.event.pk}/running-order/reorder/", {"items": order([i.pk for i in night.items])})

    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "eventerror", "field": "items"}
    assert snapshot() == before


def test_the_winner_must_be_a_finalist_of_that_award(night):
    foreign = NominationFactory(status=NominationStatus.SHORTLISTED)
    url = f"/api/v1/running-order-items/{night.award.pk}/winner/"
    before = snapshot()

    other_award = organiser_post(night, url, {"nomination": night.kit.pk})
    other_programme = organiser_post(night, url, {"nomination": foreign.pk})
    missing = organiser_post(night, url, {"nomination": 999999})
    welcome = organiser_post(night, f"/api/v1/running-order-items/{night.items[0].pk}/winner/", {"nomination": night.rowan.pk})

    refusal = {"detail": "The winner must be one of this award's finalists.", "code": "eventerror", "field": "winner"}
    assert other_award.json() == other_programme.json() == missing.json() == refusal
    assert welcome.json() == {"detail": "Only an award item has a winner.", "code": "eventerror", "field": "winner"}
    assert snapshot() == before


def test_clearing_the_winner_seals_it_again(night):
    from night.services import winner_reveal

    winner_reveal(item=night.award, actor=night.organiser)

    response = organiser_post(night, f"/api/v1/running-order-items/{night.award.pk}/winner/", {"nomination": None})

    assert (response.json()["winner"], response.json()["winner_revealed"]) == (None, False)


def test_revealing_before_a_winner_is_recorded_is_refused(night):
    response = organiser_post(night, f"/api/v1/running-order-items/{night.items[2].pk}/reveal/", None)

    assert response.status_code == 400
    assert response.json() == {"detail": "Record the winner before revealing it.", "code": "eventerror", "field": "winner"}
    assert not RunningOrderItem.objects.get(pk=night.items[2].pk).winner_revealed


# --- tables and seating -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "tables, message",
    [
        ([{"number": 5, "capacity": 4}, {"number": 5, "capacity": 6}], "Each table number can appear once."),
        ([{"number": 5, "capacity": 4}, {"number": 6, "capacity": 0}], "Table numbers run from 1 to 999, capacities from 1 to 50."),
        ([{"number": 5, "capacity": 4}, {"number": 1, "capacity": 2}], "Table 1 has 3 guests seated; its capacity cannot be 2."),
    ],
)
def test_bad_tables_are_refused_and_none_is_written(night, tables, message):
    before = snapshot()

    response = client_for(night.organiser).put(f"/api/v1/events/{night.event.pk}/tables/", {"tables": tables}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "eventerror", "field": "tables"}
    assert snapshot() == before


def test_tables_of_the_wrong_shape_are_refused_by_field(night):
    response = client_for(night.organiser).put(
        f"/api/v1/events/{night.event.pk}/tables/", {"tables": [{"number": "one", "capacity": 4}]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"tables": {"0": {"number": ["A valid integer is required."]}}}


def test_seating_that_does_not_fit_is_refused_and_keeps_the_old_plan(night):
    # Four now need the one accessible table, which has three seats: the presenter is left over.
    Guest.objects.filter(pk__in=[night.margaret.pk, night.ash_guest.pk]).update(access_needs=["wheelchair"])
    before = snapshot()

    response = organiser_post(night, f"/api/v1/events/{night.event.pk}/seating/", None)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "1 party (1 guests) cannot be seated together at the tables there are (1 of them need an accessible table). "
        "Add tables or seats, or mark more tables accessible; nothing was changed.",
        "code": "eventerror",
        "field": "tables",
    }
    assert snapshot() == before


def test_moving_a_guest_is_refused_when_the_table_is_full_not_accessible_or_elsewhere(night):
    elsewhere = Table.objects.create(event=EventFactory(), number=1, capacity=10)
    client = client_for(night.organiser)
    before = snapshot()

    full = client.post(f"/api/v1/guests/{night.margaret.pk}/move/", {"table": night.table1.pk}, format="json")
    steps = client.post(f"/api/v1/guests/{night.ann.pk}/move/", {"table": night.table2.pk}, format="json")
    foreign = client.post(f"/api/v1/guests/{night.ash_guest.pk}/move/", {"table": elsewhere.pk}, format="json")
    missing = client.post(f"/api/v1/guests/{night.ash_guest.pk}/move/", {"table": 999999}, format="json")

    assert full.json() == {"detail": "Table 1 is full (3 seats).", "code": "eventerror", "field": "table"}
    assert steps.json() == {"detail": "Ann Carer has access needs; table 2 is not marked accessible.", "code": "eventerror", "field": "table"}
    assert foreign.json() == missing.json() == {"detail": "That table is not at this event.", "code": "eventerror", "field": "table"}
    assert [r.status_code for r in (full, steps, foreign, missing)] == [400] * 4
    assert snapshot() == before


def test_unseating_a_guest(night):
    response = organiser_post(night, f"/api/v1/guests/{night.ash_guest.pk}/move/", {"table": None})

    assert (response.status_code, response.json()["table"]) == (200, None)
    assert Guest.objects.get(pk=night.ash_guest.pk).table_id is None


# --- the door ---------------------------------------------------------------------------------


def test_a_second_check_in_is_409_and_counts_once(night, people):
    client = client_for(people["event_staff"])
    first_at = timezone.localtime(Guest.objects.get(pk=night.rowan_guest.pk).checked_in_at)
    before = snapshot()

    response = client.post(f"/api/v1/guests/{night.rowan_guest.pk}/check-in/")

    assert response.status_code == 409
    assert response.json() == {"detail": f"{ROWAN_AT_THE_DOOR} already arrived at {first_at:%H:%M}.", "code": "alreadyarrived"}
    assert snapshot() == before
    assert client.get(f"/api/v1/events/{night.event.pk}/door-totals/").json()["arrived"] == 1


def test_a_check_in_from_an_offline_phone_keeps_its_time(night, people):
    at = (timezone.now() - dt.timedelta(minutes=7)).replace(microsecond=0)

    response = client_for(people["event_staff"]).post(f"/api/v1/guests/{night.ash_guest.pk}/check-in/", {"at": at.isoformat()}, format="json")

    assert response.status_code == 200
    assert parse_datetime(response.json()["checked_in_at"]) == at
    assert Guest.objects.get(pk=night.ash_guest.pk).checked_in_at == at


def test_a_check_in_with_a_time_that_is_not_one_is_refused(night, people):
    response = client_for(people["event_staff"]).post(f"/api/v1/guests/{night.ash_guest.pk}/check-in/", {"at": "half seven"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["at"]
    assert Guest.objects.get(pk=night.ash_guest.pk).checked_in_at is None


@pytest.mark.parametrize(
    "at",
    ["0273-08-17T06:39:37Z", "9999-12-31T23:59:59Z", "far_before", "far_after"],
    ids=["the year 273", "the year 9999", "two days before the doors open and before now", "two days after the night and after now"],
)
def test_a_check_in_time_not_plausibly_on_the_night_is_refused(night, people, at):
    event = night.event
    if at == "far_before":
        at = (min(event.doors_open_at, timezone.now()) - dt.timedelta(days=2)).isoformat()
    elif at == "far_after":
        at = (max(event.ends_at, timezone.now()) + dt.timedelta(days=2)).isoformat()
    before = snapshot()

    response = client_for(people["event_staff"]).post(f"/api/v1/guests/{night.ash_guest.pk}/check-in/", {"at": at}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("eventerror", "at")
    assert "is not on the night" in body["detail"] and "within a day of the event" in body["detail"]
    assert snapshot() == before


def test_an_offline_batch_refuses_an_implausible_time_line_by_line(night, people):
    response = client_for(people["event_staff"]).post(
        f"/api/v1/events/{night.event.pk}/arrivals/",
        {"arrivals": [{"guest": night.ash_guest.pk, "at": "0273-08-17T06:39:37Z"}]},
        format="json",
    )

    assert response.status_code == 200
    (line,) = response.json()["results"]
    assert (line["outcome"], line["checked_in_at"]) == ("refused", None)
    assert "is not on the night" in line["detail"]
    assert Guest.objects.get(pk=night.ash_guest.pk).checked_in_at is None


def test_a_guest_whose_invitation_is_over_cannot_be_checked_in(night, people):
    Invitation.objects.filter(pk=night.presenter.pk).update(status=InvitationStatus.REVOKED)

    response = client_for(people["event_staff"]).post(f"/api/v1/guests/{night.margaret.pk}/check-in/")

    assert response.status_code == 400
    assert response.json() == {"detail": "Margaret Oduya is not on the guest list (the invitation is revoked).", "code": "eventerror"}
    assert Guest.objects.get(pk=night.margaret.pk).checked_in_at is None


def test_offline_arrivals_are_answered_one_by_one_and_each_guest_counts_once(night, people):
    elsewhere = Guest.objects.create(event=EventFactory(), name="Elsewhere", position=0, relationship="other")
    Invitation.objects.filter(pk=night.presenter.pk).update(status=InvitationStatus.REVOKED)
    at = (timezone.now() - dt.timedelta(minutes=3)).replace(microsecond=0)
    rowan_at = Guest.objects.get(pk=night.rowan_guest.pk).checked_in_at
    arrivals = [
        {"guest": night.ash_guest.pk, "at": at.isoformat()},
        {"guest": night.ann.pk},
        {"guest": night.ash_guest.pk, "at": (at + dt.timedelta(minutes=1)).isoformat()},  # queued twice
        {"guest": night.rowan_guest.pk},  # marked by another volunteer already
        {"guest": 999999},
        {"guest": elsewhere.pk},
        {"guest": night.margaret.pk},
    ]

    response = client_for(people["event_staff"]).post(f"/api/v1/events/{night.event.pk}/arrivals/", {"arrivals": arrivals}, format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["guest"], r["outcome"]) for r in results] == [
        (night.ash_guest.pk, "arrived"),
        (night.ann.pk, "arrived"),
        (night.ash_guest.pk, "already_arrived"),
        (night.rowan_guest.pk, "already_arrived"),
        (999999, "not_found"),
        (elsewhere.pk, "not_found"),
        (night.margaret.pk, "refused"),
    ]
    assert parse_datetime(results[0]["checked_in_at"]) == at == parse_datetime(results[2]["checked_in_at"])
    assert parse_datetime(results[3]["checked_in_at"]) == rowan_at
    assert results[2]["detail"] == f"{ASH_AT_THE_DOOR} already arrived at {timezone.localtime(at):%H:%M}."
    assert results[4]["detail"] == f"There is no guest 999999 at {night.event.name}."
    assert results[6]["detail"] == "Margaret Oduya is not on the guest list (the invitation is revoked)."
    assert Guest.objects.get(pk=night.ash_guest.pk).checked_in_at == at
    assert Guest.objects.get(pk=elsewhere.pk).checked_in_at is None
    # Rowan, Ash and Ann; Margaret's invitation is over, so she is no longer expected.
    assert (response.json()["totals"]["expected"], response.json()["totals"]["arrived"]) == (3, 3)


def test_arrivals_of_the_wrong_shape_are_refused_whole(night, people):
    before = snapshot()

    response = client_for(people["event_staff"]).post(
        f"/api/v1/events/{night.event.pk}/arrivals/", {"arrivals": [{"guest": night.ash_guest.pk}, {"at": "now"}]}, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["arrivals"]
    assert list(errors) == ["1"]
    assert errors["1"]["guest"] == ["This field is required."]
    assert errors["1"]["at"][0].startswith("Datetime has wrong format.")
    assert snapshot() == before


@pytest.mark.parametrize(
    "payload, status, body",
    [
        ({"table": 1}, 400, {"name": ["This field is required."]}),
        ({"name": "   "}, 400, {"name": ["This field may not be blank."]}),
        ({"name": "Pat", "table": 9}, 400, "There is no table 9 at"),
        ({"name": "Pat", "access_needs": ["jetpack"]}, 400, {"access_needs": {"0": ['"jetpack" is not a valid choice.']}}),
    ],
)
def test_a_bad_walk_in_is_refused_and_nobody_is_added(night, people, payload, status, body):
    before = snapshot()

    response = client_for(people["event_staff"]).post(f"/api/v1/events/{night.event.pk}/walk-ins/", payload, format="json")

    assert response.status_code == status
    if isinstance(body, str):
        assert response.json() == {"detail": f"{body} {night.event.name}.", "code": "eventerror", "field": "table"}
    else:
        assert response.json() == body
    assert snapshot() == before


def test_a_walk_in_with_access_needs_counts_as_expected_and_arrived(night, people):
    client = client_for(people["event_staff"])

    response = client.post(f"/api/v1/events/{night.event.pk}/walk-ins/", {"name": " Pat Neighbour ", "access_needs": ["bsl"]}, format="json")
    totals = client.get(f"/api/v1/events/{night.event.pk}/door-totals/").json()

    assert response.status_code == 201
    assert (response.json()["name"], response.json()["table"], response.json()["access_needs"]) == ("Pat Neighbour", None, ["bsl"])
    assert (totals["expected"], totals["arrived"]) == (5, 2)
    assert {"table": None, "expected": 1, "arrived": 1} in totals["tables"]


def test_a_walk_in_is_seated_only_at_a_table_with_room(night, people):
    client = client_for(people["event_staff"])
    Table.objects.create(event=night.event, number=50, capacity=1, accessible=False)
    url = f"/api/v1/events/{night.event.pk}/walk-ins/"

    first = client.post(url, {"name": "Pat Neighbour", "table": 50}, format="json")
    seats = Event.objects.get(pk=night.event.pk).seats_taken
    before = snapshot()
    full = client.post(url, {"name": "Sam Latecomer", "table": 50}, format="json")

    assert first.status_code == 201
    assert (full.status_code, full.json()["detail"]) == (400, "Table 50 is full (1 seats).")
    assert snapshot() == before and Event.objects.get(pk=night.event.pk).seats_taken == seats


def test_a_walk_in_with_access_needs_is_not_seated_at_a_table_that_is_not_accessible(night, people):
    Table.objects.create(event=night.event, number=51, capacity=8, accessible=False)
    before = snapshot()

    refused = client_for(people["event_staff"]).post(
        f"/api/v1/events/{night.event.pk}/walk-ins/", {"name": "Jo Wheels", "table": 51, "access_needs": ["wheelchair"]}, format="json"
    )

    assert (refused.status_code, refused.json()["detail"]) == (400, "Jo Wheels has access needs; table 51 is not marked accessible.")
    assert snapshot() == before


def test_a_walk_in_added_by_mistake_is_removed_and_gives_back_the_seat(night, people):
    client = client_for(people["event_staff"])
    seats = Event.objects.get(pk=night.event.pk).seats_taken
    added = client.post(f"/api/v1/events/{night.event.pk}/walk-ins/", {"name": "Pat Neighbour"}, format="json").json()
    invited = Guest.objects.filter(event=night.event, invitation__isnull=False).first()

    removed = client.delete(f"/api/v1/guests/{added['id']}/")
    before = snapshot()
    refused = client.delete(f"/api/v1/guests/{invited.pk}/")

    assert removed.status_code == 204
    assert not Guest.objects.filter(pk=added["id"]).exists()
    assert Event.objects.get(pk=night.event.pk).seats_taken == seats
    assert refused.status_code == 409
    assert refused.json()["detail"] == f"{ROWAN_AT_THE_DOOR} is an invited guest, not a walk-in: mark them not arrived with Undo instead."
    assert snapshot() == before and Event.objects.get(pk=night.event.pk).seats_taken == seats


def test_a_walk_in_takes_a_seat_and_a_full_event_lets_no_one_more_in(night, people):
    client = client_for(people["event_staff"])
    event = Event.objects.get(pk=night.event.pk)
    Event.objects.filter(pk=event.pk).update(capacity=event.seats_taken + 1)

    added = client.post(f"/api/v1/events/{event.pk}/walk-ins/", {"name": "Pat Neighbour"}, format="json")
    before = snapshot()
    refused = client.post(f"/api/v1/events/{event.pk}/walk-ins/", {"name": "Sam Latecomer"}, format="json")

    assert added.status_code == 201
    assert Event.objects.get(pk=event.pk).seats_taken == event.seats_taken + 1
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": f"The event is full: all {event.seats_taken + 1} seats are taken. An organiser can raise the capacity "
        "if the venue allows more people.",
        "code": "capacityfull",
        "field": "name",
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    "query, names",
    [
        ("search=ROW", [ROWAN_AT_THE_DOOR]),
        ("search=a", ["Ann Carer", ASH_AT_THE_DOOR, "Margaret Oduya", ROWAN_AT_THE_DOOR]),
        ("search=Featherstonehaugh", []),  # the event team never searches a surname it does not see
        ("table=2", ["Margaret Oduya"]),
        ("table=1&search=carer", ["Ann Carer"]),
        ("arrived=true", [ROWAN_AT_THE_DOOR]),
        ("arrived=false", ["Ann Carer", ASH_AT_THE_DOOR, "Margaret Oduya"]),
        ("ordering=-name", [ROWAN_AT_THE_DOOR, "Margaret Oduya", ASH_AT_THE_DOOR, "Ann Carer"]),
    ],
)
def test_the_door_finds_guests_by_name_table_and_arrival(night, people, query, names):
    response = client_for(people["event_staff"]).get(f"/api/v1/guests/?event={night.event.pk}&{query}")

    assert response.status_code == 200
    assert [g["name"] for g in response.json()["results"]] == names


def test_the_guest_list_needs_an_event(night, people):
    response = client_for(people["event_staff"]).get("/api/v1/guests/")

    assert response.status_code == 400
    assert response.json() == {"event": ["This field is required."]}


def test_the_guest_list_leaves_out_those_no_longer_coming(night, people):
    Invitation.objects.filter(pk=night.presenter.pk).update(status=InvitationStatus.REVOKED)

    response = client_for(people["event_staff"]).get(f"/api/v1/guests/?event={night.event.pk}")

    assert [g["name"] for g in response.json()["results"]] == ["Ann Carer", ASH_AT_THE_DOOR, ROWAN_AT_THE_DOOR]


def test_an_organiser_who_is_event_staff_elsewhere_gets_the_door_view_there(night, people):
    """The fields follow the role in the event's programme, not the user's highest role anywhere."""
    other = Event.objects.exclude(pk=night.event.pk).get()
    user_with_role(other.programme, Role.EVENT_STAFF, night.organiser.username)
    Guest.objects.create(event=other, name="Lee", position=1, relationship="other", dietary=["vegan"])
    user = get_user_model().objects.get(pk=night.organiser.pk)

    there = client_for(user).get(f"/api/v1/guests/?event={other.pk}")
    here = client_for(user).get(f"/api/v1/guests/?event={night.event.pk}")

    assert [set(g) for g in there.json()["results"]] == [DOOR_GUEST_FIELDS]
    assert set(here.json()["results"][0]) == ORGANISER_GUEST_FIELDS


# --- downloads --------------------------------------------------------------------------------


def test_the_workbook_keeps_the_winner_sealed_until_revealed(night):
    from night.services import winner_reveal

    def winner_cell():
        response = client_for(night.organiser).get(f"/api/v1/events/{night.event.pk}/workbook/")
        rows = list(load_workbook(BytesIO(download(response)))["Running order"].iter_rows(min_row=2, values_only=True))
        return rows[1][10]

    sealed = winner_cell()
    winner_reveal(item=night.award, actor=night.organiser)

    assert (sealed, winner_cell()) == ("sealed", "Rowan")


def test_the_certificates_list_covers_every_eligible_nomination_of_the_programme(night):
    NominationFactory(programme=night.event.programme, category=night.award.category, status=NominationStatus.ELIGIBLE,
                      nominee=cleared_nominee(night.event.programme, legal_first_name="Sol"))
    NominationFactory(programme=night.event.programme, category=night.award.category, status=NominationStatus.SUBMITTED)

    response = client_for(night.organiser).get(f"/api/v1/events/{night.event.pk}/certificates/")

    rows = list(load_workbook(BytesIO(download(response))).active.iter_rows(min_row=2, values_only=True))
    sol = Nomination.objects.get(nominee__legal_first_name="Sol").nominee
    assert sorted((row[0], row[2]) for row in rows) == sorted([
        ("Ash Quillfeather", "Shortlisted"), (f"Kit {night.kit.nominee.legal_last_name}", "Shortlisted"),
        ("Rowan Featherstonehaugh", "Shortlisted"), (f"Sol {sol.legal_last_name}", "Nominated"),
    ])


# --- query counts -----------------------------------------------------------------------------


def populate(event, organiser, categories: int, finalists: int) -> None:
    """`categories` awards of `finalists` finalists each, every one accepted with a guest, a
    presenter per award, seated, and every other finalist arrived."""
    programme = event.programme
    presenter = invitation_create(event=event, actor=organiser, kind="presenter", addressee_name="P", addressee_email="p@example.org")
    for number in range(categories):
        category = CategoryFactory(programme=programme, display_order=number)
        confirmed_finalists(programme, category, [cleared_nominee(programme, say_first_name="say") for _ in range(finalists)])
    finalist_invitations_create(event=event, actor=organiser)
    for invitation in Invitation.objects.filter(event=event, kind="finalist"):
        accept(invitation, GuestInput(name="Guest", relationship="family", dietary=("vegan",)))
    items = running_order_generate(event=event, actor=organiser, replace=True)
    for item in items:
        if item.kind == "award":
            running_order_update(item=item, actor=organiser, presenters=[presenter])
    tables_set(event=event, actor=organiser, tables=[(n, 10, n == 1) for n in range(1, categories * finalists // 4 + 2)])
    seating_assign(event=event, actor=organiser)
    for guest in Guest.objects.filter(event=event, position=0)[::2]:
        guest_check_in(guest=guest, actor=organiser)


def fresh(user):
    """The user as a new request loads them: roles not yet read."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("size", [(1, 1), (4, 3)])
@pytest.mark.parametrize("role", DOOR_ROLES)
def test_running_order_query_count_is_fixed(event, organiser, size, role, django_assert_num_queries):
    populate(event, organiser, *size)
    user = organiser if role == "organiser" else user_with_role(event.programme, Role.EVENT_STAFF, "door")
    client = client_for(fresh(user))

    # roles, event; items, presenters, finalists, finalist invitations, guests, tables.
    with django_assert_num_queries(7):
        response = client.get(f"/api/v1/events/{event.pk}/running-order/")

    awards = [i for i in response.json() if i["kind"] == "award"]
    assert (len(awards), sum(len(i["finalists"]) for i in awards)) == (size[0], size[0] * size[1])


@pytest.mark.parametrize("size", [(1, 1), (4, 3)])
@pytest.mark.parametrize("role", DOOR_ROLES)
def test_guest_list_query_count_is_fixed(event, organiser, size, role, django_assert_num_queries):
    populate(event, organiser, *size)
    user = organiser if role == "organiser" else user_with_role(event.programme, Role.EVENT_STAFF, "door")
    client = client_for(fresh(user))

    # roles, the event filter (its event is the list's), count, page, and the first guest each finalist
    # on the page brings (the event team's neutral label says who they are with); event staff's page
    # is read as values, with one query more for the nominations its finalists' names come from.
    with django_assert_num_queries(5 if role == "organiser" else 6):
        response = client.get(f"/api/v1/guests/?event={event.pk}")

    assert response.json()["count"] == size[0] * size[1] * 2  # each finalist and their guest
    expected = ORGANISER_GUEST_FIELDS if role == "organiser" else DOOR_GUEST_FIELDS
    assert all(set(g) == expected for g in response.json()["results"])


@pytest.mark.parametrize("size", [(1, 1), (4, 3)])
def test_door_totals_query_count_is_fixed(event, organiser, size, django_assert_num_queries):
    populate(event, organiser, *size)
    client = client_for(fresh(user_with_role(event.programme, Role.EVENT_STAFF, "door")))

    # roles, event, totals, per table.
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/events/{event.pk}/door-totals/")

    assert response.json()["expected"] == size[0] * size[1] * 2
    assert sum(t["expected"] for t in response.json()["tables"]) == size[0] * size[1] * 2


def test_the_door_s_guest_list_says_what_its_serializer_says_reading_values(night, people, django_assert_num_queries):
    """Event staff's guest list is read as values and named in two queries (night.api.views.door_rows):
    each guest exactly as DoorGuestSerializer gives them from model instances, for a finalist the
    event team may not know by name (the neutral label with table and companion) and a carer's
    words that name the young person beyond the door's name."""
    from night.api.serializers import DoorGuestSerializer

    nominee = night.ash.nominee
    nominee.named_to_event_staff = False
    nominee.save(update_fields=["named_to_event_staff"])
    Guest.objects.filter(pk=night.ann.pk).update(access_other="Rowan Featherstonehaugh's chair by the ramp")
    client = client_for(people["event_staff"])

    with django_assert_num_queries(6):  # roles, event, count, page, nominations, companions
        body = client.get(f"/api/v1/guests/?event={night.event.pk}&page_size=50").json()

    guests = (
        Guest.objects.filter(event=night.event).exclude(invitation__status=InvitationStatus.DECLINED)
        .select_related("table", "invitation__nomination__nominee", "invitation__nomination__group")
    )
    companions = {g.invitation_id: g.name for g in Guest.objects.filter(event=night.event, position=1)}
    expected = {g.pk: dict(DoorGuestSerializer(g, context={"companions": companions}).data) for g in guests}
    assert {g["id"]: g for g in body["results"]} == expected
    ann = expected[night.ann.pk]
    assert ann["access_other"] == "Rowan F.'s chair by the ramp"
    assert expected[night.ash_guest.pk]["name"].startswith("Finalist no. ")
