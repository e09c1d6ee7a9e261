"""Organisers' spreadsheets of nominations. Each reads through a visibility selector."""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from .models import Nomination, Nominee
from .naming import nomination_announce_name
from .services import age_on, identity_access_record
from .spreadsheets import Column, ListExporter

# Rows held at once: small enough that memory does not grow with the export (1,000 vs 100,000 rows).
_CHUNK = 500


def _person_name(nominee: Nominee) -> str:
    return f"{nominee.legal_first_name} {nominee.legal_last_name}".strip()


class NominationsExporter(ListExporter):
    """Every nomination the list shows, with identity: organisers only, each row's read logged."""

    identifier = "nominations"
    verbose_name = "Nominations"
    columns = [
        Column("Reference", 14),
        Column("Status", 14),
        Column("Category", 28),
        Column("Submitted", 18),
        Column("Source", 10),
        Column("Legal first name", 18),
        Column("Legal last name", 18),
        Column("Preferred name", 16),
        Column("Date of birth", 13),
        Column("Age on reference date", 10),
        Column("Cohort", 14),
        Column("Area", 14),
        Column("Group", 24),
        Column("Announce name", 24),
        Column("Publicity level", 16),
        Column("Photography allowed", 10),
        Column("Safeguarding check done", 10),
        Column("Possible duplicate of nominee", 12),
        Column("Nominator", 22),
        Column("Nominator e-mail", 28),
        Column("Nominator phone", 16),
        Column("Nominator organisation", 22),
        Column("Relationship", 18),
        Column("What they achieved", 60),
        Column("Why it matters", 60),
        Column("Anything else", 40),
    ]

    def __init__(self, queryset: QuerySet[Nomination], *, user, context: str = "export.nominations"):
        self.queryset = queryset
        self.user = user
        self.context = context

    def rows(self) -> Iterator[list]:
        nominations = (
            self.queryset.select_related("programme", "category", "nominee", "group")
            .prefetch_related(Prefetch("group__members", queryset=Nominee.objects.order_by("id")))
            .order_by("reference")
        )
        seen: list[int] = []
        for nomination in nominations.iterator(chunk_size=_CHUNK):
            yield self.row(nomination)
            if nomination.nominee_id:
                seen.append(nomination.nominee_id)
            elif nomination.group_id:
                seen.extend(m.pk for m in nomination.group.members.all())
            if len(seen) >= _CHUNK:
                identity_access_record(user=self.user, nominee_ids=seen, context=self.context)
                seen = []
        identity_access_record(user=self.user, nominee_ids=seen, context=self.context)

    def row(self, nomination: Nomination) -> list:
        nominee = nomination.nominee
        person = [""] * 7
        if nominee is not None:
            person = [
                nominee.legal_first_name,
                nominee.legal_last_name,
                nominee.preferred_name,
                nominee.date_of_birth,
                age_on(nominee.date_of_birth, nomination.programme.age_reference_date) if nominee.date_of_birth else "",
                nominee.get_cohort_display(),
                nominee.area,
            ]
        group = ""
        if nomination.group_id:
            members = ", ".join(_person_name(m) for m in nomination.group.members.all())
            group = f"{nomination.group.name}: {members}"
        return [
            nomination.reference,
            nomination.get_status_display(),
            nomination.category.name,
            nomination.submitted_at,
            nomination.get_source_display(),
            *person,
            group,
            nomination_announce_name(nomination),
            nominee.get_publicity_level_display() if nominee else "",
            ("Yes" if nominee.photography_allowed else "No") if nominee else "",
            ("Yes" if nominee.safeguarding_complete else "No") if nominee else "",
            nominee.possible_duplicate_of_id or "" if nominee else "",
            nomination.nominator_name,
            nomination.nominator_email,
            nomination.nominator_phone,
            nomination.nominator_organisation,
            nomination.get_nominator_relationship_display(),
            nomination.achievement,
            nomination.why_it_matters,
            nomination.anything_else,
        ]


EXPORTERS = {NominationsExporter.identifier: NominationsExporter}
