"""The nominations of the demo programme: who nominates (adults who know the young people, young
people nominating adults, the staff account for its own caseload), for whom and in which category,
their statuses, and the rows intake would write: the nominations, with references from the
programme's sequence, and a history row for every step.

The people they are for come first (demo.people); a young person who refused to be nominated has
their nominations withdrawn, as the refusal does through nominations.services."""

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from awards.enums import Cohort, NomineeKind
from awards.models import Category, Programme
from nominations.enums import NominationStatus, Relationship, Source
from nominations.models import Nomination, NominationHistory, NomineeGroup
from nominations.services import PersonInput, eligibility_problems

from .data import ADULT_FIRST_NAMES, AREAS, BATCH_SIZE, CATEGORIES_2026, LAST_NAMES, YOUNG_FIRST_NAMES, Progress
from .people import AGE_WEIGHTS, SeededPerson
from .scale import insert_dicts, insert_rows

# Drafts and withdrawals happen at any time; the organiser has checked the eligibility of
# most early nominations and few recent ones (about half end up eligible, 7% not).
DRAFT_SHARE = 0.03
WITHDRAWN_SHARE = 0.04
ELIGIBLE_SHARE_OF_CHECKED = 0.88
# The reason recorded when a refusal to be nominated withdrew a nomination.
CONSENT_REFUSED_REASON = "Consent to being nominated was refused or withdrawn."
SOURCE_WEIGHTS = {Source.FORM: 85, Source.IMPORT: 10, Source.API: 5}
RELATIONSHIP_WEIGHTS = {
    Relationship.FOSTER_CARER: 30,
    Relationship.SOCIAL_WORKER: 20,
    Relationship.RESIDENTIAL_WORKER: 15,
    Relationship.TEACHER: 15,
    Relationship.PERSONAL_ADVISER: 10,
    Relationship.OTHER: 10,
}
ORGANISATIONS = {
    Relationship.FOSTER_CARER: ("County Fostering Service", "Brightwater Fostering", ""),
    Relationship.RESIDENTIAL_WORKER: ("Willow House children's home", "Oak Lodge", "The Beeches"),
    Relationship.SOCIAL_WORKER: ("Children's social care",),
    Relationship.PERSONAL_ADVISER: ("Leaving care service",),
    Relationship.TEACHER: (
        "Valley Academy", "Northfield High School", "Riverside Primary School", "Virtual School", "Coastal College",
    ),
    Relationship.OTHER: ("Youth club", "Independent visitor scheme", "Boxing club", ""),
    Relationship.PEER: ("Children in Care Council", "Care Leavers Forum", ""),
}
EMAIL_DOMAINS = {
    Relationship.SOCIAL_WORKER: "county.example.org",
    Relationship.PERSONAL_ADVISER: "county.example.org",
    Relationship.TEACHER: "school.test",
    Relationship.RESIDENTIAL_WORKER: "homes.test",
}

