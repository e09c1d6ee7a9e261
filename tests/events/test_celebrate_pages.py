"""The young person's own say: "How you'd like to be celebrated", opened from their own private
link with no login (issue 22)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.enums import Role
from data_protection.services import nominee_erase
from events.enums import InvitationStatus
from events.links import celebration_link_create, link_create
from events.models import CelebrationChoices, CelebrationLink, Guest
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, invitations_send, rsvp_respond
from night.services import running_order_generate
from night.show import rehearsal_start, show_next
from night.show_selectors import compere_card, show_now, stage_card
from nominations.enums import ConsentGiver, ConsentPurpose, PhotoChoice, PublicityLevel
from nominations.models import Consent
from nominations.private_links import FORM_TOKEN_KEY
from nominations.selectors import hash_token
from nominations.services import nominee_record_safeguarding
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, ConsentFactory
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db

CELEBRATE = "/celebrate/"
QUERIES_OWN_SAY = 13  # session, user, roles, event, invitations with their choices, their guests; the night read once (7: whose cards need reprinting)


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def _finalist(event, category, organiser, **nominee):
    values = {
        "legal_first_name": "Rowan", "legal_last_name": "Featherstonehaugh", "publicity_level": PublicityLevel.FIRST_NAME_INITIAL,
        "photography_allowed": True, "say_first_name": "", "date_of_birth": dt.date(2012, 1, 1), **nominee,
    }
    person = cleared_nominee(event.programme, **values)
    ConsentFactory(nominee=person, purpose=ConsentPurpose.PHOTOGRAPHED)
    confirmed_finalists(event.programme, category, [person])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    return invitation, person


@pytest.fixture
def coming(event, category, organiser):
    """A finalist whose carer has accepted, with two guests; the event's approved walk-on tracks."""
    event.walk_on_music_choices = "Happy – Pharrell Williams\nGood as Hell – Lizzo\n"
    event.save()
    invitation, person = _finalist(event, category, organiser)
    invitation.status = InvitationStatus.SENT
    invitation.save()
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(
        GuestInput(name="", photography_consent=True), GuestInput(name="Jo Carer", relationship="carer"),
        GuestInput(name="Sam Friend", relationship="friend"),
    )))
    return invitation, person, celebration_link_create(invitation)


@pytest.fixture
def young(client):
    post = client.post

    def post_with_token(path, data=None, **kwargs):
        data = dict(data or {})
        if path == CELEBRATE and "private_form" not in data:
            data["private_form"] = client.session.get(FORM_TOKEN_KEY, "")
        return post(path, data, **kwargs)

    client.post = post_with_token
    return client


def opened(client, token):
    first = client.get(f"/celebrate/{token}/")
    assert first.status_code == 302 and first["Location"] == CELEBRATE
    assert first["Referrer-Policy"] == "no-referrer"
    return client.get(CELEBRATE)


def answer(invitation, **extra):
    guests = list(Guest.objects.filter(invitation=invitation, position__gt=0).order_by("position"))
    return {
        "say-publicity_level": PublicityLevel.FIRST_NAME, "say-say_first_name": "ROH-an", "say-say_last_name": "",
        "say-walk_on_music": "Good as Hell – Lizzo", "say-photos": PhotoChoice.GROUP_ONLY,
        "say-sit_with": [guests[1].pk], "say-easier": ["quiet_space", "arrive_early"], "say-speech": "few_words", **extra,
    }


