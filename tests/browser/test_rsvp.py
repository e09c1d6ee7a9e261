"""A carer answers the invitation on a phone and on a laptop, from the link in the e-mail, with the keyboard only."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards.enums import Role
from events.enums import InvitationStatus
from events.models import Guest, Invitation
from events.services import finalist_invitations_create, invitations_send
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, EventFactory, ProgrammeFactory
from tests.worlds import cleared_nominee, confirmed_finalists

from .test_nominate import choose, tab_to, type_into

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "laptop"])
def test_a_carer_answers_the_rsvp_with_the_keyboard_only(journey, phone, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory()
    category = CategoryFactory(programme=programme, name="Positive Choices")
    organiser = user_with_role(programme, Role.ORGANISER, "organiser")
    event = EventFactory(programme=programme)
    nominee = cleared_nominee(programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    confirmed_finalists(programme, category, [nominee])
    finalist_invitations_create(event=event, actor=organiser)
    invitations_send(event=event, actor=organiser)
    (message,) = mail.outbox
    link = re.search(r"http\S+/rsvp/\S+/", message.body).group(0)
    carer = journey("carer", phone=phone)

    page = carer.page
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/rsvp/$"))  # the token has left the address bar
    expect(page.get_by_text("Rowan F. is a finalist in the Positive Choices award.")).to_be_visible()  # the carer knows Rowan
    carer.check("invitation")

    choose(page, "rsvp-attending", "yes")
    tab_to(page, "input[name=invitee-dietary][value=vegetarian]")
    page.keyboard.press("Space")
    choose(page, "invitee-photography_consent", "yes")
    type_into(page, "#id_guest-1-name", "Jo Carer")
    tab_to(page, "#id_guest-1-access_needs_0")  # wheelchair space
    page.keyboard.press("Space")
    carer.shot("filled in")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")

    # Nothing is answered for them: who Jo is and whether Jo may be photographed are asked.
    expect(page.get_by_text("About you: say who they are (carer, family, friend …).").first).to_be_visible()
    expect(page.get_by_text("About you: say whether they can be photographed on the night.").first).to_be_visible()
    carer.check("asked what was missing")
    choose(page, "guest-1-relationship", "carer")
    choose(page, "guest-1-photography_consent", "no")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    expect(page.get_by_text("Access: Wheelchair space. Not to be photographed.")).to_be_visible()
    carer.check("answered")
    invitation = Invitation.objects.get()
    assert invitation.status == InvitationStatus.ACCEPTED
    guests = list(Guest.objects.filter(invitation=invitation).order_by("position"))
    assert [(g.name, g.dietary, g.access_needs) for g in guests] == [
        ("", ["vegetarian"], []),  # the finalist's line keeps no name: composed when read
        ("Jo Carer", [], ["wheelchair"]),
    ]
    assert guests[0].photography_consent
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
