"""Show mode's pages (night.show_views): the controller and its presses, the audience screen,
compere and stage views with their conditional polls, show keys, and the winner kept out of every
response of the views before the reveal."""

import re

import pytest
from django.test import Client

from awards.enums import Role
from events.enums import ItemKind, ShowStage, ShowView
from events.models import Guest, RunningOrderItem, Show, ShowKey
from night.services import running_order_generate, winner_set
from night.show import (
    rehearsal_start,
    show_key_create,
    show_key_revoke,
    show_next,
    show_on_air,
    show_reveal,
)
from nominations.models import Nomination
from tests.conftest import user_with_role
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db

JS = {"HTTP_X_REQUESTED_WITH": "show.js"}
# Every name a winner could be known by: none may reach a view before the reveal.
FINALISTS = {
    "Wilhelmina": dict(legal_first_name="Wilhelmina", legal_last_name="Zanzibar", preferred_name="Willa", say_first_name="WILL-a"),
    "Octavia": dict(legal_first_name="Octavia", legal_last_name="Quenby", preferred_name="Tavi", say_first_name="TAH-vee"),
}


@pytest.fixture
def show_world(event, category, organiser):
    nominees = [cleared_nominee(event.programme, **names) for names in FINALISTS.values()]
    finalists = confirmed_finalists(event.programme, category, nominees)
    items = running_order_generate(event=event, actor=organiser)
    award = next(i for i in items if i.kind == ItemKind.AWARD)
    return {"finalists": finalists, "award": award, "items": items}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(event, name: str) -> str:
    paths = {
        "controller": "show/", "controller-state": "show/state/", "press": "show/press/", "rehearsal": "show/rehearsal/",
        "screen": "screen/", "screen-state": "screen/state/", "compere": "show/compere/", "compere-state": "show/compere/state/",
        "stage": "show/stage/", "stage-state": "show/stage/state/", "access": "show/access/", "keys": "show/keys/",
        "open": "show/open/",
    }
    return f"/event/{event.pk}/{paths[name]}"

# --- the controller ---------------------------------------------------------------------------


