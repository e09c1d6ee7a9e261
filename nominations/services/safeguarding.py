"""The safeguarding check, the publicity level, consent per purpose and the access log of identity
reads (DESIGN.md safeguarding rules 3, 4 and 6)."""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from mail.enums import EmailKind
from mail.errors import NotAllowed  # NotAllowed, TransitionNotAllowed: re-exported
from mail.services import email_queue

from .. import rules
from ..enums import (
    ALLOWED_TRANSITIONS,
    PUBLICITY_ORDER,
    ConsentGiver,
    ConsentPurpose,
    NominationStatus,
    PhotoChoice,
    PublicityLevel,
)
from ..models import (
    Consent,
    IdentityAccess,
    Nomination,
    Nominee,
    NomineeHistory,
)
from ..naming import levels_allowed
from .base import NominationError, _actor_label, _user_or_none
from .lifecycle import nomination_transition


def _nominee_history(nominee: Nominee, action: str, actor, **detail) -> None:
    NomineeHistory.objects.create(
        nominee=nominee, action=action, actor=_user_or_none(actor), actor_label=_actor_label(actor), detail=detail
    )


def nominee_record_safeguarding(
    *,
    nominee: Nominee,
    actor,
    attendance_safe: bool,
    publicity_level: str,
    photography_allowed: bool,
    named_to_event_staff: bool | None = None,
    contact_allowed: bool | None = None,
    notes: str | None = None,
    safe_contact_email: str | None = None,
) -> Nominee:
    """Record the safeguarding check: whether attending is safe, how the name may be
    announced, whether photographs may be taken, whether the event staff at the door may know
    the name and whether certificates and letters may be sent to them (None: unchanged). Organisers and the allocated worker only. A name level other than
    anonymous, and photographs, need the matching consent given now."""
    if not rules.can_record_safeguarding(actor, nominee):
        raise NotAllowed("Only organisers and the young person's allocated worker can record the safeguarding check.")
    if publicity_level not in PublicityLevel.values:
        raise NominationError(f"'{publicity_level}' is not a publicity level.", field="publicity_level")
    with transaction.atomic():
        locked = Nominee.objects.select_for_update().get(pk=nominee.pk)
        overridden_before = own_choice_overrides(locked)
        current = {c.purpose: c.given for c in locked.consents.filter(withdrawn_at__isnull=True)}
        # Nothing about me without me: a name is read out, a photo taken, only with consent recorded now.
        if publicity_level != PublicityLevel.ANONYMOUS and current.get(ConsentPurpose.NAME_READ_OUT) is not True:
            raise NominationError(
                "Record consent to the name being read out before choosing a publicity level other than anonymous.",
                field="publicity_level",
            )
        if photography_allowed and current.get(ConsentPurpose.PHOTOGRAPHED) is not True:
            raise NominationError(
                "Record consent to being photographed before allowing photographs.", field="photography_allowed"
            )
        locked.attendance_safe = attendance_safe
        locked.publicity_level = publicity_level
        locked.photography_allowed = photography_allowed
        locked.safeguarding_checked_at = timezone.now()
        locked.safeguarding_checked_by = _user_or_none(actor)
        fields = ["attendance_safe", "publicity_level", "photography_allowed", "safeguarding_checked_at", "safeguarding_checked_by"]
        if named_to_event_staff is not None:
            locked.named_to_event_staff = named_to_event_staff
            fields.append("named_to_event_staff")
        if contact_allowed is not None:
            locked.contact_allowed = contact_allowed
            fields.append("contact_allowed")
        if notes is not None:
            locked.safeguarding_notes = notes
            fields.append("safeguarding_notes")
        if safe_contact_email is not None:
            locked.safe_contact_email = safe_contact_email.strip()
            fields.append("safe_contact_email")
        locked.save(update_fields=fields)
        _nominee_history(
            locked,
            "nominations.nominee.safeguarding_checked",
            actor,
            attendance_safe=attendance_safe,
            publicity_level=publicity_level,
            photography_allowed=photography_allowed,
            named_to_event_staff=locked.named_to_event_staff,
            contact_allowed=locked.contact_allowed,
        )
        _tell_young_person_of_override(locked, overridden_before, actor)
    return locked


YOUNG_PERSON_LABEL = "the young person (their own link)"


