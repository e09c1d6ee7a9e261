"""The event-night pages: running order and compere script, tables and seating, the door with
its JSON for the offline script, and the downloads. Who may use each, what each shows (and to
event staff, what it must not), bad input refused without changing anything, and a fixed number
of queries whatever the size of the event."""

import base64
import gzip
import io
import json
import re
from html import unescape

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from awards.enums import Role
from events.enums import InvitationKind, InvitationStatus, ItemKind
from events.models import Event, Guest, Invitation, RunningOrderItem, Table
from events.selectors import guests_coming
from events.services import (
    GuestInput,
    RsvpAnswer,
    finalist_invitations_create,
    invitation_create,
    quote_approve,
    rsvp_respond,
)
from night.selectors import door_guests
from night.services import (
    guest_check_in,
    running_order_generate,
    running_order_remove,
    running_order_update,
    seating_assign,
    tables_set,
    walk_in_add,
    winner_reveal,
    winner_set,
)
from night.views import DOOR_ROWS
from nominations.enums import PublicityLevel
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    EventFactory,
    PanelFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.worlds import cleared_nominee, confirmed_finalists, guests_by_name

pytestmark = pytest.mark.django_db

WORKBOOK_SHEETS = [
    "Running order", "Compere script", "Finalists by category", "Guest list", "Table plan",
    "Dietary and access", "Photography", "Presenters",
]


# --- helpers ----------------------------------------------------------------------------------


def text(response) -> str:
    return unescape(response.content.decode())


def plain(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def error_summary(response) -> list[str]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary"
    return [plain(item) for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]


def messages_shown(response) -> list[str]:
    return [
        plain(m) for m in re.findall(r'<p class="govuk-notification-banner__heading">(.*?)</p>', response.content.decode(), re.S)
    ]


def item_block(response, item) -> str:
    """The running order's (or compere script's) block of one item, as text."""
    match = re.search(rf'<li class="[^"]*" id="item-{item.pk}">(.*?)(?=<li class="(?:running-order__item|script__)|</ol>)',
                      response.content.decode(), re.S)
    assert match, f"no item {item.pk}"
    return plain(match.group(1))


def finalist_lines(response, item) -> list[str]:
    match = re.search(rf'id="item-{item.pk}">(.*?)(?=<li class="(?:running-order__item|script__)|</ol>)', response.content.decode(), re.S)
    assert match, f"no item {item.pk}"
    return [plain(li) for li in re.findall(r'<li class="finalists__item">(.*?)</li>', match.group(1), re.S)]


def door_rows(response) -> dict[str, str]:
    """Each guest on the door page: name -> everything the row says."""
    rows = re.findall(r'<li class="door-guest[^"]*" id="guest-\d+"[^>]*>(.*?)</li>', response.content.decode(), re.S)
    result = {}
    for row in rows:
        name = plain(re.search(r'<span class="door-guest__name"[^>]*>(.*?)</span>', row, re.S).group(1))
        result[name] = plain(row)
    return result


def totals_shown(response) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r'<dd data-total="(\w+)">(\d+)</dd>', response.content.decode())}


def door_row_html(response, guest) -> str:
    match = re.search(rf'<li class="door-guest[^"]*" id="guest-{guest.pk}"[^>]*>(.*?)</li>', response.content.decode(), re.S)
    assert match, f"no guest {guest.pk}"
    return match.group(0)


def door_user(programme):
    return user_with_role(programme, Role.EVENT_STAFF, "door")


def accepted(invitation, *guests: GuestInput, principal: GuestInput | None = None):
    """Answer yes through the RSVP service, as the invitee would."""
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.SENT)
    invitation.refresh_from_db()
    party = (principal or GuestInput(name=""), *guests)
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=party))
    invitation.refresh_from_db()
    return invitation


def accepted_person(event, organiser, kind, name, title=""):
    invitation = invitation_create(
        event=event, actor=organiser, kind=kind, addressee_name=name, addressee_email=f"{kind}@example.org",
        invitee_name=name, title=title,
    )
    return accepted(invitation, principal=GuestInput(name=name))


def snapshot(event) -> tuple:
    return (
        list(RunningOrderItem.objects.filter(event=event).order_by("pk").values_list(
            "pk", "position", "kind", "title", "duration_minutes", "starts_at", "category_id", "compere_id", "winner_id",
            "winner_revealed",
        )),
        list(RunningOrderItem.presenters.through.objects.order_by("pk").values_list("runningorderitem_id", "invitation_id")),
        list(Table.objects.filter(event=event).order_by("pk").values_list("pk", "number", "capacity", "accessible")),
        list(Guest.objects.order_by("pk").values_list("pk", "name", "table_id", "checked_in_at", "checked_in_by_id")),
    )


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def evening(event, category, organiser):
    """A small night: two awards with finalists (one named with a pronunciation, one anonymous
    with a pronunciation that must not show, one group), presenters and a compere, the running
    order, tables and seating, one finalist arrived and one who declined."""
    programme = event.programme
    rowan = cleared_nominee(programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh",
                            say_first_name="ROH-an", safeguarding_notes="SAFEGUARDING NOTE: not for the door")
    hidden = cleared_nominee(programme, legal_first_name="Zebedee", legal_last_name="Quartermaine",
                             publicity_level=PublicityLevel.ANONYMOUS, say_first_name="ZEB-uh-dee")
    talent = CategoryFactory(programme=programme, name="Talent", display_order=5, description="For a talent shared.")
    sky = cleared_nominee(programme, legal_first_name="Skylar", legal_last_name="Abernethy", say_first_name="SKY-lar")
    noor = cleared_nominee(programme, legal_first_name="Noor", legal_last_name="Okonkwo-Smythe")
    rowan_n, hidden_n = confirmed_finalists(programme, category, [rowan, hidden])
    sky_n, noor_n = confirmed_finalists(programme, talent, [sky, noor])
    rowan_n.achievement = "STATEMENT: Rowan organised the whole football tournament."
    rowan_n.save()
    finalist_invitations_create(event=event, actor=organiser)
    invitations = {i.nomination_id: i for i in Invitation.objects.filter(event=event, kind=InvitationKind.FINALIST)}
    accepted(
        invitations[rowan_n.pk],
        GuestInput(name="Morag Carer", relationship="carer", dietary=("nut_allergy",), dietary_other="DIETARY: sesame",
                   access_needs=("wheelchair",), access_other="Needs the ramp by gate C", photography_consent=False),
        principal=GuestInput(name="", dietary=("vegan",)),
    )
    accepted(invitations[hidden_n.pk], GuestInput(name="Pat Worker", relationship="worker"))
    accepted(invitations[sky_n.pk])
    Invitation.objects.filter(pk=invitations[noor_n.pk].pk).update(status=InvitationStatus.DECLINED)
    quote_approve(invitation=invitations[sky_n.pk], actor=organiser, quote="Skylar lights up every stage.")
    # Words on an invitation nobody approved are never quoted.
    Invitation.objects.filter(pk=invitations[rowan_n.pk].pk).update(quote="UNAPPROVED WORDS")
    sheriff = accepted_person(event, organiser, InvitationKind.PRESENTER, "Dr Ada Example", "High Sheriff of Northshire")
    compere = accepted_person(event, organiser, InvitationKind.COMPERE, "Jordan Mic")
    welcome, first, second, close = running_order_generate(event=event, actor=organiser)
    running_order_update(item=first, actor=organiser, presenters=[sheriff], compere=compere, walk_on_music="Eye of the Tiger", slide="S4")
    tables_set(event=event, actor=organiser, tables=[(1, 4, True), (2, 6, False)])
    seating_assign(event=event, actor=organiser)
    rowan_guest = Guest.objects.get(invitation=invitations[rowan_n.pk], position=0)
    guest_check_in(guest=rowan_guest, actor=organiser)
    rowan_guest.refresh_from_db()
    return {
        "categories": [category, talent],
        "items": {"welcome": welcome, "first": first, "second": second, "close": close},
        "nominations": {"rowan": rowan_n, "hidden": hidden_n, "sky": sky_n, "noor": noor_n},
        "invitations": invitations,
        "sheriff": sheriff,
        "compere": compere,
        "carer": Guest.objects.get(name="Morag Carer"),
        "rowan_guest": rowan_guest,
    }


