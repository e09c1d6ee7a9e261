"""The events' vocabularies: invitation kinds and states, food and access needs, guests'
relationships, running-order item kinds."""

from django.db import models


class InvitationKind(models.TextChoices):
    FINALIST = "finalist", "Finalist"
    PRESENTER = "presenter", "Presenter"
    PERFORMER = "performer", "Performer"
    COMPERE = "compere", "Compere"
    VIP = "vip", "VIP"
    NOMINATOR = "nominator", "Nominator"
    STAFF = "staff", "Staff"


class InvitationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    QUEUED = "queued", "Queued to send"
    SENT = "sent", "Sent, waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired (no answer by the deadline)"


# Statuses in which the private link opens the RSVP page.
LINK_OPEN_STATUSES = (InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)
# Statuses that can still be sent (again).
SENDABLE_STATUSES = (InvitationStatus.DRAFT, InvitationStatus.QUEUED, InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)


class Dietary(models.TextChoices):
    VEGETARIAN = "vegetarian", "Vegetarian"
    VEGAN = "vegan", "Vegan"
    HALAL = "halal", "Halal"
    KOSHER = "kosher", "Kosher"
    GLUTEN_FREE = "gluten_free", "Gluten free"
    DAIRY_FREE = "dairy_free", "Dairy free"
    NUT_ALLERGY = "nut_allergy", "Nut allergy"


class AccessNeed(models.TextChoices):
    WHEELCHAIR = "wheelchair", "Wheelchair space"
    BSL = "bsl", "BSL interpreter"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    QUIET_SPACE = "quiet_space", "Quiet space"
    OTHER = "other", "Other"


class Easier(models.TextChoices):
    """What would make the night easier, in the young person's words."""

    QUIET_SPACE = "quiet_space", "A quiet place to go if it gets too much"
    ARRIVE_EARLY = "arrive_early", "Arriving early, before it gets busy"
    FAMILIAR_ADULT = "familiar_adult", "An adult I know staying close by"


class Speech(models.TextChoices):
    YES = "yes", "Yes, I'd like to say something"
    FEW_WORDS = "few_words", "Just a few words, like thank you"
    NO = "no", "No, I'd rather not"


SURPRISE_ME = "surprise"


class GuestRelationship(models.TextChoices):
    FINALIST = "finalist", "The finalist"
    INVITEE = "invitee", "The person invited"
    CARER = "carer", "Carer"
    FAMILY = "family", "Family"
    FRIEND = "friend", "Friend"
    WORKER = "worker", "Social worker or personal adviser"
    SUPPORT = "support", "Support worker"
    OTHER = "other", "Other"


class ItemKind(models.TextChoices):
    WELCOME = "welcome", "Welcome"
    AWARD = "award", "Award"
    PERFORMANCE = "performance", "Performance"
    SPEECH = "speech", "Speech"
    BREAK = "break", "Break"
    CLOSE = "close", "Close"


class ShowStage(models.TextChoices):
    """How far the show has got with its current item (night.show): an item is up next, then on
    stage, then (an award) its finalists are shown and its winner revealed, then it is done."""

    READY = "ready", "Not started"
    UP_NEXT = "up_next", "Up next"
    ON_STAGE = "on_stage", "On stage"
    FINALISTS = "finalists", "Finalists shown"
    WINNER = "winner", "Winner revealed"
    DONE = "done", "Done"
    ENDED = "ended", "Ended"


class ShowView(models.TextChoices):
    """The views that follow the show, each of which a show key can open without signing in."""

    SCREEN = "screen", "Audience screen"
    COMPERE = "compere", "Compere"
    STAGE = "stage", "Stage and photographer"
