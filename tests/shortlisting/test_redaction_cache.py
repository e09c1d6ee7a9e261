"""The panel queue keeps each nomination's redacted statement (shortlisting.cards), and never serves
one that hides less than redacting the statement now would: a name changed, added or taken from
anywhere redaction reads, after the statement was cached, is hidden at the next read; namesakes and
identical statements about different people each get their own."""

import pytest

from nominations.enums import NominationStatus
from nominations.models import Nomination, Nominee, NomineeGroup
from shortlisting import cards
from shortlisting.models import Assignment
from shortlisting.services import assignment_run
from tests.conftest import client_for
from tests.factories import (
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
)

pytestmark = pytest.mark.django_db

STATEMENT = "Kian Brennan and Tyler Okafor ran the Riverside club with Mrs Adeyemi of Brightwater Care in Hollowby."


@pytest.fixture(autouse=True)
def empty_cache():
    cards.REDACTED_STATEMENTS.clear()
    yield
    cards.REDACTED_STATEMENTS.clear()


@pytest.fixture
def queue(programme, organiser):
    """A blind panel with one member and a nomination of Kian Brennan whose statement also names a
    friend, Tyler Okafor, the nominator and a place, none of them hidden yet but Kian and the nominator."""
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme, category__name="Education")
    member = PanelMemberFactory(panel=link.panel)
    nominee = NomineeFactory(programme=programme, legal_first_name="Kian", legal_last_name="Brennan", area="Northshire")
    nomination = NominationFactory(
        programme=programme, category=link.category, nominee=nominee, status=NominationStatus.ELIGIBLE,
        nominator_name="Grace Adeyemi", nominator_organisation="Brightwater Care", achievement=STATEMENT,
        why_it_matters="Kian says Tyler helped.",
    )

    def read() -> dict:
        assignment_run(panel=link.panel, actor=organiser)
        results = client_for(member.user).get("/api/v1/assignments/").json()["results"]
        nominations = dict(Assignment.objects.filter(member=member).values_list("pk", "nomination_id"))
        return {nominations[r["id"]]: r["nomination"] for r in results}

    return dict(link=link, member=member, nominee=nominee, nomination=nomination, read=read, programme=programme)


def test_a_statement_is_redacted_once_and_then_read_from_the_cache(queue):
    first = queue["read"]()[queue["nomination"].pk]
    misses = cards.REDACTED_STATEMENTS.misses

    second = queue["read"]()[queue["nomination"].pk]

    assert first == second
    assert second["achievement"] == "[name] and Tyler Okafor ran the Riverside club with Mrs [name] of [name] in Hollowby."
    assert second["why_it_matters"] == "[name] says Tyler helped."
    assert cards.REDACTED_STATEMENTS.misses == misses
    assert cards.REDACTED_STATEMENTS.hits >= 1


