"""The synthetic demo programme that `manage.py seed_demo` builds: the demo accounts, last year's
programme and this year's, and the order in which the phases fill this year's.

Nothing here is about a real person: names are random combinations from the lists in demo.data,
areas, schools and homes are fictional, e-mail addresses use example.org and .test, and phone
numbers come from the range Ofcom keeps for drama (07700 900xxx).

The phases, each in its own module, draw on one random generator in this order, so the same seed
gives the same data:

- demo.people: young people, adults and groups, with the safeguarding checks and consents of
  demo.safeguarding, and the look-alike flags;
- demo.nominations: nominators and nominations, their statuses and history;
- demo.shortlisting: panels, members, conflicts, assignments and reviews;
- the night: demo.event through the services, or demo.scale in bulk.

Bulk rows are written in batches with demo.scale.insert_rows (COPY on PostgreSQL), because the
per-row services would take hours at 100,000 nominations. The rows are the ones the services
would write: match keys, look-alike flags, references from the programme's sequence and a history
row for every step, so the demo behaves like real intake.

Above SERVICE_REVIEWS_UP_TO nominations every panel reviews with K members, reviews and scores are
bulk-created with the same rules, and the night is written at national scale.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from awards.enums import ProgrammeStatus, Role
from awards.models import Category, Criterion, Programme, ProgrammeRole
from nominations.enums import Relationship
from nominations.models import NominationSequence

from .data import CATEGORIES_2025, CATEGORIES_2026, CategorySpec, Progress
from .event import seed_event
from .nominations import CONSENT_REFUSED_REASON as CONSENT_REFUSED_REASON  # re-exported: tests read it here
from .nominations import RELATIONSHIP_WEIGHTS, NominationsSeeder
from .people import FEATURED_NOMINATIONS, FEATURED_PEOPLE, PeopleSeeder
from .scale import seed_event_at_scale
from .shortlisting import ShortlistingSeeder

DEFAULT_NOMINATIONS = 270
DEFAULT_SEED = 2026

PROGRAMME_SLUG, PROGRAMME_PREFIX = "proud-2026", "PROUD26"
LAST_YEAR_SLUG, LAST_YEAR_PREFIX = "proud-2025", "PROUD25"

# (username, first name, last name, what the account is for)
DEMO_ACCOUNTS = (
    ("organiser", "Morgan", "Ellis", "organiser of PROUD Awards 2026 and 2025, and the Django admin"),
    ("staff", "Jordan", "Reeve", "social-care staff with young people allocated to them"),
    ("panel", "Pat", "Okoro", "member of the Young people's and Community panels, with nominations left to score"),
    ("chair", "Chris", "Hale", "chair of the Young people's panel: its ranking and shortlists"),
    ("youngpanel", "Riley", "Mensah", "care-experienced young member of the Young people's panel (conflicts found)"),
    ("door", "Dee", "Walsh", "event staff for the night"),
)
# The apps whose admin pages the organiser account may use.
ORGANISER_ADMIN_APPS = ("awards", "nominations", "shortlisting")

# Shares of the nominations, and how many nominees they come to.
GROUP_SHARE = 0.03
ADULT_SHARE = 0.06
NOMINEES_PER_NOMINATION = 0.78

# Panel members besides the demo accounts, with the demo password: (username, first name, last name).
PANEL_MEMBER_ACCOUNTS = (
    ("panel.member1", "Tayo", "Bennett"),  # a young person from the Care Leavers Forum
    ("panel.member2", "Helen", "Kowalski"),
    ("panel.member3", "Deepak", "Shaw"),
    ("panel.member4", "Rhian", "Price"),
    ("panel.member5", "Marek", "Doherty"),
    ("panel.member6", "Folake", "Turner"),
    ("panel.member7", "Graham", "Li"),
    ("panel.member8", "Sunita", "Wright"),
)

# Up to this many nominations reviews go through shortlisting.services.review_save; above it
# every panel reviews with K members and reviews and scores are bulk-created.
SERVICE_REVIEWS_UP_TO = 1000


class DemoExists(Exception):
    """The demo programme is already in the database."""


@dataclass(frozen=True)
class DemoSummary:
    programme: Programme
    nominations: int
    nominees: int
    groups: int
    panels: int = 0
    assignments: int = 0
    reviews_submitted: int = 0
    reviews_draft: int = 0
    event: object = None  # demo.event.EventSummary, when the event was seeded


def demo_exists() -> bool:
    return Programme.objects.filter(
        Q(slug__in=[PROGRAMME_SLUG, LAST_YEAR_SLUG]) | Q(reference_prefix__in=[PROGRAMME_PREFIX, LAST_YEAR_PREFIX])
    ).exists()


def seed_demo(
    *, nominations: int = DEFAULT_NOMINATIONS, seed: int = DEFAULT_SEED, progress: Progress | None = None,
    bulk: bool | None = None,
) -> DemoSummary:
    """Build the demo accounts, last year's programme and this year's with `nominations` nominations.

    Above SERVICE_REVIEWS_UP_TO nominations (or with `bulk=True` at any size) reviews, scores and
    the event are written in bulk, the event at national scale (demo.scale).

    Guarantees: all or nothing; the same seed gives the same people, categories and
    statuses (timestamps follow the clock); refuses when the demo programme exists.
    """
    if nominations < 0:
        raise ValueError("The number of nominations cannot be negative.")
    if bulk is None:
        bulk = nominations > SERVICE_REVIEWS_UP_TO
    with transaction.atomic():
        if demo_exists():
            raise DemoExists("The demo programme already exists.")
        now = timezone.now()
        users = demo_users_create()
        last_year = _programme_create(
            name="PROUD Awards 2025", slug=LAST_YEAR_SLUG, year=2025, prefix=LAST_YEAR_PREFIX,
            status=ProgrammeStatus.ARCHIVED,
            opens=timezone.make_aware(datetime(2025, 3, 3, 9)), closes=timezone.make_aware(datetime(2025, 5, 30, 17)),
            event_date=date(2025, 10, 17),
        )
        _categories_create(last_year, CATEGORIES_2025)
        programme = _programme_create(
            name="PROUD Awards 2026", slug=PROGRAMME_SLUG, year=2026, prefix=PROGRAMME_PREFIX, status=ProgrammeStatus.OPEN,
            opens=now - timedelta(weeks=6), closes=now + timedelta(weeks=4), event_date=None,
        )
        categories = _categories_create(programme, CATEGORIES_2026)
        ProgrammeRole.objects.bulk_create([
            ProgrammeRole(programme=programme, user=users["organiser"], role=Role.ORGANISER),
            ProgrammeRole(programme=last_year, user=users["organiser"], role=Role.ORGANISER),
            ProgrammeRole(programme=programme, user=users["staff"], role=Role.STAFF),
            ProgrammeRole(programme=programme, user=users["door"], role=Role.EVENT_STAFF),
        ])
        seeder = _IntakeSeeder(
            programme=programme, categories=categories, organiser=users["organiser"], staff=users["staff"],
            rng=random.Random(seed), now=now, progress=progress,
        )
        nominees, groups = seeder.run(nominations)
        shortlisting = ShortlistingSeeder(
            programme=programme, categories=categories, users=users, rng=seeder.rng, now=now, progress=progress,
        ).run(bulk=bulk)
        if not bulk:
            event = seed_event(programme=programme, users=users, rng=seeder.rng, now=now)
        else:
            event = seed_event_at_scale(programme=programme, users=users, rng=seeder.rng, now=now, nominations=nominations)
    return DemoSummary(
        programme=programme, nominations=nominations, nominees=nominees, groups=groups, event=event, **shortlisting
    )


def demo_users_create() -> dict:
    """The demo accounts and the extra panel members, all with settings.DEMO_PASSWORD;
    existing ones get it again."""
    user_model = get_user_model()
    # One hash for all: they share a published password, and hashing is slow by design.
    password = make_password(settings.DEMO_PASSWORD)
    users = {}
    accounts = [(username, first, last) for username, first, last, _ in DEMO_ACCOUNTS] + list(PANEL_MEMBER_ACCOUNTS)
    for username, first_name, last_name in accounts:
        users[username], _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "password": password,
                "is_active": True,
                "is_staff": username == "organiser",
            },
        )
    users["organiser"].user_permissions.set(Permission.objects.filter(content_type__app_label__in=ORGANISER_ADMIN_APPS))
    return users


def _programme_create(*, name, slug, year, prefix, status, opens, closes, event_date) -> Programme:
    return Programme.objects.create(
        name=name, slug=slug, year=year, reference_prefix=prefix, status=status,
        nominations_open_at=opens, nominations_close_at=closes,
        age_reference_date=date(year, 8, 31), event_date=event_date, blind_review=True,
    )


def _categories_create(programme: Programme, specs: tuple[CategorySpec, ...]) -> dict[str, Category]:
    categories = Category.objects.bulk_create([
        Category(
            programme=programme, name=spec.name, slug=spec.slug, description=spec.description,
            nominee_kind=spec.nominee_kind, cohort=spec.cohort, min_age=spec.min_age, max_age=spec.max_age,
            max_finalists=spec.max_finalists, display_order=order,
        )
        for order, spec in enumerate(specs, start=1)
    ])
    Criterion.objects.bulk_create([
        Criterion(category=category, name=name, guidance=guidance, weight=weight, max_score=5, display_order=order)
        for category, spec in zip(categories, specs)
        for order, (name, guidance, weight) in enumerate(spec.criteria, start=1)
    ])
    return {category.slug: category for category in categories}


class _IntakeSeeder:
    """Nominees, groups, consents, nominations and their history for one programme: the people
    first (demo.people), then the nominations for them (demo.nominations)."""

    def __init__(self, *, programme, categories, organiser, staff, rng, now, progress: Progress | None):
        progress = progress or (lambda label, done, total: None)
        self.programme = programme
        self.rng = rng
        self.people = PeopleSeeder(programme=programme, organiser=organiser, staff=staff, rng=rng, now=now, progress=progress)
        self.nominations = NominationsSeeder(
            programme=programme, categories=categories, organiser=organiser, staff=staff, rng=rng, now=now,
            progress=progress, nomination_refused=self.people.nomination_refused,
        )

    def run(self, count: int) -> tuple[int, int]:
        """Write `count` nominations and the people they are for. Returns (nominees, groups)."""
        group_count = int(count * GROUP_SHARE)
        adult_nominations = int(count * ADULT_SHARE)
        individual = count - group_count - adult_nominations
        featured = FEATURED_PEOPLE if individual >= 2 * FEATURED_NOMINATIONS else ()
        random_nominations = individual - (FEATURED_NOMINATIONS if featured else 0)
        random_people = round(random_nominations * NOMINEES_PER_NOMINATION)

        young = self.people.young_people(featured, random_people)
        adults = self.people.adults(math.ceil(adult_nominations * 0.7))
        groups = self.people.groups(group_count, young)

        targets = self.nominations.targets(
            featured=featured, random_people=random_people, random_nominations=random_nominations,
            adults=len(adults), adult_nominations=adult_nominations, groups=group_count,
        )
        nominators = self.nominations.nominators(max(10, math.ceil(count * 0.6)), RELATIONSHIP_WEIGHTS)
        peers = self.nominations.nominators(max(10, adult_nominations), {Relationship.PEER: 1})
        self.nominations.write(targets, young=young, adults=adults, groups=groups, nominators=nominators, peers=peers)
        self.people.flag_lookalikes(young)
        NominationSequence.objects.update_or_create(programme=self.programme, defaults={"last_number": count})
        return len(young) + len(adults), len(groups)
