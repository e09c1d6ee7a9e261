"""The event through the API: creating and changing it, the organiser's summary, making the
finalists' invitations and sending them."""

import datetime as dt

import pytest
from django.core import mail

from events.enums import InvitationStatus
from events.models import Event, Invitation
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, invitation_create, invitations_send, rsvp_respond
from mail.enums import DeliveryStatus
from mail.models import EmailDelivery
from nominations.enums import NominationStatus
from shortlisting.models import Shortlist
from tests.conftest import client_for
from tests.factories import EventFactory, InvitationFactory, NominationFactory, NomineeFactory, NomineeGroupFactory
from tests.worlds import SECRET_SURNAMES, cleared_nominee, confirmed_finalists, snapshot

pytestmark = pytest.mark.django_db


def patch_event(world, payload):
    return client_for(world.organiser).patch(f"/api/v1/events/{world.event.pk}/", payload, format="json")


# --- creating and changing the event ---------------------------------------------------------


def test_create_names_every_missing_field(programme, organiser):
    response = client_for(organiser).post("/api/v1/events/", {"programme": programme.slug, "name": "Awards night"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {
        "venue_name",
        "venue_address",
        "starts_at",
        "doors_open_at",
        "ends_at",
        "rsvp_deadline",
        "capacity",
        "organiser_contact_name",
        "organiser_contact_email",
    }
    assert Event.objects.count() == 0


def test_create_refuses_times_out_of_order_and_a_second_event(programme, organiser):
    from .test_access import EVENT_PAYLOAD

    client = client_for(organiser)
    doors_late = client.post(
        "/api/v1/events/", {"programme": programme.slug, **EVENT_PAYLOAD, "doors_open_at": "2031-11-20T18:30:00Z"}, format="json"
    )
    assert doors_late.status_code == 400
    assert doors_late.json() == {"detail": "Doors must open before the start.", "code": "eventerror", "field": "doors_open_at"}
    assert Event.objects.count() == 0

    first = client.post("/api/v1/events/", {"programme": programme.slug, **EVENT_PAYLOAD}, format="json")
    second = client.post("/api/v1/events/", {"programme": programme.slug, **EVENT_PAYLOAD}, format="json")

    assert first.status_code == 201
    assert first.json()["starts_at"] == "2031-11-20T18:00:00Z"
    assert second.status_code == 400
    assert second.json()["field"] == "programme"
    assert "already has its event" in second.json()["detail"]
    assert Event.objects.count() == 1


def test_patch_changes_only_what_is_sent(world):
    before = Event.objects.get(pk=world.event.pk)

    response = patch_event(world, {"capacity": 150, "rsvp_deadline": (before.starts_at - dt.timedelta(days=3)).isoformat()})

    assert response.status_code == 200
    after = Event.objects.get(pk=world.event.pk)
    assert (after.capacity, after.rsvp_deadline) == (150, before.starts_at - dt.timedelta(days=3))
    assert (after.name, after.dress_code, after.venue_address) == (before.name, before.dress_code, before.venue_address)
    assert response.json()["seats_left"] == 150


@pytest.mark.parametrize(
    "payload, field, words",
    [
        ({"capacity": 2}, "capacity", "3 seats are already taken"),
        ({"ends_at": "2000-01-01T00:00:00Z"}, "ends_at", "The end must be after the start."),
        ({"rsvp_deadline": "2099-01-01T00:00:00Z"}, "rsvp_deadline", "before the start"),
        ({"name": "x" * 151}, "name", "no more than 150 characters"),
        ({"organiser_contact_email": "not an address"}, "organiser_contact_email", "valid email"),
        ({"default_guest_allowance": 21}, "default_guest_allowance", "less than or equal to 20"),
        ({"venue_name": "Suite\x00"}, "venue_name", "control character"),
    ],
)
def test_patch_refuses_bad_values_and_changes_nothing(world, payload, field, words):
    party = (GuestInput(name=""), GuestInput(name="Ann"), GuestInput(name="Bo"))
    rsvp_respond(invitation=world.sent, answer=RsvpAnswer(attending=True, party=party))
    before = snapshot()

    response = patch_event(world, payload)

    assert response.status_code == 400
    body = response.json()
    message = body["detail"] if "detail" in body else " ".join(body[field])
    assert body.get("field", field) == field
    assert words in message
    assert snapshot() == before


# --- the summary -----------------------------------------------------------------------------


def test_summary_counts_needs_blocked_finalists_and_failed_mail(world, category):
    rsvp_respond(
        invitation=world.sent,
        answer=RsvpAnswer(
            attending=True,
            party=(
                GuestInput(name="", dietary=("vegan",), access_needs=("wheelchair",), photography_consent=True),
                GuestInput(name="Ann Carer", relationship="carer", dietary=("vegan", "nut_allergy"), transport_needed=True),
            ),
        ),
    )

    response = client_for(world.organiser).get(f"/api/v1/events/{world.event.pk}/summary/")

    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {
        "invitations": 3,
        "accepted": 1,
        "declined": 0,
        "waiting": 0,
        "draft": 2,
        "revoked": 0,
        "expired": 0,
        "capacity": 200,
        "seats_taken": 2,
        "seats_left": 198,
        "failed_emails": 1,
        "retrying_emails": 0,
    }
    assert body["needs"]["guests"] == 2
    assert body["needs"]["dietary"]["vegan"] == 2
    assert body["needs"]["dietary"]["nut_allergy"] == 1
    assert body["needs"]["access"]["wheelchair"] == 1
    assert (body["needs"]["transport_needed"], body["needs"]["no_photographs"]) == (1, 1)
    assert body["blocked"] == [
        {
            "invitation": world.blocked.pk,
            "status": "draft",
            "invitee": "Sable Q.",  # organisers see the known name, to tell their finalists apart
            "category": category.name,
            "reasons": ["the safeguarding check has not been recorded.", "no consent to attend the event is recorded."],
        }
    ]
    assert [(d["id"], d["invitation"], d["kind"], d["attempts"]) for d in body["failed_deliveries"]] == [
        (world.failed.pk, world.sent.pk, "reminder", 6)
    ]
    assert body["failed_deliveries"][0]["last_error"].startswith("SMTPServerDisconnected")
    for secret in SECRET_SURNAMES:
        assert secret not in response.content.decode()


def test_summary_leaves_out_finalists_whose_invitation_is_over(world):
    from events.services import invitation_revoke

    invitation_revoke(invitation=world.blocked, actor=world.organiser, reason="Moved away")

    body = client_for(world.organiser).get(f"/api/v1/events/{world.event.pk}/summary/").json()

    assert body["blocked"] == []
    assert body["counts"]["revoked"] == 1


def populate(event, category, organiser, size: int, capture) -> None:
    """`size` invitations of every shape the organiser's reads load: a group of finalists (sent,
    accepted, with guests), a finalist the gate blocks, then cleared finalists and presenters."""
    programme = event.programme
    blocked = NomineeFactory(programme=programme)
    rest = size - 2
    cleared = [cleared_nominee(programme) for _ in range(rest // 2)]
    confirmed_finalists(programme, category, [blocked, *cleared])
    group = NomineeGroupFactory(programme=programme)
    group.members.set([cleared_nominee(programme) for _ in range(2)])
    group_nomination = NominationFactory(
        programme=programme, category=category, nominee=None, group=group, status=NominationStatus.SHORTLISTED
    )
    Shortlist.objects.get(category=category).finalists.add(group_nomination)
    finalist_invitations_create(event=event, actor=organiser)
    for number in range(rest - rest // 2):
        invitation_create(
            event=event, actor=organiser, kind="presenter", addressee_name=f"Presenter {number}", addressee_email=f"p{number}@example.org"
        )
    with capture(execute=True):
        invitations_send(event=event, actor=organiser)
    rsvp_respond(
        invitation=Invitation.objects.get(nomination=group_nomination),
        answer=RsvpAnswer(attending=True, party=(GuestInput(name="", dietary=("halal",)), GuestInput(name="Kit", relationship="carer"))),
    )
    EmailDelivery.objects.filter(invitation__nomination=group_nomination).update(status=DeliveryStatus.FAILED, attempts=6)
    assert Invitation.objects.filter(event=event).count() == size


@pytest.mark.parametrize("size", [2, 20])
def test_summary_query_count_is_fixed(event, category, organiser, size, django_assert_num_queries, django_capture_on_commit_callbacks):
    populate(event, category, organiser, size, django_capture_on_commit_callbacks)
    client = client_for(organiser)

    # event; counts (by status, failed, retrying); needs; finalists and their group members, consents
    # (nominee, members), guests, deliveries; failed deliveries.
    with django_assert_num_queries(12):
        response = client.get(f"/api/v1/events/{event.pk}/summary/")

    assert response.status_code == 200
    assert response.json()["counts"]["invitations"] == size
    assert len(response.json()["blocked"]) == 1


# --- making and sending the finalists' invitations -------------------------------------------


def test_create_finalist_invitations_makes_the_missing_ones_only(world, category):
    newcomer = cleared_nominee(world.event.programme, legal_first_name="Ivo")
    nomination = NominationFactory(programme=world.event.programme, category=category, nominee=newcomer, status=NominationStatus.SHORTLISTED)
    Shortlist.objects.get(category=category).finalists.add(nomination)
    url = f"/api/v1/events/{world.event.pk}/create-finalist-invitations/"
    client = client_for(world.organiser)

    first = client.post(url)
    again = client.post(url)

    made = Invitation.objects.get(nomination=nomination)
    assert (first.status_code, first.json()) == (201, {"created": [made.pk], "already_invited": 2})
    assert (again.status_code, again.json()) == (200, {"created": [], "already_invited": 3})
    assert made.status == InvitationStatus.DRAFT


def test_send_invitations_sends_drafts_that_pass_the_gate_and_lists_the_rest(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.organiser).post(f"/api/v1/events/{world.event.pk}/send-invitations/")

    assert response.status_code == 200
    assert response.json() == {
        "queued": [world.presenter.pk],
        "blocked": {
            str(world.blocked.pk): [
                "the safeguarding check has not been recorded.",
                "no consent to attend the event is recorded.",
            ]
        },
    }
    assert [m.to for m in mail.outbox] == [["sheriff@example.org"]]
    assert Invitation.objects.get(pk=world.presenter.pk).status == InvitationStatus.SENT
    assert Invitation.objects.get(pk=world.blocked.pk).status == InvitationStatus.DRAFT
    assert not EmailDelivery.objects.filter(invitation=world.blocked).exists()


def test_send_invitations_refuses_ids_of_other_events_and_sends_nothing(world):
    elsewhere = InvitationFactory(event=EventFactory())
    before = snapshot()

    response = client_for(world.organiser).post(
        f"/api/v1/events/{world.event.pk}/send-invitations/", {"invitations": [world.presenter.pk, elsewhere.pk, 999999]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "invitations"
    assert response.json()["detail"] == f"{world.event.name} has no invitations {elsewhere.pk}, 999999."
    assert snapshot() == before


def test_send_invitations_says_why_a_named_invitation_was_not_sent(world):
    response = client_for(world.organiser).post(
        f"/api/v1/events/{world.event.pk}/send-invitations/", {"invitations": [world.sent.pk, world.presenter.pk]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["queued"] == [world.presenter.pk]
    assert response.json()["blocked"] == {
        str(world.sent.pk): ["It is sent, waiting for an answer; only drafts are sent (use resend for the others)."]
    }


def test_send_invitations_input_must_be_a_list_of_ids(world):
    response = client_for(world.organiser).post(
        f"/api/v1/events/{world.event.pk}/send-invitations/", {"invitations": ["all"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"invitations": {"0": ["A valid integer is required."]}}
    assert Invitation.objects.get(pk=world.presenter.pk).status == InvitationStatus.DRAFT


@pytest.mark.parametrize("size", [1, 3])
def test_event_list_query_count_is_fixed(organiser, size, django_assert_num_queries):
    from awards.enums import Role
    from tests.conftest import user_with_role
    from tests.factories import ProgrammeFactory

    for _ in range(size):
        programme = ProgrammeFactory()
        user_with_role(programme, Role.ORGANISER, organiser.username)
        EventFactory(programme=programme)
    organiser.__dict__.pop("_proud_roles", None)

    # roles, count, page (with the programme).
    with django_assert_num_queries(3):
        response = client_for(organiser).get("/api/v1/events/")

    assert response.json()["count"] == size
    assert len({e["programme"] for e in response.json()["results"]}) == size
