"""Who may do what in the invitations API: every endpoint against every role.

Only organisers of the event's programme see or change anything; anyone else logged in gets an
empty list or a 404 (never a 403 that would confirm the object exists), and a refused write
changes nothing. Anyone holding a private link may answer it, logged in or not."""

import pytest

from events.enums import InvitationStatus
from events.models import Event, Invitation
from mail.enums import DeliveryStatus
from mail.models import EmailDelivery
from tests.conftest import client_for, user_with_role
from tests.factories import ProgrammeFactory
from tests.worlds import OUTSIDERS, ROLES, SECRET_SURNAMES, snapshot

pytestmark = pytest.mark.django_db


def _check_event_list(w, body):
    assert [e["id"] for e in body["results"]] == [w.event.pk]


def _check_event(w, body):
    assert (body["id"], body["name"]) == (w.event.pk, w.event.name)


def _check_summary(w, body):
    assert body["counts"]["invitations"] == 3
    assert [b["invitation"] for b in body["blocked"]] == [w.blocked.pk]


def _check_event_update(w, body):
    assert body["dress_code"] == "Black tie"
    assert Event.objects.get(pk=w.event.pk).dress_code == "Black tie"


def _check_finalists(w, body):
    assert body == {"created": [], "already_invited": 2}


def _check_send_invitations(w, body):
    assert body == {"queued": [w.presenter.pk], "blocked": {}}
    assert Invitation.objects.get(pk=w.presenter.pk).status == InvitationStatus.QUEUED


def _check_invitation_list(w, body):
    assert sorted(i["id"] for i in body["results"]) == sorted([w.sent.pk, w.blocked.pk, w.presenter.pk])


def _check_invitation(w, body):
    assert (body["id"], body["invitee"]) == (w.sent.pk, "Rowan F.")  # organisers: the known name


def _check_invitation_update(w, body):
    assert body["title"] == "Lord Lieutenant"
    assert Invitation.objects.get(pk=w.presenter.pk).title == "Lord Lieutenant"


def _check_send(w, body):
    assert body["status"] == InvitationStatus.QUEUED
    assert Invitation.objects.get(pk=w.presenter.pk).status == InvitationStatus.QUEUED


def _check_resend(w, body):
    assert body["status"] == InvitationStatus.SENT
    assert [d["kind"] for d in body["deliveries"]].count("invitation") == 2


def _check_revoke(w, body):
    assert body["status"] == InvitationStatus.REVOKED


def _check_quote(w, body):
    assert body["quote"] == "Rowan never gives up."
    assert body["quote_approved_at"] is not None


def _check_retry(w, body):
    assert (body["id"], body["status"], body["attempts"]) == (w.failed.pk, DeliveryStatus.PENDING, 0)
    assert EmailDelivery.objects.get(pk=w.failed.pk).status == DeliveryStatus.PENDING


# name: (method, url, body, organiser's status, check of the organiser's response)
ENDPOINTS = {
    "event-list": ("get", lambda w: "/api/v1/events/", None, 200, _check_event_list),
    "event-detail": ("get", lambda w: f"/api/v1/events/{w.event.pk}/", None, 200, _check_event),
    "event-summary": ("get", lambda w: f"/api/v1/events/{w.event.pk}/summary/", None, 200, _check_summary),
    "event-update": ("patch", lambda w: f"/api/v1/events/{w.event.pk}/", {"dress_code": "Black tie"}, 200, _check_event_update),
    "create-finalist-invitations": (
        "post", lambda w: f"/api/v1/events/{w.event.pk}/create-finalist-invitations/", None, 200, _check_finalists,
    ),
    "send-invitations": (
        "post", lambda w: f"/api/v1/events/{w.event.pk}/send-invitations/", lambda w: {"invitations": [w.presenter.pk]}, 200,
        _check_send_invitations,
    ),
    "invitation-list": ("get", lambda w: "/api/v1/invitations/", None, 200, _check_invitation_list),
    "invitation-detail": ("get", lambda w: f"/api/v1/invitations/{w.sent.pk}/", None, 200, _check_invitation),
    "invitation-update": (
        "patch", lambda w: f"/api/v1/invitations/{w.presenter.pk}/", {"title": "Lord Lieutenant"}, 200, _check_invitation_update,
    ),
    "invitation-send": ("post", lambda w: f"/api/v1/invitations/{w.presenter.pk}/send/", None, 200, _check_send),
    "invitation-resend": ("post", lambda w: f"/api/v1/invitations/{w.sent.pk}/resend/", None, 200, _check_resend),
    "invitation-revoke": ("post", lambda w: f"/api/v1/invitations/{w.sent.pk}/revoke/", {"reason": "Moved away"}, 200, _check_revoke),
    "invitation-approve-quote": (
        "post", lambda w: f"/api/v1/invitations/{w.sent.pk}/approve-quote/", {"quote": "Rowan never gives up."}, 200, _check_quote,
    ),
    "delivery-retry": ("post", lambda w: f"/api/v1/email-deliveries/{w.failed.pk}/retry/", None, 200, _check_retry),
}
LISTS = {"event-list", "invitation-list"}


