"""The nominations' vocabularies: statuses and allowed moves, consent purposes and givers, publicity
levels, relationships, sources."""

from django.db import models


class NominationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Not eligible"
    SHORTLISTED = "shortlisted", "Shortlisted"
    NOT_SHORTLISTED = "not_shortlisted", "Not shortlisted"
    WINNER = "winner", "Winner"
    HIGHLY_COMMENDED = "highly_commended", "Highly commended"
    FINALIST = "finalist", "Finalist"
    WITHDRAWN = "withdrawn", "Withdrawn"


S = NominationStatus

# The lifecycle of DESIGN.md. A move not listed here is refused.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN}),
    S.ELIGIBLE: frozenset({S.SHORTLISTED, S.NOT_SHORTLISTED, S.INELIGIBLE, S.WITHDRAWN}),
    S.INELIGIBLE: frozenset({S.ELIGIBLE, S.WITHDRAWN}),
    S.SHORTLISTED: frozenset({S.WINNER, S.HIGHLY_COMMENDED, S.FINALIST, S.NOT_SHORTLISTED, S.WITHDRAWN}),
    S.NOT_SHORTLISTED: frozenset({S.SHORTLISTED, S.WITHDRAWN}),
    # Results are recorded before the night; a young person can still withdraw until it.
    S.WINNER: frozenset({S.WITHDRAWN}),
    S.HIGHLY_COMMENDED: frozenset({S.WITHDRAWN}),
    S.FINALIST: frozenset({S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
}

# Moves a nominator may make on their own nomination; every other move is an organiser's.
NOMINATOR_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {(S.DRAFT, S.SUBMITTED)} | {(state, S.WITHDRAWN) for state, targets in ALLOWED_TRANSITIONS.items() if S.WITHDRAWN in targets}
)


class PersonKind(models.TextChoices):
    YOUNG_PERSON = "young_person", "Young person"
    ADULT = "adult", "Carer or member of staff"


class PublicityLevel(models.TextChoices):
    FULL_NAME = "full_name", "Full name"
    FIRST_NAME_INITIAL = "first_name_initial", "First name and initial"
    FIRST_NAME = "first_name", "First name only"
    ANONYMOUS = "anonymous", "Anonymous"


class PhotoChoice(models.TextChoices):
    """The young person's own answer about photographs (never beyond the check and consent)."""

    YES = "yes", "Yes, photos are fine"
    GROUP_ONLY = "group_only", "Only group photos"
    NO = "no", "No photos of me"


# Least identifying first: the stricter of two levels is the one earlier in this list.
PUBLICITY_ORDER = ("anonymous", "first_name", "first_name_initial", "full_name")


class ConsentPurpose(models.TextChoices):
    NOMINATION = "nomination", "Being nominated"
    ATTENDING = "attending", "Attending the event"
    NAME_READ_OUT = "name_read_out", "Name read out"
    PHOTOGRAPHED = "photographed", "Photographed on the night"
    PRESS = "press", "Press and social media"


class ConsentGiver(models.TextChoices):
    YOUNG_PERSON = "young_person", "The young person"
    CARER = "carer", "Carer with delegated authority"
    SOCIAL_WORKER = "social_worker", "Social worker"
    PARENT = "parent", "Parent with parental responsibility"


class Relationship(models.TextChoices):
    FOSTER_CARER = "foster_carer", "Foster carer"
    RESIDENTIAL_WORKER = "residential_worker", "Residential worker"
    SOCIAL_WORKER = "social_worker", "Social worker"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    TEACHER = "teacher", "Teacher"
    PEER = "peer", "A young person in care or care-experienced"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    FORM = "form", "Public form"
    API = "api", "API"
    IMPORT = "import", "Spreadsheet import"


# Limits on the reasons, in characters; the form and the API say them.
ACHIEVEMENT_MAX = 3000
WHY_IT_MATTERS_MAX = 3000
ANYTHING_ELSE_MAX = 1500