# --- who may use the pages ------------------------------------------------------------------

OUTSIDERS = ["plain user", "staff", "panel member", "organiser of another programme"]


def outsider(who: str, programme):
    if who == "plain user":
        return UserFactory(username="plain")
    if who == "staff":
        return user_with_role(programme, Role.STAFF, "staffer")
    if who == "panel member":
        return PanelMemberFactory(panel=PanelFactory(programme=programme), user__username="panellist").user
    return user_with_role(EventFactory(programme=ProgrammeFactory()).programme, Role.ORGANISER, "elsewhere")


def organiser_urls(event, evening) -> list[tuple[str, str, dict]]:
    """Everything only organisers may do, with valid input so that a refusal comes from the scope."""
    e, item, guest = event.pk, evening["items"]["first"].pk, evening["carer"].pk
    table = Table.objects.get(event=event, number=2).pk
    winner = evening["nominations"]["rowan"].pk
    return [
        ("get", f"/event/{e}/running-order/{item}/", {}),
        ("get", f"/event/{e}/tables/", {}),
        ("get", f"/event/{e}/workbook.xlsx", {}),
        ("get", f"/event/{e}/certificates.xlsx", {}),
        ("post", f"/event/{e}/running-order/generate/", {"generate-replace": "on"}),
        ("post", f"/event/{e}/running-order/add/", {"add-kind": "speech", "add-title": "Director's words"}),
        ("post", f"/event/{e}/running-order/{item}/", {"kind": "award", "category": evening["categories"][0].pk, "title": "X", "duration_minutes": "9"}),
        ("post", f"/event/{e}/running-order/{item}/move/", {"direction": "down"}),
        ("post", f"/event/{e}/running-order/{item}/remove/", {"confirm": "yes"}),
        ("post", f"/event/{e}/running-order/{item}/winner/", {"winner": winner}),
        ("post", f"/event/{e}/running-order/{item}/reveal/", {}),
        ("post", f"/event/{e}/tables/set/", {"tables-first": "3", "tables-capacity": "8"}),
        ("post", f"/event/{e}/tables/seat/", {}),
        ("post", f"/event/{e}/tables/move/", {"move-guest": guest, "move-table": table}),
    ]


def door_urls(event, evening) -> list[tuple[str, str, dict]]:
    """What event staff may do as well as organisers."""
    e, guest = event.pk, evening["carer"].pk
    return [
        ("get", f"/event/{e}/running-order/", {}),
        ("get", f"/event/{e}/compere-script/", {}),
        ("get", f"/event/{e}/door/", {}),
        ("post", f"/event/{e}/door/{guest}/arrived/", {}),
        ("post", f"/event/{e}/door/{evening['rowan_guest'].pk}/undo/", {}),
        ("post", f"/event/{e}/door/walk-in/", {"walk-in-name": "Late Arrival"}),
    ]


def json_urls(event, evening) -> list[tuple[str, str]]:
    return [
        ("get", f"/event/{event.pk}/door/totals/"),
        ("get", f"/event/{event.pk}/door/guests/"),
        ("post", f"/event/{event.pk}/door/arrivals/"),
    ]


def call(client, method, url, data=None):
    return client.post(url, data or {}) if method == "post" else client.get(url)


def post_arrivals(client, event, arrivals):
    return client.post(f"/event/{event.pk}/door/arrivals/", json.dumps({"arrivals": arrivals}), content_type="application/json")


def test_anonymous_people_are_sent_to_sign_in_and_the_json_answers_401(client, event, evening):
    before = snapshot(event)
    for method, url, data in organiser_urls(event, evening) + door_urls(event, evening):
        response = call(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}", url
    for method, url in json_urls(event, evening):
        response = client.post(url, "{}", content_type="application/json") if method == "post" else client.get(url)
        assert response.status_code == 401, url
        assert "Sign in again" in response.json()["detail"]
    assert snapshot(event) == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_everyone_but_the_programmes_organisers_and_event_staff_gets_not_found_and_changes_nothing(client, event, evening, who):
    client.force_login(outsider(who, event.programme))
    before = snapshot(event)
    for method, url, data in organiser_urls(event, evening) + door_urls(event, evening):
        response = call(client, method, url, data)
        assert response.status_code == 404, (who, url)
        assert "Rowan" not in text(response) and "Morag" not in text(response)
    response = post_arrivals(client, event, [{"guest": evening["carer"].pk, "at": timezone.now().isoformat()}])
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert client.get(f"/event/{event.pk}/door/totals/").status_code == 404
    assert client.get(f"/event/{event.pk}/door/guests/").status_code == 404
    assert snapshot(event) == before


def test_event_staff_may_not_edit_seat_or_download_anything(client, event, evening):
    client.force_login(door_user(event.programme))
    before = snapshot(event)
    for method, url, data in organiser_urls(event, evening):
        response = call(client, method, url, data)
        assert response.status_code == 404, url
    assert snapshot(event) == before


def test_event_staff_and_organisers_open_the_door_running_order_and_compere_script(client, event, evening, organiser):
    for user in (door_user(event.programme), organiser):
        client.force_login(user)
        for method, url, _ in door_urls(event, evening):
            if method == "get":
                response = client.get(url)
                assert response.status_code == 200, (user, url)
                assert "<h1>" in response.content.decode(), url


