"""Invitations through the API: what organisers see, filters, changes, and the commands (send,
resend, revoke, approve a quote, retry an e-mail)."""

import pytest
from django.core import mail

from awards.enums import Role
from events.enums import InvitationStatus
from events.models import Guest, Invitation, InvitationHistory, InvitationLink
from events.services import GuestInput, RsvpAnswer, rsvp_respond
from mail.enums import DeliveryStatus
from mail.models import EmailDelivery
from nominations.enums import ConsentPurpose
from nominations.services import consent_withdraw
from tests.conftest import client_for, user_with_role
from tests.factories import EventFactory, InvitationFactory, ProgrammeFactory
from tests.worlds import SECRET_SURNAMES, snapshot, token_from

from .test_events_api import populate

pytestmark = pytest.mark.django_db

INVITATION_FIELDS = {
    "id",
    "event",
    "kind",
    "status",
    "invitee",
    "title",
    "nomination",
    "category",
    "addressee_name",
    "addressee_email",
    "young_person_email",
    "guest_allowance",
    "guests",
    "quote",
    "quote_approved_at",
    "gate_problems",
    "deliveries",
    "sent_at",
    "responded_at",
    "created_at",
    "updated_at",
}


def accept_with_guests(invitation, *names):
    rsvp_respond(
        invitation=invitation,
        answer=RsvpAnswer(
            attending=True,
            party=(GuestInput(name="", dietary=("vegetarian",)), *(GuestInput(name=n, relationship="family") for n in names)),
        ),
    )


def url(invitation, action=""):
    return f"/api/v1/invitations/{invitation.pk}/" + (f"{action}/" if action else "")


# --- what an organiser sees ------------------------------------------------------------------


def test_an_organiser_sees_the_invitation_with_guests_gate_and_deliveries_but_no_secrets(world, category):
    accept_with_guests(world.sent, "Jo Bloggs")

    response = client_for(world.organiser).get(url(world.sent))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == INVITATION_FIELDS
    assert (body["kind"], body["status"], body["invitee"], body["category"]) == ("finalist", "accepted", "Rowan F.", category.name)
    assert body["nomination"] == world.sent.nomination.reference
    assert body["addressee_email"] == world.sent.addressee_email
    assert body["gate_problems"] == []
    assert body["guests"] == [
        {
            "position": 0,
            "name": "Rowan F.",
            "relationship": "finalist",
            "dietary": ["vegetarian"],
            "dietary_other": "",
            "access_needs": [],
            "access_other": "",
            "photography_consent": False,
            "transport_needed": False,
            "access_on_place_card": False,
        },
        {
            "position": 1,
            "name": "Jo Bloggs",
            "relationship": "family",
            "dietary": [],
            "dietary_other": "",
            "access_needs": [],
            "access_other": "",
            "photography_consent": False,
            "transport_needed": False,
            "access_on_place_card": False,
        },
    ]
    deliveries = {(d["kind"], d["status"]) for d in body["deliveries"]}
    assert deliveries == {("invitation", "sent"), ("reminder", "failed"), ("confirmation", "pending")}
    failed = next(d for d in body["deliveries"] if d["status"] == "failed")
    assert (failed["attempts"], failed["last_error"]) == (6, "SMTPServerDisconnected: Connection unexpectedly closed")
    assert body["sent_at"] is not None and body["responded_at"] is not None
    text = response.content.decode()
    for secret in (*SECRET_SURNAMES, *InvitationLink.objects.values_list("token_hash", flat=True), world.token):
        assert secret not in text


def test_a_blocked_finalist_shows_why(world):
    body = client_for(world.organiser).get(url(world.blocked)).json()

    assert body["invitee"] == "Sable Q."  # organisers see the known name, whatever the publicity level
    assert body["gate_problems"] == [
        "the safeguarding check has not been recorded.",
        "no consent to attend the event is recorded.",
    ]


def test_list_filters_by_event_status_and_kind(world, organiser):
    other_event = EventFactory(programme=ProgrammeFactory(slug="spring"))
    user_with_role(other_event.programme, Role.ORGANISER, organiser.username)
    organiser.__dict__.pop("_proud_roles", None)
    elsewhere = InvitationFactory(event=other_event, kind="vip")
    client = client_for(organiser)

    def ids(query):
        response = client.get(f"/api/v1/invitations/?{query}")
        assert response.status_code == 200, response.content
        return sorted(i["id"] for i in response.json()["results"])

    assert ids("") == sorted([world.sent.pk, world.blocked.pk, world.presenter.pk, elsewhere.pk])
    assert ids(f"event={world.event.pk}") == sorted([world.sent.pk, world.blocked.pk, world.presenter.pk])
    assert ids(f"event={other_event.pk}") == [elsewhere.pk]
    assert ids("programme=spring") == [elsewhere.pk]
    assert ids("status=draft") == sorted([world.blocked.pk, world.presenter.pk, elsewhere.pk])
    assert ids("status=sent&status=accepted") == [world.sent.pk]
    assert ids("kind=finalist") == sorted([world.sent.pk, world.blocked.pk])
    assert ids("kind=presenter&kind=vip") == sorted([world.presenter.pk, elsewhere.pk])
    assert ids(f"event={world.event.pk}&kind=vip") == []


