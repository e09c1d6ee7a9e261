"""The RSVP page: opened from the private link with no login, on a phone, without JavaScript."""

import datetime as dt
import io
import logging
import re
from html import unescape

import pytest
from django.core import mail
from django.test import Client

from events.enums import InvitationStatus
from events.links import link_create
from events.models import Event, Guest, Invitation
from events.services import invitation_resend, invitation_revoke, invitation_update_details, invitations_expire
from nominations.private_links import FORM_TOKEN_KEY

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def error_summary(response) -> list[str]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary"
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]


def opened(client: Client, token: str):
    response = client.get(f"/rsvp/{token}/")
    assert response.status_code == 302 and response["Location"] == "/rsvp/"
    return client.get("/rsvp/")


def accept_form(**extra) -> dict:
    return {"rsvp-attending": "yes", "invitee-photography_consent": "no", **extra}


@pytest.fixture
def client(client):
    """A browser whose POSTs to the RSVP page carry the form's token, as the page's form does."""
    post = client.post

    def post_with_token(path, data=None, **kwargs):
        data = dict(data or {})
        if path == "/rsvp/" and "private_form" not in data:
            data["private_form"] = client.session.get(FORM_TOKEN_KEY, "")
        return post(path, data, **kwargs)

    client.post = post_with_token
    return client


def test_the_link_opens_the_page_at_a_clean_address_with_private_headers(client, sent_invitation):
    invitation, token = sent_invitation
    first = client.get(f"/rsvp/{token}/")
    page = client.get("/rsvp/")

    assert first.status_code == 302 and first["Location"] == "/rsvp/"
    for response in (first, page):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
    assert page.status_code == 200
    body = text(page)
    assert token not in page.content.decode()
    assert "Rowan F. is a finalist in the Positive Choices award." in body  # the carer's known name
    assert "Featherstonehaugh" not in body
    assert invitation.event.venue_name in body


@pytest.mark.parametrize("case", ["wrong", "tampered", "revoked", "expired", "after the event", "no session", "superseded"])
def test_every_link_that_does_not_work_gets_the_same_neutral_page(client, sent_invitation, organiser, case):
    invitation, token = sent_invitation
    url = f"/rsvp/{token}/"
    if case == "wrong":
        url = "/rsvp/this-is-not-a-token/"
    elif case == "tampered":
        url = f"/rsvp/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/"
    elif case == "revoked":
        invitation_revoke(invitation=invitation, actor=organiser, reason="Not safe to attend")
    elif case == "expired":
        invitations_expire(now=invitation.event.rsvp_deadline + dt.timedelta(hours=1))
    elif case == "after the event":
        Event.objects.filter(pk=invitation.event_id).update(
            starts_at=invitation.event.starts_at - dt.timedelta(days=60),
            doors_open_at=invitation.event.doors_open_at - dt.timedelta(days=60),
            ends_at=invitation.event.ends_at - dt.timedelta(days=60),
            rsvp_deadline=invitation.event.rsvp_deadline - dt.timedelta(days=60),
        )
    elif case == "no session":
        url = "/rsvp/"
    elif case == "superseded":
        readdress_and_resend(invitation, organiser)

    response = client.get(url)

    assert response.status_code == 404
    assert response["Referrer-Policy"] == "no-referrer"
    assert "<h1>This link is not valid</h1>" in response.content.decode()
    assert invitation.event.name not in response.content.decode()


def test_the_neutral_page_is_identical_for_a_token_that_never_existed_and_a_revoked_one(client, sent_invitation, organiser):
    invitation, token = sent_invitation
    never = client.get("/rsvp/never-existed-token/").content
    invitation_revoke(invitation=invitation, actor=organiser, reason="Not safe to attend")
    revoked = client.get(f"/rsvp/{token}/").content
    assert never == revoked


def readdress_and_resend(invitation, organiser) -> None:
    invitation_update_details(invitation=invitation, actor=organiser, addressee_name="Dana Newcarer", addressee_email="dana@example.org")
    invitation_resend(invitation=invitation, actor=organiser)


def test_a_superseded_link_gets_the_neutral_page_identical_to_a_bad_one(client, sent_invitation, organiser):
    invitation, token = sent_invitation
    never = client.get("/rsvp/never-existed-token/").content
    readdress_and_resend(invitation, organiser)
    assert client.get(f"/rsvp/{token}/").content == never


def test_a_page_opened_by_a_link_later_superseded_stops_showing_the_party(client, sent_invitation, organiser):
    """The old holder opened the page before the invitation was re-addressed and resent: the session
    that link opened ends with it; the party's names and needs are not shown, the answer not changed."""
    invitation, token = sent_invitation
    page = opened(client, token)
    client.post("/rsvp/", accept_form(**{"guest-1-name": "Jo Carer", "guest-1-relationship": "carer", "guest-1-photography_consent": "yes"}))
    assert "Jo Carer" in text(client.get("/rsvp/")) and page.status_code == 200

    readdress_and_resend(invitation, organiser)
    shown = client.get("/rsvp/")
    changed = client.post("/rsvp/", {"rsvp-attending": "no"})

    assert shown.status_code == 404 and "<h1>This link is not valid</h1>" in shown.content.decode()
    assert "Jo Carer" not in text(shown)
    assert changed.status_code in (403, 404) and "Jo Carer" not in text(changed)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED
    assert list(Guest.objects.filter(invitation=invitation).values_list("name", flat=True))[1:] == ["Jo Carer"]