def test_every_page_opens_for_the_programmes_organiser(as_user, event, evening, organiser):
    client = as_user(organiser)
    for method, url, _ in organiser_urls(event, evening):
        if method == "get" and not url.endswith(".xlsx"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "<h1>" in response.content.decode(), url


def test_event_staff_find_their_events_and_people_without_a_role_do_not(client, event):
    other = EventFactory(name="Someone else's night")
    client.force_login(door_user(event.programme))

    body = text(client.get("/event/door/"))

    assert event.name in body and f'href="/event/{event.pk}/door/"' in body
    assert other.name not in body
    client.force_login(user_with_role(other.programme, Role.ORGANISER, "elsewhere"))
    body = text(client.get("/event/door/"))
    assert other.name in body and event.name not in body
    for who in ("plain user", "staff", "panel member"):
        client.force_login(outsider(who, event.programme))
        assert client.get("/event/door/").status_code == 404, who


def test_the_event_page_links_to_the_night(as_user, event, organiser):
    body = as_user(organiser).get(f"/event/{event.pk}/").content.decode()

    for path in ("running-order/", "compere-script/", "tables/", "door/", "workbook.xlsx", "certificates.xlsx"):
        assert f'href="/event/{event.pk}/{path}"' in body, path


# --- the running order ----------------------------------------------------------------------


def test_the_running_order_shows_each_award_with_finalists_pronunciation_and_who_is_in_the_room(as_user, event, evening, organiser):
    response = as_user(organiser).get(f"/event/{event.pk}/running-order/")
    items = evening["items"]

    assert response.status_code == 200
    first = item_block(response, items["first"])
    assert first.startswith(f"{timezone.localtime(items['first'].starts_at):%H:%M} Positive Choices")
    assert "Presented by Dr Ada Example, High Sheriff of Northshire" in first
    assert "Compere Jordan Mic" in first
    assert "Walk-on music Eye of the Tiger" in first and "Slide S4" in first
    rowan_arrived = timezone.localtime(evening["rowan_guest"].checked_in_at)
    assert finalist_lines(response, items["first"]) == [
        f"Rowan Say it: ROH-an In the room since {rowan_arrived:%H:%M}",
        "A young person from our care Not yet arrived",
    ]
    assert finalist_lines(response, items["second"]) == [
        "Skylar Say it: SKY-lar Not yet arrived",
        "Noor Not coming",
    ]
    body = text(response)
    # Announce names only, and no pronunciation for the young person who is not named.
    for secret in ("Featherstonehaugh", "Zebedee", "ZEB-uh-dee", "Quartermaine", "Abernethy"):
        assert secret not in body


def test_an_organiser_makes_a_first_running_order_from_the_categories_with_finalists(as_user, event, evening, organiser):
    RunningOrderItem.objects.filter(event=event).delete()
    CategoryFactory(programme=event.programme, name="No finalists yet")

    response = as_user(organiser).post(f"/event/{event.pk}/running-order/generate/", {})

    assert response.status_code == 302 and response["Location"] == f"/event/{event.pk}/running-order/"
    items = list(RunningOrderItem.objects.filter(event=event).order_by("position"))
    assert [(i.position, i.kind, i.title) for i in items] == [
        (1, "welcome", "Welcome"), (2, "award", "Positive Choices"), (3, "award", "Talent"), (4, "close", "Thanks and close"),
    ]
    page = as_user(organiser).get(response["Location"])
    assert messages_shown(page) == [
        "A first running order of 4 items, with 2 awards. Now add presenters, performances and breaks, and move items where they belong."
    ]


def test_making_a_running_order_again_needs_the_replace_box_and_otherwise_changes_nothing(as_user, event, evening, organiser):
    before = snapshot(event)

    response = as_user(organiser).post(f"/event/{event.pk}/running-order/generate/", {})

    assert response.status_code == 400
    assert error_summary(response) == ["This event already has a running order; replace it explicitly or edit it."]
    assert snapshot(event) == before

    response = as_user(organiser).post(f"/event/{event.pk}/running-order/generate/", {"generate-replace": "on"})
    assert response.status_code == 302
    assert RunningOrderItem.objects.filter(event=event).count() == 4
    assert not RunningOrderItem.objects.filter(pk=evening["items"]["first"].pk).exists()


def test_an_organiser_inserts_a_performance_and_the_times_after_it_move(as_user, event, evening, organiser):
    response = as_user(organiser).post(f"/event/{event.pk}/running-order/add/", {
        "add-position": "2", "add-kind": "performance", "add-title": "Youth choir", "add-duration_minutes": "12",
        "add-presenters": [evening["sheriff"].pk], "add-walk_on_music": "=cmd|' /C calc'!A0",
    })

    assert response.status_code == 302
    items = list(RunningOrderItem.objects.filter(event=event).order_by("position"))
    assert [i.title for i in items] == ["Welcome", "Youth choir", "Positive Choices", "Talent", "Thanks and close"]
    assert [int((i.starts_at - event.starts_at).total_seconds() // 60) for i in items] == [0, 10, 22, 30, 38]
    choir = items[1]
    assert response["Location"] == f"/event/{event.pk}/running-order/#item-{choir.pk}"
    assert list(choir.presenters.all()) == [evening["sheriff"]]
    assert choir.walk_on_music == "=cmd|' /C calc'!A0"
    page = as_user(organiser).get(f"/event/{event.pk}/running-order/")
    assert messages_shown(page) == ["Added “Youth choir” as number 2. The times after it have moved."]


def test_an_award_item_without_a_title_is_named_after_its_category(as_user, event, evening, organiser):
    running_order_remove(item=evening["items"]["second"], actor=organiser)
    talent = evening["categories"][1]

    response = as_user(organiser).post(f"/event/{event.pk}/running-order/add/", {
        "add-kind": "award", "add-category": talent.pk, "add-title": "",
    })

    assert response.status_code == 302
    added = RunningOrderItem.objects.get(event=event, category=talent)
    assert (added.title, added.duration_minutes, added.position) == ("Talent", 8, 4)


def test_an_award_for_a_category_without_finalists_is_refused_on_the_field_and_changes_nothing(as_user, event, evening, organiser):
    empty = CategoryFactory(programme=event.programme, name="Team Effort", display_order=9)
    page = as_user(organiser).get(f"/event/{event.pk}/running-order/")
    assert "Team Effort (no finalists yet)" in text(page)
    before = snapshot(event)

    response = as_user(organiser).post(f"/event/{event.pk}/running-order/add/", {
        "add-kind": "award", "add-category": empty.pk, "add-title": "Team",
    })

    assert response.status_code == 400
    assert error_summary(response) == ["Team Effort has no finalists: confirm its shortlist first."]
    assert 'href="#id_add-category"' in response.content.decode()
    assert snapshot(event) == before


@pytest.mark.parametrize(
    "data, message",
    [
        ({"add-kind": "", "add-title": "X"}, "Choose the kind of item."),
        ({"add-kind": "speech", "add-title": "X", "add-duration_minutes": "0"}, "Enter the length in minutes of at least 1."),
        ({"add-kind": "speech", "add-title": "X", "add-position": "9"}, "The position is between 1 and 5."),
        ({"add-kind": "speech", "add-title": ""}, "Give the item a title of up to 150 characters."),
        ({"add-kind": "award", "add-title": "Again", "add-category": "CATEGORY"}, "That category already has its award in the running order."),
        ({"add-kind": "speech", "add-title": "X", "add-compere": "PRESENTER"}, "Choose one of the comperes listed."),
    ],
)
def test_bad_items_are_refused_with_the_reason_and_change_nothing(as_user, event, evening, organiser, data, message):
    data = {**data}
    if data.get("add-category") == "CATEGORY":
        data["add-category"] = evening["categories"][0].pk
    if data.get("add-compere") == "PRESENTER":
        data["add-compere"] = evening["sheriff"].pk
    before = snapshot(event)

    response = as_user(organiser).post(f"/event/{event.pk}/running-order/add/", data)

    assert response.status_code == 400
    assert error_summary(response) == [message]
    assert snapshot(event) == before


def test_an_organiser_changes_an_item_and_the_times_are_worked_out_again(as_user, event, evening, organiser):
    first = evening["items"]["first"]
    page = as_user(organiser).get(f"/event/{event.pk}/running-order/{first.pk}/")
    assert 'value="Eye of the Tiger"' in page.content.decode()
    assert re.search(rf'value="{evening["sheriff"].pk}"[^>]*checked', page.content.decode())

    response = as_user(organiser).post(f"/event/{event.pk}/running-order/{first.pk}/", {
        "kind": "award", "category": first.category_id, "title": "Positive Choices Award", "duration_minutes": "20",
        "presenters": [], "compere": "", "walk_on_music": "", "slide": "S5", "notes": "Mic 2",
    })

    assert response.status_code == 302 and response["Location"] == f"/event/{event.pk}/running-order/#item-{first.pk}"
    first.refresh_from_db()
    assert (first.title, first.duration_minutes, first.slide, first.notes, first.compere) == ("Positive Choices Award", 20, "S5", "Mic 2", None)
    assert list(first.presenters.all()) == []
    second = RunningOrderItem.objects.get(pk=evening["items"]["second"].pk)
    assert second.starts_at == event.starts_at + timezone.timedelta(minutes=30)


def test_moving_items_up_and_down_uses_buttons_and_recomputes_the_times(as_user, event, evening, organiser):
    items = evening["items"]
    client = as_user(organiser)

    response = client.post(f"/event/{event.pk}/running-order/{items['second'].pk}/move/", {"direction": "up"})

    assert response.status_code == 302
    order = list(RunningOrderItem.objects.filter(event=event).order_by("position").values_list("title", flat=True))
    assert order == ["Welcome", "Talent", "Positive Choices", "Thanks and close"]
    assert RunningOrderItem.objects.get(pk=items["second"].pk).starts_at == event.starts_at + timezone.timedelta(minutes=10)

    client.post(f"/event/{event.pk}/running-order/{items['welcome'].pk}/move/", {"direction": "down"})
    order = list(RunningOrderItem.objects.filter(event=event).order_by("position").values_list("title", flat=True))
    assert order == ["Talent", "Welcome", "Positive Choices", "Thanks and close"]

    client.get(f"/event/{event.pk}/running-order/")  # the messages so far are shown
    before = snapshot(event)
    response = client.post(f"/event/{event.pk}/running-order/{items['close'].pk}/move/", {"direction": "down"})
    assert response.status_code == 302
    assert messages_shown(client.get(f"/event/{event.pk}/running-order/")) == ["“Thanks and close” is already last."]
    assert client.post(f"/event/{event.pk}/running-order/{items['close'].pk}/move/", {"direction": "sideways"}).status_code == 400
    assert snapshot(event) == before


def test_removing_an_item_asks_first_then_moves_the_rest_up(as_user, event, evening, organiser):
    url = f"/event/{event.pk}/running-order/{evening['items']['welcome'].pk}/remove/"
    asked = as_user(organiser).post(url)
    assert asked.status_code == 200 and "You cannot undo this." in asked.content.decode()
    assert "The items after it move up" in asked.content.decode()
    assert RunningOrderItem.objects.filter(event=event).count() == 4  # nothing removed yet

    response = as_user(organiser).post(url, {"confirm": "yes"})

    assert response.status_code == 302
    items = list(RunningOrderItem.objects.filter(event=event).order_by("position"))
    assert [(i.position, i.title) for i in items] == [(1, "Positive Choices"), (2, "Talent"), (3, "Thanks and close")]
    assert items[0].starts_at == event.starts_at


def test_an_item_of_another_event_is_not_found(as_user, event, evening, organiser):
    other_event = EventFactory()
    foreign = RunningOrderItem.objects.create(event=other_event, position=1, kind="speech", title="Elsewhere", starts_at=other_event.starts_at)
    client = as_user(organiser)

    assert client.get(f"/event/{event.pk}/running-order/{foreign.pk}/").status_code == 404
    assert client.post(f"/event/{event.pk}/running-order/{foreign.pk}/remove/", {"confirm": "yes"}).status_code == 404
    assert RunningOrderItem.objects.filter(pk=foreign.pk).exists()


# --- winners --------------------------------------------------------------------------------


def test_the_winner_is_seen_by_organisers_and_by_event_staff_only_once_revealed(client, event, evening, organiser):
    first = evening["items"]["first"]
    staff = door_user(event.programme)
    client.force_login(organiser)

    response = client.post(f"/event/{event.pk}/running-order/{first.pk}/winner/", {"winner": evening["nominations"]["rowan"].pk})

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.winner == evening["nominations"]["rowan"] and not first.winner_revealed
    page = client.get(f"/event/{event.pk}/running-order/")
    assert messages_shown(page) == [
        "Recorded Rowan as the winner of Positive Choices. Only organisers see it until you reveal it."
    ]
    assert "Winner Rowan Not revealed: organisers only" in item_block(page, first)
    assert "Winner" in finalist_lines(page, first)[0]
    # The compere script keeps it in the envelope, even for organisers.
    assert "The winner In the envelope." in item_block(client.get(f"/event/{event.pk}/compere-script/"), first)

    client.force_login(staff)
    for url in (f"/event/{event.pk}/running-order/", f"/event/{event.pk}/compere-script/"):
        page = client.get(url)
        assert "tag--winner" not in page.content.decode()
        assert "Winner Rowan" not in item_block(page, first) and "The winner is" not in item_block(page, first)
        assert "<select" not in page.content.decode() and "<form method=\"post\" action=\"/event/" not in page.content.decode()

    client.force_login(organiser)
    response = client.post(f"/event/{event.pk}/running-order/{first.pk}/reveal/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.winner_revealed

    client.force_login(staff)
    page = client.get(f"/event/{event.pk}/running-order/")
    assert "Winner Rowan" in item_block(page, first) and "Not revealed" not in item_block(page, first)
    assert finalist_lines(page, first)[0].endswith("Winner")
    assert "The winner is Rowan." in item_block(client.get(f"/event/{event.pk}/compere-script/"), first)


def test_a_winner_who_is_not_a_finalist_of_the_award_is_refused_and_changes_nothing(as_user, event, evening, organiser):
    first = evening["items"]["first"]
    before = snapshot(event)
    client = as_user(organiser)

    response = client.post(f"/event/{event.pk}/running-order/{first.pk}/winner/", {"winner": evening["nominations"]["sky"].pk})

    assert response.status_code == 400
    assert error_summary(response) == ["Choose the winner from this award's finalists."]
    response = client.post(f"/event/{event.pk}/running-order/{first.pk}/reveal/")
    assert response.status_code == 400
    assert error_summary(response) == ["Record the winner before revealing it."]
    response = client.post(f"/event/{event.pk}/running-order/{evening['items']['welcome'].pk}/winner/", {"winner": ""})
    assert response.status_code == 400
    assert error_summary(response) == ["Only an award item has a winner."]
    assert snapshot(event) == before


# --- the compere script ---------------------------------------------------------------------


def test_the_compere_script_has_the_words_names_quotes_presenters_and_who_is_in_the_room(client, event, evening):
    client.force_login(door_user(event.programme))

    response = client.get(f"/event/{event.pk}/compere-script/")

    assert response.status_code == 200
    first, second = item_block(response, evening["items"]["first"]), item_block(response, evening["items"]["second"])
    assert "Say first Recognises a young person who has made positive choices." in first
    assert finalist_lines(response, evening["items"]["first"]) == [
        "Rowan Say it: ROH-an In the room",
        "A young person from our care Not yet arrived Someone accepts on their behalf.",
    ]
    assert "Then introduce Dr Ada Example, High Sheriff of Northshire" in first
    assert "Compere: Jordan Mic" in first
    assert "Say first For a talent shared." in second
    assert finalist_lines(response, evening["items"]["second"]) == [
        "Skylar Say it: SKY-lar Not yet arrived Someone accepts on their behalf. “Skylar lights up every stage.”",
        "Noor Not coming Someone accepts on their behalf.",
    ]
    assert "No presenter chosen yet." in second
    body = text(response)
    for secret in ("UNAPPROVED WORDS", "STATEMENT", "Featherstonehaugh", "ZEB-uh-dee", "SAFEGUARDING"):
        assert secret not in body


# --- tables and seating ---------------------------------------------------------------------


def test_an_organiser_sets_up_tables_in_one_go(as_user, event, evening, organiser):
    response = as_user(organiser).post(f"/event/{event.pk}/tables/set/", {
        "tables-first": "3", "tables-last": "6", "tables-capacity": "10", "tables-accessible": "on",
    })

    assert response.status_code == 302 and response["Location"] == f"/event/{event.pk}/tables/"
    assert list(Table.objects.filter(event=event).order_by("number").values_list("number", "capacity", "accessible")) == [
        (1, 4, True), (2, 6, False), (3, 10, True), (4, 10, True), (5, 10, True), (6, 10, True),
    ]
    assert messages_shown(as_user(organiser).get(response["Location"])) == ["Tables 3 to 6: 10 seats, accessible. Saved."]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"tables-first": "5", "tables-last": "2", "tables-capacity": "8"}, "The last table number cannot be lower than the first."),
        ({"tables-first": "1", "tables-capacity": "0"}, "Enter the number of seats of at least 1."),
        ({"tables-first": "", "tables-capacity": "8"}, "Enter the first table number."),
        ({"tables-first": "1", "tables-capacity": "1"}, "Table 1 has 4 guests seated; its capacity cannot be 1."),
    ],
)
def test_bad_tables_are_refused_and_change_nothing(as_user, event, evening, organiser, data, message):
    before = snapshot(event)

    response = as_user(organiser).post(f"/event/{event.pk}/tables/set/", data)

    assert response.status_code == 400
    assert error_summary(response) == [message]
    assert snapshot(event) == before