# Statement sentences; {name} is the name the nominator used, and the young person is "they".
ACHIEVEMENTS = {
    "choices": (
        "{name} moved to a new foster home this year and, after a hard start, has settled in and made real friends.",
        "{name} used to find mornings very difficult; now they are up, ready and at school on time almost every day.",
        "When things go wrong, {name} has learned to say how they feel and ask for help instead of running off.",
        "{name} has kept away from people who were not good for them, even when that meant spending weekends alone.",
        "{name} joined a youth club on their own, has gone every week, and now helps to set up.",
        "{name} has started cooking tea for the household once a week and is rightly proud of it.",
    ),
    "education": (
        "{name} went from missing most of Year 9 to full attendance this year.",
        "{name} passed GCSE English and maths at the second attempt, after months of evening revision.",
        "{name} finished the first year of a motor vehicle course at college with a distinction.",
        "{name} started an apprenticeship with a local employer and has not missed a day.",
        "{name} learned to read confidently this year and now reads to the younger children in the house.",
        "{name} is in the second year of a nursing degree while working part time.",
    ),
    "others": (
        "{name} looks after their younger brothers and sisters at family time and makes sure everyone feels included.",
        "When a new young person arrived at the home, {name} showed them round and sat with them at meals "
        "until they felt settled.",
        "{name} noticed that a friend was struggling and helped them talk to an adult they trust.",
        "{name} helps another young person who is learning English, translating for them at appointments.",
    ),
    "community": (
        "{name} has been on the Children in Care Council for two years and helped rewrite the welcome pack "
        "for new children in care.",
        "{name} organised a sponsored walk that raised money for the local food bank.",
        "{name} volunteers every Saturday morning at the animal sanctuary.",
        "{name} told councillors what it is like to move placement, and their ideas changed how moves are planned.",
        "{name} sat on the young people's interview panel for new social workers.",
    ),
    "talent": (
        "{name} plays drums in a band and performed at the summer festival in front of hundreds of people.",
        "{name} was picked for the county under-16 football squad.",
        "{name} has drawn every day this year and had two pieces chosen for an exhibition of young people's art.",
        "{name} passed their Grade 5 piano exam with merit.",
        "{name} won a regional boxing title after a year of early-morning training.",
        "{name} writes poetry and read one of their poems aloud at the Care Day celebration.",
    ),
    "inspiration": (
        "{name} left care last year, set up their first flat and now mentors younger care leavers moving on.",
        "{name} became a parent this year and has made a safe, loving home for their baby.",
        "{name} went back into education at 21 and has a place to study social work.",
        "{name} found full-time work after a long time out of a job and has just been promoted.",
        "{name} tells their story at training for new foster carers so that they understand care from the inside.",
    ),
    "team": (
        "{name} planned and ran a summer fun day for younger children in care.",
        "{name} made a short film about moving placement that is now shown at foster carer training.",
        "{name} designed and built a garden at the children's home with help from a local charity.",
        "{name} wrote and performed a play about their experience of care.",
    ),
    "adult": (
        "{name} never gave up on me, even when I was really hard to be around.",
        "{name} drove me to every football match and stood on the touchline in the rain.",
        "{name} helped me set up my first flat and still texts me to check I'm okay.",
        "{name} listened to what I wanted and fought for me to stay at my school.",
        "{name} taught me to cook and sat up with me when I couldn't sleep.",
    ),
}
WHY_IT_MATTERS = {
    "young": (
        "{name} has had a lot of change in a short time and still keeps going.",
        "Being recognised would show {name} how far they have come; they do not always see it themselves.",
        "People have given up on {name} before. This year they showed what they can do.",
        "Everyone around {name} has noticed the difference, and they deserve to hear it.",
        "It would mean a great deal to {name}'s brothers and sisters to see this celebrated.",
    ),
    "team": (
        "Every member of the group brought something, and they kept each other going.",
        "It showed other young people in care that their voices are heard.",
    ),
    "adult": (
        "I want {name} to know how much it meant. Not every young person has someone like this.",
        "I don't think I would be where I am now without {name}.",
    ),
}
ANYTHING_ELSE = (
    "{name} does not know about this nomination yet.",
    "{name} is shy in big groups but would love to come on the night.",
    "{name} would love to bring their foster carers to the celebration.",
    "Please talk to me before contacting {name}; there is a lot going on at home.",
)
INELIGIBLE_REASONS = (
    "Not looked after by the county and not one of its care leavers.",
    "The nominator has not known the young person in the last 12 months.",
    "Won in this category last year for the same achievement.",
)
WITHDRAWN_REASONS = (
    "The young person asked not to be nominated this year.",
    "Sent twice by mistake.",
    "The placement has ended; the new carers will nominate next year.",
)


@dataclass(frozen=True, slots=True)
class _Nominator:
    name: str
    email: str
    relationship: str
    organisation: str
    phone: str
    user: object = None


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", folded)


