"""The people of the demo programme: young people (random ones and the featured look-alikes),
the adults young people nominate, the groups, and the look-alike flags intake would set.

Each nominee gets its safeguarding check and consents as it is built (demo.safeguarding), and
is written in batches with demo.scale.insert_rows. What later phases need of a nominee is kept
as a small SeededPerson, without the model instance."""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from awards.enums import Cohort
from awards.models import Programme
from nominations.enums import PersonKind
from nominations.matching import alias_key, match_key
from nominations.models import Nominee, NomineeGroup
from nominations.services import age_on

from .data import ADULT_FIRST_NAMES, AREAS, BATCH_SIZE, LAST_NAMES, YOUNG_FIRST_NAMES, Progress, adult_name
from .safeguarding import consents_and_checks_write, safeguarding_check
from .scale import insert_rows, set_column

# How many of the random young people are allocated to the staff account.
STAFF_CASELOAD = 20
NICKNAMES = {
    "Alexandra": "Sasha", "Chiamaka": "Chi", "Elizabeth": "Libby", "Frederick": "Freddie", "Isabella": "Izzy",
    "Jonathan": "Jonny", "Mohammed": "Mo", "Oliver": "Ollie", "Oluwaseun": "Seun", "Oluwatobi": "Tobi",
    "Theodore": "Theo", "Zuzanna": "Zuza",
}
# Names some young people choose for themselves, whatever their legal name.
CHOSEN_NAMES = ("Ash", "Eli", "Jay", "Kit", "River", "Rowan", "Sky")
PRONUNCIATIONS = {
    "Adaeze": "ah-DAY-zeh", "Aiyana": "eye-YAH-nah", "Aoife": "EE-fa", "Chiamaka": "chee-AH-mah-kah",
    "Ciarán": "KEER-awn", "Efua": "EH-fwah", "Eilidh": "AY-lee", "Ffion": "FEE-on", "Gethin": "GETH-in",
    "Joaquín": "wah-KEEN", "Leilani": "lay-LAH-nee", "Niamh": "NEEV", "Nkechi": "en-KAY-chee",
    "Oluwaseun": "oh-loo-wah-SHAY-oon", "Oluwatobi": "oh-loo-wah-TOH-bee", "Saoirse": "SEER-sha",
    "Seán": "SHAWN", "Thanh": "TAN", "Themba": "TEM-bah", "Xiaoling": "shyow-LING", "Zuzanna": "zoo-ZAH-nah",
}
# Ages 5 to 25 on the reference date: most nominees are in their teens.
AGE_WEIGHTS = dict(zip(range(5, 26), (2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 9, 9, 8, 7, 6, 5, 4, 3, 2, 2)))

# The deliberate duplicates, as nominators really type them, and a right-to-left name:
# (legal first, legal last, preferred, how to say the name they go by (first name, then surname),
# date of birth, cohort, the first name each nominator used).
FEATURED_PEOPLE = (
    # Nominators wrote Alfie and Alfred: one nominee record (already merged), two nominations.
    ("Alfred", "Whitlock", "Alfie", "", date(2013, 2, 9), Cohort.CHILD_IN_CARE, ("Alfie", "Alfred")),
    ("Zoë", "Okafor-Hughes", "", "ZOH-ee", date(2009, 6, 21), Cohort.CHILD_IN_CARE, ("Zoë", "Zoe")),
    # A mistyped year of birth and a misspelt first name: separate records flagged as look-alikes.
    ("Siobhán", "Byrne", "", "shiv-AWN", date(2009, 3, 14), Cohort.CHILD_IN_CARE, ("Siobhán",)),
    ("Siobhan", "Byrne", "", "", date(2010, 3, 14), Cohort.CHILD_IN_CARE, ("Siobhan",)),
    ("Mateusz", "Nowak", "", "mah-TEH-oosh", date(2011, 11, 2), Cohort.CHILD_IN_CARE, ("Mateusz",)),
    ("Mateus", "Nowak", "", "", date(2011, 11, 2), Cohort.CHILD_IN_CARE, ("Mateus",)),
    ("ليلى", "حداد", "Layla", "LAY-la ha-DAD", date(2006, 5, 30), Cohort.CARE_LEAVER, ("Layla",)),
)
def _say(pronunciation: str) -> tuple[str, str]:
    """A featured person's hint, per part: the first word for the first name, the rest for the surname."""
    first, _, last = pronunciation.partition(" ")
    return first, last


