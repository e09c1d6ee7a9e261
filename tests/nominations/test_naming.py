import pytest

from nominations.enums import PersonKind, PublicityLevel
from nominations.naming import ANONYMOUS_ADULT, ANONYMOUS_YOUNG_PERSON, announce_name, nomination_announce_name
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
