"""Letters to nominees: who nominated them by role (or name where agreed), the reason in words an
organiser approved for the young person to read, previewed, downloaded to post and sent through
the outbox; nothing for a nominee the safeguarding check says not to contact."""

import re

import pytest
from django.core import mail

from mail.enums import EmailKind
from mail.models import EmailDelivery
from nominations.enums import NominationStatus, Relationship
from night.letters import letter_approve
from night.models import Letter
from tests.factories import NominationFactory, NomineeFactory
from tests.night.pdfs import body, pages, squash

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def chi(programme, category):
    """Chiamaka goes by Chi, and the nomination uses the name she does not."""
    nominee = NomineeFactory(programme=programme, legal_first_name="Chiamaka", legal_last_name="Okafor", preferred_name="Chi")
    return NominationFactory(
        programme=programme, category=category, nominee=nominee, status=NominationStatus.FINALIST,
        nominator_name="Pat Carer", nominator_relationship=Relationship.FOSTER_CARER, nominator_email="pat@example.org",
        achievement="Chiamaka Okafor ran the youth council's podcast all year.",
    )


@pytest.fixture
def quiet(programme, category):
    nominee = NomineeFactory(programme=programme, legal_first_name="Sable", legal_last_name="Quillfeather", contact_allowed=False)
    return NominationFactory(programme=programme, category=category, nominee=nominee, status=NominationStatus.ELIGIBLE)


def test_the_letter_page_suggests_the_words_with_the_name_she_goes_by(as_user, organiser, event, chi):
    page = as_user(organiser).get(f"/event/{event.pk}/documents/letters/{chi.pk}/").content.decode()

    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1).strip()
    assert textarea == "Chi Okafor ran the youth council&#x27;s podcast all year."
    assert "your foster carer" in page


def test_words_calling_her_by_a_name_she_does_not_use_are_refused_and_named(as_user, organiser, event, chi):
    response = as_user(organiser).post(
        f"/event/{event.pk}/documents/letters/{chi.pk}/", {"letter-quote": "Chiamaka ran the podcast."}
    )

    assert response.status_code == 400
    assert "These words call them by a name they do not go by: “Chiamaka”." in response.content.decode()
    assert not Letter.objects.exists()


def test_an_approved_letter_names_the_nominator_by_role_and_quotes_the_words(as_user, organiser, event, chi, quiet):
    client = as_user(organiser)
    client.post(f"/event/{event.pk}/documents/letters/{chi.pk}/", {"letter-quote": "Chi ran the podcast all year."})

    (page,) = pages(body(client.get(f"/event/{event.pk}/documents/letters.pdf")))

    assert "DearChiOkafor," in page
    assert squash("You were nominated by your foster carer, who wrote:") in page
    assert squash("Chi ran the podcast all year.") in page
    assert "Chiamaka" not in page and "PatCarer" not in page


def test_the_nominator_is_named_only_where_they_agreed(as_user, organiser, event, chi):
    letter_approve(nomination=chi, actor=organiser, quote="Chi ran the podcast.", nominator_named=True)

    (page,) = pages(body(as_user(organiser).get(f"/event/{event.pk}/documents/letters/{chi.pk}/preview.pdf")))

    assert squash("You were nominated by Pat Carer, who wrote:") in page


def test_letters_go_to_the_responsible_adult_once_their_words_are_approved_and_never_to_a_nominee_not_to_be_contacted(
    as_user, organiser, event, chi, quiet, django_capture_on_commit_callbacks
):
    client = as_user(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.post(f"/event/{event.pk}/documents/letters/send/", follow=True)
    assert [str(m) for m in waiting.context["messages"]] == [
        "0 letters put in the outbox to the responsible adults. 1 wait for approved words."
    ]
    letter_approve(nomination=chi, actor=organiser, quote="Chi ran the podcast.", nominator_named=False)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/event/{event.pk}/documents/letters/send/", follow=True)

    assert [str(m) for m in sent.context["messages"]] == ["1 letter put in the outbox to the responsible adults."]
    (message,) = mail.outbox
    assert message.to == ["pat@example.org"] and message.subject == f"A letter from the {event.programme.name}"
    assert "Chi O." in message.body and "Chiamaka" not in message.body
    assert list(EmailDelivery.objects.values_list("kind", flat=True)) == [EmailKind.LETTER]
    token = re.search(r"/recognition/([A-Za-z0-9_-]{20,})/", message.body).group(1)
    anonymous = client.__class__()
    assert "Their letter (PDF, A4)" in anonymous.get(f"/recognition/{token}/").content.decode()
    (page,) = pages(body(anonymous.get(f"/recognition/{token}/letter.pdf")))
    assert "DearChiOkafor," in page
    # The nominee not to be contacted: no letter page, and the organiser sees why.
    assert client.get(f"/event/{event.pk}/documents/letters/{quiet.pk}/").status_code == 404
    assert "Their safeguarding check says they must not be contacted" in client.get(f"/event/{event.pk}/documents/").content.decode()