def test_automatic_seating_seats_parties_together_and_shows_the_plan(as_user, event, evening, organiser):
    Guest.objects.filter(event=event).update(table=None)

    response = as_user(organiser).post(f"/event/{event.pk}/tables/seat/")

    assert response.status_code == 302
    page = as_user(organiser).get(f"/event/{event.pk}/tables/")
    assert messages_shown(page) == [
        "Seated 7 guests at 2 tables, each party together, finalists nearest the stage. Move anyone by hand below."
    ]
    assert not Guest.objects.filter(event=event, table__isnull=True).exists()
    carer = Guest.objects.get(pk=evening["carer"].pk)
    assert carer.table.number == 1 and carer.table.accessible  # she needs a wheelchair space
    assert Guest.objects.get(pk=evening["rowan_guest"].pk).table_id == carer.table_id
    plan = plain(re.search(r'<section class="plan-table" id="table-1".*?</section>', page.content.decode(), re.S).group(0))
    assert plan.startswith("Table 1 Accessible 4 of 4 seats taken")
    assert "Morag Carer With Rowan F. Wheelchair space Needs the ramp by gate C No photographs" in plan


def test_seating_that_does_not_fit_shows_why_and_changes_nothing(as_user, event, evening, organiser):
    Table.objects.filter(event=event, number=2).update(capacity=1)
    Guest.objects.filter(event=event).update(table=None)
    before = snapshot(event)

    response = as_user(organiser).post(f"/event/{event.pk}/tables/seat/")

    assert response.status_code == 400
    (message,) = error_summary(response)
    assert message.startswith("2 parties (2 guests) cannot be seated together at the tables there are.")
    assert message.endswith("nothing was changed.")
    assert snapshot(event) == before


