"""The organiser's event pages: who may use them, responses at a glance, creating and sending
the invitations, and one invitation's forms."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.enums import Role
from events.enums import InvitationKind, InvitationStatus
from events.links import link_create
from events.models import Event, Guest, Invitation, InvitationHistory, InvitationLink
from events.services import finalist_invitations_create, invitation_create, invitation_update_details
from mail.enums import DeliveryStatus, EmailKind
from mail.models import EmailDelivery
from nominations.enums import NominationStatus, PublicityLevel
from nominations.models import IdentityAccess, Nominee
from shortlisting.models import Shortlist
from tests.conftest import user_with_role
from tests.factories import (
    EventFactory,
    InvitationFactory,
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    PanelFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    UserFactory,
    delivery_for,
)
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def error_summary(response) -> list[str]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary"
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]


def error_links(response) -> list[str]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary"
    return re.findall(r'<a href="#([^"]+)">', match.group(0))


def messages_shown(response) -> list[str]:
    return [
        unescape(m).strip()
        for m in re.findall(r'<p class="govuk-notification-banner__heading">(.*?)</p>', response.content.decode(), re.S)
    ]


def section(response, heading: str) -> str:
    """The text of the page from an <h2> to the next one."""
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", response.content.decode(), re.S)
    assert match, f"no section {heading!r}"
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))).strip()


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def presenter(event, organiser):
    return invitation_create(
        event=event, actor=organiser, kind=InvitationKind.PRESENTER, addressee_name="Office of the High Sheriff",
        addressee_email="sheriff@example.org", invitee_name="Dr Ada Example", title="High Sheriff of Northshire",
    )


@pytest.fixture
def finalist(event, category, organiser):
    """A cleared finalist's draft invitation; the young person's legal surname is distinctive."""
    nominee = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    (nomination,) = confirmed_finalists(event.programme, category, [nominee])
    nomination.achievement = "Rowan Featherstonehaugh organised the whole football tournament.\nEveryone came."
    nomination.save()
    return finalist_invitations_create(event=event, actor=organiser).created[0]


def accept(invitation, *guests: str) -> None:
    """Arrange an accepted invitation with its party (the RSVP service is tested on its own)."""
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.ACCEPTED, responded_at=timezone.now())
    names = ["Invitee", *guests]
    for position, name in enumerate(names):
        Guest.objects.create(invitation=invitation, position=position, name=name, relationship="family")
    Event.objects.filter(pk=invitation.event_id).update(seats_taken=len(names))


# --- who may use the pages ------------------------------------------------------------------

OUTSIDERS = ["plain user", "staff", "event staff", "panel member", "organiser of another programme"]


def outsider(who: str, programme):
    if who == "plain user":
        return UserFactory(username="plain")
    if who == "staff":
        return user_with_role(programme, Role.STAFF, "staffer")
    if who == "event staff":
        return user_with_role(programme, Role.EVENT_STAFF, "door")
    if who == "panel member":
        return PanelMemberFactory(panel=PanelFactory(programme=programme), user__username="panellist").user
    return user_with_role(EventFactory(programme=ProgrammeFactory()).programme, Role.ORGANISER, "elsewhere")


def urls(event, invitation, delivery) -> list[tuple[str, str]]:
    e, i = event.pk, invitation.pk
    return [
        ("get", f"/event/{e}/"),
        ("get", f"/event/{e}/edit/"),
        ("get", f"/event/{e}/invitations/new/"),
        ("get", f"/event/invitation/{i}/"),
        ("post", f"/event/{e}/edit/"),
        ("post", f"/event/{e}/invitations/new/"),
        ("post", f"/event/{e}/invitations/create-finalists/"),
        ("post", f"/event/{e}/invitations/send/"),
        ("post", f"/event/invitation/{i}/details/"),
        ("post", f"/event/invitation/{i}/allowance/"),
        ("post", f"/event/invitation/{i}/quote/"),
        ("post", f"/event/invitation/{i}/send/"),
        ("post", f"/event/invitation/{i}/resend/"),
        ("post", f"/event/invitation/{i}/revoke/"),
        ("post", f"/event/email/{delivery.pk}/retry/"),
    ]


# Valid input for every form, so a refusal comes from the scope and not from the input.
GOOD_POST = {
    "name": "Changed", "venue_name": "Elsewhere", "venue_address": "Somewhere", "doors_open_at": "2030-06-12T18:00",
    "starts_at": "2030-06-12T18:30", "ends_at": "2030-06-12T22:00", "rsvp_deadline": "2030-05-30T12:00", "capacity": "300",
    "default_guest_allowance": "3", "organiser_contact_name": "X", "organiser_contact_email": "x@example.org",
    "kind": "vip", "invitee_name": "Someone", "addressee_email": "someone@example.org",
    "details-addressee_name": "Someone", "details-addressee_email": "someone@example.org",
    "allowance-guest_allowance": "5", "quote-quote": "Approved words", "revoke-reason": "Because",
    "revoke-confirm": "on",
}


@pytest.fixture
def world(event, finalist, organiser):
    delivery = delivery_for(
        finalist, kind=EmailKind.INVITATION, key="test:1", status=DeliveryStatus.FAILED,
        attempts=6, next_attempt_at=timezone.now(), last_error="SMTPRecipientsRefused: no such mailbox",
    )
    Invitation.objects.filter(pk=finalist.pk).update(status=InvitationStatus.SENT)
    return event, finalist, delivery


def snapshot() -> tuple:
    return (
        list(Invitation.objects.order_by("pk").values_list("pk", "status", "guest_allowance", "quote", "addressee_email")),
        InvitationHistory.objects.count(),
        list(EmailDelivery.objects.order_by("pk").values_list("pk", "status", "attempts")),
        list(Event.objects.order_by("pk").values_list("pk", "name", "capacity")),
    )


def test_anonymous_people_are_sent_to_sign_in_for_every_page_and_action(client, world):
    event, invitation, delivery = world
    before = snapshot()
    for method, url in [("get", "/event/"), ("post", "/event/"), *urls(event, invitation, delivery)]:
        response = client.post(url, GOOD_POST) if method == "post" else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}", url
    assert snapshot() == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_everyone_but_the_programmes_organisers_gets_not_found_and_changes_nothing(client, world, who):
    event, invitation, delivery = world
    client.force_login(outsider(who, event.programme))
    before = snapshot()
    for method, url in urls(event, invitation, delivery):
        response = client.post(url, GOOD_POST) if method == "post" else client.get(url)
        assert response.status_code == 404, (who, url)
        assert "Featherstonehaugh" not in text(response)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["plain user", "staff", "event staff", "panel member"])
def test_the_events_list_is_not_found_for_people_who_organise_nothing(client, event, who):
    client.force_login(outsider(who, event.programme))

    assert client.get("/event/").status_code == 404
    assert client.post("/event/", {**GOOD_POST, "new-programme": str(event.programme_id)}).status_code == 404


def test_every_page_opens_for_the_programmes_organiser(as_user, world, organiser):
    event, invitation, delivery = world
    client = as_user(organiser)
    for method, url in [("get", "/event/")] + [u for u in urls(event, invitation, delivery) if u[0] == "get"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.content.decode(), url


def test_the_events_list_shows_only_the_organisers_programmes(as_user, event, organiser):
    other = EventFactory(name="Someone else's night")

    body = text(as_user(organiser).get("/event/"))

    assert f'href="/event/{event.pk}/"' in body
    assert event.name in body
    assert other.name not in body and f'href="/event/{other.pk}/"' not in body
    # Every programme of this organiser has its event: no form to set one up.
    assert "Set up the event" not in body


@pytest.mark.parametrize(
    "who, shown",
    [("organiser", True), ("plain user", False), ("staff", False), ("event staff", False), ("panel member", False)],
)
def test_the_event_link_is_in_the_navigation_for_organisers_only(client, programme, organiser, who, shown):
    client.force_login(organiser if who == "organiser" else outsider(who, programme))

    page = client.get("/")

    assert page.status_code == 200
    nav = re.search(r'<nav aria-label="Main" class="govuk-service-navigation__wrapper".*?</nav>', page.content.decode(), re.S).group(0)
    assert ('<a class="govuk-service-navigation__link" href="/event/">Event</a>' in nav) is shown


# --- the event ------------------------------------------------------------------------------


def event_form(prefix: str = "", **changes) -> dict:
    values = {
        "programme": "", "name": "PROUD Awards celebration", "venue_name": "Riverside Stadium Suite",
        "venue_address": "1 Stadium Way\r\nNorthtown", "doors_open_at": "2030-06-12T18:00", "starts_at": "2030-06-12T18:30",
        "ends_at": "2030-06-12T22:00", "rsvp_deadline": "2030-05-29T17:00", "capacity": "250",
        "default_guest_allowance": "2", "dress_code": "", "access_information": "", "organiser_contact_name": "Awards team",
        "organiser_contact_email": "awards@example.org", "organiser_contact_phone": "",
        **changes,
    }
    return {f"{prefix}{name}": value for name, value in values.items()}


def test_an_organiser_sets_up_the_event_of_a_programme_without_one(as_user, programme, organiser):
    client = as_user(organiser)
    page = client.get("/event/")
    assert "Set up the event" in text(page)
    assert 'type="datetime-local"' in page.content.decode()

    response = client.post("/event/", event_form("new-", programme=str(programme.pk), doors_open_at="12/06/2030 18:00"))

    event = Event.objects.get(programme=programme)
    assert response.status_code == 302 and response["Location"] == f"/event/{event.pk}/"
    assert event.name == "PROUD Awards celebration" and event.capacity == 250
    assert event.venue_address == "1 Stadium Way\nNorthtown"
    # Times typed are UK time (British Summer Time in June): 17:00 and 17:30 UTC.
    assert event.doors_open_at == dt.datetime(2030, 6, 12, 17, 0, tzinfo=dt.UTC)
    assert event.starts_at == dt.datetime(2030, 6, 12, 17, 30, tzinfo=dt.UTC)


def test_setting_up_an_event_with_times_out_of_order_is_refused_on_the_field(as_user, programme, organiser):
    response = as_user(organiser).post(
        "/event/", event_form("new-", programme=str(programme.pk), rsvp_deadline="2030-06-13T12:00", capacity="")
    )

    assert response.status_code == 400
    assert error_summary(response) == ["Enter the number of seats."]
    assert not Event.objects.exists()

    after_the_start = event_form("new-", programme=str(programme.pk), rsvp_deadline="2030-06-13T12:00")
    response = as_user(organiser).post("/event/", after_the_start)

    assert response.status_code == 400
    assert error_summary(response) == ["The deadline for answers must be before the start."]
    assert error_links(response) == ["id_new-rsvp_deadline"]
    assert 'id="id_new-rsvp_deadline"' in response.content.decode()
    assert not Event.objects.exists()


def test_an_event_cannot_be_set_up_for_another_organisers_programme(as_user, programme, organiser):
    other = ProgrammeFactory()

    response = as_user(organiser).post("/event/", event_form("new-", programme=str(other.pk)))

    assert response.status_code == 400
    assert error_summary(response) == ["Choose one of the programmes listed."]
    assert not Event.objects.exists()


def test_an_organiser_changes_the_event(as_user, event, organiser):
    page = as_user(organiser).get(f"/event/{event.pk}/edit/")
    local_start = timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local_start}"' in page.content.decode()

    response = as_user(organiser).post(f"/event/{event.pk}/edit/", event_form(name="Renamed night", capacity="120"))

    assert response.status_code == 302 and response["Location"] == f"/event/{event.pk}/"
    event.refresh_from_db()
    assert (event.name, event.capacity) == ("Renamed night", 120)


def test_the_capacity_cannot_go_below_the_seats_taken(as_user, event, presenter, organiser):
    accept(presenter, "Guest One", "Guest Two")

    response = as_user(organiser).post(f"/event/{event.pk}/edit/", event_form(capacity="2"))

    assert response.status_code == 400
    assert error_summary(response) == ["3 seats are already taken; the capacity cannot be lower."]
    assert error_links(response) == ["id_capacity"]
    event.refresh_from_db()
    assert event.capacity == 200


# --- responses at a glance ------------------------------------------------------------------


def test_the_dashboard_counts_answers_seats_and_needs(as_user, event, organiser, presenter):
    accepted = InvitationFactory(event=event, status=InvitationStatus.ACCEPTED)
    Guest.objects.create(invitation=accepted, position=0, name="A", relationship="invitee", dietary=["vegan"],
                         access_needs=["wheelchair"], photography_consent=True)
    Guest.objects.create(invitation=accepted, position=1, name="B", relationship="family", dietary=["vegan", "halal"],
                         transport_needed=True)
    Event.objects.filter(pk=event.pk).update(seats_taken=2)
    InvitationFactory(event=event, status=InvitationStatus.DECLINED)
    InvitationFactory(event=event, status=InvitationStatus.SENT)
    InvitationFactory(event=event, status=InvitationStatus.QUEUED)
    InvitationFactory(event=event, status=InvitationStatus.REVOKED)
    InvitationFactory(event=event, status=InvitationStatus.EXPIRED)

    response = as_user(organiser).get(f"/event/{event.pk}/")

    glance = section(response, "Responses at a glance")
    assert glance == (
        "Accepted 1 Declined 1 Waiting for an answer 2 Drafts not sent 1 Revoked 1 Expired 1 "
        "2 of 200 seats taken , 198 left. 2 of 200"
    )
    needs = section(response, "Needs of everyone coming")
    assert needs.startswith("2 people are coming")
    assert "Vegan 2" in needs and "Halal 1" in needs and "Vegetarian 0" in needs
    assert "Wheelchair space 1" in needs and "BSL interpreter 0" in needs
    assert "Need help with transport 1" in needs and "Must not be photographed 1" in needs
    table = section(response, "All invitations")
    assert "Dr Ada Example" in table and "High Sheriff of Northshire" in table
    assert f'href="/event/invitation/{presenter.pk}/"' in response.content.decode()
    assert "1 / 2" in table  # the accepted invitation: one guest of two allowed


def test_the_dashboard_names_finalists_by_known_name_and_lists_who_the_gate_blocks(as_user, event, category, organiser):
    cleared = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    unchecked = NomineeFactory(programme=event.programme, legal_first_name="Quincy", legal_last_name="Zabriskie")
    _, blocked_nomination = confirmed_finalists(event.programme, category, [cleared, unchecked])
    finalist_invitations_create(event=event, actor=organiser)

    response = as_user(organiser).get(f"/event/{event.pk}/")

    # Organisers tell their finalists apart by the known name (first name and surname initial); the
    # legal surname is only on the invitation's own page, where reading it is logged.
    body = text(response)
    assert "Featherstonehaugh" not in body and "Zabriskie" not in body
    blocked = section(response, "Finalists blocked by the safeguarding gate")
    assert f"Quincy Z. {category.name}, {blocked_nomination.reference} Draft" in blocked
    assert "The safeguarding check has not been recorded. No consent to attend the event is recorded." in blocked
    assert "Rowan" not in blocked
    assert "Rowan F." in section(response, "All invitations")
    assert "1 draft is ready to send" in section(response, "Send the invitations")


def test_a_finalist_whose_consent_is_withdrawn_after_sending_shows_as_blocked(as_user, event, finalist, organiser):
    Invitation.objects.filter(pk=finalist.pk).update(status=InvitationStatus.SENT)
    finalist.nomination.nominee.consents.filter(purpose="attending").update(withdrawn_at=timezone.now())

    response = as_user(organiser).get(f"/event/{event.pk}/")

    blocked = section(response, "Finalists blocked by the safeguarding gate")
    assert "Rowan" in blocked and "Sent, waiting for an answer" in blocked
    assert "No consent to attend the event is recorded." in blocked


def test_a_sent_invitation_the_gate_now_holds_offers_no_resend_but_the_way_to_put_it_right(as_user, event, finalist, organiser):
    Invitation.objects.filter(pk=finalist.pk).update(status=InvitationStatus.SENT)
    page = as_user(organiser).get(f"/event/invitation/{finalist.pk}/")
    assert "Resend the invitation" in text(page)

    finalist.nomination.nominee.consents.filter(purpose="attending").update(withdrawn_at=timezone.now())
    page = as_user(organiser).get(f"/event/invitation/{finalist.pk}/")

    send = section(page, "Send")
    assert "Resend the invitation" not in text(page)
    assert send.startswith("It cannot be sent again while the safeguarding gate holds it back")
    assert f'href="/safeguarding/young-person/{finalist.nomination.nominee.pk}/' in text(page)


def test_create_then_send_from_the_dashboard_queues_the_cleared_finalists_only(
    as_user, event, category, organiser, django_capture_on_commit_callbacks
):
    cleared = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    unsafe = cleared_nominee(
        event.programme, attendance_safe=False, publicity_level=PublicityLevel.FIRST_NAME, legal_first_name="Sky"
    )
    ok_nomination, blocked_nomination = confirmed_finalists(event.programme, category, [cleared, unsafe])
    NominationFactory(programme=event.programme, category=category, status=NominationStatus.SHORTLISTED)  # not confirmed
    client = as_user(organiser)

    created = client.post(f"/event/{event.pk}/invitations/create-finalists/", follow=True)

    assert created.redirect_chain == [(f"/event/{event.pk}/", 302)]
    assert messages_shown(created) == ["Created 2 finalist invitations as drafts. Nothing has been sent yet."]
    invited = sorted(Invitation.objects.values_list("nomination_id", flat=True))
    assert invited == sorted([ok_nomination.pk, blocked_nomination.pk])
    assert mail.outbox == []

    # First a page saying who gets an e-mail, and who the gate holds back; nothing sent yet.
    asked = client.post(f"/event/{event.pk}/invitations/send/")
    ok_invitation = Invitation.objects.get(nomination=ok_nomination)
    assert asked.status_code == 200 and mail.outbox == []
    assert section(asked, "Who gets an e-mail (1)") == (
        f"Rowan F. ({category.name}): e-mailed to {ok_nomination.nominator_email}"
    )
    assert section(asked, "Not sent: the safeguarding gate holds them back (1)").startswith(
        f"Sky {blocked_nomination.nominee.legal_last_name[0]}. ({category.name}): "
        "The safeguarding check does not confirm that attending is safe. Yes, send 1 invitation"
    )
    assert "Featherstonehaugh" not in asked.content.decode()
    assert f'<input type="hidden" name="invitation" value="{ok_invitation.pk}">' in asked.content.decode()
    # A draft made after the page was opened is not sent by confirming it.
    later = invitation_create(event=event, actor=organiser, kind=InvitationKind.PRESENTER, invitee_name="Cllr Late",
                              addressee_name="Cllr Late",
                              addressee_email="late@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/event/{event.pk}/invitations/send/", {"confirm": "yes", "invitation": [ok_invitation.pk]},
                           follow=True)

    assert sent.redirect_chain == [(f"/event/{event.pk}/", 302)]
    assert messages_shown(sent) == [
        "1 invitation queued to send.",
        "1 draft is held back by the safeguarding gate: each is in the list below with the reason and a link to put it right.",
    ]
    later.refresh_from_db()
    assert later.status == InvitationStatus.DRAFT
    statuses = dict(Invitation.objects.filter(kind=InvitationKind.FINALIST).values_list("nomination_id", "status"))
    assert statuses == {ok_nomination.pk: InvitationStatus.SENT, blocked_nomination.pk: InvitationStatus.DRAFT}
    assert [m.to for m in mail.outbox] == [[ok_nomination.nominator_email]]
    assert "Featherstonehaugh" not in mail.outbox[0].subject + mail.outbox[0].body

    again = client.post(f"/event/{event.pk}/invitations/create-finalists/", follow=True)
    assert messages_shown(again) == [
        "No new finalists to invite. 2 finalists already had one. "
        "Invitations are made from shortlists an organiser has confirmed."
    ]
    assert Invitation.objects.filter(kind=InvitationKind.FINALIST).count() == 2


def test_a_failed_email_is_shown_and_retried_from_the_dashboard(as_user, world, organiser, django_capture_on_commit_callbacks):
    event, invitation, delivery = world
    client = as_user(organiser)

    page = client.get(f"/event/{event.pk}/")

    failed = section(page, "E-mails that failed")
    assert "Rowan" in failed and "SMTPRecipientsRefused: no such mailbox" in failed and invitation.addressee_email in failed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/event/email/{delivery.pk}/retry/", follow=True)

    assert response.redirect_chain == [(f"/event/{event.pk}/", 302)]
    assert messages_shown(response) == [f"The invitation e-mail to {invitation.addressee_email} is being sent again."]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert [m.to for m in mail.outbox] == [[invitation.addressee_email]]
    assert section(response, "E-mails that failed") == "None."


def test_messages_being_retried_or_stuck_while_sending_are_shown(as_user, world, organiser):
    event, invitation, delivery = world
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=2, last_error="SMTPServerDisconnected: timed out"
    )
    stuck = delivery_for(
        invitation, kind=EmailKind.REMINDER, key="test:stuck", status=DeliveryStatus.SENDING, attempts=1,
        next_attempt_at=timezone.now(),
    )
    EmailDelivery.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))

    response = as_user(organiser).get(f"/event/{event.pk}/")

    failed = section(response, "E-mails that failed")
    assert "Reminder" in failed and "Stopped while sending; it may not have gone." in failed
    assert f'action="/event/email/{stuck.pk}/retry/"' in response.content.decode()
    assert f'action="/event/email/{delivery.pk}/retry/"' not in response.content.decode()
    assert "Being retried" in failed and "2 tries so far" in failed and "SMTPServerDisconnected: timed out" in failed


def test_a_message_that_has_not_failed_is_not_retried(as_user, world, organiser):
    event, invitation, delivery = world
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT)

    response = as_user(organiser).post(f"/event/email/{delivery.pk}/retry/", {"back": "invitation"}, follow=True)

    assert response.redirect_chain == [(f"/event/invitation/{invitation.pk}/", 302)]
    assert messages_shown(response) == ["This message is sent; only a failed one is retried."]
    assert EmailDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT


def populate(event, category, organiser, size: int) -> None:
    """`size` invitations of every shape the dashboard reads: a group of finalists, single
    finalists and presenters, each accepted with guests and an e-mail (the first one failed)."""
    group = NomineeGroupFactory(programme=event.programme)
    group.members.set([cleared_nominee(event.programme), NomineeFactory(programme=event.programme)])
    group_nomination = NominationFactory(
        programme=event.programme, category=category, nominee=None, group=group, status=NominationStatus.SHORTLISTED
    )
    confirmed_finalists(event.programme, category, [cleared_nominee(event.programme) for _ in range(size // 2)])
    Shortlist.objects.get(category=category).finalists.add(group_nomination)
    finalist_invitations_create(event=event, actor=organiser)
    for _ in range(size - Invitation.objects.count()):
        InvitationFactory(event=event)
    for number, invitation in enumerate(Invitation.objects.filter(event=event)):
        Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.ACCEPTED)
        Guest.objects.create(
            invitation=invitation, position=0, name=f"Invitee {number}", relationship="invitee", dietary=["vegan"]
        )
        Guest.objects.create(invitation=invitation, position=1, name=f"Guest {number}", relationship="family")
        delivery_for(
            invitation, kind=EmailKind.INVITATION, key=f"test:{invitation.pk}",
            status=DeliveryStatus.FAILED if number == 0 else DeliveryStatus.SENT, attempts=1, next_attempt_at=timezone.now(),
        )
    assert Invitation.objects.filter(event=event).count() == size
    assert Invitation.objects.filter(nomination__group__isnull=False).count() == 1


@pytest.mark.parametrize("size", [2, 20])
def test_the_dashboard_asks_the_database_a_fixed_number_of_times(as_user, event, category, organiser, size):
    populate(event, category, organiser, size)
    client = as_user(organiser)
    client.get(f"/event/{event.pk}/")  # the session is read once, as on any page

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/event/{event.pk}/")

    assert response.status_code == 200
    assert text(response).count('>Manage<span class="govuk-visually-hidden">') == size
    assert "Try again" in section(response, "E-mails that failed")
    assert len(queries) == 15, "\n".join(q["sql"] for q in queries.captured_queries)


def test_the_event_page_lists_invitations_fifty_at_a_time_and_its_other_lists_whole(as_user, event, category, organiser):
    populate(event, category, organiser, 56)
    finalists = Invitation.objects.filter(event=event, kind=InvitationKind.FINALIST, nomination__group__isnull=True)
    held = finalists.order_by("nomination__category__name", "id").first()  # on the first page of the list
    Nominee.objects.filter(pk=held.nomination.nominee_id).update(safeguarding_checked_at=None)
    client = as_user(organiser)

    first, second = client.get(f"/event/{event.pk}/"), client.get(f"/event/{event.pk}/?page=2")

    manage = '>Manage<span class="govuk-visually-hidden">'
    assert (text(first).count(manage), text(second).count(manage)) == (50, 6)
    assert "56 invitations 51 to 56" in section(second, "All invitations")
    assert 'href="?page=2" rel="next"' in text(first) and 'href="?page=1" rel="prev"' in text(second)
    # The gate's list and the failed e-mails are whole on every page, whichever page a row is on.
    for page in (first, second):
        assert f"{held.nomination.reference} Accepted" in section(page, "Finalists blocked by the safeguarding gate")
        assert "Try again" in section(page, "E-mails that failed")
    # Each row says how many guests are coming besides the invitee (one each here).
    assert section(second, "All invitations").count(" 1 / ") == 6


# --- inviting someone -------------------------------------------------------------------------


def test_an_organiser_invites_a_presenter_as_a_draft(as_user, event, organiser):
    response = as_user(organiser).post(
        f"/event/{event.pk}/invitations/new/",
        {"kind": "presenter", "invitee_name": "Dr Ada Example", "title": "High Sheriff", "addressee_name": "",
         "addressee_email": "ada@example.org", "guest_allowance": ""},
    )

    invitation = Invitation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/event/invitation/{invitation.pk}/"
    assert (invitation.kind, invitation.status, invitation.invitee_name, invitation.addressee_name) == (
        "presenter", "draft", "Dr Ada Example", "Dr Ada Example"
    )
    assert invitation.guest_allowance == event.default_guest_allowance
    assert mail.outbox == []


def test_inviting_with_a_bad_email_or_as_a_finalist_is_refused(as_user, event, organiser):
    response = as_user(organiser).post(
        f"/event/{event.pk}/invitations/new/",
        {"kind": "finalist", "invitee_name": "", "addressee_email": "not-an-address", "guest_allowance": "99"},
    )

    assert response.status_code == 400
    assert error_summary(response) == [
        "Choose one of the kinds listed.",
        "Enter the name of the person invited.",
        "Enter an e-mail address in the right format, like name@example.org.",
        "Enter the number of guests of 20 or fewer.",
    ]
    assert error_links(response) == ["id_kind_0", "id_invitee_name", "id_addressee_email", "id_guest_allowance"]
    assert not Invitation.objects.exists()


# --- one invitation ---------------------------------------------------------------------------


def test_the_invitation_page_shows_the_legal_name_to_organisers_and_logs_it(as_user, finalist, organiser):
    response = as_user(organiser).get(f"/event/invitation/{finalist.pk}/")

    body = text(response)
    assert "<h1>Invitation: Rowan F.</h1>" in body
    assert "Rowan Featherstonehaugh" in section(response, "Details")
    access = IdentityAccess.objects.get()
    assert (access.user, access.nominee_id) == (organiser, finalist.nomination.nominee_id)
    assert access.context == "pages.event.invitation"


def test_the_invitation_page_shows_guests_with_their_needs_history_and_emails(as_user, world, organiser):
    event, invitation, delivery = world
    accept(invitation, "Sam Guest")
    Guest.objects.filter(invitation=invitation, position=1).update(
        dietary=["halal", "nut_allergy"], access_needs=["other"], access_other="Needs to sit near a door", transport_needed=True
    )

    response = as_user(organiser).get(f"/event/invitation/{invitation.pk}/")

    guests = section(response, "Who is coming")
    assert "Sam Guest Family Halal, Nut allergy Other Needs to sit near a door No photographs Needs help" in guests
    assert "1 coming of 2 allowed" in section(response, "Details")
    assert "Created as a draft" in section(response, "History")
    emails = section(response, "E-mails")
    assert "Failed: every retry used SMTPRecipientsRefused: no such mailbox (6 tries)" in emails and "Try again" in emails


def test_the_quote_box_starts_with_the_nominators_words_and_only_approved_words_are_quoted(
    as_user, finalist, organiser
):
    client = as_user(organiser)
    page = client.get(f"/event/invitation/{finalist.pk}/")
    quote = section(page, "Quote from the nomination")
    assert quote.startswith("No quote is approved, so the invitation quotes nothing.")
    # The nominator wrote "Rowan Featherstonehaugh organised…": the box offers it as the room
    # will hear it (the announce name), never the surname the room may not hear.
    assert "Rowan organised the whole football tournament. Everyone came." in quote
    assert "Featherstonehaugh" not in quote  # the legal name is in the page's Details, logged

    response = client.post(
        f"/event/invitation/{finalist.pk}/quote/", {"quote-quote": "Rowan organised the whole tournament."}, follow=True
    )

    assert messages_shown(response) == ["Quote approved. These words will be quoted in the invitation."]
    finalist.refresh_from_db()
    assert finalist.quote == "Rowan organised the whole tournament." and finalist.quote_approved_by == organiser
    assert "The invitation quotes: Rowan organised the whole tournament." in section(response, "Quote from the nomination")


def test_words_that_name_the_finalist_more_than_the_room_may_hear_are_refused_and_named(as_user, finalist, organiser):
    before = (finalist.quote, finalist.quote_approved_at)

    response = as_user(organiser).post(
        f"/event/invitation/{finalist.pk}/quote/", {"quote-quote": "Rowan Featherstonehaugh never gave up, said R. Featherstonehaugh."}
    )

    assert response.status_code == 400
    assert (
        "These words name the young person more than the room may hear: “Rowan Featherstonehaugh”, "
        "“R. Featherstonehaugh”. The room hears them as “Rowan”"
    ) in text(response)
    finalist.refresh_from_db()
    assert (finalist.quote, finalist.quote_approved_at) == before


def test_a_quote_too_long_is_refused_and_nothing_changes(as_user, finalist, organiser):
    response = as_user(organiser).post(f"/event/invitation/{finalist.pk}/quote/", {"quote-quote": "x" * 601})

    assert response.status_code == 400
    assert error_summary(response) == ["Keep the quote to 600 characters or fewer; this has 601."]
    assert error_links(response) == ["id_quote-quote"]
    finalist.refresh_from_db()
    assert finalist.quote == "" and finalist.quote_approved_at is None


def test_the_allowance_is_changed_but_never_below_the_guests_coming(as_user, presenter, organiser):
    accept(presenter, "Guest One", "Guest Two")
    client = as_user(organiser)

    refused = client.post(f"/event/invitation/{presenter.pk}/allowance/", {"allowance-guest_allowance": "1"})

    assert refused.status_code == 400
    assert error_summary(refused) == [
        "2 guests are already coming with this invitation; ask them to change their answer first."
    ]
    assert error_links(refused) == ["id_allowance-guest_allowance"]
    assert 'value="1"' in refused.content.decode()
    assert Invitation.objects.get(pk=presenter.pk).guest_allowance == 2

    empty = client.post(f"/event/invitation/{presenter.pk}/allowance/", {"allowance-guest_allowance": ""})
    assert empty.status_code == 400 and error_summary(empty) == ["Enter the number of guests."]

    changed = client.post(f"/event/invitation/{presenter.pk}/allowance/", {"allowance-guest_allowance": "4"}, follow=True)

    assert messages_shown(changed) == ["Saved: the invitee may bring 4 guests."]
    assert Invitation.objects.get(pk=presenter.pk).guest_allowance == 4


def test_revoking_needs_a_reason_then_stops_the_invitation(as_user, presenter, organiser):
    accept(presenter, "Guest One")
    client = as_user(organiser)

    refused = client.post(f"/event/invitation/{presenter.pk}/revoke/", {"revoke-reason": "   "})

    assert refused.status_code == 400
    assert error_summary(refused) == ["Say why the invitation is revoked.", "Tick the box to confirm the invitation is revoked."]
    assert error_links(refused) == ["id_revoke-reason", "id_revoke-confirm"]
    assert Invitation.objects.get(pk=presenter.pk).status == InvitationStatus.ACCEPTED

    revoked = client.post(f"/event/invitation/{presenter.pk}/revoke/", {"revoke-reason": "The date clashes.", "revoke-confirm": "on"}, follow=True)

    assert messages_shown(revoked) == ["Invitation revoked. Its links no longer work and any seats are given back."]
    assert Invitation.objects.get(pk=presenter.pk).status == InvitationStatus.REVOKED
    assert Event.objects.get(pk=presenter.event_id).seats_taken == 0
    assert "Revoked Reason: The date clashes. organiser Accepted → Revoked" in section(revoked, "History")
    assert "This invitation is revoked." in section(revoked, "Revoke the invitation")


def test_changing_who_it_goes_to_checks_the_email(as_user, finalist, organiser):
    client = as_user(organiser)
    page = client.get(f"/event/invitation/{finalist.pk}/")
    assert 'name="details-invitee_name"' not in page.content.decode()  # a finalist is named by the announce name only

    refused = client.post(
        f"/event/invitation/{finalist.pk}/details/",
        {"details-addressee_name": "New carer", "details-addressee_email": "carer@", "details-young_person_email": ""},
    )

    assert refused.status_code == 400
    assert error_summary(refused) == ["Enter an e-mail address in the right format, like name@example.org."]
    assert error_links(refused) == ["id_details-addressee_email"]
    assert Invitation.objects.get(pk=finalist.pk).addressee_name != "New carer"

    saved = client.post(
        f"/event/invitation/{finalist.pk}/details/",
        {"details-addressee_name": "New carer", "details-addressee_email": "carer@example.org",
         "details-young_person_email": "rowan@example.org"},
        follow=True,
    )

    assert messages_shown(saved) == ["Saved: who the invitation goes to."]
    finalist.refresh_from_db()
    assert (finalist.addressee_name, finalist.addressee_email, finalist.young_person_email) == (
        "New carer", "carer@example.org", "rowan@example.org"
    )


def test_a_draft_is_sent_from_its_page_unless_the_gate_blocks_it(
    as_user, finalist, organiser, django_capture_on_commit_callbacks
):
    client = as_user(organiser)
    finalist.nomination.nominee.consents.filter(purpose="attending").update(withdrawn_at=timezone.now())

    blocked = client.post(f"/event/invitation/{finalist.pk}/send/")

    assert blocked.status_code == 409
    assert error_summary(blocked) == ["It was not sent. No consent to attend the event is recorded."]
    assert Invitation.objects.get(pk=finalist.pk).status == InvitationStatus.DRAFT

    finalist.nomination.nominee.consents.filter(purpose="attending").update(withdrawn_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/event/invitation/{finalist.pk}/send/", follow=True)

    assert messages_shown(sent) == [f"The invitation to {finalist.addressee_email} is queued to send."]
    assert Invitation.objects.get(pk=finalist.pk).status == InvitationStatus.SENT
    assert len(mail.outbox) == 1


def test_resend_queues_a_new_email_or_says_why_not(as_user, world, organiser, django_capture_on_commit_callbacks):
    event, invitation, delivery = world
    client = as_user(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"/event/invitation/{invitation.pk}/resend/", follow=True)

    assert messages_shown(resent) == [
        f"The invitation is being sent again to {invitation.addressee_email}, with a new link. Earlier links still work."
    ]
    assert EmailDelivery.objects.filter(invitation=invitation, kind=EmailKind.INVITATION).count() == 2
    assert [m.to for m in mail.outbox] == [[invitation.addressee_email]]

    invitation.nomination.status = NominationStatus.WITHDRAWN
    invitation.nomination.save()
    refused = client.post(f"/event/invitation/{invitation.pk}/resend/")

    assert refused.status_code == 409
    assert error_summary(refused) == ["It cannot be sent: The nomination is withdrawn, not in the final."]
    assert EmailDelivery.objects.filter(invitation=invitation, kind=EmailKind.INVITATION).count() == 2


def test_a_resend_after_a_change_of_addressee_says_the_earlier_links_closed(as_user, world, organiser, django_capture_on_commit_callbacks):
    event, invitation, delivery = world
    link_create(invitation)  # the link the first e-mail carried
    earlier = set(InvitationLink.objects.filter(invitation=invitation).values_list("pk", flat=True))
    invitation_update_details(invitation=invitation, actor=organiser, addressee_email="dana@example.org")
    client = as_user(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"/event/invitation/{invitation.pk}/resend/", follow=True)

    assert messages_shown(resent) == [
        "The invitation is being sent again to dana@example.org, with a new link. Links sent before it was re-addressed no longer work."
    ]
    assert set(InvitationLink.objects.filter(invitation=invitation, closed_at__isnull=False).values_list("pk", flat=True)) == earlier
    assert InvitationLink.objects.filter(invitation=invitation, closed_at__isnull=True).count() == 1  # the new e-mail's


def test_the_quote_form_is_only_for_finalists(as_user, presenter, organiser):
    client = as_user(organiser)

    assert "Quote from the nomination" not in text(client.get(f"/event/invitation/{presenter.pk}/"))
    assert client.post(f"/event/invitation/{presenter.pk}/quote/", {"quote-quote": "Words"}).status_code == 404
    assert Invitation.objects.get(pk=presenter.pk).quote == ""