def own_choice_overrides(nominee: Nominee) -> dict[str, str]:
    """What the check now does instead of the young person's own answers (the stricter wins):
    "name" -> the level the room hears, where the check allows less than the name they chose;
    "photos" -> "no", where they said yes (or group photos) and photographs are no longer allowed.
    Empty before they answer."""
    overridden = {}
    own = nominee.own_publicity_level
    if own in PUBLICITY_ORDER and nominee.publicity_level in PUBLICITY_ORDER:
        if PUBLICITY_ORDER.index(nominee.publicity_level) < PUBLICITY_ORDER.index(own):
            overridden["name"] = nominee.publicity_level
    if nominee.own_photos in (PhotoChoice.YES, PhotoChoice.GROUP_ONLY) and not nominee.photography_allowed:
        overridden["photos"] = PhotoChoice.NO
    return overridden


def own_choices_overridden(nominee: Nominee) -> frozenset[str]:
    """Which of the young person's own answers the check now overrides: "name", "photos"."""
    return frozenset(own_choice_overrides(nominee))


def _tell_young_person_of_override(nominee: Nominee, before: dict[str, str], actor) -> None:
    """Where an organiser's or worker's change now overrides a choice the young person made
    ("nothing about me without me"), record it and tell them kindly, in the same transaction:
    events' e-mail (EmailKind.OWN_CHOICE_CHANGED) goes to them or through their carer, by the
    rules of their own link, and says what changed now, when it is sent. Told again only when
    what the room does instead changes (a name lowered twice is told twice; a save that changes
    nothing says nothing)."""
    after = own_choice_overrides(nominee)
    newly = {item for item, value in after.items() if before.get(item) != value}
    if not newly:
        return
    history = NomineeHistory.objects.create(
        nominee=nominee, action="nominations.nominee.own_choice_overridden", actor=_user_or_none(actor),
        actor_label=_actor_label(actor), detail={"overridden": sorted(newly)},
    )
    email_queue(
        kind=EmailKind.OWN_CHOICE_CHANGED, about=nominee, key=f"own-choice-changed:{nominee.pk}:{history.pk}",
        programme_id=nominee.programme_id,
    )


def nominee_record_own_choices(
    *, nominee: Nominee, publicity_level: str, photos: str, say_first_name: str, say_last_name: str
) -> Nominee:
    """Record the young person's own say, given through their private link: how their name is
    heard and said, and photographs. Nothing more identifying than the check allows is accepted
    (each refusal names its field and nothing is written); where they say yes, the consent is
    recorded as given by them. A refusal on their part needs no consent: the room follows the
    stricter of their choice and the check (nominations.naming.room_level)."""
    say_first_name, say_last_name = say_first_name.strip()[:100], say_last_name.strip()[:100]
    with transaction.atomic():
        locked = Nominee.objects.select_for_update().get(pk=nominee.pk)
        if publicity_level not in levels_allowed(locked):
            raise NominationError("That name choice is not one you can pick. Please choose one of the options shown.", field="publicity_level")
        if photos not in PhotoChoice.values or (photos != PhotoChoice.NO and not locked.photography_allowed):
            raise NominationError("That photo choice is not one you can pick. Please choose one of the options shown.", field="photos")
        now = timezone.now()
        current = {c.purpose: c for c in locked.consents.filter(withdrawn_at__isnull=True)}
        for purpose, says_yes in (
            (ConsentPurpose.NAME_READ_OUT, publicity_level != PublicityLevel.ANONYMOUS),
            (ConsentPurpose.PHOTOGRAPHED, photos != PhotoChoice.NO),
        ):
            held = current.get(purpose)
            if says_yes and held is not None and held.given and held.given_by != ConsentGiver.YOUNG_PERSON:
                held.withdrawn_at = now
                held.save(update_fields=["withdrawn_at"])
                Consent.objects.create(
                    nominee=locked, purpose=purpose, given=True, given_by=ConsentGiver.YOUNG_PERSON, given_at=now
                )
        locked.own_publicity_level = publicity_level
        locked.own_photos = photos
        locked.say_first_name = say_first_name
        locked.say_last_name = say_last_name
        locked.own_choices_at = now
        locked.save(update_fields=["own_publicity_level", "own_photos", "say_first_name", "say_last_name", "own_choices_at"])
        NomineeHistory.objects.create(
            nominee=locked,
            action="nominations.nominee.own_choices_recorded",
            actor=None,
            actor_label=YOUNG_PERSON_LABEL,
            detail={"given_by": ConsentGiver.YOUNG_PERSON, "publicity_level": publicity_level, "photos": photos},
        )
    return locked