class NominationsSeeder:
    """Nominators and nominations for one programme's people, and the nominations' history."""

    def __init__(
        self, *, programme: Programme, categories: dict[str, Category], organiser, staff, rng: random.Random,
        now: datetime, progress: Progress, nomination_refused: dict[int, object],
    ):
        self.programme = programme
        self.categories = categories
        self.organiser = organiser
        self.staff = staff
        self.rng = rng
        self.now = now
        self.progress = progress
        # Filled in by demo.people as the young people are written: nominee pk -> who recorded the refusal.
        self.nomination_refused = nomination_refused
        self.themes = {spec.slug: spec.theme for spec in CATEGORIES_2026}
        self.used: set[tuple[str, int, int]] = set()  # (nominator e-mail, category, nominee) already nominated
        self.eligible = _eligibility_table(programme=programme, categories=categories)
        self.staff_nominator = _Nominator(
            name=staff.get_full_name(), email=staff.email, relationship=Relationship.SOCIAL_WORKER,
            organisation="Children's social care", phone="", user=staff,
        )

    def targets(
        self, *, featured, random_people: int, random_nominations: int, adults: int, adult_nominations: int,
        groups: int,
    ) -> list[tuple[str, int, str]]:
        """Who each nomination is for, shuffled into submission order: (kind, index into that kind's
        people, the first name the nominator used or ""). Each featured name, random young person,
        adult and group gets one; the nominations left over go to random young people and adults."""
        rng = self.rng
        targets = [("young", index, typed) for index, person in enumerate(featured) for typed in person[-1]]
        first_random = len(featured)
        targets += [("young", first_random + i, "") for i in range(random_people)]
        targets += [
            ("young", first_random + rng.randrange(random_people), "") for _ in range(random_nominations - random_people)
        ]
        targets += [("adult", i if i < adults else rng.randrange(adults), "") for i in range(adult_nominations)]
        targets += [("group", i, "") for i in range(groups)]
        rng.shuffle(targets)
        return targets

    def nominators(self, count: int, relationship_weights: dict[str, int]) -> list[_Nominator]:
        """`count` nominators whose relationships follow `relationship_weights`."""
        rng = self.rng
        relationships, weights = list(relationship_weights), list(relationship_weights.values())
        nominators = []
        for number in range(1, count + 1):
            relationship = rng.choices(relationships, weights=weights)[0]
            young = relationship == Relationship.PEER
            first = rng.choice(YOUNG_FIRST_NAMES if young else ADULT_FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            organisation = rng.choice(ORGANISATIONS[relationship])
            if relationship == Relationship.SOCIAL_WORKER:
                organisation = f"{organisation}, {rng.choice(AREAS)} team"
            local_part = f"{_ascii_slug(first) or 'nominator'}.{_ascii_slug(last) or 'demo'}{number}"
            nominators.append(_Nominator(
                name=f"{first} {last}",
                email=f"{local_part}@{EMAIL_DOMAINS.get(relationship, 'example.org')}",
                relationship=relationship,
                organisation=organisation,
                phone=f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.6 else "",
            ))
        return nominators

    def _pick_nominator(self, pool: list[_Nominator], category: Category, nominee_pk: int | None) -> _Nominator:
        """A nominator who has not yet nominated this nominee in this category (the database refuses a second)."""
        while True:
            nominator = self.rng.choice(pool)
            if nominee_pk is None or (nominator.email, category.pk, nominee_pk) not in self.used:
                break
        if nominee_pk is not None:
            self.used.add((nominator.email, category.pk, nominee_pk))
        return nominator

    def write(
        self, targets: list[tuple[str, int, str]], *, young: list[SeededPerson], adults: list[SeededPerson],
        groups: list[NomineeGroup], nominators: list[_Nominator], peers: list[_Nominator],
    ) -> None:
        """One nomination for each target, numbered in order, written in batches with their history."""
        total = len(targets)
        batch: list[tuple[Nomination, str]] = []
        for number, (kind, index, typed) in enumerate(targets, start=1):
            category, nominee_pk, group_pk, name, nominator = self._for_whom(
                kind, index, typed, young=young, adults=adults, groups=groups, nominators=nominators, peers=peers,
            )
            batch.append(self._nomination(
                number, total, kind=kind, category=category, nominee_pk=nominee_pk, group_pk=group_pk, name=name,
                nominator=nominator,
            ))
            if len(batch) == BATCH_SIZE or number == total:
                self._insert(batch)
                batch = []
                self.progress("nominations", number, total)

    def _for_whom(self, kind, index, typed, *, young, adults, groups, nominators, peers):
        """(category, nominee pk, group pk, the name the nominator used, nominator) of one target."""
        rng = self.rng
        nominee_pk = group_pk = None
        if kind == "group":
            category, group_pk, name = self.categories["team-effort"], groups[index].pk, groups[index].name
            nominator = self._pick_nominator(nominators, category, None)
        elif kind == "adult":
            person = adults[index]
            category, nominee_pk, name = self.categories["proud-plus"], person.pk, person.name
            nominator = self._pick_nominator(peers, category, nominee_pk)
        else:
            person = young[index]
            fits, weights = self.eligible[(person.age, person.cohort)]
            category, nominee_pk, name = rng.choices(fits, weights=weights)[0], person.pk, typed or person.name
            staff_pair = (self.staff.email, category.pk, nominee_pk)
            # Allocated workers nominate some of their own young people.
            if person.staff_allocated and rng.random() < 0.5 and staff_pair not in self.used:
                self.used.add(staff_pair)
                nominator = self.staff_nominator
            else:
                pool = peers if rng.random() < 0.06 else nominators
                nominator = self._pick_nominator(pool, category, nominee_pk)
        return category, nominee_pk, group_pk, name, nominator

    def _nomination(
        self, number: int, total: int, *, kind, category, nominee_pk, group_pk, name, nominator,
    ) -> tuple[Nomination, str]:
        """The nomination numbered `number` of `total`, unsaved, and the reason for its status."""
        rng = self.rng
        opened = self.programme.nominations_open_at
        # References follow submission order; nominations pick up towards the deadline.
        position = (number - 1 + rng.random()) / total
        submitted_at = opened + (self.now - opened) * (position ** 0.6)
        status = _status(rng, position)
        if nominee_pk in self.nomination_refused:
            # The young person said no: the refusal withdrew the nomination (as _apply_consent_refusal does).
            status = NominationStatus.WITHDRAWN
        theme = self.themes[category.slug]
        voice = theme if theme in WHY_IT_MATTERS else "young"
        nomination = Nomination(
            programme_id=self.programme.pk, category_id=category.pk, nominee_id=nominee_pk, group_id=group_pk,
            reference=f"{self.programme.reference_prefix}-{number:04d}",
            status=status,
            source=rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0],
            nominator_name=nominator.name, nominator_email=nominator.email, nominator_phone=nominator.phone,
            nominator_organisation=nominator.organisation, nominator_relationship=nominator.relationship,
            nominator_known_recently=True, nominator_user=nominator.user,
            achievement=" ".join(rng.sample(ACHIEVEMENTS[theme], 2)).format(name=name),
            why_it_matters=rng.choice(WHY_IT_MATTERS[voice]).format(name=name),
            anything_else=rng.choice(ANYTHING_ELSE).format(name=name) if kind == "young" and rng.random() < 0.3 else "",
            submitted_at=None if status == NominationStatus.DRAFT else submitted_at,
            # Written when it was submitted, so the history reads in order (drafts: now).
            created_at=None if status == NominationStatus.DRAFT else submitted_at,
        )
        reason = ""
        if status == NominationStatus.INELIGIBLE:
            reason = rng.choice(INELIGIBLE_REASONS)
        elif nominee_pk in self.nomination_refused:
            reason = CONSENT_REFUSED_REASON
        elif status == NominationStatus.WITHDRAWN:
            reason = rng.choice(WITHDRAWN_REASONS)
        return nomination, reason

    def _insert(self, batch: list[tuple[Nomination, str]]) -> None:
        insert_rows(Nomination, [nomination for nomination, _ in batch])
        insert_dicts(NominationHistory, _history(batch, organiser=self.organiser, nomination_refused=self.nomination_refused))


