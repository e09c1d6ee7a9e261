"""Data some measurements need beyond the demo: a category scored by a full panel, and a
spreadsheet of nominations to import. Written in bulk with demo.scale."""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import Workbook

from awards.enums import Cohort, NomineeKind, ProgrammeStatus
from awards.models import Category, Criterion, Programme
from demo.data import ADULT_FIRST_NAMES, LAST_NAMES, YOUNG_FIRST_NAMES
from demo.scale import copy_rows, insert_rows
from nominations.enums import NominationStatus, PersonKind, Relationship
from nominations.matching import alias_key, match_key
from nominations.models import Nomination, Nominee
from shortlisting.enums import AssignmentStrategy, PanelRole, ReviewStatus
from shortlisting.models import Assignment, Panel, PanelCategory, PanelMember, Review, Score

MEMBERS = 5
CRITERIA = 5


def ranking_fixture(*, nominations: int = 10_000, seed: int = 7):
    """A programme with one category of `nominations` eligible nominations, a panel of five
    members who have each submitted scores on all five criteria of every one of them."""
    rng = random.Random(seed)
    now = timezone.now()
    programme = Programme.objects.create(
        name="Ranking benchmark", slug="bench-ranking", year=2026, reference_prefix="BENCHRK", status=ProgrammeStatus.OPEN,
        nominations_open_at=now - timedelta(weeks=8), nominations_close_at=now - timedelta(weeks=1),
        age_reference_date=date(2026, 8, 31),
    )
    category = Category.objects.create(
        programme=programme, name="Achievement", slug="achievement", description="Benchmark", nominee_kind=NomineeKind.INDIVIDUAL,
        cohort=Cohort.ANY, max_finalists=10,
    )
    criteria = Criterion.objects.bulk_create([
        Criterion(category=category, name=f"Criterion {n}", guidance="", weight=1 + n % 2, max_score=5, display_order=n)
        for n in range(1, CRITERIA + 1)
    ])
    panel = Panel.objects.create(
        programme=programme, name="Ranking panel", strategy=AssignmentStrategy.EVERYONE, reviewers_per_nomination=MEMBERS
    )
    PanelCategory.objects.create(panel=panel, category=category)
    users = [
        get_user_model().objects.create(username=f"bench.rank{n}", email=f"bench.rank{n}@example.org")
        for n in range(1, MEMBERS + 1)
    ]
    members = PanelMember.objects.bulk_create([
        PanelMember(panel=panel, user=user, role=PanelRole.CHAIR if index == 0 else PanelRole.MEMBER)
        for index, user in enumerate(users)
    ])
    reference = programme.age_reference_date
    nominees = []
    for number in range(nominations):
        first, last = rng.choice(YOUNG_FIRST_NAMES), f"{rng.choice(LAST_NAMES)}-{number}"
        born = reference - timedelta(days=rng.randint(11 * 365, 20 * 365))
        nominees.append(Nominee(
            programme=programme, kind=PersonKind.YOUNG_PERSON, legal_first_name=first, legal_last_name=last,
            date_of_birth=born, cohort=Cohort.CHILD_IN_CARE, match_key=match_key(first_name=first, last_name=last, date_of_birth=born),
            alias_key=alias_key(first_name=first, last_name=last, date_of_birth=born),
        ))
    insert_rows(Nominee, nominees)
    rows = insert_rows(Nomination, [
        Nomination(
            programme=programme, category=category, nominee_id=nominee.pk, reference=f"BENCHRK-{number:05d}",
            status=NominationStatus.ELIGIBLE, nominator_name="Bench Nominator", nominator_email=f"n{number}@example.org",
            nominator_relationship=Relationship.TEACHER, nominator_known_recently=True, achievement="Kept going.",
            why_it_matters="It matters.", submitted_at=now - timedelta(days=20),
        )
        for number, nominee in enumerate(nominees, start=1)
    ])
    assignments = insert_rows(Assignment, [
        Assignment(panel=panel, member=member, nomination_id=nomination.pk) for nomination in rows for member in members
    ])
    habits = {member.pk: (rng.uniform(-1, 1), rng.uniform(0.6, 1.4)) for member in members}
    quality = {nomination.pk: rng.uniform(0.1, 0.95) for nomination in rows}
    reviews = insert_rows(Review, [
        Review(assignment_id=a.pk, status=ReviewStatus.SUBMITTED, submitted_at=now - timedelta(days=3)) for a in assignments
    ])
    columns = [Score._meta.get_field(name).column for name in ("review", "criterion", "value")]
    scores = []
    for review, assignment in zip(reviews, assignments):
        shift, stretch = habits[assignment.member_id]
        for criterion in criteria:
            value = 5 * (0.5 + stretch * (quality[assignment.nomination_id] - 0.5)) + shift + rng.gauss(0, 0.6)
            scores.append((review.pk, criterion.pk, min(5, max(0, round(value)))))
    copy_rows(Score._meta.db_table, columns, scores)
    return panel, category, {
        "nominations": nominations, "members": MEMBERS, "criteria": CRITERIA, "reviews": len(reviews), "scores": len(scores),
    }


IMPORT_HEADERS = [
    "Young person's first name", "Young person's last name", "Date of birth", "In care or care leaver", "Area", "Category",
    "Nominator name", "Nominator email", "Relationship", "Known in last 12 months", "What did they achieve",
    "Why does it matter",
]


def import_workbook(*, rows: int, programme: Programme, seed: int = 11) -> str:
    """An .xlsx of `rows` valid nominations for the programme's education award, as an online
    form would export them; returns its path (the caller deletes it)."""
    rng = random.Random(seed)
    category = Category.objects.get(programme=programme, slug="achievement-in-education")
    reference = programme.age_reference_date
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Form responses")
    sheet.append(IMPORT_HEADERS)
    for number in range(rows):
        age = rng.randint(10, 20)
        born = reference - timedelta(days=age * 365 + rng.randint(30, 300))
        cohort = "Child in care" if age < 17 else "Care leaver"
        sheet.append([
            rng.choice(YOUNG_FIRST_NAMES), f"{rng.choice(LAST_NAMES)}-Import{number}", born.strftime("%d/%m/%Y"), cohort,
            "North", category.name, f"{rng.choice(ADULT_FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            f"import.nominator{number}@school.test", "Teacher", "Yes",
            "Went from missing most of Year 9 to full attendance this year.", "They deserve to hear it.",
        ])
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    workbook.save(handle)
    handle.close()
    return handle.name


