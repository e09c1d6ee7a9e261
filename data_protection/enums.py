"""Who asks for a subject access request, and its states."""

from django.db import models


class RequesterRelationship(models.TextChoices):
    YOUNG_PERSON = "young_person", "The young person"
    CARER = "carer", "Carer"
    BIRTH_PARENT = "birth_parent", "Birth parent"
    SOCIAL_WORKER = "social_worker", "Social worker or personal adviser"
    SOLICITOR = "solicitor", "Solicitor or advocate"
    OTHER = "other", "Someone else"


class SubjectAccessStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    REVIEWED = "reviewed", "Reviewed: ready to release"
