"""The awards' vocabularies: programme status, roles, cohorts, what a category takes."""

from django.db import models


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for nominations"
    REVIEWING = "reviewing", "Shortlisting"
    FINALISED = "finalised", "Finalists confirmed"
    ARCHIVED = "archived", "Archived"


# Programmes whose categories anyone may read without logging in.
PUBLIC_PROGRAMME_STATUSES = (ProgrammeStatus.OPEN, ProgrammeStatus.REVIEWING, ProgrammeStatus.FINALISED)


class Cohort(models.TextChoices):
    CHILD_IN_CARE = "child_in_care", "Child in care"
    CARE_LEAVER = "care_leaver", "Care leaver"
    ANY = "any", "Child in care or care leaver"


class NomineeKind(models.TextChoices):
    """What a category takes as its nominee."""

    INDIVIDUAL = "individual", "A young person"
    GROUP = "group", "A group of young people"
    ADULT = "adult", "A carer or member of staff"


class Role(models.TextChoices):
    ORGANISER = "organiser", "Organiser"
    STAFF = "staff", "Staff"
    EVENT_STAFF = "event_staff", "Event staff"