def consent_record(
    *, nominee: Nominee, purpose: str, given: bool, given_by: str, actor, given_by_name: str = "", at: datetime | None = None
) -> Consent:
    """Record consent (or its refusal) for one purpose, replacing the current answer for it."""
    if not rules.can_record_safeguarding(actor, nominee):
        raise NotAllowed("Only organisers and the young person's allocated worker can record consent.")
    if purpose not in ConsentPurpose.values:
        raise NominationError(f"'{purpose}' is not a consent purpose.", field="purpose")
    if given_by not in ConsentGiver.values:
        raise NominationError(f"'{given_by}' is not someone who can give consent.", field="given_by")
    now = timezone.now()
    with transaction.atomic():
        locked = Nominee.objects.select_for_update().get(pk=nominee.pk)
        Consent.objects.filter(nominee=locked, purpose=purpose, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=_user_or_none(actor)
        )
        consent = Consent.objects.create(
            nominee=locked,
            purpose=purpose,
            given=given,
            given_by=given_by,
            given_by_name=given_by_name,
            given_at=at or now,
            recorded_by=_user_or_none(actor),
        )
        if not given:
            overridden_before = own_choice_overrides(locked)
            _apply_consent_refusal(locked, purpose, actor)
        _nominee_history(locked, "nominations.consent.recorded", actor, purpose=purpose, given=given, given_by=given_by)
        if not given:
            _tell_young_person_of_override(locked, overridden_before, actor)
    return consent


def consent_withdraw(*, nominee: Nominee, purpose: str, actor) -> Consent:
    """Withdraw the current consent for a purpose. Every later output honours it."""
    if not rules.can_record_safeguarding(actor, nominee):
        raise NotAllowed("Only organisers and the young person's allocated worker can withdraw consent.")
    with transaction.atomic():
        locked = Nominee.objects.select_for_update().get(pk=nominee.pk)
        consent = Consent.objects.filter(nominee=locked, purpose=purpose, withdrawn_at__isnull=True).first()
        if consent is None:
            raise NominationError("There is no current consent for that purpose to withdraw.", field="purpose")
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = _user_or_none(actor)
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        overridden_before = own_choice_overrides(locked)
        _apply_consent_refusal(locked, purpose, actor)
        _nominee_history(locked, "nominations.consent.withdrawn", actor, purpose=purpose)
        _tell_young_person_of_override(locked, overridden_before, actor)
    return consent


def _apply_consent_refusal(nominee: Nominee, purpose: str, actor=None) -> None:
    """Make every later output honour a refusal or withdrawal of consent."""
    if purpose == ConsentPurpose.NOMINATION:
        for nomination in Nomination.objects.filter(nominee=nominee).order_by("id"):
            if NominationStatus.WITHDRAWN in ALLOWED_TRANSITIONS[nomination.status]:
                nomination_transition(
                    nomination=nomination,
                    to=NominationStatus.WITHDRAWN,
                    actor=actor,
                    reason="Consent to being nominated was refused or withdrawn.",
                    authorised=True,
                )
    elif purpose == ConsentPurpose.NAME_READ_OUT and nominee.publicity_level != PublicityLevel.ANONYMOUS:
        nominee.publicity_level = PublicityLevel.ANONYMOUS
        nominee.save(update_fields=["publicity_level"])
    elif purpose == ConsentPurpose.PHOTOGRAPHED and nominee.photography_allowed:
        nominee.photography_allowed = False
        nominee.save(update_fields=["photography_allowed"])
    elif purpose == ConsentPurpose.ATTENDING and nominee.attendance_safe:
        nominee.attendance_safe = False
        nominee.save(update_fields=["attendance_safe"])


def identity_access_record(*, user, nominee_ids, context: str) -> None:
    """Log that `user` read the identity fields of these nominees: one INSERT statement however many
    (in batches of 500 rows), and no transaction of its own. bulk_create wraps its insert in one,
    which outside a request's transaction is two more round trips (BEGIN, COMMIT) on every list."""
    ids = [pk for pk in dict.fromkeys(nominee_ids) if pk is not None]
    if not ids:
        return
    meta = IdentityAccess._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("user", "username", "nominee", "context", "at"))
    person, label = _user_or_none(user), _actor_label(user)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            cursor.execute(
                # nosec B608 - the table and columns are the model's own names, quoted; every value is a parameter
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch)),  # nosec B608
                [value for pk in batch for value in (person.pk if person else None, label, pk, context, at)],
            )