def test_the_page_offers_only_names_the_check_allows_each_with_their_own_name(young, coming):
    invitation, person, token = coming
    page = opened(young, token)
    body = text(page)

    assert page.status_code == 200
    assert "How you'd like to be celebrated" in body
    assert "Well done, Rowan! You are a finalist in the Positive Choices award." in body
    assert "“Rowan F.”: your first name and the first letter of your last name" in body
    assert "“Rowan”: just your first name" in body
    assert "Don't say my name. The host will say “A young person from our care”" in body
    assert "Featherstonehaugh" not in body  # the full name is more than the check allows
    assert 'value="full_name"' not in page.content.decode()
    assert token not in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_their_choices_are_recorded_as_theirs_and_reach_the_night(young, coming, organiser):
    invitation, person, token = coming
    opened(young, token)
    saved = young.post(CELEBRATE, answer(invitation))
    assert saved.status_code == 302
    page = young.get(CELEBRATE)
    person.refresh_from_db()
    choices = CelebrationChoices.objects.get(invitation=invitation)

    assert "Thank you! We've saved your choices." in text(page)
    assert (person.own_publicity_level, person.own_photos, person.say_first_name) == ("first_name", "group_only", "ROH-an")
    assert (choices.walk_on_music, choices.speech, choices.easier) == ("Good as Hell – Lizzo", "few_words", ["quiet_space", "arrive_early"])
    assert choices.sit_with == [Guest.objects.get(invitation=invitation, name="Sam Friend").pk]
    consent = Consent.objects.get(nominee=person, purpose=ConsentPurpose.NAME_READ_OUT, withdrawn_at__isnull=True)
    assert consent.given_by == ConsentGiver.YOUNG_PERSON
    assert person.history.filter(action="nominations.nominee.own_choices_recorded").get().actor_label == "the young person (their own link)"
    # The quiet space reaches their line's access needs, for the seating.
    assert "quiet_space" in Guest.objects.get(invitation=invitation, position=0).access_needs

    running_order_generate(event=invitation.event, actor=organiser)
    staff = Client()
    staff.force_login(organiser)
    running = text(staff.get(f"/event/{invitation.event_id}/running-order/"))
    script = text(staff.get(f"/event/{invitation.event_id}/compere-script/"))
    for body in (running, script):
        assert "Rowan" in body and "Rowan F." not in body
        assert "Say it: ROH-an" in body
        assert "Walk-on music, their choice: Good as Hell – Lizzo" in body
        assert "If they win: Just a few words, like thank you" in body


def test_a_choice_beyond_the_check_is_refused_even_sent_by_hand(young, coming):
    invitation, person, token = coming
    opened(young, token)
    refused = young.post(CELEBRATE, answer(invitation, **{"say-publicity_level": "full_name"}))
    photos = young.post(CELEBRATE, answer(invitation, **{"say-walk_on_music": "Not On The List"}))
    person.refresh_from_db()

    assert refused.status_code == 400
    assert "Choose one of the names shown." in text(refused)
    assert 'id="id_say-publicity_level_0"' in refused.content.decode()
    assert photos.status_code == 400
    assert "Choose a song from the list, or “Surprise me”." in text(photos)
    assert person.own_publicity_level == "" and person.say_first_name == ""
    assert not CelebrationChoices.objects.exists()


def test_no_photos_in_the_check_means_only_no_photos_can_be_chosen(young, coming):
    invitation, person, token = coming
    person.photography_allowed = False
    person.save()
    page = opened(young, token)
    refused = young.post(CELEBRATE, answer(invitation, **{"say-photos": "yes"}))

    assert "Yes, photos of me are fine" not in text(page)
    assert "We won't take photos of you on the night." in text(page)
    assert '<input type="hidden" name="say-photos" value="no"' in page.content.decode()
    assert refused.status_code == 400
    assert "Choose one of the photo options shown." in text(refused)


def test_a_later_stricter_safeguarding_change_wins_and_they_are_told_kindly(young, coming, organiser):
    invitation, person, token = coming
    opened(young, token)
    young.post(CELEBRATE, answer(invitation, **{"say-publicity_level": "first_name_initial", "say-photos": "yes"}))
    running_order_generate(event=invitation.event, actor=organiser)
    nominee_record_safeguarding(nominee=person, actor=organiser, attendance_safe=True, publicity_level="anonymous", photography_allowed=False)
    page = text(young.get(CELEBRATE))
    staff = Client()
    staff.force_login(organiser)
    running = text(staff.get(f"/event/{invitation.event_id}/running-order/"))

    assert "Rowan" not in running
    assert "On the night we will call you “A young person from our care”. You haven't done anything wrong." in page
    assert "there should be no photos of you this time" in page