def _call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_role_on_each_organiser_endpoint(world, people, role, endpoint):
    method, url, body, expected, check = ENDPOINTS[endpoint]
    body = body(world) if callable(body) else body
    before = snapshot()

    response = _call(client_for(people[role]), method, url(world), body)

    if role == "organiser":
        assert response.status_code == expected, response.content
        check(world, response.json())
        return
    if role == "anonymous":
        assert response.status_code == 403
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    elif endpoint in LISTS:
        assert response.status_code == 200
        assert response.json()["results"] == []
    else:
        # Outside the scope: 404, the same as an object that does not exist.
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
        assert response.json()["detail"].startswith("No ")
    assert snapshot() == before


def test_foreign_and_missing_objects_get_the_same_404(world, people):
    client = client_for(people["other_organiser"])

    foreign = client.get(f"/api/v1/invitations/{world.sent.pk}/")
    missing = client.get("/api/v1/invitations/999999/")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


# --- creating: organisers of some programme, and only in their own ----------------------------


@pytest.fixture
def fresh_programme(organiser):
    """A second programme the organiser runs, with no event yet."""
    from awards.enums import Role

    programme = ProgrammeFactory(slug="proud-fresh")
    user_with_role(programme, Role.ORGANISER, organiser.username)
    # Roles are read once per user object; a real request loads the user afresh.
    organiser.__dict__.pop("_proud_roles", None)
    return programme


EVENT_PAYLOAD = {
    "name": "PROUD Awards night",
    "venue_name": "Riverside Stadium Suite",
    "venue_address": "1 Stadium Way\nNorthtown",
    "starts_at": "2031-11-20T18:00:00Z",
    "doors_open_at": "2031-11-20T17:30:00Z",
    "ends_at": "2031-11-20T21:30:00Z",
    "rsvp_deadline": "2031-11-06T17:00:00Z",
    "capacity": 180,
    "organiser_contact_name": "Awards team",
    "organiser_contact_email": "awards@example.org",
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_creating_an_event(world, people, fresh_programme, role):
    before = snapshot()

    response = client_for(people[role]).post("/api/v1/events/", {"programme": fresh_programme.slug, **EVENT_PAYLOAD}, format="json")

    if role == "organiser":
        assert response.status_code == 201, response.content
        created = Event.objects.get(programme=fresh_programme)
        assert response.json()["id"] == created.pk
        assert (response.json()["programme"], response.json()["capacity"], response.json()["seats_left"]) == ("proud-fresh", 180, 180)
        assert created.default_guest_allowance == 2  # the model's default when not sent
        return
    if role == "anonymous":
        assert response.status_code == 403
    elif role == "other_organiser":
        # An organiser, but not of that programme: told so, in the same words as for no programme at all.
        assert response.status_code == 400
        assert response.json() == {
            "detail": "You do not organise a programme 'proud-fresh'.",
            "code": "eventerror",
            "field": "programme",
        }
    else:
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_each_role_creating_an_invitation(world, people, role):
    payload = {
        "event": world.event.pk,
        "kind": "performer",
        "addressee_name": "Northtown Youth Choir",
        "addressee_email": "choir@example.org",
    }
    before = snapshot()

    response = client_for(people[role]).post("/api/v1/invitations/", payload, format="json")

    if role == "organiser":
        assert response.status_code == 201, response.content
        body = response.json()
        created = Invitation.objects.get(pk=body["id"])
        assert (created.kind, created.status, created.guest_allowance) == ("performer", "draft", world.event.default_guest_allowance)
        assert (body["invitee"], body["status"], body["gate_problems"]) == ("Northtown Youth Choir", "draft", [])
        return
    if role == "anonymous":
        assert response.status_code == 403
    elif role == "other_organiser":
        assert response.status_code == 400
        assert response.json()["field"] == "event"
        assert response.json()["detail"] == "There is no such event among those you organise."
    else:
        assert response.status_code == 403
    assert snapshot() == before


# --- the private link: whoever holds it, and no one else -------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_private_link_answers_the_same_for_every_role(world, people, role):
    anonymous = client_for(None).post("/api/v1/rsvp/view/", {"token": world.token}, format="json")

    response = client_for(people[role]).post("/api/v1/rsvp/view/", {"token": world.token}, format="json")
    without = client_for(people[role]).post("/api/v1/rsvp/view/", {"token": "x" * 43}, format="json")

    assert response.status_code == 200
    assert response.json() == anonymous.json()
    assert without.status_code == 404


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nothing_of_the_invitations_leaks_to_outsiders(world, people, role):
    client = client_for(people[role])
    bodies = [
        client.get("/api/v1/invitations/").content,
        client.get(f"/api/v1/invitations/?event={world.event.pk}").content,
        client.get("/api/v1/events/").content,
        client.get(f"/api/v1/events/{world.event.pk}/summary/").content,
    ]

    for body in bodies:
        text = body.decode()
        for secret in (*SECRET_SURNAMES, "Rowan", "Sable", "Margaret Oduya", world.sent.addressee_email):
            assert secret not in text