def test_filtering_by_someone_elses_event_is_refused_like_a_missing_one(world, people):
    client = client_for(people["other_organiser"])

    foreign = client.get(f"/api/v1/invitations/?event={world.event.pk}")
    missing = client.get("/api/v1/invitations/?event=999999")

    assert foreign.status_code == missing.status_code == 400
    assert set(foreign.json()) == {"event"}
    assert foreign.json()["event"][0].startswith("Select a valid choice.")
    assert "Rowan" not in foreign.content.decode()


def test_list_is_paginated(world):
    body = client_for(world.organiser).get("/api/v1/invitations/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert all(set(item) == INVITATION_FIELDS for item in body["results"])


@pytest.mark.parametrize("size", [2, 20])
def test_list_query_count_is_fixed(event, category, organiser, size, django_assert_num_queries, django_capture_on_commit_callbacks):
    populate(event, category, organiser, size, django_capture_on_commit_callbacks)
    client = client_for(organiser)

    # count, page; guests, deliveries, nominee consents, group members and their consents.
    with django_assert_num_queries(7):
        response = client.get("/api/v1/invitations/")

    assert response.json()["count"] == size
    assert sum(bool(i["gate_problems"]) for i in response.json()["results"]) == 1


# --- changing an invitation -------------------------------------------------------------------


def test_patch_changes_details_and_allowance(world):
    response = client_for(world.organiser).patch(
        url(world.presenter),
        {"addressee_email": "office@example.org", "invitee_name": "Dr Margaret Oduya", "guest_allowance": 4},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["addressee_email"], body["invitee"], body["guest_allowance"]) == ("office@example.org", "Dr Margaret Oduya", 4)
    assert body["addressee_name"] == "Margaret Oduya"  # not sent, not changed
    assert list(InvitationHistory.objects.filter(invitation=world.presenter).values_list("action", flat=True)) == [
        "events.invitation.created",
        "events.invitation.details_changed",
        "events.invitation.allowance_changed",
    ]


def test_patch_is_all_or_nothing(world):
    accept_with_guests(world.sent, "Jo", "Kit")
    before = snapshot()

    response = client_for(world.organiser).patch(
        url(world.sent), {"addressee_name": "Someone Else", "guest_allowance": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "2 guests are already coming with this invitation; ask them to change their answer first.",
        "code": "eventerror",
        "field": "guest_allowance",
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    "payload, field, words",
    [
        ({"invitee_name": "Rowan Featherstonehaugh"}, "invitee_name", "announce name"),
        ({"addressee_email": "nope"}, "addressee_email", "valid email"),
        ({"title": "x" * 151}, "title", "no more than 150 characters"),
        ({"guest_allowance": 21}, "guest_allowance", "less than or equal to 20"),
        ({"guest_allowance": -1}, "guest_allowance", "greater than or equal to 0"),
        ({"addressee_name": ""}, "addressee_name", "may not be blank"),
    ],
)
def test_patch_refuses_bad_input_naming_the_field(world, payload, field, words):
    before = snapshot()

    response = client_for(world.organiser).patch(url(world.sent), payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body.get("field", field) == field
    assert words in (body["detail"] if "detail" in body else " ".join(body[field]))
    assert snapshot() == before


@pytest.mark.parametrize(
    "payload, field, words",
    [
        ({"kind": "finalist"}, "kind", '"finalist" is not a valid choice.'),
        ({"kind": "presenter", "guest_allowance": 21}, "guest_allowance", "less than or equal to 20"),
        ({"kind": "presenter", "addressee_email": ""}, "addressee_email", "may not be blank"),
        ({"kind": "presenter", "title": "x" * 151}, "title", "no more than 150 characters"),
    ],
)
def test_create_refuses_bad_input(world, payload, field, words):
    before = snapshot()
    data = {"event": world.event.pk, "addressee_name": "A Person", "addressee_email": "a@example.org", **payload}

    response = client_for(world.organiser).post("/api/v1/invitations/", data, format="json")

    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert snapshot() == before


# --- commands --------------------------------------------------------------------------------


def test_send_emails_a_private_link_that_opens_the_invitation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.organiser).post(url(world.presenter, "send"))

    assert response.status_code == 200
    # Answered inside the test's transaction, before the e-mail goes out on commit.
    assert response.json()["status"] == InvitationStatus.QUEUED
    assert [(d["kind"], d["status"]) for d in response.json()["deliveries"]] == [("invitation", "pending")]
    assert Invitation.objects.get(pk=world.presenter.pk).status == InvitationStatus.SENT
    assert [m.to for m in mail.outbox] == [["sheriff@example.org"]]
    opened = client_for(None).post("/api/v1/rsvp/view/", {"token": token_from(mail.outbox[0])}, format="json")
    assert opened.status_code == 200
    assert (opened.json()["invitee"], opened.json()["title"]) == ("Margaret Oduya", "High Sheriff")


def test_send_blocked_by_the_gate_is_409_with_the_reasons_and_sends_nothing(world, django_capture_on_commit_callbacks):
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.organiser).post(url(world.blocked, "send"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This invitation cannot be sent: the safeguarding check has not been recorded. "
        "no consent to attend the event is recorded.",
        "code": "blocked",
        "reasons": ["the safeguarding check has not been recorded.", "no consent to attend the event is recorded."],
    }
    assert mail.outbox == []
    assert snapshot() == before


def test_send_twice_is_409_pointing_to_resend(world):
    response = client_for(world.organiser).post(url(world.sent, "send"))

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        "It is sent, waiting for an answer; only drafts are sent (use resend for the others)."
    ]


def test_resend_sends_a_new_link_and_the_old_one_keeps_working(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.organiser).post(url(world.sent, "resend"))

    assert response.status_code == 200
    assert len(mail.outbox) == 1
    new_token = token_from(mail.outbox[0])
    assert new_token != world.token
    for token in (new_token, world.token):
        assert client_for(None).post("/api/v1/rsvp/view/", {"token": token}, format="json").status_code == 200


def readdress_and_resend(world, django_capture_on_commit_callbacks, **change) -> str:
    """Change who the invitation goes to, resend it; the new link's token."""
    client = client_for(world.organiser)
    assert client.patch(url(world.sent), change, format="json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world.sent, "resend"))
    assert response.status_code == 200
    (message,) = mail.outbox
    return token_from(message)


@pytest.mark.parametrize(
    "change",
    [
        {"addressee_name": "Dana Newcarer", "addressee_email": "dana@example.org"},
        {"addressee_email": "dana@example.org"},
        {"young_person_email": "rowan@example.org"},
    ],
    ids=["new addressee", "new address", "the young person's address"],
)
def test_a_resend_after_a_change_of_addressee_closes_the_earlier_links(world, django_capture_on_commit_callbacks, change):
    accept_with_guests(world.sent, "Jo Carer")
    never = client_for(None).post("/api/v1/rsvp/view/", {"token": "never-existed-token"}, format="json")

    new_token = readdress_and_resend(world, django_capture_on_commit_callbacks, **change)

    old_view = client_for(None).post("/api/v1/rsvp/view/", {"token": world.token}, format="json")
    old_answer = client_for(None).post("/api/v1/rsvp/respond/", {"token": world.token, "attending": False}, format="json")
    # The old holder gets what any bad link gets: nothing about the party.
    assert (old_view.status_code, old_view.json()) == (never.status_code, never.json()) == (404, {"detail": "This link is not valid.", "code": "linknotvalid"})
    assert (old_answer.status_code, old_answer.json()) == (404, never.json())
    assert Invitation.objects.get(pk=world.sent.pk).status == InvitationStatus.ACCEPTED  # the answer stands
    # The new addressee's link opens it, with the party.
    opened = client_for(None).post("/api/v1/rsvp/view/", {"token": new_token}, format="json")
    assert opened.status_code == 200
    assert [guest["name"] for guest in opened.json()["guests"]][1:] == ["Jo Carer"]
    history = InvitationHistory.objects.filter(invitation=world.sent, action="events.invitation.resent").last()
    assert history.detail == {"earlier_links_closed": 2}  # the one the first e-mail carried, and world.token


def test_a_resend_without_a_change_of_addressee_keeps_the_earlier_links(world, django_capture_on_commit_callbacks):
    client = client_for(world.organiser)
    assert client.patch(url(world.sent), {"title": ""}, format="json").status_code == 200  # not who it goes to
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(world.sent, "resend")).status_code == 200

    assert client_for(None).post("/api/v1/rsvp/view/", {"token": world.token}, format="json").status_code == 200
    history = InvitationHistory.objects.filter(invitation=world.sent, action="events.invitation.resent").last()
    assert history.detail == {}


def test_links_sent_after_the_change_keep_working_at_the_next_resend(world, django_capture_on_commit_callbacks):
    second = readdress_and_resend(world, django_capture_on_commit_callbacks, addressee_email="dana@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(world.organiser).post(url(world.sent, "resend")).status_code == 200

    assert client_for(None).post("/api/v1/rsvp/view/", {"token": second}, format="json").status_code == 200
    assert client_for(None).post("/api/v1/rsvp/view/", {"token": world.token}, format="json").status_code == 404


def test_resend_refuses_a_draft_and_a_finalist_who_lost_consent(world):
    consent_withdraw(nominee=world.sent.nomination.nominee, purpose=ConsentPurpose.ATTENDING, actor=world.organiser)
    before = snapshot()
    client = client_for(world.organiser)

    draft = client.post(url(world.presenter, "resend"))
    no_consent = client.post(url(world.sent, "resend"))

    assert draft.status_code == 400
    assert draft.json()["detail"] == "This invitation is draft; only a sent or answered invitation is resent."
    assert no_consent.status_code == 409
    assert no_consent.json()["code"] == "gateclosed"
    assert "No consent to attend the event is recorded." in no_consent.json()["detail"]
    assert snapshot() == before


def test_revoke_gives_back_seats_and_closes_the_link(world):
    accept_with_guests(world.sent, "Jo")

    response = client_for(world.organiser).post(url(world.sent, "revoke"), {"reason": "Moved out of area"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["guests"]) == ("revoked", [])
    world.event.refresh_from_db()
    assert world.event.seats_taken == 0
    assert InvitationHistory.objects.filter(invitation=world.sent).last().detail == {"reason": "Moved out of area"}
    closed = client_for(None).post("/api/v1/rsvp/view/", {"token": world.token}, format="json")
    assert (closed.status_code, closed.json()) == (404, {"detail": "This link is not valid.", "code": "linknotvalid"})


def test_revoke_needs_a_reason(world):
    before = snapshot()

    response = client_for(world.organiser).post(url(world.sent, "revoke"), {"reason": "  "}, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": ["This field may not be blank."]}
    assert snapshot() == before


def test_approve_quote_then_clear_it(world):
    client = client_for(world.organiser)

    approved = client.post(url(world.sent, "approve-quote"), {"quote": "  Rowan lifts everyone.  "}, format="json")
    too_long = client.post(url(world.sent, "approve-quote"), {"quote": "x" * 601}, format="json")
    cleared = client.post(url(world.sent, "approve-quote"), {"quote": ""}, format="json")

    assert (approved.status_code, approved.json()["quote"]) == (200, "Rowan lifts everyone.")
    assert too_long.status_code == 400
    assert too_long.json() == {"quote": ["Ensure this field has no more than 600 characters."]}
    assert (cleared.json()["quote"], cleared.json()["quote_approved_at"]) == ("", None)


def test_retry_sends_a_failed_message_again(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.organiser).post(f"/api/v1/email-deliveries/{world.failed.pk}/retry/")

    assert response.status_code == 200
    world.failed.refresh_from_db()
    assert (world.failed.status, world.failed.attempts, world.failed.last_error) == (DeliveryStatus.SENT, 1, "")
    assert [m.subject for m in mail.outbox] == [f"Please answer your invitation to the {world.event.name}"]


def test_retry_refuses_a_message_that_has_not_failed(world):
    sent = EmailDelivery.objects.get(invitation=world.sent, kind="invitation")
    before = snapshot()

    response = client_for(world.organiser).post(f"/api/v1/email-deliveries/{sent.pk}/retry/")

    assert response.status_code == 400
    assert response.json()["detail"] == "This message is sent; only a failed one is retried."
    assert snapshot() == before


def test_guests_are_kept_when_an_answer_is_unchanged_by_an_organiser_edit(world):
    accept_with_guests(world.sent, "Jo")

    client_for(world.organiser).patch(url(world.sent), {"addressee_name": "Mo Carer"}, format="json")

    # The finalist's own line keeps no name of its own (composed when read): only Jo's is stored.
    assert list(Guest.objects.filter(invitation=world.sent).values_list("name", flat=True)) == ["", "Jo"]
    assert Invitation.objects.get(pk=world.sent.pk).addressee_name == "Mo Carer"