FEATURED_NOMINATIONS = sum(len(person[-1]) for person in FEATURED_PEOPLE)
GROUP_PROJECTS = (
    "Children in Care Council", "Care Leavers Forum", "Youth Voice Film Crew", "Garden Project", "Drama Group",
    "Young Inspectors", "Cooking Club", "Fun Day Team", "Podcast Team", "Welcome Pack Team",
)


@dataclass(frozen=True, slots=True)
class SeededPerson:
    """What later steps need of an inserted nominee, without keeping the model instance."""

    pk: int
    match_key: str
    name: str
    age: int | None = None
    cohort: str = ""
    staff_allocated: bool = False


class PeopleSeeder:
    """Nominees and groups for one programme, with their safeguarding checks and consents."""

    def __init__(
        self, *, programme: Programme, organiser, staff, rng: random.Random, now: datetime, progress: Progress,
    ):
        self.programme = programme
        self.organiser = organiser
        self.staff = staff
        self.rng = rng
        self.now = now
        self.progress = progress
        self.taken_keys: set[str] = set()
        self.nomination_refused: dict[int, object] = {}  # nominee pk -> who recorded the refusal
        self.workers: list[str] = []  # social workers' names, one per fifteen young people

    def young_people(self, featured, random_count: int) -> list[SeededPerson]:
        """The featured people (FEATURED_PEOPLE, or none) and `random_count` random young people;
        STAFF_CASELOAD of the random ones are allocated to the staff account."""
        self.workers += [adult_name(self.rng) for _ in range(max(10, random_count // 15))]
        caseload = set(self.rng.sample(range(random_count), min(STAFF_CASELOAD, random_count)))
        people = self._insert([
            self._young_nominee(first, last, preferred, *_say(pronunciation), born, cohort, staff_allocated=False)
            for first, last, preferred, pronunciation, born, cohort, _ in featured
        ])
        pending = []
        for i in range(random_count):
            pending.append(self._random_young_person(staff_allocated=i in caseload))
            if len(pending) == BATCH_SIZE or i == random_count - 1:
                people += self._insert(pending)
                pending = []
                self.progress("young people", len(people), len(featured) + random_count)
        return people

    def _random_young_person(self, staff_allocated: bool) -> Nominee:
        rng = self.rng
        reference = self.programme.age_reference_date
        while True:
            first = rng.choice(YOUNG_FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            if rng.random() < 0.06:
                last = f"{last}-{rng.choice(LAST_NAMES)}"
            age = rng.choices(list(AGE_WEIGHTS), weights=list(AGE_WEIGHTS.values()))[0]
            born = reference - timedelta(days=rng.randint(math.ceil(age * 365.25) + 1, math.floor((age + 1) * 365.25) - 1))
            if match_key(first_name=first, last_name=last, date_of_birth=born) not in self.taken_keys:
                break
        age = age_on(born, reference)
        if age < 16:
            cohort = Cohort.CHILD_IN_CARE
        elif age < 18:
            cohort = Cohort.CHILD_IN_CARE if rng.random() < 0.75 else Cohort.CARE_LEAVER
        else:
            cohort = Cohort.CARE_LEAVER
        preferred = ""
        if first in NICKNAMES and rng.random() < 0.6:
            preferred = NICKNAMES[first]
        elif rng.random() < 0.04:
            preferred = rng.choice(CHOSEN_NAMES)
        pronunciation = PRONUNCIATIONS.get(first, "") if rng.random() < 0.8 else ""
        # The hint is for the legal first name: said only when no preferred name replaces it.
        say_first = pronunciation if not preferred else ""
        return self._young_nominee(first, last, preferred, say_first, "", born, cohort, staff_allocated)

    def _young_nominee(self, first, last, preferred, say_first, say_last, born, cohort, staff_allocated) -> Nominee:
        nominee = Nominee(
            programme_id=self.programme.pk, kind=PersonKind.YOUNG_PERSON,
            legal_first_name=first, legal_last_name=last, preferred_name=preferred,
            say_first_name=say_first, say_last_name=say_last,
            date_of_birth=born, cohort=cohort, area=self.rng.choice(AREAS),
            allocated_worker=self.staff if staff_allocated else None,
            allocated_worker_name=self.staff.get_full_name() if staff_allocated else self.rng.choice(self.workers),
            match_key=match_key(first_name=first, last_name=last, date_of_birth=born),
            alias_key=alias_key(first_name=first, last_name=last, date_of_birth=born),
        )
        self.taken_keys.add(nominee.match_key)
        checked_by = self.staff if staff_allocated and self.rng.random() < 0.5 else self.organiser
        self._safeguarding(nominee, checked_by=checked_by)
        return nominee

    def adults(self, count: int) -> list[SeededPerson]:
        """`count` adults (carers and workers) for young people to nominate for PROUD+."""
        rng = self.rng
        nominees = []
        while len(nominees) < count:
            first, last = rng.choice(ADULT_FIRST_NAMES), rng.choice(LAST_NAMES)
            key = match_key(first_name=first, last_name=last, date_of_birth=None)
            # Without a birth date the names are the whole key: double surnames keep large runs unique.
            while key in self.taken_keys:
                last = f"{last.split('-')[0]}-{rng.choice(LAST_NAMES)}"
                key = match_key(first_name=first, last_name=last, date_of_birth=None)
            self.taken_keys.add(key)
            nominee = Nominee(
                programme_id=self.programme.pk, kind=PersonKind.ADULT, legal_first_name=first, legal_last_name=last,
                area=rng.choice(AREAS), match_key=key,
                alias_key=alias_key(first_name=first, last_name=last, date_of_birth=None),
            )
            self._safeguarding(nominee, checked_by=self.organiser)
            nominees.append(nominee)
        people = []
        for start in range(0, len(nominees), BATCH_SIZE):
            people += self._insert(nominees[start:start + BATCH_SIZE])
        return people

    def _safeguarding(self, nominee: Nominee, *, checked_by) -> None:
        safeguarding_check(
            nominee, rng=self.rng, programme=self.programme, now=self.now, checked_by=checked_by, organiser=self.organiser,
        )

    def _insert(self, nominees: list[Nominee]) -> list[SeededPerson]:
        """Write the nominees, then their consents and checks (which need their primary keys)."""
        insert_rows(Nominee, nominees)
        self.nomination_refused |= consents_and_checks_write(nominees, rng=self.rng, programme=self.programme, now=self.now)
        reference = self.programme.age_reference_date
        return [
            SeededPerson(
                pk=n.pk, match_key=n.match_key, name=n.first_name,
                age=age_on(n.date_of_birth, reference) if n.date_of_birth else None,
                cohort=n.cohort, staff_allocated=n.allocated_worker_id is not None,
            )
            for n in nominees
        ]

    def groups(self, count: int, young: list[SeededPerson]) -> list[NomineeGroup]:
        """`count` groups of two to six of the young people, for the group category."""
        if not young:
            return []
        rng = self.rng
        names: set[str] = set()
        groups = []
        for _ in range(count):
            name = f"{rng.choice(AREAS)} {rng.choice(GROUP_PROJECTS)}"
            while name in names:
                name = f"{rng.choice(AREAS)} {rng.choice(GROUP_PROJECTS)} {rng.randint(2, 99)}"
            names.add(name)
            groups.append(NomineeGroup(programme_id=self.programme.pk, name=name))
        insert_rows(NomineeGroup, groups)
        membership = NomineeGroup.members.through
        insert_rows(
            membership,
            [
                membership(nomineegroup_id=group.pk, nominee_id=member.pk)
                for group in groups
                for member in rng.sample(young, min(len(young), rng.randint(2, 6)))
            ],
        )
        return groups

    def flag_lookalikes(self, young: list[SeededPerson]) -> None:
        """Flag each young person whose names, or surname and birth date, match an earlier record's,
        pointing at the first such record, as nominations.services does at intake."""
        by_names: dict[str, int] = {}
        by_surname_and_birth: dict[str, int] = {}
        flagged = []
        for person in sorted(young, key=lambda p: p.pk):
            first, last, born = person.match_key.split("|")
            earlier = [pk for pk in (by_names.get(f"{first}|{last}"), by_surname_and_birth.get(f"{last}|{born}")) if pk]
            if earlier:
                flagged.append((min(earlier), person.pk))
            by_names.setdefault(f"{first}|{last}", person.pk)
            by_surname_and_birth.setdefault(f"{last}|{born}", person.pk)
        # bulk_update's CASE per batch takes seconds at scale.
        set_column(Nominee, "possible_duplicate_of", flagged)
