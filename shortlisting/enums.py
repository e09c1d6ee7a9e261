"""Shortlisting's vocabularies: panel roles, assignment strategies, conflict sources, review and
shortlist states."""

from django.db import models

from nominations.enums import NominationStatus


class AssignmentStrategy(models.TextChoices):
    EVERYONE = "everyone", "Everyone reviews every nomination"
    K_REVIEWERS = "k_reviewers", "Each nomination is reviewed by K members"


class PanelRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class ConflictSource(models.TextChoices):
    DECLARED = "declared", "Declared by the member"
    NOMINATOR = "nominator", "Member is the nominator"
    NOMINATOR_EMAIL = "nominator_email", "Member shares the nominator's e-mail"
    ALLOCATED_WORKER = "allocated_worker", "Member is the allocated worker"
    SHARED_CARER = "shared_carer", "Young member shares a carer with the nominee"
    SHARED_AREA = "shared_area", "Young member lives in the nominee's area"
    SHARED_WORKER = "shared_worker", "Young member shares an allocated worker with the nominee"


class ShortlistState(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED = "proposed", "Proposed by the chair"
    CONFIRMED = "confirmed", "Confirmed"


# Nominations a panel reviews: eligible ones, and those already decided while the shortlist is open.
REVIEWABLE_STATUSES = (NominationStatus.ELIGIBLE, NominationStatus.SHORTLISTED, NominationStatus.NOT_SHORTLISTED)

# Members' review totals further apart than this share of the maximum are flagged for discussion.
DISAGREEMENT_SHARE = 0.3
