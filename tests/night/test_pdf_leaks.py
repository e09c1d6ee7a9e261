"""No PDF carries a name beyond what its audience may see, on the leak test's world
(tests/test_name_leaks.py): badges and place cards are read by the room, table cards and the
photographer's sheet name nobody, and each certificate and letter is the young person's own, with
their chosen name and no one else's (nor a name they do not go by)."""

import pytest

from nominations.models import Nomination
from night.letters import letter_approve, letter_suggestion
from tests.night.pdfs import body, pages, squash
from tests.test_name_leaks import (  # noqa: F401 - leaky is a fixture
    CHI_LEGAL,
    EVERY_SURNAME,
    FIRST_NAMES,
    KIAN_SURNAME,
    ZOE_ALL,
    leaky,
)

pytestmark = pytest.mark.django_db

# The room: Kian is anonymous now (his consent withdrawn after the seating), Chi is "Chi O.", Zoë
# anonymous, Amira by her full name. "Kian" alone stays: Kian Walsh is one of Amira's guests.
ROOM = KIAN_SURNAME + CHI_LEGAL + ZOE_ALL
# Each young person's own documents: everyone else's names, and Chi's legal first name, which
# she does not go by (her certificate and letter say "Chi Obiora").
OWN_NAMES = {"Kian": ["Kian", "Brennan"], "Chi": ["Chi", "Obiora"], "Zoë": ["Zoë", "O'Neill-Hughes"], "Amira": ["Amira", "Khanum"]}
OTHERS = {
    "Kian": CHI_LEGAL + ZOE_ALL + ["Khanum", "Amira"],
    "Chi": ["Chiamaka", "Brennan", "Khanum", "Amira"] + ZOE_ALL,
    "Zoë": KIAN_SURNAME + CHI_LEGAL + ["Khanum", "Amira"],
    "Amira": KIAN_SURNAME + CHI_LEGAL + ZOE_ALL,
}


def found(text: str, words: list[str]) -> list[str]:
    return [word for word in dict.fromkeys(words) if squash(word).casefold() in text.casefold()]


def test_no_pdf_shows_a_name_its_audience_may_not_see(leaky, client):
    client.force_login(leaky.users["organiser"])
    event = leaky.ids["event"]
    leaks, checked = [], 0

    for path, forbidden in (
        ("badges.pdf", ROOM), ("place-cards.pdf", ROOM), ("table-cards.pdf", EVERY_SURNAME + FIRST_NAMES),
    ):
        text = "".join(pages(body(client.post(f"/event/{event}/documents/{path}", {"only_changes": "0"}))))
        checked += 1
        leaks += [f"{path}: {word}" for word in found(text, forbidden)]
    text = "".join(pages(body(client.get(f"/event/{event}/documents/photographer-sheet.pdf"))))
    checked += 1
    leaks += [f"photographer-sheet.pdf: {word}" for word in found(text, EVERY_SURNAME + FIRST_NAMES)]
    # The room's documents do name whom they may: the badge of Amira, Chi's initial.
    badges = "".join(pages(body(client.post(f"/event/{event}/documents/badges.pdf", {"only_changes": "0"}))))
    assert "AmiraKhanum" in badges and "ChiO." in badges and "KianWalsh" in badges

    organiser = leaky.users["organiser"]
    for nomination in Nomination.objects.filter(programme__event__pk=event, nominee__isnull=False).select_related("nominee"):
        who = nomination.nominee.preferred_name or nomination.nominee.legal_first_name
        letter_approve(nomination=nomination, actor=organiser, quote=letter_suggestion(nomination), nominator_named=False)
        for kind, url in (
            ("certificate", f"/event/{event}/documents/certificates/{nomination.pk}.pdf"),
            ("letter", f"/event/{event}/documents/letters/{nomination.pk}/preview.pdf"),
        ):
            (text,) = pages(body(client.get(url)))
            checked += 1
            assert found(text, [" ".join(OWN_NAMES[who])]) == [" ".join(OWN_NAMES[who])], f"{who}'s {kind} names them"
            leaks += [f"{who}'s {kind}: {word}" for word in found(text, OTHERS[who])]

    assert checked == 4 + 8
    assert leaks == []
