import pytest

from awards.enums import Cohort, NomineeKind
from awards.models import Category, Criterion
from awards.services import ProgrammeError, programme_copy_categories
from tests.factories import CategoryFactory, CriterionFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_copy_categories_brings_rubric_and_rules():
    last_year = ProgrammeFactory()
    source = CategoryFactory(programme=last_year, slug="talent", cohort=Cohort.CARE_LEAVER, min_age=16, max_age=25, max_finalists=4)
    CriterionFactory(category=source, name="Impact", weight=2, max_score=10, guidance="How much changed")
    CriterionFactory(category=source, name="Effort", weight=1, max_score=5)
    this_year = ProgrammeFactory()

    created = programme_copy_categories(source=last_year, target=this_year)

    copy = Category.objects.get(programme=this_year, slug="talent")
    assert created == [copy]
    assert (copy.cohort, copy.min_age, copy.max_age, copy.max_finalists) == (Cohort.CARE_LEAVER, 16, 25, 4)
    assert list(copy.criteria.values_list("name", "weight", "max_score", "guidance")) == [
        ("Impact", 2, 10, "How much changed"),
        ("Effort", 1, 5, ""),
    ]
    assert Criterion.objects.filter(category=source).count() == 2


def test_copy_categories_refuses_clashes_and_writes_nothing():
    last_year = ProgrammeFactory()
    CategoryFactory(programme=last_year, slug="talent")
    CategoryFactory(programme=last_year, slug="inspiration")
    this_year = ProgrammeFactory()
    CategoryFactory(programme=this_year, slug="talent")

    with pytest.raises(ProgrammeError, match="already exist.*talent"):
        programme_copy_categories(source=last_year, target=this_year)
    assert list(this_year.categories.values_list("slug", flat=True)) == ["talent"]


def test_copy_into_itself_is_refused():
    programme = ProgrammeFactory()
    with pytest.raises(ProgrammeError, match="different programme"):
        programme_copy_categories(source=programme, target=programme)


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"cohort": Cohort.ANY}, "Children in care and care leavers."),
        ({"cohort": Cohort.CARE_LEAVER, "min_age": 16, "max_age": 25}, "Care leavers aged 16 to 25."),
        ({"cohort": Cohort.CHILD_IN_CARE, "max_age": 10}, "Children in care aged up to 10."),
        ({"cohort": Cohort.ANY, "min_age": 11}, "Children in care and care leavers aged 11 or over."),
        ({"nominee_kind": NomineeKind.GROUP}, "Children in care and care leavers (a group of young people)."),
        ({"nominee_kind": NomineeKind.ADULT}, "Nominated by a young person: a carer or member of staff."),
    ],
)
def test_eligibility_text_states_the_rule(kwargs, text):
    assert CategoryFactory.build(**kwargs).eligibility_text == text
