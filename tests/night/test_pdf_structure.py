"""Every kind of PDF the app makes is a tagged PDF a screen reader can use: PDF/UA identified, a
title shown as the window title, the language, text as text (extractable, in the fonts' Unicode),
and a structure tree whose reading order is the order of the page. Read with pypdf."""

import pytest

from night.certificates import Certificate
from night.letters import letter_approve
from night.pdf import Batches, council, pdf_bytes
from tests.night.pdfs import body, document_facts, pages, in_order, reading_orders, structure
from tests.night.test_print_pack import as_user, seated  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_pdf(as_user, organiser, seated):  # noqa: F811
    """Each kind of PDF of the seated event, with the title it must carry."""
    client = as_user(organiser)
    event = seated
    nomination = event.invitations.order_by("pk").first().nomination
    letter_approve(nomination=nomination, actor=organiser, quote="They never gave up.", nominator_named=False)
    programme = event.programme.name
    post = {"only_changes": "0"}
    return {
        "certificates": (body(client.get(f"/event/{event.pk}/documents/certificates.pdf")), f"Certificates, {programme}"),
        "letters": (body(client.get(f"/event/{event.pk}/documents/letters.pdf")), f"Letters, {programme}"),
        "badges": (body(client.post(f"/event/{event.pk}/documents/badges.pdf", post)), f"Name badges, {event.name}"),
        "place cards": (body(client.post(f"/event/{event.pk}/documents/place-cards.pdf", post)), f"Place cards, {event.name}"),
        "table cards": (body(client.post(f"/event/{event.pk}/documents/table-cards.pdf", post)), f"Table cards, {event.name}"),
        "photographer's sheet": (
            body(client.get(f"/event/{event.pk}/documents/photographer-sheet.pdf")), f"Photographer's sheet, {event.name}"
        ),
    }


# What each kind's first page says, in the order a person reads it on paper.
READ_IN_ORDER = {
    "certificates": ["Certificate", "This certificate is presented to", "who was", "in the", "Jo Example", "Sam Sample"],
    "letters": ["Dear", "We are writing to tell you", "They never gave up.", "Being nominated means", "With our congratulations", "Jo Example"],
    "badges": ["Finalist", "Table 1", "celebration night", "Guest", "Table 1", "celebration night"],
    "place cards": ["Table 1"],
    "table cards": ["Table", "1", "Table", "1", "Step-free"],
    "photographer's sheet": ["Photographer's sheet", "Anyone whose name badge", "If someone with the mark", "How many people carry the mark", "in all."],
}
# Laid out in one column, top to bottom (badges and place cards are a grid; a table card's top
# half is upside down, to be read from the other side of the table).
ONE_COLUMN = {"certificates", "letters", "photographer's sheet"}


@pytest.mark.parametrize("kind", ["certificates", "letters", "badges", "place cards", "table cards", "photographer's sheet"])
def test_each_kind_of_pdf_is_tagged_with_title_language_text_and_reading_order(every_pdf, kind):
    content, title = every_pdf[kind]

    facts = document_facts(content)
    assert facts == {
        "lang": "en-GB", "marked": True, "display_title": True, "title": title, "xmp_ua": True,
        "pages": facts["pages"], "struct_parents": True,
    }
    assert all(text for text in pages(content)), "every page has text as text"
    tags = [tag for tag, _ in structure(content)]
    assert tags[0] == "Document" and "P" in tags
    assert all(alt for tag, alt in structure(content) if tag == "Figure"), "every image has its alternative text"
    orders = reading_orders(content)
    first = "".join(text for text, _ in orders[0])
    assert in_order(first, READ_IN_ORDER[kind]), f"read in this order: {READ_IN_ORDER[kind]}, not {first[:200]}"
    if kind in ONE_COLUMN:
        for number, order in enumerate(orders):
            # A certificate's signatures stand side by side: each read whole, then the date below.
            signed = next((i for i, (text, _) in enumerate(order) if text.startswith("JoExample")), len(order))
            heights = [y for _, y in order[:signed]]
            assert heights == sorted(heights, reverse=True), f"page {number + 1} is read from the top down"
            assert all(y >= order[-1][1] for _, y in order), f"page {number + 1}: the last read is the lowest"


def test_a_long_pdf_joined_from_batches_keeps_one_structure_tree():
    """A document laid out in batches (night.pdf) is one document: one Document element, every
    page's marked content reached from the one structure tree, each page's own text."""
    names = ["Ada One", "Bea Two", "Cal Three", "Dee Four", "Eli Five"]
    items = [
        Certificate(kind="nominated", heading="Certificate of Nomination", name=name, before="was nominated for",
                    award="Positive Choices", after="", programme="PROUD Awards", date="1 May 2026")
        for name in names
    ]
    batches = Batches("night/pdf/certificates.html", items, {"title": "Certificates", **council()}, per_batch=2)

    content = pdf_bytes("Certificates", batches.html())

    facts = document_facts(content)
    assert facts["pages"] == 5 and facts["struct_parents"] and facts["title"] == "Certificates" and facts["lang"] == "en-GB"
    assert [tag for tag, _ in structure(content)].count("Document") == 1
    orders = reading_orders(content)
    assert ["".join(text for text, _ in order).count(name.replace(" ", "")) for order, name in zip(orders, names, strict=True)] == [1] * 5