def test_an_organiser_moves_one_guest_by_hand(as_user, event, evening, organiser):
    worker = Guest.objects.get(name="Pat Worker")
    table_2 = Table.objects.get(event=event, number=2)
    page = as_user(organiser).get(f"/event/{event.pk}/tables/?move={worker.pk}")
    assert re.search(rf'<option value="{worker.pk}" selected>Pat Worker \(table \d\)</option>', page.content.decode())

    response = as_user(organiser).post(f"/event/{event.pk}/tables/move/", {"move-guest": worker.pk, "move-table": table_2.pk})

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.table == table_2
    assert messages_shown(as_user(organiser).get(response["Location"])) == ["Moved Pat Worker to table 2."]


def test_moving_a_guest_who_needs_access_to_a_table_that_is_not_accessible_is_refused(as_user, event, evening, organiser):
    table_2 = Table.objects.get(event=event, number=2)
    foreign_table = Table.objects.create(event=EventFactory(), number=1, capacity=10)
    before = snapshot(event)

    response = as_user(organiser).post(f"/event/{event.pk}/tables/move/", {"move-guest": evening["carer"].pk, "move-table": table_2.pk})

    assert response.status_code == 400
    assert error_summary(response) == ["Morag Carer has access needs; table 2 is not marked accessible."]
    response = as_user(organiser).post(f"/event/{event.pk}/tables/move/", {"move-guest": evening["carer"].pk, "move-table": foreign_table.pk})
    assert response.status_code == 400
    assert error_summary(response) == ["Choose one of the tables listed."]
    assert snapshot(event) == before


# --- the door -------------------------------------------------------------------------------


def test_the_door_shows_event_staff_names_tables_and_access_needs_and_nothing_else(client, event, evening):
    client.force_login(door_user(event.programme))

    response = client.get(f"/event/{event.pk}/door/")

    assert response.status_code == 200
    rows = door_rows(response)
    carer_table = Guest.objects.get(pk=evening["carer"].pk).table.number
    # The event team's names (nominations.naming): first name and surname initial, with whose party.
    assert rows["Morag Carer"].startswith(
        f"Morag Carer Table {carer_table} With Rowan F. Access: Wheelchair space, Needs the ramp by gate C"
    )
    rowan_at = timezone.localtime(evening["rowan_guest"].checked_in_at)
    assert rows["Rowan F."].startswith(f"Rowan F. Table {carer_table} Finalist Checked in at {rowan_at:%H:%M} Undo")
    # Rowan arrived: the Undo button shows and Arrived is hidden; for Morag the other way round.
    assert re.search(r'<form class="door-guest__arrive"[^>]* hidden>', door_row_html(response, evening["rowan_guest"]))
    assert re.search(r'<div class="door-guest__done" data-arrived>', door_row_html(response, evening["rowan_guest"]))
    assert re.search(r'<form class="door-guest__arrive"[^>]*novalidate>', door_row_html(response, evening["carer"]))
    assert re.search(r'<div class="door-guest__done" data-arrived hidden>', door_row_html(response, evening["carer"]))
    assert sorted(rows) == sorted(["Zebedee Q.", "Dr Ada Example", "Jordan Mic", "Morag Carer", "Pat Worker", "Rowan F.", "Skylar A."])
    body = text(response)
    for leak in ("Nut allergy", "sesame", "Vegan", "DIETARY", "hotograph", "STATEMENT", "SAFEGUARDING", "Featherstonehaugh",
                 "Quartermaine", "Abernethy", "Positive Choices", "UNAPPROVED", "Skylar lights up"):
        assert leak not in body, leak
    assert totals_shown(response) == {"expected": 7, "arrived": 1, "waiting": 6}


def test_the_door_page_loads_its_script_from_a_file_and_has_no_inline_script(client, event, evening):
    client.force_login(door_user(event.programme))

    html = client.get(f"/event/{event.pk}/door/").content.decode()

    assert re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S) == ["", "", "", "", ""]
    # Every page's GOV.UK Frontend and forms.js, then the door's own scripts, then GOV.UK's marker. The
    # QR reader (250 KB) is loaded by door-scan.js once the list is on the phone, not with the page.
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/build/govuk-frontend.js" defer>', '<script src="/static/js/forms.js" defer>', '<script src="/static/js/door.js" defer>',
        '<script src="/static/js/door-scan.js" defer>', '<script src="/static/js/supported.js">',
    ]
    assert 'data-jsqr-url="/static/js/vendor/jsQR.js"' in html
    assert f'data-list-url="/event/{event.pk}/door/guests/"' in html
    assert " on" + "click=" not in html and "javascript:" not in html
    assert f'data-arrivals-url="/event/{event.pk}/door/arrivals/"' in html
    assert f'data-totals-url="/event/{event.pk}/door/totals/"' in html
    assert 'data-sw-url="/event/door-sw.js" data-sw-scope="/event/"' in html
    assert re.search(r'<meta name="csrf-token" content="\w+">', html)


def test_the_door_finds_guests_by_name_or_table_number(client, event, evening):
    client.force_login(door_user(event.programme))
    table = Guest.objects.get(name="Pat Worker").table.number

    by_name = door_rows(client.get(f"/event/{event.pk}/door/?q=morag"))
    by_table = door_rows(client.get(f"/event/{event.pk}/door/?q={table}"))
    nobody = client.get(f"/event/{event.pk}/door/?q=nobody-like-this")

    assert list(by_name) == ["Morag Carer"]
    at_the_table = [name for name, g in guests_by_name(event, "event_team").items() if g.table and g.table.number == table]
    assert sorted(by_table) == sorted(at_the_table)
    assert "Pat Worker" in by_table
    assert door_rows(nobody) == {}
    assert "Nobody matches “nobody-like-this”" in text(nobody)