def _eligibility_table(
    *, programme: Programme, categories: dict[str, Category],
) -> dict[tuple[int, str], tuple[list[Category], list[int]]]:
    """The individual categories open to each age and cohort, by the service's own rule, with
    their popularity as weights."""
    reference = programme.age_reference_date
    individual = [
        (categories[spec.slug], spec.popularity)
        for spec in CATEGORIES_2026
        if spec.nominee_kind == NomineeKind.INDIVIDUAL
    ]
    table = {}
    for age in AGE_WEIGHTS:
        for cohort in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER):
            born = reference.replace(year=reference.year - age)
            person = PersonInput(legal_first_name="", legal_last_name="", date_of_birth=born, cohort=cohort)
            fits = [
                (category, weight) for category, weight in individual
                if not eligibility_problems(category=category, person=person, programme=programme)
            ]
            table[(age, cohort)] = ([c for c, _ in fits], [w for _, w in fits])
    return table


def _status(rng: random.Random, position: float) -> str:
    """A status for the nomination submitted at `position` (0 first, 1 latest): the organiser
    has checked the eligibility of nearly all early nominations and few recent ones."""
    roll = rng.random()
    if roll < DRAFT_SHARE:
        return NominationStatus.DRAFT
    if roll < DRAFT_SHARE + WITHDRAWN_SHARE:
        return NominationStatus.WITHDRAWN
    if rng.random() < min(0.95, max(0.05, 1.15 - position)):
        return NominationStatus.ELIGIBLE if rng.random() < ELIGIBLE_SHARE_OF_CHECKED else NominationStatus.INELIGIBLE
    return NominationStatus.SUBMITTED