def test_the_controller_shows_where_the_show_is_and_what_go_next_will_do(event, show_world, organiser):
    response = signed_in(organiser).get(url(event, "controller"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Not started" in body
    assert "Go to next: Welcome up next" in body
    assert response["Cache-Control"] == "no-store"


def test_a_press_without_javascript_moves_the_show_and_returns_to_the_controller(event, show_world, organiser):
    client = signed_in(organiser)

    response = client.post(url(event, "press"), {"action": "next", "cue": 0, "rehearsal": "0"})

    assert (response.status_code, response["Location"]) == (302, url(event, "controller"))
    show = show_on_air(event)
    assert (show.item_id, show.stage, show.cue) == (show_world["items"][0].pk, ShowStage.UP_NEXT, 1)


def test_a_press_from_the_script_answers_json_and_a_stale_one_is_refused(event, show_world, organiser):
    client = signed_in(organiser)

    first = client.post(url(event, "press"), {"action": "next", "cue": 0, "rehearsal": "0"}, **JS)
    again = client.post(url(event, "press"), {"action": "next", "cue": 0, "rehearsal": "0"}, **JS)

    assert (first.status_code, first.json()["ok"], first.json()["cue"]) == (200, True, 1)
    assert (again.status_code, again.json()["ok"], again.json()["cue"]) == (409, False, 1)
    assert again.json()["message"].startswith("The show had already moved on")
    assert 'data-cue="1"' in again.json()["html"]


def test_a_refused_press_without_javascript_shows_why(event, show_world, organiser):
    response = signed_in(organiser).post(url(event, "press"), {"action": "reveal", "cue": 0, "rehearsal": "0"})

    assert response.status_code == 409
    assert "There is a problem" in response.content.decode() and "finalists first: its winner is revealed from there" in response.content.decode()


@pytest.mark.parametrize("role", [Role.EVENT_STAFF, Role.STAFF])
def test_people_who_may_not_drive_the_show_get_404(event, show_world, role):
    client = signed_in(user_with_role(event.programme, role, "someone"))

    assert client.get(url(event, "controller")).status_code == 404
    assert client.post(url(event, "press"), {"action": "next"}).status_code == 404
    assert not Show.objects.exists()


def test_event_staff_see_the_compere_and_stage_views_but_not_the_screen(event, show_world):
    client = signed_in(user_with_role(event.programme, Role.EVENT_STAFF, "door"))

    assert [client.get(url(event, name)).status_code for name in ("compere", "stage", "compere-state", "stage-state", "screen")] == [
        200, 200, 200, 200, 404,
    ]


def test_a_signed_in_compere_or_stage_view_leads_back_to_the_running_order(event, show_world):
    client = signed_in(user_with_role(event.programme, Role.EVENT_STAFF, "door"))
    back = f'<a href="/event/{event.pk}/running-order/">Back to the running order</a>'

    assert [back in client.get(url(event, name)).content.decode() for name in ("compere", "stage")] == [True, True]

# --- conditional polls ----------------------------------------------------------------------


@pytest.mark.parametrize("view", ["screen", "compere", "stage", "controller"])
def test_a_poll_is_304_until_the_show_moves_then_the_new_card(event, show_world, organiser, view):
    client = signed_in(organiser)
    first = client.get(url(event, f"{view}-state"))
    etag = first["ETag"]

    unchanged = client.get(url(event, f"{view}-state"), HTTP_IF_NONE_MATCH=etag)
    show_next(event=event, actor=organiser)
    changed = client.get(url(event, f"{view}-state"), HTTP_IF_NONE_MATCH=etag)

    assert (first.status_code, unchanged.status_code, unchanged.content, changed.status_code) == (200, 304, b"", 200)
    assert changed["ETag"] != etag
    assert 'data-cue="1"' in changed.content.decode()

# --- keys -----------------------------------------------------------------------------------


def test_a_screen_key_opens_the_screen_without_signing_in_until_revoked(event, show_world, organiser):
    key, token = show_key_create(event=event, actor=organiser, view=ShowView.SCREEN, label="Projector")
    device = Client()
    device.cookies["proud_show_screen"] = token

    page = device.get(url(event, "screen"))
    compere = device.get(url(event, "compere"))
    show_key_revoke(key=key, actor=organiser)
    after = device.get(url(event, "screen-state"))

    assert page.status_code == 200 and "Welcome to" in page.content.decode()
    assert compere.status_code == 302  # a screen key opens the screen only
    assert (after.status_code, after.content.decode()) == (401, "Switched off: the key was revoked, or you are signed out.")


def test_an_organiser_makes_a_key_for_this_device_and_it_opens_the_view(event, show_world, organiser):
    client = signed_in(organiser)

    response = client.post(url(event, "keys"), {"key-view": "compere", "key-label": "Compere’s phone", "key-where": "here"})

    assert (response.status_code, response["Location"]) == (302, url(event, "compere"))
    cookie = response.cookies["proud_show_compere"]
    assert (cookie["httponly"], cookie["path"]) == (True, f"/event/{event.pk}/")
    device = Client()
    device.cookies["proud_show_compere"] = cookie.value
    assert device.get(url(event, "compere")).status_code == 200


def test_a_key_link_is_shown_once_and_opens_the_view_on_another_device(event, show_world, organiser):
    made = signed_in(organiser).post(url(event, "keys"), {"key-view": "stage", "key-label": "Photographer", "key-where": "link"})
    token = re.search(r"#key=([^\"<]+)", made.content.decode()).group(1)

    device = Client()
    opened = device.post(url(event, "open"), {"key": token})
    wrong = Client().post(url(event, "open"), {"key": token[:-3] + "abc"})

    assert made.status_code == 201
    assert ShowKey.objects.get().secret_hash not in made.content.decode()
    assert (opened.status_code, opened["Location"]) == (302, url(event, "stage"))
    assert device.get(url(event, "stage")).status_code == 200
    assert wrong.status_code == 400 and "This key opens nothing" in wrong.content.decode()


def test_signed_out_without_a_key_the_views_send_to_sign_in_and_polls_answer_401(event, show_world):
    anonymous = Client()
    assert anonymous.get(url(event, "screen")).status_code == 302
    assert anonymous.get(url(event, "screen-state")).status_code == 401
    assert anonymous.get(url(event, "controller-state")).status_code == 401

# --- the winner never reaches a view before "reveal" ---------------------------------------


def _responses_of_the_views(event, clients, etags) -> dict[str, str]:
    """Every response the screen, compere and stage views make now: the page, a first poll, and a
    poll with the ETag each view had before (the response after a press)."""
    bodies = {}
    for who, client in clients.items():
        for view in ("screen", "compere", "stage"):
            if (who == "screen key") != (view == "screen") and who != "organiser":
                continue  # a screen key opens the screen only; event staff see the other two
            page = client.get(url(event, view))
            poll = client.get(url(event, f"{view}-state"))
            follow = client.get(url(event, f"{view}-state"), HTTP_IF_NONE_MATCH=etags.get((who, view), ""))
            etags[(who, view)] = poll["ETag"]
            for kind, response in (("page", page), ("poll", poll), ("poll after", follow)):
                assert response.status_code in (200, 304), (who, view, kind, response.status_code)
                bodies[f"{who} {view} {kind}"] = response.content.decode() + f"\nETag: {response.get('ETag', '')}"
    return bodies


def _forbidden(winner: Nomination) -> list[str]:
    nominee = winner.nominee
    words = [nominee.legal_first_name, nominee.legal_last_name, winner.reference, f"nomination-{winner.pk}", f"/{winner.pk}/"]
    return [w for w in words if w]


def test_no_response_of_the_screen_compere_or_stage_carries_the_winner_before_the_reveal(event, show_world, organiser):
    """Runs the show to the award's finalists twice, once with each finalist recorded as the
    winner: every response of every view at every step must be the same whoever wins, and carry
    no name or reference of the winner; then, after "reveal", the winner is there."""
    key, token = show_key_create(event=event, actor=organiser, view=ShowView.SCREEN, label="Projector")
    screen_device = Client()
    screen_device.cookies["proud_show_screen"] = token
    clients = {"organiser": signed_in(organiser), "event staff": signed_in(user_with_role(event.programme, Role.EVENT_STAFF, "door")), "screen key": screen_device}
    award = show_world["award"]
    runs = []
    for winner in show_world["finalists"]:
        Show.objects.all().delete()
        winner_set(item=award, actor=organiser, nomination=winner)
        etags: dict = {}
        steps = [_responses_of_the_views(event, clients, etags)]
        while not (show_on_air(event).item_id == award.pk and show_on_air(event).stage == ShowStage.FINALISTS):
            show_next(event=event, actor=organiser)
            steps.append(_responses_of_the_views(event, clients, etags))
        runs.append((winner, steps))
        for step in steps:
            for where, body in step.items():
                # The room's names of both finalists are on the views (that is the point); what
                # would single the winner out is not, and nothing differs with who wins (below).
                found = [w for w in _forbidden(winner) if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", body)]
                assert found == [], f"{where} carries the winner: {found}"
                assert "The winner is" not in body and "Walks on to collect" not in body, where
    (first, first_steps), (second, second_steps) = runs
    assert len(first_steps) == len(second_steps) == 7  # before the start, then six presses
    for before, after in zip(first_steps, second_steps, strict=True):
        assert before.keys() == after.keys()
        for where in before:
            assert before[where] == after[where], f"{where} differs with who wins"

    show_reveal(event=event, actor=organiser)
    revealed = clients["screen key"].get(url(event, "screen-state")).content.decode()
    assert "The winner is" in revealed
    assert re.search(r'class="screen__winner">Tavi<', revealed)


def test_a_rehearsal_shows_a_placeholder_and_never_the_recorded_winner(event, show_world, organiser):
    winner_set(item=show_world["award"], actor=organiser, nomination=show_world["finalists"][0])
    rehearsal_start(event=event, actor=organiser)
    for _ in range(6):
        show_next(event=event, actor=organiser)
    show_reveal(event=event, actor=organiser)

    screen = signed_in(organiser).get(url(event, "screen-state")).content.decode()
    compere = signed_in(organiser).get(url(event, "compere-state")).content.decode()

    assert re.search(r'class="screen__winner">The winner’s name<', screen)
    assert "Rehearsal" in screen and "(a placeholder: this is a rehearsal)" in compere
    assert "Willa</p>" not in screen
    award = RunningOrderItem.objects.get(pk=show_world["award"].pk)
    assert award.winner_revealed is False

# --- the stage view ---------------------------------------------------------------------------


def test_the_stage_view_marks_who_must_not_be_photographed_and_their_access_needs(event, night, organiser):

    items = running_order_generate(event=event, actor=organiser)
    award = next(i for i in items if i.kind == ItemKind.AWARD)
    shy, keen = night["finalists"][:2]
    shy.nominee.photography_allowed = False
    shy.nominee.save()
    keen.nominee.photography_allowed = True
    keen.nominee.save()
    Guest.objects.filter(invitation__nomination=keen, position=0).update(photography_consent=True, access_needs=["wheelchair"])
    Guest.objects.filter(invitation__nomination=shy, position=0).update(photography_consent=True)
    Show.objects.create(event=event, on_air=True, item=award, stage=ShowStage.ON_STAGE, cue=3)

    body = signed_in(organiser).get(url(event, "stage-state")).content.decode()
    people = re.findall(r'<li class="stage-person[^"]*">(.*?)</li>', body, re.S)
    finalists = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", p)).strip() for p in people if "Finalist" in p]

    assert finalists[0].startswith("⊘Do not photograph: ")
    assert "No photographs (safeguarding check)." in finalists[0]
    assert "⊘" not in finalists[1] and finalists[1].endswith("Access: Wheelchair space")
    assert "1 person in this item must not be photographed." in body


# --- rehearsal, operators and keys through the pages --------------------------------------------


def test_the_rehearsal_is_started_and_ended_from_the_controller(event, show_world, organiser):
    client = signed_in(organiser)

    started = client.post(url(event, "rehearsal"), {"action": "start"}, follow=True)
    client.post(url(event, "press"), {"action": "next", "cue": show_on_air(event).cue, "rehearsal": "1"})
    screen = client.get(url(event, "screen-state")).content.decode()
    ended = client.post(url(event, "rehearsal"), {"action": "end"}, follow=True)

    assert "Rehearsal on air: every view shows it" in started.content.decode()
    assert 'class="screen__rehearsal">Rehearsal<' in screen
    assert "Rehearsal ended" in ended.content.decode()
    assert show_on_air(event).rehearsal is False and show_on_air(event).item_id is None


def test_a_show_operator_named_on_the_access_page_runs_the_show_and_sees_the_views(event, show_world, organiser):
    operator = user_with_role(event.programme, Role.STAFF, "stage-laptop")
    organiser_client = signed_in(organiser)

    added = organiser_client.post(f"/event/{event.pk}/show/operators/", {"operator-username": "stage-laptop"}, follow=True)
    client = signed_in(operator)
    pressed = client.post(url(event, "press"), {"action": "next", "cue": 0, "rehearsal": "0"})

    assert "stage-laptop can run the show now." in added.content.decode()
    assert pressed.status_code == 302 and show_on_air(event).cue == 1
    assert [client.get(url(event, name)).status_code for name in ("controller", "screen", "compere", "stage", "access")] == [
        200, 200, 200, 200, 404,
    ]


def test_a_key_switched_off_on_the_access_page_opens_nothing(event, show_world, organiser):
    key, token = show_key_create(event=event, actor=organiser, view=ShowView.SCREEN, label="Projector laptop")
    client = signed_in(organiser)

    page = client.get(url(event, "access")).content.decode()
    revoked = client.post(f"/event/{event.pk}/show/keys/{key.pk}/revoke/", follow=True)
    device = Client()
    device.cookies["proud_show_screen"] = token

    assert "Projector laptop" in page and token not in page
    assert "Switched off the key for “Projector laptop”" in revoked.content.decode()
    assert device.get(url(event, "screen-state")).status_code == 401


# --- query budgets ------------------------------------------------------------------------------


@pytest.mark.parametrize("finalists", [1, 3])
@pytest.mark.parametrize("view", ["screen", "compere", "stage", "controller"])
def test_a_poll_costs_the_same_queries_however_many_finalists(event, category, organiser, django_assert_num_queries, finalists, view):
    confirmed_finalists(event.programme, category, [cleared_nominee(event.programme) for _ in range(finalists)])
    items = running_order_generate(event=event, actor=organiser)
    award = next(i for i in items if i.kind == ItemKind.AWARD)
    Show.objects.create(event=event, on_air=True, item=award, stage=ShowStage.FINALISTS, cue=6)
    client = signed_in(organiser)
    client.get(url(event, f"{view}-state"))  # the session and the roles, read once

    budget = {"screen": 10, "compere": 10, "stage": 11, "controller": 10}[view]
    with django_assert_num_queries(budget):
        response = client.get(url(event, f"{view}-state"))
    assert response.status_code == 200


def test_the_screen_walks_through_welcome_award_holding_and_thank_you_slides(event, show_world, organiser):
    winner_set(item=show_world["award"], actor=organiser, nomination=show_world["finalists"][1])
    client = signed_in(organiser)
    slides = []

    def slide():
        body = client.get(url(event, "screen-state")).content.decode()
        kind = re.search(r'class="screen screen--(\w+)"', body).group(1)
        title = re.search(r'<h1 class="screen__title">(.*?)</h1>', body).group(1)
        slides.append((kind, title))

    slide()
    for _ in range(6):
        show_next(event=event, actor=organiser)
        slide()
    show_reveal(event=event, actor=organiser)
    slide()
    while show_on_air(event).stage != ShowStage.ENDED:
        show_next(event=event, actor=organiser)
        slide()

    assert slides == [
        ("welcome", event.name),
        ("holding", "Welcome"),
        ("item", "Welcome"),
        ("holding", "Positive Choices"),
        ("holding", "Positive Choices"),
        ("item", "Positive Choices"),
        ("finalists", "Positive Choices"),
        ("winner", "Positive Choices"),
        ("holding", "Thanks and close"),
        ("holding", "Thanks and close"),
        ("item", "Thanks and close"),
        ("holding", event.name),
        ("ended", event.name),
    ]