def test_marking_a_guest_arrived_without_javascript_and_again_is_counted_once(client, event, evening):
    staff = door_user(event.programme)
    client.force_login(staff)
    carer = evening["carer"]

    response = client.post(f"/event/{event.pk}/door/{carer.pk}/arrived/", {"q": "morag"})

    assert response.status_code == 302
    assert response["Location"] == f"/event/{event.pk}/door/?q=morag#guest-{carer.pk}"
    carer.refresh_from_db()
    assert carer.checked_in_at is not None and carer.checked_in_by == staff
    page = client.get(response["Location"])
    assert messages_shown(page) == [f"Morag Carer arrived at {timezone.localtime(carer.checked_in_at):%H:%M}."]
    assert totals_shown(page) == {"expected": 7, "arrived": 2, "waiting": 5}
    first_time = carer.checked_in_at

    again = client.post(f"/event/{event.pk}/door/{carer.pk}/arrived/", {"q": "morag"})

    assert again.status_code == 409
    assert error_summary(again) == [f"Morag Carer already arrived at {timezone.localtime(first_time):%H:%M}."]
    assert list(door_rows(again)) == ["Morag Carer"]
    carer.refresh_from_db()
    assert carer.checked_in_at == first_time
    assert Guest.objects.filter(event=event, checked_in_at__isnull=False).count() == 2


def test_undo_takes_an_arrival_back(client, event, evening):
    client.force_login(door_user(event.programme))
    rowan = evening["rowan_guest"]

    response = client.post(f"/event/{event.pk}/door/{rowan.pk}/undo/", {"q": ""})

    assert response.status_code == 302 and response["Location"] == f"/event/{event.pk}/door/#guest-{rowan.pk}"
    rowan.refresh_from_db()
    assert rowan.checked_in_at is None
    assert messages_shown(client.get(response["Location"])) == ["Rowan F. is no longer marked as arrived."]


def test_checking_in_an_unknown_guest_or_one_not_on_the_list_is_refused_and_changes_nothing(client, event, evening):
    client.force_login(door_user(event.programme))
    other_guest = Guest.objects.create(event=EventFactory(), name="Elsewhere", relationship="other", position=1)
    declined = Guest.objects.create(invitation=evening["invitations"][evening["nominations"]["noor"].pk], position=0, name="Noor", relationship="finalist")
    before = snapshot(event)

    assert client.post(f"/event/{event.pk}/door/999999/arrived/").status_code == 404
    assert client.post(f"/event/{event.pk}/door/{other_guest.pk}/arrived/").status_code == 404
    response = client.post(f"/event/{event.pk}/door/{declined.pk}/arrived/")

    assert response.status_code == 400
    assert error_summary(response) == ["Noor is not on the guest list (the invitation is declined)."]
    assert snapshot(event) == before


def test_a_walk_in_is_added_arrived_at_a_table(client, event, evening):
    staff = door_user(event.programme)
    client.force_login(staff)

    response = client.post(f"/event/{event.pk}/door/walk-in/", {"walk-in-name": "  Sam Latecomer ", "walk-in-table": "2"})

    walk_in = Guest.objects.get(name="Sam Latecomer")
    assert response.status_code == 302 and response["Location"] == f"/event/{event.pk}/door/#guest-{walk_in.pk}"
    assert walk_in.invitation is None and walk_in.table.number == 2 and walk_in.checked_in_by == staff
    page = client.get(response["Location"])
    assert messages_shown(page) == [f"Added Sam Latecomer as a walk-in at table 2, arrived at {timezone.localtime(walk_in.checked_in_at):%H:%M}."]
    assert totals_shown(page) == {"expected": 8, "arrived": 2, "waiting": 6}


def test_a_walk_in_added_by_mistake_is_removed_from_the_door_page(client, event, evening):
    client.force_login(door_user(event.programme))
    seats = Event.objects.get(pk=event.pk).seats_taken
    client.post(f"/event/{event.pk}/door/walk-in/", {"walk-in-name": "Sam Twice"})
    walk_in = Guest.objects.get(name="Sam Twice")
    invited = Guest.objects.filter(event=event, invitation__isnull=False).first()
    page = client.get(f"/event/{event.pk}/door/")
    remove_forms = re.findall(r'action="/event/\d+/door/(\d+)/remove/"', page.content.decode())

    asked = client.post(f"/event/{event.pk}/door/{walk_in.pk}/remove/", {"q": ""})
    assert asked.status_code == 200 and "Remove the walk-in Sam Twice?" in asked.content.decode()
    assert Guest.objects.filter(pk=walk_in.pk).exists()  # not until confirmed
    removed = client.post(f"/event/{event.pk}/door/{walk_in.pk}/remove/", {"q": "", "confirm": "yes"})
    after = client.get(removed["Location"])
    refused = client.post(f"/event/{event.pk}/door/{invited.pk}/remove/", {"q": "", "confirm": "yes"})

    assert remove_forms == [str(walk_in.pk)]  # offered for the walk-in only
    assert removed.status_code == 302
    assert messages_shown(after) == ["Removed the walk-in Sam Twice; their seat is free again."]
    assert not Guest.objects.filter(pk=walk_in.pk).exists() and Event.objects.get(pk=event.pk).seats_taken == seats
    assert refused.status_code == 409
    assert f"{invited.name} is an invited guest, not a walk-in" in refused.content.decode()
    assert Guest.objects.filter(pk=invited.pk).exists()


def test_a_walk_in_at_a_full_event_is_refused_with_the_reason(client, event, evening):
    client.force_login(door_user(event.programme))
    Event.objects.filter(pk=event.pk).update(capacity=F("seats_taken"))
    before = snapshot(event)

    response = client.post(f"/event/{event.pk}/door/walk-in/", {"walk-in-name": "Sam Latecomer"})

    assert response.status_code == 409
    full = Event.objects.get(pk=event.pk)
    assert error_summary(response) == [
        f"The event is full: all {full.capacity} seats are taken. An organiser can raise the capacity if the venue allows more people."
    ]
    assert snapshot(event) == before and full.seats_taken == full.capacity


@pytest.mark.parametrize(
    "data, message",
    [
        ({"walk-in-name": "", "walk-in-table": ""}, "Enter the guest's name."),
        ({"walk-in-name": "Sam", "walk-in-table": "12"}, "There is no table 12 at this event."),
        ({"walk-in-name": "Sam", "walk-in-table": "two"}, "Enter the table number as a whole number."),
    ],
)
def test_a_walk_in_with_bad_input_is_refused_and_changes_nothing(client, event, evening, data, message):
    client.force_login(door_user(event.programme))
    before = snapshot(event)

    response = client.post(f"/event/{event.pk}/door/walk-in/", data)

    assert response.status_code == 400
    assert error_summary(response) == [message]
    assert snapshot(event) == before


# --- the door's JSON ------------------------------------------------------------------------


def test_arrivals_sent_twice_from_phones_count_once(client, event, evening):
    staff = door_user(event.programme)
    client.force_login(staff)
    carer, worker = evening["carer"], Guest.objects.get(name="Pat Worker")
    marked = timezone.now() - timezone.timedelta(minutes=7)

    response = post_arrivals(client, event, [
        {"guest": carer.pk, "at": marked.isoformat()},
        {"guest": carer.pk, "at": timezone.now().isoformat()},
        {"guest": worker.pk, "at": (timezone.now() + timezone.timedelta(hours=2)).isoformat()},
    ])

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["guest"], r["status"], r["outcome"]) for r in results] == [
        (carer.pk, 201, "arrived"), (carer.pk, 409, "already_arrived"), (worker.pk, 201, "arrived"),
    ]
    assert results[1]["detail"] == f"Morag Carer already arrived at {timezone.localtime(marked):%H:%M}."
    carer.refresh_from_db()
    worker.refresh_from_db()
    assert carer.checked_in_at == marked and carer.checked_in_by == staff  # the time it was marked on the phone
    assert worker.checked_in_at <= timezone.now()  # never in the future
    totals = response.json()["totals"]
    assert (totals["expected"], totals["arrived"]) == (7, 3)
    assert sorted(totals["arrived_guests"]) == sorted([carer.pk, worker.pk, evening["rowan_guest"].pk])

    # The same queue sent again (the answer was lost on the way back): nothing more is counted.
    again = post_arrivals(client, event, [{"guest": carer.pk, "at": marked.isoformat()}])
    assert [r["status"] for r in again.json()["results"]] == [409]
    assert again.json()["totals"]["arrived"] == 3