def test_opening_links_is_rate_limited_per_address(client, sent_invitation, settings):
    settings.PROUD_RSVP_LINK_RATE = "3/m"
    for _ in range(3):
        assert client.get("/rsvp/guess/").status_code == 404
    assert client.get("/rsvp/guess/").status_code == 429
    _, token = sent_invitation
    assert client.get(f"/rsvp/{token}/").status_code == 429  # even a good token, once limited


def test_the_session_a_link_opens_is_short(client, sent_invitation, settings):
    _, token = sent_invitation
    opened(client, token)
    session = client.session
    session["rsvp"]["started"] -= settings.PROUD_RSVP_SESSION_MINUTES * 60 + 1
    session.save()
    assert client.get("/rsvp/").status_code == 404


def test_tokens_never_reach_the_logs(client, sent_invitation):
    _, token = sent_invitation
    stream = io.StringIO()
    handlers = list(
        {h for name in ("django", "django.server", "") for h in logging.getLogger(name).handlers if type(h) is logging.StreamHandler}
    )
    assert handlers, "the project's logging is not configured"
    saved = [h.setStream(stream) for h in handlers]
    try:
        client.get("/rsvp/wrong-token-abcdef/")  # Django logs "Not Found: <path>" for a 404
        client.get(f"/rsvp/{token}/")
        logging.getLogger("django.server").info('"GET /rsvp/%s/ HTTP/1.1" 302 0', token)
    finally:
        for handler, old in zip(handlers, saved):
            handler.setStream(old)
    written = stream.getvalue()
    assert "Not Found: /rsvp/[redacted]/" in written
    assert "wrong-token-abcdef" not in written and token not in written


def test_accepting_with_guests_and_needs_from_the_page(client, sent_invitation):
    invitation, token = sent_invitation
    opened(client, token)

    response = client.post(
        "/rsvp/",
        accept_form(
            **{
                "invitee-dietary": ["vegetarian"],
                "invitee-photography_consent": "yes",
                "guest-1-name": "Jo Carer",
                "guest-1-relationship": "carer",
                "guest-1-access_needs": ["wheelchair", "other"],
                "guest-1-access_other": "Needs to sit near an exit",
                "guest-1-photography_consent": "no",
                "guest-1-transport_needed": "on",
            }
        ),
    )

    assert response.status_code == 302 and response["Location"] == "/rsvp/"
    guests = list(Guest.objects.filter(invitation=invitation).order_by("position"))
    # The finalist's own line keeps no name of its own: it is composed from their record when read.
    assert [(g.name, g.relationship) for g in guests] == [("", "finalist"), ("Jo Carer", "carer")]
    assert guests[0].dietary == ["vegetarian"] and guests[0].photography_consent
    assert guests[1].access_needs == ["other", "wheelchair"] and guests[1].transport_needed
    assert not guests[1].photography_consent
    page = text(client.get("/rsvp/"))
    assert "Thank you: your answer is saved." in page
    # A summary of what was recorded, in words.
    assert "You are coming. This is what we have recorded:" in page
    assert "Access: Wheelchair space, Needs to sit near an exit. Not to be photographed." in page
    assert "Food: Vegetarian. May be photographed." in page
    assert len(mail.outbox) == 0 or "Jo Carer" in mail.outbox[-1].body


def test_the_page_asks_about_the_adult_answering_first_and_presets_no_answer(client, sent_invitation):
    _, token = sent_invitation
    page = opened(client, token).content.decode()
    headings = re.findall(r"<h3[^>]*>([^<]*)</h3>", page)
    assert headings[:3] == ["About Rowan F.", "About you", "Other guests"] or headings[:2] == ["About Rowan F.", "About you"]
    assert all(h.strip() for h in headings)  # no empty guest heading (axe: empty-heading)
    assert not re.search(r'name="invitee-photography_consent"[^>]*checked', page)  # nobody answered for them
    assert not re.search(r'name="guest-1-relationship"[^>]*checked', page)


def test_the_confirmation_e_mail_says_needs_in_words(client, sent_invitation, django_capture_on_commit_callbacks):
    _, token = sent_invitation
    opened(client, token)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rsvp/", accept_form(**{
            "invitee-dietary": ["nut_allergy"], "guest-1-name": "Jo Carer", "guest-1-relationship": "carer",
            "guest-1-access_needs": ["quiet_space"], "guest-1-photography_consent": "no",
        }))
    body = mail.outbox[-1].body
    assert "food: Nut allergy" in body and "access: Quiet space" in body and "not to be photographed" in body
    assert "nut_allergy" not in body and "quiet_space" not in body


