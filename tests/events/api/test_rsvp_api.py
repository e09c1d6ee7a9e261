"""The public RSVP API: the invitee answers through the private link, without a login."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events.enums import InvitationStatus
from events.links import link_create
from events.models import Event, Guest, Invitation
from events.services import invitation_revoke, invitations_expire
from tests.conftest import client_for
from tests.factories import InvitationFactory
from tests.worlds import SECRET_SURNAMES, snapshot

pytestmark = pytest.mark.django_db

VIEW = "/api/v1/rsvp/view/"
RESPOND = "/api/v1/rsvp/respond/"
NOT_VALID = {"detail": "This link is not valid.", "code": "linknotvalid"}


def person(name="", **values):
    return {"name": name, **values}


def respond(token, attending=True, party=None):
    return client_for(None).post(RESPOND, {"token": token, "attending": attending, "party": party or []}, format="json")


def assert_private(response):
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


# --- seeing the invitation -------------------------------------------------------------------


def test_view_shows_the_invitation_as_the_invitee_sees_it(world, category):
    response = client_for(None).post(VIEW, {"token": world.token}, format="json")

    assert response.status_code == 200
    assert_private(response)
    body = response.json()
    assert set(body) == {
        "event", "kind", "invitee", "title", "category", "quote", "guest_allowance", "attending", "responded_at", "guests", "closed",
    }
    assert (body["kind"], body["invitee"], body["category"], body["guest_allowance"]) == ("finalist", "Rowan F.", category.name, 2)
    assert (body["attending"], body["guests"], body["closed"], body["quote"]) == (None, [], False, "")
    assert body["event"]["name"] == world.event.name
    assert body["event"]["organiser_contact_email"] == "awards@example.org"
    assert set(body["event"]) == {
        "name", "venue_name", "venue_address", "starts_at", "doors_open_at", "ends_at", "rsvp_deadline",
        "access_information", "dress_code", "organiser_contact_name", "organiser_contact_email", "organiser_contact_phone",
    }
    text = response.content.decode()
    for hidden in (*SECRET_SURNAMES, world.sent.addressee_email, world.sent.nomination.reference, "capacity", "seats"):
        assert hidden not in text


def test_view_shows_only_an_approved_quote(world):
    from events.services import quote_approve

    Invitation.objects.filter(pk=world.sent.pk).update(quote="Draft words not yet approved")
    before = client_for(None).post(VIEW, {"token": world.token}, format="json").json()["quote"]
    quote_approve(invitation=world.sent, actor=world.organiser, quote="Rowan lifts everyone.")
    after = client_for(None).post(VIEW, {"token": world.token}, format="json").json()["quote"]

    assert (before, after) == ("", "Rowan lifts everyone.")


@pytest.mark.parametrize("how", ["tampered", "unknown", "blank-ish", "very long", "revoked", "expired", "after the event", "draft"])
def test_every_link_that_does_not_open_gets_the_same_404(world, how):
    token = world.token
    if how == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif how == "unknown":
        token = link_create(world.sent)[::-1]
    elif how == "blank-ish":
        token = " x "
    elif how == "very long":
        token = world.token * 10
    elif how == "revoked":
        invitation_revoke(invitation=world.sent, actor=world.organiser, reason="Moved away")
    elif how == "expired":
        Event.objects.filter(pk=world.event.pk).update(rsvp_deadline=timezone.now() - dt.timedelta(hours=1))
        assert invitations_expire() == 1
    elif how == "after the event":
        Event.objects.filter(pk=world.event.pk).update(
            rsvp_deadline=timezone.now() - dt.timedelta(days=2),
            doors_open_at=timezone.now() - dt.timedelta(days=1, hours=1),
            starts_at=timezone.now() - dt.timedelta(days=1),
            ends_at=timezone.now() - dt.timedelta(hours=20),
        )
    elif how == "draft":
        token = link_create(world.presenter)
    before = snapshot()

    seen = client_for(None).post(VIEW, {"token": token}, format="json")
    answered = respond(token, party=[person()])

    for response in (seen, answered):
        assert response.status_code == 404
        assert response.json() == NOT_VALID
        assert_private(response)
    assert snapshot() == before


def test_a_missing_token_is_a_400_naming_it(world):
    response = client_for(None).post(VIEW, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"token": ["This field is required."]}
    assert_private(response)


# --- answering --------------------------------------------------------------------------------


def test_accept_with_guests_saves_the_party_takes_seats_and_confirms_by_email(world, django_capture_on_commit_callbacks):
    party = [
        person("Rowan Featherstonehaugh", dietary=["vegan"], access_needs=["wheelchair"], photography_consent=True),
        person("Ann Carer", relationship="carer", dietary=["gluten_free", "gluten_free"], transport_needed=True),
        person("Jo", relationship="family", access_needs=["other"], access_other="Needs a seat near the exit"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = respond(world.token, party=party)

    assert response.status_code == 200
    assert_private(response)
    body = response.json()
    assert body["changed"] is True
    assert (body["invitation"]["attending"], body["invitation"]["closed"]) == (True, False)
    # The finalist's own line carries their known name (the responsible adult knows them), whatever was typed.
    assert [(g["name"], g["relationship"]) for g in body["invitation"]["guests"]] == [
        ("Rowan F.", "finalist"),
        ("Ann Carer", "carer"),
        ("Jo", "family"),
    ]
    assert body["invitation"]["guests"][1]["dietary"] == ["gluten_free"]
    assert "Featherstonehaugh" not in response.content.decode()
    assert Invitation.objects.get(pk=world.sent.pk).status == InvitationStatus.ACCEPTED
    assert Event.objects.get(pk=world.event.pk).seats_taken == 3
    assert [(m.to, m.subject) for m in mail.outbox] == [([world.sent.addressee_email], f"Your answer for the {world.event.name}")]


def test_the_same_answer_twice_changes_nothing(world, django_capture_on_commit_callbacks):
    party = [person(), person("Ann", relationship="carer")]
    respond(world.token, party=party)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        again = respond(world.token, party=party)

    assert (again.status_code, again.json()["changed"]) == (200, False)
    assert mail.outbox == []
    assert snapshot() == before


def test_declining_gives_the_seats_back(world):
    respond(world.token, party=[person(), person("Ann", relationship="carer")])

    response = respond(world.token, attending=False)

    assert response.status_code == 200
    assert (response.json()["invitation"]["attending"], response.json()["invitation"]["guests"]) == (False, [])
    assert Event.objects.get(pk=world.event.pk).seats_taken == 0
    assert not Guest.objects.exists()


def test_a_presenter_answers_with_their_own_name(world):
    world.presenter.status = InvitationStatus.SENT
    world.presenter.save(update_fields=["status"])
    token = link_create(world.presenter)

    typed = respond(token, party=[person("Dr Margaret Oduya")])
    blank = respond(token, party=[person("", dietary=["halal"])])

    assert [(g["name"], g["relationship"]) for g in typed.json()["invitation"]["guests"]] == [("Dr Margaret Oduya", "invitee")]
    assert blank.json()["invitation"]["guests"][0]["name"] == "Margaret Oduya"


# --- refusals: each names the problem and writes nothing -------------------------------------


def _message(body: dict) -> str:
    """The words of an error body, wherever DRF or the service put them."""
    if "detail" in body:
        return body["detail"]
    return str(body)


@pytest.mark.parametrize(
    "party, status, field, words",
    [
        ([person(), person("Ann", dietary=["fish"])], 400, None, "\"fish\" is not a valid choice."),
        ([person(), person("Ann", access_needs=["jetpack"])], 400, None, "\"jetpack\" is not a valid choice."),
        ([person(), person("A"), person("B"), person("C")], 400, "guests", "up to 2 guests; you named 3"),
        ([person(), person("  ", relationship="carer")], 400, "guests[1].name", "Guest 1: enter their name."),
        ([person(), person("x" * 151)], 400, None, "no more than 150 characters"),
        ([person(dietary_other="y" * 501)], 400, None, "no more than 500 characters"),
        ([person(), person("Ann", access_needs=["other"])], 400, "guests[1].access_other", "tell us what the other access need is"),
        ([person(), person("Ann", relationship="cousin")], 400, None, "\"cousin\" is not a valid choice."),
        ([person("Ann\u0007")], 400, None, "control character"),
    ],
)
def test_bad_answers_are_refused_naming_the_problem(world, party, status, field, words, django_capture_on_commit_callbacks):
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = respond(world.token, party=party)

    assert response.status_code == status
    assert_private(response)
    body = response.json()
    if field is not None:
        assert body["field"] == field
    assert words in _message(body)
    assert snapshot() == before
    assert mail.outbox == []


def test_unknown_dietary_code_names_the_guest_and_the_field(world):
    response = respond(world.token, party=[person(), person("Ann", dietary=["vegan", "fish"])])

    assert response.status_code == 400
    assert response.json() == {"party": {"1": {"dietary": {"1": ['"fish" is not a valid choice.']}}}}


def test_after_the_deadline_answers_are_closed(world):
    Event.objects.filter(pk=world.event.pk).update(rsvp_deadline=timezone.now() - dt.timedelta(minutes=5))
    before = snapshot()

    seen = client_for(None).post(VIEW, {"token": world.token}, format="json")
    answered = respond(world.token, party=[person()])

    assert (seen.status_code, seen.json()["closed"]) == (200, True)
    assert answered.status_code == 409
    assert answered.json()["code"] == "rsvpclosed"
    assert answered.json()["detail"].startswith("Answers closed on ")
    assert "contact Awards team at awards@example.org" in answered.json()["detail"]
    assert_private(answered)
    assert snapshot() == before


def test_a_full_room_refuses_the_party_and_says_how_many_seats_are_left(world):
    other = InvitationFactory(event=world.event, status=InvitationStatus.SENT)
    respond(link_create(other), party=[person("Taken")])
    Event.objects.filter(pk=world.event.pk).update(capacity=3)
    before = snapshot()

    response = respond(world.token, party=[person(), person("Ann"), person("Bo")])

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Sorry, only 2 seats are left at the event; reduce the number of guests or contact the organisers.",
        "code": "capacityfull",
        "field": "guests",
    }
    assert snapshot() == before
    assert respond(world.token, party=[person(), person("Ann")]).status_code == 200


def test_the_link_api_is_throttled(world, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "rsvp": "2/min"})
    client = client_for(None)

    responses = [client.post(VIEW, {"token": world.token}, format="json") for _ in range(2)]
    responses.append(client.post(RESPOND, {"token": world.token, "attending": False}, format="json"))

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "throttled" in responses[2].json()["detail"].lower()
    assert_private(responses[2])
    assert Invitation.objects.get(pk=world.sent.pk).status == InvitationStatus.SENT


def test_the_default_rate_is_configured(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["rsvp"] == "30/min"