@pytest.mark.parametrize("case", ["wrong", "closed", "after the night", "rsvp token"])
def test_a_link_that_does_not_work_gets_the_neutral_page(client, coming, case):
    invitation, person, token = coming
    url = f"/celebrate/{token}/"
    if case == "wrong":
        url = "/celebrate/not-a-real-token-at-all/"
    elif case == "closed":
        CelebrationLink.objects.update(closed_at=timezone.now())
    elif case == "after the night":
        event = invitation.event
        event.starts_at = timezone.now() - dt.timedelta(hours=4)
        event.doors_open_at = event.starts_at
        event.rsvp_deadline = event.starts_at
        event.ends_at = timezone.now() - dt.timedelta(hours=1)
        event.save()
    elif case == "rsvp token":
        url = f"/celebrate/{link_create(invitation)}/"
    response = client.get(url)
    follow = client.get(CELEBRATE)

    assert response.status_code == 404 and follow.status_code == 404
    assert "This link is not valid" in text(response) or "not valid" in text(response).lower()


def test_the_token_is_kept_only_as_its_hash(coming):
    invitation, person, token = coming
    link = CelebrationLink.objects.get(invitation=invitation)
    assert link.token_hash == hash_token(token) and token not in link.token_hash
    assert len(token) >= 43  # 256 bits


def test_changes_close_the_day_before_the_night(young, coming, monkeypatch):
    invitation, person, token = coming
    event = invitation.event
    event.starts_at = timezone.localtime(event.starts_at).replace(hour=19, minute=0)
    event.doors_open_at = event.starts_at - dt.timedelta(minutes=30)
    event.ends_at = event.starts_at + dt.timedelta(hours=3)
    event.save()
    on_the_day = event.starts_at - dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: on_the_day)  # the clock is outside the system
    page = opened(young, token)
    refused = young.post(CELEBRATE, answer(invitation))

    assert "It's too close to the night to change your choices here." in text(page)
    assert "Save my choices" not in text(page)
    assert refused.status_code == 200 and not CelebrationChoices.objects.exists()