def test_sending_the_same_answer_again_changes_nothing(client, sent_invitation):
    invitation, token = sent_invitation
    opened(client, token)
    form = accept_form(**{"guest-1-name": "Jo Carer", "guest-1-relationship": "carer", "guest-1-photography_consent": "no"})
    client.post("/rsvp/", form)
    history = invitation.history.count()

    client.post("/rsvp/", form)

    assert "Your answer was already saved; nothing has changed." in text(client.get("/rsvp/"))
    assert invitation.history.count() == history


def test_the_page_shows_the_current_answer_in_the_form_to_change_it(client, sent_invitation):
    _, token = sent_invitation
    opened(client, token)
    client.post("/rsvp/", accept_form(**{"guest-1-name": "Jo Carer", "guest-1-relationship": "carer", "guest-1-photography_consent": "yes"}))
    page = client.get("/rsvp/").content.decode()
    assert re.search(r'name="guest-1-name"[^>]*value="Jo Carer"', page)
    assert re.search(r'<input type="radio" class="govuk-radios__input" name="rsvp-attending" value="yes"[^>]*checked', page)
    assert "Change your answer" in page


@pytest.mark.parametrize(
    "form, expected",
    [
        ({}, ["Tell us whether you can come."]),
        (
            accept_form(**{"guest-1-dietary": ["vegan"]}),
            [
                "About you: enter the name, or leave these answers empty.",
                "About you: say who they are (carer, family, friend …).",
                "About you: say whether they can be photographed on the night.",
            ],
        ),
        (accept_form(**{"invitee-photography_consent": ""}), ["Rowan F.: say whether they can be photographed on the night."]),
        (accept_form(**{"invitee-access_needs": ["other"]}), ["The invitee: tell us what the other access need is."]),
        (accept_form(**{"invitee-dietary_other": "x" * 501}), ["Ensure this value has at most 500 characters (it has 501)."]),
        (accept_form(**{"invitee-dietary": ["caviar"]}), ["Select a valid choice. caviar is not one of the available choices."]),
    ],
)
def test_bad_answers_show_an_error_summary_and_save_nothing(client, sent_invitation, form, expected):
    invitation, token = sent_invitation
    opened(client, token)

    response = client.post("/rsvp/", form)

    assert response.status_code == 400
    assert error_summary(response) == expected
    assert response.content.decode().count('href="#id_') == len(expected)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and not invitation.guests.exists()


def test_a_full_event_says_how_many_seats_are_left(client, sent_invitation):
    invitation, token = sent_invitation
    Event.objects.filter(pk=invitation.event_id).update(capacity=1)
    opened(client, token)
    response = client.post("/rsvp/", accept_form(**{"guest-1-name": "Jo", "guest-1-relationship": "carer", "guest-1-photography_consent": "no"}))
    assert response.status_code == 400
    assert error_summary(response) == [
        "Sorry, only 1 seat is left at the event; reduce the number of guests or contact the organisers."
    ]


def test_after_the_deadline_the_page_is_read_only_with_the_organisers_contact(client, sent_invitation):
    invitation, token = sent_invitation
    opened(client, token)
    client.post("/rsvp/", {"rsvp-attending": "no"})
    Event.objects.filter(pk=invitation.event_id).update(rsvp_deadline=invitation.event.rsvp_deadline - dt.timedelta(days=30))

    page = client.get("/rsvp/")
    late = client.post("/rsvp/", accept_form())

    assert page.status_code == 200
    assert "<form method=\"post\" action=\"/rsvp/\"" not in page.content.decode()
    assert "Answers closed on" in text(page) and "awards@example.org" in text(page)
    assert "You told us you cannot come." in text(page)
    assert late.status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED


def test_declining_from_the_page(client, sent_invitation):
    invitation, token = sent_invitation
    opened(client, token)
    response = client.post("/rsvp/", {"rsvp-attending": "no"})
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED
    assert "Thank you for letting us know." in text(client.get("/rsvp/"))


def test_a_second_link_for_the_same_invitation_works_too(client, sent_invitation):
    invitation, _ = sent_invitation
    assert opened(client, link_create(invitation)).status_code == 200


def test_a_post_without_the_forms_token_is_refused_and_changes_nothing(client, sent_invitation):
    invitation, token = sent_invitation
    opened(client, token)
    for forged in ("", "guessed-token"):
        response = client.post("/rsvp/", {**accept_form(), "private_form": forged})
        assert response.status_code == 403
        assert "Please open your link again" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT


def test_the_page_carries_its_form_token(client, sent_invitation):
    _, token = sent_invitation
    page = opened(client, token).content.decode()
    assert f'name="private_form" value="{client.session[FORM_TOKEN_KEY]}"' in page