def test_arrivals_for_unknown_guests_or_bad_times_are_refused_per_guest_and_change_nothing(client, event, evening):
    client.force_login(door_user(event.programme))
    other_guest = Guest.objects.create(event=EventFactory(), name="Elsewhere", relationship="other", position=1)
    before = snapshot(event)

    response = post_arrivals(client, event, [
        {"guest": 999999, "at": timezone.now().isoformat()},
        {"guest": other_guest.pk},
        {"guest": evening["carer"].pk, "at": "yesterday-ish"},
    ])

    assert response.status_code == 200
    assert [(r["status"], r["outcome"], r["detail"]) for r in response.json()["results"]] == [
        (404, "unknown", "There is no such guest at this event."),
        (404, "unknown", "There is no such guest at this event."),
        (400, "refused", "'yesterday-ish' is not a time."),
    ]
    assert snapshot(event) == before
    other_guest.refresh_from_db()
    assert other_guest.checked_in_at is None


@pytest.mark.parametrize(
    "body, message",
    [
        ("not json", 'The body must be JSON: {"arrivals": [{"guest": id, "at": time}]}.'),
        ('{"arrivals": {"guest": 1}}', 'Send {"arrivals": [{"guest": id, "at": time}]}.'),
        ('{"arrivals": [{"guest": "1"}]}', "Each arrival needs the guest's id as a number."),
        ('{"arrivals": [{"guest": true}]}', "Each arrival needs the guest's id as a number."),
        ('{"arrivals": [{"guest": 1, "at": 5}]}', "Each arrival's time is text, as ISO 8601."),
        (json.dumps({"arrivals": [{"guest": 1}] * 501}), "Send up to 500 arrivals at once."),
        ("[" * 1000 + "]" * 1000, "The body is JSON nested too deeply: send {\"arrivals\": [{\"guest\": id, \"at\": time}]}."),
    ],
)
def test_arrivals_in_the_wrong_shape_are_refused_as_a_whole(client, event, evening, body, message):
    client.force_login(door_user(event.programme))
    before = snapshot(event)

    response = client.post(f"/event/{event.pk}/door/arrivals/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert snapshot(event) == before


def test_the_arrivals_endpoint_needs_the_csrf_token(event, evening):
    client = Client(enforce_csrf_checks=True)
    client.force_login(door_user(event.programme))
    client.get(f"/event/{event.pk}/door/")  # sets the CSRF cookie, as the page does for its script
    arrival = json.dumps({"arrivals": [{"guest": evening["carer"].pk, "at": timezone.now().isoformat()}]})

    refused = client.post(f"/event/{event.pk}/door/arrivals/", arrival, content_type="application/json")

    assert refused.status_code == 403
    assert Guest.objects.get(pk=evening["carer"].pk).checked_in_at is None

    token = client.cookies["csrftoken"].value
    accepted_ = client.post(f"/event/{event.pk}/door/arrivals/", arrival, content_type="application/json", headers={"X-CSRFToken": token})

    assert accepted_.status_code == 200
    assert [r["status"] for r in accepted_.json()["results"]] == [201]


def test_the_totals_endpoint_gives_expected_arrived_per_table_and_who(client, event, evening):
    client.force_login(door_user(event.programme))
    rowan = evening["rowan_guest"]
    by_table = {}
    for guest in Guest.objects.filter(event=event).exclude(invitation__status=InvitationStatus.DECLINED).select_related("table"):
        row = by_table.setdefault(guest.table.number, {"table": guest.table.number, "expected": 0, "arrived": 0})
        row["expected"] += 1
        row["arrived"] += guest.pk == rowan.pk

    response = client.get(f"/event/{event.pk}/door/totals/")

    assert response.status_code == 200
    assert response.json() == {
        "expected": 7, "arrived": 1, "tables": [by_table[n] for n in sorted(by_table)], "arrived_guests": [rowan.pk],
    }


def unpack_door_list(data: dict) -> list[dict]:
    """The door list as door.js unpacks it (night.selectors.door_list), by id."""
    guests, pk = [], 0
    for index, step in enumerate(data["id"]):
        pk += step
        party = data["party"][index]
        guests.append({
            "pk": pk, "name": data["name"][index], "table": data["table"][index],
            "party": f"With {guests[index - party]['name']}" if isinstance(party, int) else party,
            "access": data["access"][index], "arrived": data["arrived"][index], "walk_in": bool(data["walk_in"][index]),
            "door": None if data["door"][index] is None else data["doors"][data["door"][index]],
        })
    return guests


def test_the_door_list_for_the_phone_is_what_the_page_shows_and_nothing_more(client, event, evening):
    staff = door_user(event.programme)
    client.force_login(staff)
    walk_in = walk_in_add(event=event, actor=staff, name="Sam Walk-in")

    response = client.get(f"/event/{event.pk}/door/guests/", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "private, no-cache"
    body = gzip.decompress(response.content).decode()
    data = json.loads(body)
    shown = {g.pk: g for g in door_guests(event)}
    assert unpack_door_list(data) == [
        {
            "pk": g.pk, "name": g.name, "table": g.table, "party": g.party, "access": ", ".join(g.access),
            "arrived": timezone.localtime(g.arrived_at).strftime("%H:%M") if g.arrived_at else None,
            "walk_in": g.walk_in, "door": g.door[:10] or None,
        }
        for g in sorted(shown.values(), key=lambda g: g.pk)
    ]
    assert shown[walk_in.pk].walk_in and shown[evening["rowan_guest"].pk].arrived_at is not None
    assert any(isinstance(p, int) for p in data["party"])  # "With Rowan F." sent as a place, not again
    # The door's names only (first name and initial): no surname, statement, notes, food or unapproved words.
    for secret in ("Featherstonehaugh", "Quartermaine", "SAFEGUARDING", "STATEMENT", "DIETARY", "sesame",
                   "UNAPPROVED", "Skylar lights"):
        assert secret not in body, secret


def test_the_totals_poll_says_who_arrived_as_a_bitmap_over_the_list(client, event, evening):
    staff = door_user(event.programme)
    client.force_login(staff)
    coming = list(guests_coming(event).order_by("pk").values_list("pk", flat=True))
    carer = evening["carer"]
    guest_check_in(guest=carer, actor=staff)
    listed = client.get(f"/event/{event.pk}/door/guests/").json()

    totals = client.get(f"/event/{event.pk}/door/totals/?arrived=bits").json()

    bits = base64.b64decode(totals["arrived_bits"])
    arrived = [pk for index, pk in enumerate(coming) if bits[index // 8] & (0x80 >> (index % 8))]
    assert sorted(arrived) == sorted([evening["rowan_guest"].pk, carer.pk])
    assert (totals["expected"], totals["arrived"], totals["version"]) == (len(coming), 2, listed["version"])
    assert set(totals) == {"expected", "arrived", "version", "arrived_bits"}
    # Arrivals posted from a phone get the same answer.
    posted = client.post(
        f"/event/{event.pk}/door/arrivals/?arrived=bits", json.dumps({"arrivals": [{"guest": carer.pk, "at": None}]}),
        content_type="application/json",
    )
    assert posted.json()["results"][0]["outcome"] == "already_arrived" and posted.json()["totals"] == totals
    # A guest moved to another table, or a walk-in: the phone's list is out of date.
    walk_in_add(event=event, actor=staff, name="Sam Walk-in")
    assert client.get(f"/event/{event.pk}/door/totals/?arrived=bits").json()["version"] != listed["version"]


def test_the_door_page_lists_a_screenful_and_says_how_many_more_there_are(client, event, evening, monkeypatch):
    monkeypatch.setattr("night.views.DOOR_ROWS", 2)
    client.force_login(door_user(event.programme))
    coming = guests_coming(event).count()

    everyone = client.get(f"/event/{event.pk}/door/")
    found = client.get(f"/event/{event.pk}/door/?q=a")

    assert list(door_rows(everyone)) == [g.name for g in door_guests(event)][:2]
    assert f"The first 2 of {coming} guests, by name. Search to find anyone else." in text(everyone)
    matching = len(door_guests(event, "a"))
    assert matching > 2
    assert len(door_rows(found)) == 2
    assert f"The first 2 of {matching} guests found, by name. Type more of the name to find someone else." in text(found)


def test_the_service_worker_is_served_under_the_event_pages_with_the_cache_door_js_uses(client, settings):
    response = client.get("/event/door-sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/event/"
    assert response["Cache-Control"] == "no-cache"
    worker = response.content.decode()
    door_js = (settings.BASE_DIR / "static/js/door.js").read_text(encoding="utf-8")
    page = (settings.BASE_DIR / "templates/night/door.html").read_text(encoding="utf-8")
    (cache,) = re.findall(r'var CACHE = "([^"]+)"', worker)
    assert re.findall(r'var CACHE = "([^"]+)"', door_js) == [cache]
    assert 'addEventListener("fetch"' in worker
    # What the page's script relies on is on the page.
    for hook in ("data-door-status", "data-door-search", "data-door-count", "data-arrive", "data-undo", "data-arrived-text",
                 "data-guest-name", "data-total=", "data-table-row", "data-table-", "data-arrivals-url", "data-totals-url",
                 "data-door-url", "data-sw-url", "data-sw-scope", "data-static-url", 'meta[name="csrf-token"]'):
        assert hook in door_js, hook
        assert hook.replace('meta[name="csrf-token"]', '<meta name="csrf-token"') in page, hook


# --- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, name, sheets",
    [("workbook.xlsx", "event-night", WORKBOOK_SHEETS), ("certificates.xlsx", "certificates", ["Certificates"])],
)
def test_the_downloads_are_workbooks_named_for_the_day(as_user, event, evening, organiser, path, name, sheets):
    response = as_user(organiser).get(f"/event/{event.pk}/{path}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{name}-{today}.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    response.close()
    assert workbook.sheetnames == sheets
    rows = [[cell for cell in row] for row in workbook[sheets[0]].iter_rows(values_only=True)]
    workbook.close()
    assert len(rows) > 1
    if name == "event-night":
        assert [row[2] for row in rows[1:]] == ["Welcome", "Positive Choices", "Talent", "Thanks and close"]


# --- a fixed number of queries --------------------------------------------------------------


def populate(event, organiser, size: int) -> None:
    """`size` award categories, each with two finalists coming with a guest, a presenter and a
    compere per award, the running order, tables, seating and some arrivals."""
    programme = event.programme
    for number in range(size):
        category = CategoryFactory(programme=programme, name=f"Award {number}", display_order=number)
        nominees = [cleared_nominee(programme, say_first_name=f"say-{number}-{n}") for n in range(2)]
        confirmed_finalists(programme, category, nominees)
    finalist_invitations_create(event=event, actor=organiser)
    for number, invitation in enumerate(Invitation.objects.filter(event=event, kind=InvitationKind.FINALIST).order_by("pk")):
        accepted(invitation, GuestInput(name=f"Guest {number}", relationship="family", access_needs=("hearing_loop",)))
        if number % 3 == 0:
            quote_approve(invitation=invitation, actor=organiser, quote=f"Quote {number}")
    presenters = [accepted_person(event, organiser, InvitationKind.PRESENTER, f"Presenter {n}", "Councillor") for n in range(size)]
    comperes = [accepted_person(event, organiser, InvitationKind.COMPERE, f"Compere {n}") for n in range(size)]
    items = running_order_generate(event=event, actor=organiser)
    for index, item in enumerate(i for i in items if i.kind == ItemKind.AWARD):
        running_order_update(item=item, actor=organiser, presenters=[presenters[index]], compere=comperes[index])
        winner = next(iter(item.category.shortlist.finalists.all()))
        winner_set(item=RunningOrderItem.objects.get(pk=item.pk), actor=organiser, nomination=winner)
        if index % 2:
            winner_reveal(item=item, actor=organiser)
    tables_set(event=event, actor=organiser, tables=[(n, 10, True) for n in range(1, size + 2)])
    seating_assign(event=event, actor=organiser)
    for guest in Guest.objects.filter(event=event).order_by("pk")[::2]:
        guest_check_in(guest=guest, actor=organiser)


@pytest.mark.parametrize("size", [1, 4])
@pytest.mark.parametrize("who", ["organiser", "event staff"])
def test_the_running_order_asks_the_database_a_fixed_number_of_times(client, event, organiser, size, who):
    populate(event, organiser, size)
    client.force_login(organiser if who == "organiser" else door_user(event.programme))
    client.get(f"/event/{event.pk}/running-order/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/event/{event.pk}/running-order/")

    assert response.status_code == 200
    assert text(response).count('<li class="finalists__item">') == 2 * size
    # Event staff: the navigation asks whether they sit on a panel. Organisers: the item form's choices.
    # Both: the approved words (one read model with the compere script, night.selectors).
    expected = {"organiser": 12, "event staff": 10}[who]
    assert len(queries) == expected, "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("size", [1, 4])
def test_the_compere_script_asks_the_database_a_fixed_number_of_times(client, event, organiser, size):
    populate(event, organiser, size)
    client.force_login(door_user(event.programme))
    client.get(f"/event/{event.pk}/compere-script/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/event/{event.pk}/compere-script/")

    assert response.status_code == 200
    assert text(response).count("Quote ") == len(range(0, 2 * size, 3))
    assert len(queries) == 10, "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("size", [1, 4])
def test_the_door_asks_the_database_a_fixed_number_of_times(client, event, organiser, size):
    populate(event, organiser, size)
    client.force_login(door_user(event.programme))
    client.get(f"/event/{event.pk}/door/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/event/{event.pk}/door/")

    assert response.status_code == 200
    coming = guests_coming(event).count()
    assert text(response).count('<li class="door-guest') == min(coming, DOOR_ROWS)
    # ... and the first guest each finalist brings (the event team's neutral label says who they are with).
    assert len(queries) == 9, "\n".join(q["sql"] for q in queries.captured_queries)

    # A search, the whole list for the phone, and the totals poll: each a fixed number too.
    for url, expected in ((f"/event/{event.pk}/door/?q=guest", 9), (f"/event/{event.pk}/door/guests/", 6),
                          (f"/event/{event.pk}/door/totals/?arrived=bits", 5)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert (url, len(queries)) == (url, expected), "\n".join(q["sql"] for q in queries.captured_queries)
    assert sum(client.get(f"/event/{event.pk}/door/guests/").json()["id"]) == max(guests_coming(event).values_list("pk", flat=True))


@pytest.mark.parametrize("size", [1, 4])
def test_the_table_plan_asks_the_database_a_fixed_number_of_times(client, event, organiser, size):
    populate(event, organiser, size)
    client.force_login(organiser)
    client.get(f"/event/{event.pk}/tables/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/event/{event.pk}/tables/")

    assert response.status_code == 200
    assert text(response).count('<li class="plan-guests__item"') == Guest.objects.filter(event=event).count()
    # ... and the first guest each finalist brings (the event team's neutral label says who they are with).
    assert len(queries) == 7, "\n".join(q["sql"] for q in queries.captured_queries)