# Each change is made straight in the database (as an admin edit, a merge, an import or a
# correction would leave it) after the redacted statement is cached; the next read must hide the
# name it brings in. A cache kept per nomination until "the statement changes" would show it.
CHANGES = {
    "preferred name": lambda q: Nominee.objects.filter(pk=q["nominee"].pk).update(preferred_name="Tyler"),
    "legal first name": lambda q: Nominee.objects.filter(pk=q["nominee"].pk).update(legal_first_name="Tyler"),
    "legal last name": lambda q: Nominee.objects.filter(pk=q["nominee"].pk).update(legal_last_name="Okafor"),
    "chosen name": lambda q: Nominee.objects.filter(pk=q["nominee"].pk).update(chosen_name="Tyler"),
    "area": lambda q: Nominee.objects.filter(pk=q["nominee"].pk).update(area="Hollowby"),
    "nominator's name": lambda q: Nomination.objects.filter(pk=q["nomination"].pk).update(nominator_name="Tyler Okafor"),
    "nominator's organisation": lambda q: Nomination.objects.filter(pk=q["nomination"].pk).update(nominator_organisation="Riverside"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_name_changed_after_the_statement_was_cached_is_hidden_at_the_next_read(queue, change):
    before = queue["read"]()[queue["nomination"].pk]
    assert "Tyler" in before["achievement"] or "Hollowby" in before["achievement"] or "Riverside" in before["achievement"]

    CHANGES[change](queue)
    after = queue["read"]()[queue["nomination"].pk]

    fresh = cards.nomination_card(
        Nomination.objects.select_related("nominee", "category", "group").get(pk=queue["nomination"].pk), blind=True
    )
    assert after["achievement"] == fresh.achievement
    assert after["why_it_matters"] == fresh.why_it_matters
    assert after["achievement"] != before["achievement"]
    newly_hidden = {"area": "Hollowby", "nominator's organisation": "Riverside", "legal last name": "Okafor"}.get(change, "Tyler")
    assert newly_hidden not in after["achievement"]


def test_a_group_member_added_or_renamed_after_the_statement_was_cached_is_hidden(queue):
    group = NomineeGroupFactory(programme=queue["programme"], name="The Riverside Crew")
    kian = NomineeFactory(programme=queue["programme"], legal_first_name="Kian", legal_last_name="Brennan")
    group.members.add(kian)
    nomination = NominationFactory(
        programme=queue["programme"], category=queue["link"].category, nominee=None, group=group,
        status=NominationStatus.ELIGIBLE, achievement="Kian and Tyler and Ava built it.",
    )
    assert queue["read"]()[nomination.pk]["achievement"] == "[name] and Tyler and Ava built it."

    tyler = NomineeFactory(programme=queue["programme"], legal_first_name="Tyler", legal_last_name="Okafor")
    group.members.add(tyler)
    assert queue["read"]()[nomination.pk]["achievement"] == "[name] and [name] and Ava built it."

    Nominee.objects.filter(pk=tyler.pk).update(legal_first_name="Ava")  # a correction: it was Ava, not Tyler
    assert queue["read"]()[nomination.pk]["achievement"] == "[name] and Tyler and [name] built it."

    NomineeGroup.objects.filter(pk=group.pk).update(name="Kian")
    group.members.remove(kian)
    assert queue["read"]()[nomination.pk]["achievement"] == "[name] and Tyler and [name] built it."


def test_the_same_statement_about_different_people_is_redacted_for_each(queue):
    """Two nominations with word for word the same statement (one nominator writing about two
    friends): each hides its own nominee, never the other's redaction served for it."""
    tyler = NomineeFactory(programme=queue["programme"], legal_first_name="Tyler", legal_last_name="Okafor")
    other = NominationFactory(
        programme=queue["programme"], category=queue["link"].category, nominee=tyler, status=NominationStatus.ELIGIBLE,
        nominator_name="Grace Adeyemi", nominator_organisation="Brightwater Care", achievement=STATEMENT,
        why_it_matters="Kian says Tyler helped.",
    )

    read = queue["read"]()

    assert read[queue["nomination"].pk]["why_it_matters"] == "[name] says Tyler helped."
    assert read[other.pk]["why_it_matters"] == "Kian says [name] helped."
    assert read[other.pk]["achievement"] == "Kian Brennan and [name] ran the Riverside club with Mrs [name] of [name] in Hollowby."


def test_namesakes_get_the_same_redaction_and_a_renamed_namesake_does_not_change_the_other(queue):
    namesake = NomineeFactory(programme=queue["programme"], legal_first_name="Kian", legal_last_name="Brennan")
    other = NominationFactory(
        programme=queue["programme"], category=queue["link"].category, nominee=namesake, status=NominationStatus.ELIGIBLE,
        nominator_name="Grace Adeyemi", nominator_organisation="Brightwater Care", achievement=STATEMENT,
        why_it_matters="Kian says Tyler helped.",
    )
    read = queue["read"]()
    for text in ("achievement", "why_it_matters"):
        assert read[other.pk][text] == read[queue["nomination"].pk][text]

    Nominee.objects.filter(pk=namesake.pk).update(preferred_name="Tyler")
    read = queue["read"]()

    assert read[other.pk]["why_it_matters"] == "[name] says [name] helped."
    assert read[queue["nomination"].pk]["why_it_matters"] == "[name] says Tyler helped."


def test_an_edited_statement_is_redacted_again(queue):
    queue["read"]()
    Nomination.objects.filter(pk=queue["nomination"].pk).update(why_it_matters="Brennan's friends say so.")

    assert queue["read"]()[queue["nomination"].pk]["why_it_matters"] == "[name]'s friends say so."


def test_the_cache_is_bounded(queue, monkeypatch):
    monkeypatch.setattr(cards.REDACTED_STATEMENTS, "size", 3)
    for number in range(5):
        cards.redacted_statement(f"Kian {number}", "", names=["Kian"], places=[])

    assert len(cards.REDACTED_STATEMENTS.entries) == 3
    assert cards.redacted_statement("Kian 4", "", names=["Kian"], places=[]) == ("[name] 4", "")