def test_the_link_goes_to_a_safe_contact_when_one_is_recorded(event, category, organiser, django_capture_on_commit_callbacks):
    invitation, person = _finalist(event, category, organiser, safe_contact_email="rowan.own@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(event=event, actor=organiser)
    to_them = [m for m in mail.outbox if m.to == ["rowan.own@example.org"]]
    to_carer = [m for m in mail.outbox if m.to != ["rowan.own@example.org"]]

    assert len(to_them) == 1 and len(to_carer) == 1
    assert to_them[0].subject == f"How you'd like to be celebrated at the {event.name}"
    assert "Rowan" not in to_them[0].subject
    assert "/celebrate/" in to_them[0].body and "Hello Rowan Featherstonehaugh," in to_them[0].body
    assert "/celebrate/" not in to_carer[0].body


@pytest.mark.parametrize("why", ["no safe contact", "under 11"])
def test_otherwise_the_link_is_inside_the_carers_invitation(event, category, organiser, django_capture_on_commit_callbacks, why):
    extra = {"safe_contact_email": "rowan.own@example.org", "date_of_birth": dt.date.today() - dt.timedelta(days=365 * 9)} if why == "under 11" else {}
    invitation, person = _finalist(event, category, organiser, **extra)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(event=event, actor=organiser)

    (message,) = mail.outbox
    assert message.to == [invitation.addressee_email]
    assert "It's Rowan F.'s night, so they get their own say" in " ".join(message.body.split())
    token = re.search(r"/celebrate/([\w-]{40,})/", message.body).group(1)
    assert CelebrationLink.objects.filter(invitation=invitation, token_hash=hash_token(token)).exists()


# --- the organisers' side ----------------------------------------------------------------------


def test_organisers_see_the_choices_and_who_has_not_answered(young, coming, organiser, event, category):
    invitation, person, token = coming
    talent = CategoryFactory(programme=event.programme, name="Talent")
    other, _ = _finalist(event, talent, organiser, legal_first_name="Amani", legal_last_name="Okafor")
    other.status = InvitationStatus.SENT
    other.save()
    opened(young, token)
    young.post(CELEBRATE, answer(invitation))
    staff = Client()
    staff.force_login(organiser)
    body = " ".join(re.sub(r"<[^>]+>", " ", text(staff.get(f"/event/{event.pk}/own-say/"))).split())

    assert "Not answered yet (1)" in body and "Answered (1)" in body
    waiting = body.split("Not answered yet (1)")[1].split("Answered (1)")[0]
    answered = body.split("Answered (1)")[1]
    assert "Amani O." in waiting and "Rowan F." not in waiting
    assert "Rowan F." in answered
    for expected in ("Name on the night Rowan", "Walk-on music Good as Hell – Lizzo", "Photos Only group photos",
                     "Sit with Sam Friend", "A quiet place to go if it gets too much", "Just a few words, like thank you"):
        assert expected in answered


def test_an_organiser_reminds_through_the_carer_once_a_day(coming, organiser, event, django_capture_on_commit_callbacks):
    invitation, person, token = coming
    staff = Client()
    staff.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        first = staff.post(f"/event/invitation/{invitation.pk}/own-say/remind/")
        staff.post(f"/event/invitation/{invitation.pk}/own-say/remind/")

    assert first.status_code == 302
    (message,) = mail.outbox
    assert message.to == [invitation.addressee_email]
    assert "Rowan" not in message.subject
    assert "Rowan F. has not yet told us how they would like to be celebrated" in " ".join(message.body.split())
    assert "/celebrate/" in message.body
    assert CelebrationChoices.objects.get(invitation=invitation).reminded_at is not None


def test_only_the_programmes_organisers_see_the_choices(coming, event, staff_user):
    other = Client()
    other.force_login(staff_user)
    assert other.get(f"/event/{event.pk}/own-say/").status_code == 404
    assert other.post(f"/event/invitation/{coming[0].pk}/own-say/remind/").status_code == 404
    assert Client().get(f"/event/{event.pk}/own-say/").status_code == 302


def test_the_allocated_worker_records_a_safe_contact_with_the_check(client, programme):
    worker = user_with_role(programme, Role.STAFF, "worker")
    person = cleared_nominee(programme, allocated_worker=worker)
    client.force_login(worker)
    check = {
        "check-attendance_safe": "yes", "check-publicity_level": "first_name", "check-photography_allowed": "no",
        "check-named_to_event_staff": "yes", "check-notes": "", "check-safe_contact_email": "their.own@example.org",
    }
    bad = client.post(f"/safeguarding/young-person/{person.pk}/", {**check, "check-safe_contact_email": "not an address"})
    saved = client.post(f"/safeguarding/young-person/{person.pk}/", check)
    person.refresh_from_db()

    assert bad.status_code == 400 and "Enter an e-mail address like name@example.com, or leave it empty." in text(bad)
    assert saved.status_code == 302
    assert person.safe_contact_email == "their.own@example.org"


def test_their_seating_wishes_reach_the_table_plan(young, coming, organiser):
    invitation, person, token = coming
    opened(young, token)
    young.post(CELEBRATE, answer(invitation, **{"say-easier": ["quiet_space", "arrive_early", "familiar_adult"]}))
    staff = Client()
    staff.force_login(organiser)
    plan = " ".join(re.sub(r"<[^>]+>", " ", text(staff.get(f"/event/{invitation.event_id}/tables/"))).split())

    assert "Rowan F." in plan
    for wish in ("Quiet space", "Wants to sit with Sam Friend", "Arriving early", "A familiar adult close by"):
        assert wish in plan


def test_the_show_views_carry_their_choices_to_the_compere_and_the_stage_manager(young, coming, organiser):
    invitation, person, token = coming
    event = invitation.event
    opened(young, token)
    young.post(CELEBRATE, answer(invitation))
    running_order_generate(event=event, actor=organiser)
    rehearsal_start(event=event, actor=organiser)
    for _ in range(30):
        card = compere_card(show_now(event))
        if card.finalists:
            break
        show_next(event=event, actor=organiser, rehearsal=True)
    stage = stage_card(show_now(event))

    (finalist,) = card.finalists
    assert (finalist.name, finalist.say, finalist.walk_on, finalist.speech) == (
        "Rowan", "ROH-an", "Good as Hell – Lizzo", "Just a few words, like thank you",
    )
    (on_stage,) = stage.now.finalists
    assert (on_stage.walk_on, on_stage.speech, on_stage.photographs, on_stage.why_not) == (
        "Good as Hell – Lizzo", "Just a few words, like thank you", False, "group photos only, their choice",
    )


@pytest.mark.parametrize("finalists", [1, 3])
def test_the_organisers_list_reads_the_same_number_of_queries_however_many(finalists, event, organiser, programme):
    for number in range(finalists):
        category = CategoryFactory(programme=programme, name=f"Award {number}")
        invitation, _ = _finalist(event, category, organiser, legal_first_name=f"Kid{number}")
        invitation.status = InvitationStatus.SENT
        invitation.save()
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""),)))
        CelebrationChoices.objects.create(invitation=invitation, answered_at=timezone.now(), speech="no")
    staff = Client()
    staff.force_login(organiser)
    staff.get(f"/event/{event.pk}/own-say/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        page = staff.get(f"/event/{event.pk}/own-say/")

    assert page.status_code == 200 and f"Answered ({finalists})" in text(page)
    assert len(queries) == QUERIES_OWN_SAY


def test_erasing_the_young_person_takes_their_contact_choices_and_links(young, coming, organiser):
    invitation, person, token = coming
    person.safe_contact_email = "their.own@example.org"
    person.save()
    opened(young, token)
    young.post(CELEBRATE, answer(invitation))
    nominee_erase(nominee=person, actor=organiser, reason="They asked.")
    person.refresh_from_db()

    assert (person.safe_contact_email, person.own_publicity_level, person.own_photos, person.say_first_name) == ("", "", "", "")
    assert not CelebrationLink.objects.exists()
    assert Client().get(f"/celebrate/{token}/").status_code == 404


# --- a choice made safer by the adults: the young person is told kindly -------------------------


def _check(person, organiser, **changes):
    values = {
        "attendance_safe": True, "publicity_level": person.publicity_level, "photography_allowed": person.photography_allowed,
        **changes,
    }
    return nominee_record_safeguarding(nominee=person, actor=organiser, **values)


def _names_nobody_else(message, invitation, person, organiser) -> None:
    """No name but the young person's own first name (and the name the room now hears): not their
    surname, their carer, their guests, the organisers' contact or whoever made the change."""
    said = message.subject + "\n" + message.body
    others = ["Featherstonehaugh", "Rowan F.", "Jo Carer", "Sam Friend", invitation.addressee_name, invitation.event.organiser_contact_name,
              organiser.username, organiser.get_full_name() or organiser.username]
    assert [name for name in others if name and name in said] == []
    assert "Rowan" not in message.subject


def test_a_lowered_name_and_no_photos_tell_the_young_person_kindly_at_their_own_address(
    young, coming, organiser, django_capture_on_commit_callbacks,
):
    from mail.models import EmailDelivery

    invitation, person, token = coming
    person.safe_contact_email = "rowan.own@example.org"
    person.save()
    invitation.event.organiser_contact_name = "Priya Shah"
    invitation.event.save()
    opened(young, token)
    young.post(CELEBRATE, answer(invitation, **{"say-publicity_level": "first_name_initial", "say-photos": "yes"}))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _check(person, organiser, publicity_level=PublicityLevel.FIRST_NAME, photography_allowed=False)

    (row,) = EmailDelivery.objects.filter(kind="own_choice_changed")
    assert (row.object_id, row.status, row.programme_id) == (person.pk, "sent", person.programme_id)
    (message,) = mail.outbox
    body = " ".join(message.body.split())
    assert message.to == ["rowan.own@example.org"]
    assert message.subject == f"A change to your choices for the {invitation.event.name}"
    assert body.startswith("Hello Rowan, Thank you for telling us how you'd like to be celebrated")
    assert "We have had to change two of your choices. You have not done anything wrong." in body
    assert ("Your name on the night: you chose your first name and the first letter of your last name. "
            "Now we will say \"Rowan\".") in body
    assert "Photos: you said photos are fine. Now we won't take any photos of you on the night." in body
    assert "you can talk to your carer or your social worker" in body and "awards@example.org" in body
    assert "/celebrate/" in body  # they may still choose something more private
    _names_nobody_else(message, invitation, person, organiser)


def test_without_a_safe_contact_the_message_goes_through_their_carer_for_them(
    young, coming, organiser, django_capture_on_commit_callbacks,
):
    invitation, person, token = coming
    invitation.event.organiser_contact_name = "Priya Shah"
    invitation.event.save()
    opened(young, token)
    young.post(CELEBRATE, answer(invitation, **{"say-publicity_level": "first_name"}))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _check(person, organiser, publicity_level=PublicityLevel.ANONYMOUS)

    (message,) = mail.outbox
    body = " ".join(message.body.split())
    assert message.to == [invitation.addressee_email]
    assert message.subject == f"A change to a finalist's choices for the {invitation.event.name}"
    assert body.startswith("Hello, This message is for Rowan. Please pass it on to them, or read it with them.")
    assert "We have had to change one of your choices." in body
    assert "Now we won't say your name. The host will say \"a young person from our care\"." in body
    assert "Photos:" not in body  # their group-photos choice still stands
    _names_nobody_else(message, invitation, person, organiser)


def test_withdrawing_photo_consent_over_their_choice_tells_them(young, coming, organiser, django_capture_on_commit_callbacks):
    from nominations.services import consent_withdraw

    invitation, person, token = coming
    opened(young, token)
    young.post(CELEBRATE, answer(invitation))  # only group photos
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(nominee=person, purpose=ConsentPurpose.PHOTOGRAPHED, actor=organiser)

    (message,) = mail.outbox
    body = " ".join(message.body.split())
    assert "Photos: you said only group photos. Now we won't take any photos of you on the night." in body
    assert "Your name on the night" not in body


def test_no_message_where_nothing_they_chose_is_overridden(young, coming, organiser, django_capture_on_commit_callbacks):
    from mail.models import EmailDelivery

    invitation, person, token = coming
    with django_capture_on_commit_callbacks(execute=True):
        _check(person, organiser, publicity_level=PublicityLevel.FIRST_NAME)  # before they answered
    opened(young, token)
    young.post(CELEBRATE, answer(invitation))  # first name only, group photos
    with django_capture_on_commit_callbacks(execute=True):
        _check(person, organiser, publicity_level=PublicityLevel.FIRST_NAME, photography_allowed=True)  # the same again
        _check(person, organiser, publicity_level=PublicityLevel.FIRST_NAME_INITIAL)  # more allowed: their choice stands

    assert not EmailDelivery.objects.filter(kind="own_choice_changed").exists()


def test_the_check_page_says_their_own_choice_and_that_a_stricter_check_tells_them(young, coming, organiser):
    invitation, person, token = coming
    opened(young, token)
    young.post(CELEBRATE, answer(invitation))
    staff = Client()
    staff.force_login(organiser)

    page = text(staff.get(f"/safeguarding/young-person/{person.pk}/"))

    assert ("Their own choice, through their link: name “First name only”, photos “Only group photos”. If this check allows "
            "less, the stricter wins and they are told kindly by e-mail") in page


def test_recording_a_stricter_check_on_the_page_says_they_are_told(young, coming, organiser):
    invitation, person, token = coming
    opened(young, token)
    young.post(CELEBRATE, answer(invitation, **{"say-publicity_level": "first_name_initial"}))
    staff = Client()
    staff.force_login(organiser)
    check = {
        "check-attendance_safe": "yes", "check-publicity_level": "first_name", "check-photography_allowed": "yes",
        "check-named_to_event_staff": "yes", "check-notes": "", "check-safe_contact_email": "",
    }

    stricter = text(staff.post(f"/safeguarding/young-person/{person.pk}/", check, follow=True))
    again = text(staff.post(f"/safeguarding/young-person/{person.pk}/", check, follow=True))

    told = "It is stricter than their own choice, so the stricter wins and they are told kindly by e-mail."
    assert f"The safeguarding check is recorded. {told}" in stricter
    assert "The safeguarding check is recorded." in again and told not in again  # told once, not at every save


def test_a_name_lowered_twice_is_told_twice_with_the_name_heard_now(young, coming, organiser, django_capture_on_commit_callbacks):
    invitation, person, token = coming
    opened(young, token)
    young.post(CELEBRATE, answer(invitation, **{"say-publicity_level": "first_name_initial"}))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _check(person, organiser, publicity_level=PublicityLevel.FIRST_NAME)
    with django_capture_on_commit_callbacks(execute=True):
        _check(person, organiser, publicity_level=PublicityLevel.ANONYMOUS)

    first, second = (" ".join(m.body.split()) for m in mail.outbox)
    assert "Now we will say \"Rowan\"." in first
    assert "Now we won't say your name." in second
