"""Two organisers changing the same record through the edit pages: the second save, made on a form
opened before the first was saved, is refused with 409 and the first organiser's values survive."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from awards.concurrency import STALE_PAGE_MESSAGE
from awards.enums import Role
from events.enums import ItemKind
from events.models import Event, Invitation, RunningOrderItem
from night.services import running_order_add
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """What a browser would send for the page's form with the given action, as the page shows it."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values = action, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            if a.get("type") == "checkbox":
                self.values.setdefault(a["name"], []).append(a.get("value", "on"))
            else:
                self.values[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n")


def opened_form(client: Client, url: str, page_url: str | None = None) -> dict:
    """The form posting to `url` as the page (`url` itself unless said) shows it."""
    page = client.get(page_url or url)
    assert page.status_code == 200
    parser = FormValues(url)
    parser.feed(page.content.decode())
    versions = [value for name, value in parser.values.items() if name.split("-")[-1] == "version"]
    assert len(versions) == 1 and versions[0], "the form carries the version it was opened with"
    return parser.values


def error_summary(response) -> list[tuple[str, str]]:
    """(link, message) of each entry in the error summary."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary"
    entries = re.findall(r"<li>(?:<a href=\"([^\"]*)\">)?(.*?)(?:</a>)?</li>", match.group(0), re.S)
    return [(link, unescape(message).strip()) for link, message in entries]


@pytest.fixture
def two_organisers(programme, organiser):
    first, second = Client(), Client()
    first.force_login(organiser)
    second.force_login(user_with_role(programme, Role.ORGANISER, "second-organiser"))
    return first, second


@pytest.fixture
def event(programme):
    from tests.factories import EventFactory

    return EventFactory(programme=programme, name="PROUD Awards night")


def test_the_second_save_of_an_event_opened_before_the_first_is_refused(two_organisers, event):
    first, second = two_organisers
    url = reverse("event-admin:event-edit", args=[event.pk])
    first_form, second_form = opened_form(first, url), opened_form(second, url)
    assert first_form["version"] == second_form["version"]

    saved = first.post(url, {**first_form, "name": "Renamed by the first", "capacity": "150"})
    refused = second.post(url, {**second_form, "name": "Renamed by the second", "dress_code": "Black tie"})

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert error_summary(refused) == [("#id_name", STALE_PAGE_MESSAGE)]
    stored = Event.objects.get(pk=event.pk)
    assert (stored.name, stored.capacity, stored.dress_code) == ("Renamed by the first", 150, event.dress_code)
    # The page shows the event as the first organiser left it, ready to change again.
    shown = FormValues(url)
    shown.feed(refused.content.decode())
    assert (shown.values["name"], shown.values["capacity"]) == ("Renamed by the first", "150")
    assert shown.values["version"] not in ("", second_form["version"])

    again = second.post(url, {**shown.values, "dress_code": "Black tie"})
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.name, stored.capacity, stored.dress_code) == ("Renamed by the first", 150, "Black tie")


def test_saving_an_event_form_twice_from_one_opening_is_refused_the_second_time(two_organisers, event):
    first, _ = two_organisers
    url = reverse("event-admin:event-edit", args=[event.pk])
    form = opened_form(first, url)

    assert first.post(url, {**form, "name": "Once"}).status_code == 302
    assert first.post(url, {**form, "name": "Twice"}).status_code == 409
    assert Event.objects.get(pk=event.pk).name == "Once"


def test_an_unchanged_event_saves_whoever_opened_it(two_organisers, event):
    first, second = two_organisers
    url = reverse("event-admin:event-edit", args=[event.pk])
    first_form, second_form = opened_form(first, url), opened_form(second, url)
    assert first_form["version"] == second_form["version"]

    assert second.post(url, {**second_form, "name": "Only the second saved"}).status_code == 302
    assert Event.objects.get(pk=event.pk).name == "Only the second saved"


@pytest.fixture
def item(event, organiser):
    return running_order_add(event=event, actor=organiser, kind=ItemKind.SPEECH, title="Welcome", duration_minutes=5)


def test_the_second_save_of_a_running_order_item_opened_before_the_first_is_refused(two_organisers, event, item):
    first, second = two_organisers
    url = reverse("event-admin:item-edit", args=[event.pk, item.pk])
    first_form, second_form = opened_form(first, url), opened_form(second, url)

    saved = first.post(url, {**first_form, "title": "Welcome from the High Sheriff", "duration_minutes": "10"})
    refused = second.post(url, {**second_form, "title": "Welcome from the Director", "notes": "Keep it short"})

    assert saved.status_code == 302
    assert refused.status_code == 409
    # The first field is a group of radios, reached through its first button.
    assert error_summary(refused) == [("#id_kind_0", STALE_PAGE_MESSAGE)]
    stored = RunningOrderItem.objects.get(pk=item.pk)
    assert (stored.title, stored.duration_minutes, stored.notes) == ("Welcome from the High Sheriff", 10, "")
    shown = FormValues(url)
    shown.feed(refused.content.decode())
    assert (shown.values["title"], shown.values["duration_minutes"]) == ("Welcome from the High Sheriff", "10")
    assert "Error: Change: Welcome from the High Sheriff" in refused.content.decode()


def test_moving_an_item_does_not_make_its_open_form_stale(two_organisers, event, item, organiser):
    """Only the values the form shows count: another organiser moving the item changes none."""
    first, _ = two_organisers
    url = reverse("event-admin:item-edit", args=[event.pk, item.pk])
    form = opened_form(first, url)
    # Meanwhile an item is put before it: it moves down a place and starts later.
    running_order_add(event=event, actor=organiser, kind=ItemKind.BREAK, title="Interval", position=1)
    assert RunningOrderItem.objects.get(pk=item.pk).position == 2

    assert first.post(url, {**form, "title": "Still saved"}).status_code == 302
    assert RunningOrderItem.objects.get(pk=item.pk).title == "Still saved"


def test_the_second_save_of_who_an_invitation_goes_to_opened_before_the_first_is_refused(two_organisers, event):
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(event=event, addressee_name="Sam Jones", addressee_email="sam@example.org")
    first, second = two_organisers
    page = reverse("event-admin:invitation", args=[invitation.pk])
    url = reverse("event-admin:invitation-details", args=[invitation.pk])
    first_form, second_form = opened_form(first, url, page), opened_form(second, url, page)

    saved = first.post(url, {**first_form, "details-addressee_email": "sam.jones@example.org"})
    refused = second.post(url, {**second_form, "details-addressee_name": "Samantha Jones"})

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert error_summary(refused) == [("#id_details-addressee_name", STALE_PAGE_MESSAGE)]
    stored = Invitation.objects.get(pk=invitation.pk)
    assert (stored.addressee_name, stored.addressee_email) == ("Sam Jones", "sam.jones@example.org")
    shown = FormValues(url)
    shown.feed(refused.content.decode())
    assert shown.values["details-addressee_email"] == "sam.jones@example.org"


def test_the_second_change_of_a_guest_allowance_opened_before_the_first_is_refused(two_organisers, event):
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(event=event, guest_allowance=2)
    first, second = two_organisers
    page = reverse("event-admin:invitation", args=[invitation.pk])
    url = reverse("event-admin:invitation-allowance", args=[invitation.pk])
    first_form, second_form = opened_form(first, url, page), opened_form(second, url, page)

    saved = first.post(url, {**first_form, "allowance-guest_allowance": "4"})
    refused = second.post(url, {**second_form, "allowance-guest_allowance": "1"})

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert error_summary(refused) == [("#id_allowance-guest_allowance", STALE_PAGE_MESSAGE)]
    assert Invitation.objects.get(pk=invitation.pk).guest_allowance == 4
    shown = FormValues(url)
    shown.feed(refused.content.decode())
    assert shown.values["allowance-guest_allowance"] == "4"


@pytest.fixture
def finalist_invitation(event, category, organiser):
    """A finalist's invitation, the nominator's words not yet approved for quoting."""
    from events.services import finalist_invitations_create
    from tests.worlds import cleared_nominee, confirmed_finalists

    nominee = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    (nomination,) = confirmed_finalists(event.programme, category, [nominee])
    nomination.achievement = "Rowan organised the whole football tournament."
    nomination.save()
    return finalist_invitations_create(event=event, actor=organiser).created[0]


def test_the_second_approval_of_a_quote_opened_before_the_first_is_refused(two_organisers, finalist_invitation):
    invitation = finalist_invitation
    first, second = two_organisers
    page = reverse("event-admin:invitation", args=[invitation.pk])
    url = reverse("event-admin:invitation-quote", args=[invitation.pk])
    first_form, second_form = opened_form(first, url, page), opened_form(second, url, page)
    assert first_form["quote-version"] == second_form["quote-version"]

    saved = first.post(url, {**first_form, "quote-quote": "Rowan organised the tournament."})
    refused = second.post(url, {**second_form, "quote-quote": "Rowan organised everything."})

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert error_summary(refused) == [("#id_quote-quote", STALE_PAGE_MESSAGE)]
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.quote == "Rowan organised the tournament." and stored.quote_approved_at is not None
    # The box shows the words the first organiser approved, with their version.
    shown = FormValues(url)
    shown.feed(refused.content.decode())
    assert shown.values["quote-quote"] == "Rowan organised the tournament."
    assert shown.values["quote-version"] not in ("", second_form["quote-version"])

    again = second.post(url, {**shown.values, "quote-quote": "Rowan organised the whole tournament."})
    assert again.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).quote == "Rowan organised the whole tournament."


def test_approving_the_words_shown_makes_a_form_opened_before_it_stale(two_organisers, finalist_invitation):
    """The box shows the same words before and after they are approved: the approval still counts."""
    invitation = finalist_invitation
    first, second = two_organisers
    page = reverse("event-admin:invitation", args=[invitation.pk])
    url = reverse("event-admin:invitation-quote", args=[invitation.pk])
    first_form, second_form = opened_form(first, url, page), opened_form(second, url, page)
    assert first_form["quote-quote"] == "Rowan organised the whole football tournament."

    assert first.post(url, first_form).status_code == 302
    refused = second.post(url, {**second_form, "quote-quote": ""})

    assert refused.status_code == 409
    assert Invitation.objects.get(pk=invitation.pk).quote == "Rowan organised the whole football tournament."


@pytest.fixture
def award(event, category, organiser):
    """An award item with two finalists: (item, {first name: nomination})."""
    from tests.worlds import cleared_nominee, confirmed_finalists

    nominees = [cleared_nominee(event.programme, legal_first_name=name) for name in ("Rowan", "Skylar")]
    nominations = confirmed_finalists(event.programme, category, nominees)
    item = running_order_add(
        event=event, actor=organiser, kind=ItemKind.AWARD, title="Positive Choices", category=category
    )
    return item, dict(zip(("rowan", "skylar"), nominations))


def test_the_second_winner_recorded_on_a_running_order_opened_before_the_first_is_refused(two_organisers, event, award):
    item, finalists = award
    first, second = two_organisers
    page = reverse("event-admin:running-order", args=[event.pk])
    url = reverse("event-admin:item-winner", args=[event.pk, item.pk])
    first_form, second_form = opened_form(first, url, page), opened_form(second, url, page)
    assert first_form["winner"] == second_form["winner"] == ""

    saved = first.post(url, {**first_form, "winner": finalists["rowan"].pk})
    refused = second.post(url, {**second_form, "winner": finalists["skylar"].pk})

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert error_summary(refused) == [(f"#id_winner_{item.pk}_winner", STALE_PAGE_MESSAGE)]
    assert RunningOrderItem.objects.get(pk=item.pk).winner == finalists["rowan"]
    # The page shows the winner the first organiser recorded, with its version.
    shown = FormValues(url)
    shown.feed(refused.content.decode())
    assert shown.values["winner"] == str(finalists["rowan"].pk)
    assert shown.values["version"] not in ("", second_form["version"])

    again = second.post(url, {**shown.values, "winner": finalists["skylar"].pk})
    assert again.status_code == 302
    assert RunningOrderItem.objects.get(pk=item.pk).winner == finalists["skylar"]
