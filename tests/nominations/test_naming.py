import pytest

from nominations.enums import PersonKind, PublicityLevel
from nominations.naming import (
    ANONYMOUS_ADULT,
    ANONYMOUS_YOUNG_PERSON,
    Audience,
    announce_name,
    name_for,
    name_forms,
    nomination_announce_name,
    pronunciation_for,
)
from tests.factories import NominationFactory, NomineeFactory, NomineeGroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (PublicityLevel.FULL_NAME, "Jaz Whitmore"),
        (PublicityLevel.FIRST_NAME_INITIAL, "Jaz W."),
        (PublicityLevel.FIRST_NAME, "Jaz"),
        (PublicityLevel.ANONYMOUS, ANONYMOUS_YOUNG_PERSON),
    ],
)
def test_announce_name_follows_publicity_level_and_prefers_chosen_name(level, expected):
    nominee = NomineeFactory.build(legal_first_name="Jasmine", preferred_name="Jaz", legal_last_name="Whitmore", publicity_level=level)
    assert announce_name(nominee) == expected


def test_announce_name_never_contains_surname_below_full_name():
    for level in (PublicityLevel.FIRST_NAME, PublicityLevel.ANONYMOUS):
        nominee = NomineeFactory.build(legal_first_name="Ruby", legal_last_name="Fairbrother", publicity_level=level)
        assert "Fairbrother" not in announce_name(nominee)


def test_new_nominee_is_anonymous_until_checked():
    nominee = NomineeFactory()
    assert announce_name(nominee) == ANONYMOUS_YOUNG_PERSON


def test_anonymous_adult_has_its_own_wording():
    nominee = NomineeFactory.build(kind=PersonKind.ADULT, date_of_birth=None, publicity_level=PublicityLevel.ANONYMOUS)
    assert announce_name(nominee) == ANONYMOUS_ADULT


def test_group_nomination_is_announced_by_group_name():
    group = NomineeGroupFactory(name="The Rainbow Choir")
    nomination = NominationFactory(programme=group.programme, nominee=None, group=group)
    assert nomination_announce_name(nomination) == "The Rainbow Choir"


# --- names by audience -------------------------------------------------------------------------

CHI = dict(legal_first_name="Chiamaka", legal_last_name="Obi", preferred_name="Chi")


@pytest.mark.parametrize(
    ("audience", "named_to_event_staff", "expected"),
    [
        (Audience.IDENTITY, True, "Chiamaka Obi (Chi)"),
        (Audience.KNOWN, True, "Chi O."),
        (Audience.EVENT_TEAM, True, "Chi O."),
        (Audience.EVENT_TEAM, False, "Finalist no. 12, table 5, with Sam Murray"),
        (Audience.ROOM, True, "Chi"),
        (Audience.YOUNG_PERSON, True, "Chi Obi"),
    ],
)
def test_each_audience_sees_its_own_name(audience, named_to_event_staff, expected):
    nominee = NomineeFactory.build(**CHI, publicity_level=PublicityLevel.FIRST_NAME, named_to_event_staff=named_to_event_staff)
    assert name_for(audience, nominee, **({"number": 12, "table": 5, "with_name": "Sam Murray"} if audience == Audience.EVENT_TEAM else {})) == expected


def test_a_chosen_name_is_the_young_persons_on_their_certificate_and_never_anonymous():
    nominee = NomineeFactory.build(**CHI, publicity_level=PublicityLevel.ANONYMOUS)
    assert name_for(Audience.YOUNG_PERSON, nominee) == "Chi Obi"
    nominee.chosen_name = "Chi"
    assert name_for(Audience.YOUNG_PERSON, nominee) == "Chi"


def test_a_blind_panel_gets_no_name_from_here():
    with pytest.raises(ValueError):
        name_for(Audience.BLIND_PANEL, NomineeFactory.build(**CHI))


# Leak 2 of issue 14: "Layla — Say it: LAY-la ha-DAD" for a first-name-only finalist, and a hint for a
# legal first name that a preferred name replaces.
@pytest.mark.parametrize(
    ("level", "room_hears"),
    [
        (PublicityLevel.FULL_NAME, "LAY-la ha-DAD"),
        (PublicityLevel.FIRST_NAME_INITIAL, "LAY-la"),
        (PublicityLevel.FIRST_NAME, "LAY-la"),
        (PublicityLevel.ANONYMOUS, ""),
    ],
)
def test_the_room_hears_how_to_say_only_the_parts_of_the_name_it_hears(level, room_hears):
    layla = NomineeFactory.build(legal_first_name="Layla", legal_last_name="Haddad", say_first_name="LAY-la", say_last_name="ha-DAD", publicity_level=level)
    assert pronunciation_for(Audience.ROOM, layla) == room_hears
    assert pronunciation_for(Audience.EVENT_TEAM, layla) == "LAY-la"  # the event team reads an initial
    assert pronunciation_for(Audience.KNOWN, layla) == "LAY-la ha-DAD"


def test_a_stored_hint_is_for_the_name_as_it_is_said():
    """The first-name hint is recorded for the name they go by, so a legal first name replaced by a
    preferred one never comes back through how to say it (the migration moves an old one-line hint
    it cannot split safely to the safeguarding notes)."""
    chi = NomineeFactory.build(**CHI, say_first_name="CHEE", publicity_level=PublicityLevel.FIRST_NAME)
    assert pronunciation_for(Audience.ROOM, chi) == "CHEE"


def test_name_forms_cover_each_part_and_the_full_name():
    zoe = NomineeFactory.build(legal_first_name="Zoë", legal_last_name="O'Neill-Hughes", preferred_name="Zo")
    assert name_forms(zoe) == [
        "Zoë", "Zo", "O'Neill-Hughes", "Zoë O'Neill-Hughes", "Zoë O'Neill", "Zoë Hughes", "Zo O'Neill-Hughes", "Zo O'Neill", "Zo Hughes"
    ]