def _history(batch: list[tuple[Nomination, str]], *, organiser, nomination_refused: dict[int, object]) -> list[dict]:
    """The NominationHistory rows (as dicts: instances cost more than the insert at scale) of each
    step the written nominations took: created, submitted, and checked or withdrawn, by whom."""
    history = []
    for nomination, reason in batch:
        # Imports are run by the organiser; everything else comes from the nominator.
        actor = organiser if nomination.source == Source.IMPORT else nomination.nominator_user
        label = actor.get_username() if actor else "nominator"
        history.append({
            "nomination_id": nomination.pk, "action": "nominations.nomination.created", "from_status": "",
            "to_status": NominationStatus.DRAFT, "actor_id": actor.pk if actor else None, "actor_label": label,
            "reason": f"via {Source(nomination.source).label.lower()}", "at": nomination.submitted_at,
        })
        if nomination.status == NominationStatus.DRAFT:
            continue
        history.append({
            "nomination_id": nomination.pk, "action": "nominations.nomination.submitted",
            "from_status": NominationStatus.DRAFT, "to_status": NominationStatus.SUBMITTED,
            "actor_id": actor.pk if actor else None, "actor_label": label, "reason": "", "at": nomination.submitted_at,
        })
        if nomination.status in (NominationStatus.ELIGIBLE, NominationStatus.INELIGIBLE):
            actor, label = organiser, organiser.get_username()
        elif reason == CONSENT_REFUSED_REASON:
            actor = nomination_refused[nomination.nominee_id]
            label = actor.get_username()
        elif nomination.status == NominationStatus.WITHDRAWN:
            actor = nomination.nominator_user
            label = actor.get_username() if actor else "nominator (private link)"
        else:
            continue
        history.append({
            "nomination_id": nomination.pk, "action": f"nominations.nomination.{nomination.status}",
            "from_status": NominationStatus.SUBMITTED, "to_status": nomination.status,
            "actor_id": actor.pk if actor else None, "actor_label": label, "reason": reason,
        })
    return history
