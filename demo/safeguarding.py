"""The safeguarding check of each demo nominee and the consent conversation it rests on.

Consent comes before the check and the check honours it, as nominations.services requires: a
name is read out, or a photograph taken, only with consent to it given and current; a refusal
to attend makes attendance unsafe. `safeguarding_check` decides both for a nominee not yet
written; once the nominees have primary keys, `consents_and_checks_write` writes the Consent
rows and the NomineeHistory of both, as consent_record and nominee_record_safeguarding would."""

import random
from datetime import datetime, timedelta

from awards.models import Programme
from nominations.enums import ConsentGiver, ConsentPurpose, PersonKind, PublicityLevel
from nominations.models import Consent, Nominee, NomineeHistory
from nominations.services import age_on

from .data import adult_name
from .scale import insert_dicts, insert_rows

# Young people who said no to being nominated: their nominations are withdrawn.
NOMINATION_REFUSED_SHARE = 0.03
PUBLICITY_WEIGHTS = {
    PublicityLevel.FULL_NAME: 35,
    PublicityLevel.FIRST_NAME_INITIAL: 30,
    PublicityLevel.FIRST_NAME: 20,
    PublicityLevel.ANONYMOUS: 15,
}
SAFEGUARDING_NOTES = (
    "Prefers not to be photographed from the front.",
    "Needs a quiet space to go to during the evening.",
    "Will come with a support worker.",
)
UNSAFE_NOTES = (
    "Attending could bring them into contact with someone who must not know where they live.",
    "Placement address must not be shared; a public event is not safe at present.",
)


def safeguarding_check(
    nominee: Nominee, *, rng: random.Random, programme: Programme, now: datetime, checked_by, organiser,
) -> None:
    """Half the nominees have had the safeguarding check; the rest keep the safe defaults
    (anonymous, no photographs). Consent is asked first and the check honours it, as
    nominee_record_safeguarding requires: a level other than anonymous only with consent to
    the name being read out, photographs only with consent to them. The answers wait on
    the instance (`_demo_consent`) until the nominee has a primary key."""
    young = nominee.kind == PersonKind.YOUNG_PERSON
    nominee._demo_consent = None
    if rng.random() < 0.5:
        # Not checked yet: some young people have already said yes, or no, to being nominated.
        if young:
            roll = rng.random()
            if roll < NOMINATION_REFUSED_SHARE:
                nominee._demo_consent = ({ConsentPurpose.NOMINATION: False}, organiser, None)
            elif roll < 0.3:
                nominee._demo_consent = ({ConsentPurpose.NOMINATION: True}, organiser, None)
        return
    opened = programme.nominations_open_at
    nominee.safeguarding_checked_at = opened + (now - opened) * rng.random()
    nominee.safeguarding_checked_by = checked_by
    purposes: dict[str, bool] = {}
    if rng.random() < 0.85:  # the rest were checked before anyone asked: they stay anonymous
        if young and rng.random() < NOMINATION_REFUSED_SHARE:
            purposes = {ConsentPurpose.NOMINATION: False}
        else:
            name_read_out = rng.random() < 0.85
            purposes = {
                ConsentPurpose.NOMINATION: True,
                ConsentPurpose.ATTENDING: rng.random() < 0.95,
                ConsentPurpose.NAME_READ_OUT: name_read_out,
                ConsentPurpose.PHOTOGRAPHED: rng.random() < 0.75,
            }
            if name_read_out and rng.random() < 0.4:
                purposes[ConsentPurpose.PRESS] = True
        nominee._demo_consent = (purposes, checked_by, nominee.safeguarding_checked_at)
    # With consent the check may still keep the name back; without it the name stays back.
    if purposes.get(ConsentPurpose.NAME_READ_OUT):
        nominee.publicity_level = rng.choices(list(PUBLICITY_WEIGHTS), weights=list(PUBLICITY_WEIGHTS.values()))[0]
    anonymous = nominee.publicity_level == PublicityLevel.ANONYMOUS
    nominee.photography_allowed = bool(purposes.get(ConsentPurpose.PHOTOGRAPHED)) and rng.random() < (
        0.3 if anonymous else 0.9
    )
    unsafe = rng.random() < 0.06
    # A refusal to attend is honoured as the service does: attendance is not safe.
    nominee.attendance_safe = not unsafe and purposes.get(ConsentPurpose.ATTENDING) is not False
    if unsafe:
        nominee.safeguarding_notes = rng.choice(UNSAFE_NOTES)
    elif rng.random() < 0.1:
        nominee.safeguarding_notes = rng.choice(SAFEGUARDING_NOTES)


def consents_and_checks_write(
    nominees: list[Nominee], *, rng: random.Random, programme: Programme, now: datetime,
) -> dict[int, object]:
    """Write the consents `safeguarding_check` planned for these (inserted) nominees and the
    history of the consents and the checks. Returns who recorded each refusal to be nominated,
    by nominee pk: that refusal withdraws the young person's nominations."""
    consents, history, refused = [], [], {}
    for nominee in nominees:
        # The consent conversation comes before the check it allows.
        for consent in _consents(nominee, rng=rng, programme=programme, now=now):
            consents.append(consent)
            history.append(_nominee_history(
                nominee, "nominations.consent.recorded", consent.recorded_by,
                purpose=consent.purpose, given=consent.given, given_by=consent.given_by,
            ))
            if consent.withdrawn_at is not None:
                history.append(_nominee_history(
                    nominee, "nominations.consent.withdrawn", consent.withdrawn_by, purpose=consent.purpose
                ))
            if consent.purpose == ConsentPurpose.NOMINATION and not consent.given:
                refused[nominee.pk] = consent.recorded_by
        if nominee.safeguarding_checked_at is not None:
            history.append(_nominee_history(
                nominee, "nominations.nominee.safeguarding_checked", nominee.safeguarding_checked_by,
                attendance_safe=nominee.attendance_safe, publicity_level=nominee.publicity_level,
                photography_allowed=nominee.photography_allowed,
            ))
    insert_rows(Consent, consents)
    insert_dicts(NomineeHistory, history)
    return refused


def _nominee_history(nominee, action, actor, **detail) -> dict:
    """A NomineeHistory row (as a dict: instances cost more than the insert at scale)."""
    return {
        "nominee_id": nominee.pk, "action": action, "actor_id": actor.pk, "actor_label": actor.get_username(),
        "detail": detail,
    }


def _consents(nominee: Nominee, *, rng: random.Random, programme: Programme, now: datetime) -> list[Consent]:
    """The answers safeguarding_check planned, as current Consent rows (a refusal is given=False)."""
    plan = getattr(nominee, "_demo_consent", None)
    if not plan:
        return []
    purposes, recorded_by, checked_at = plan
    if checked_at is None:
        at = now - timedelta(days=rng.randint(1, 30))
    else:
        at = checked_at - timedelta(hours=rng.randint(1, 240))
    if nominee.kind == PersonKind.ADULT:
        # ConsentGiver has no "the adult nominee themselves"; their own answer is recorded as the nominee's.
        given_by, given_by_name = ConsentGiver.YOUNG_PERSON, f"{nominee.legal_first_name} {nominee.legal_last_name}"
    elif (age := age_on(nominee.date_of_birth, programme.age_reference_date)) >= 16:
        given_by, given_by_name = ConsentGiver.YOUNG_PERSON, ""
    else:
        givers = (ConsentGiver.CARER, ConsentGiver.SOCIAL_WORKER) if age < 12 else (ConsentGiver.YOUNG_PERSON, ConsentGiver.CARER)
        given_by = rng.choice(givers)
        # The carer's name is drawn whoever answered, so the random sequence does not depend on it.
        given_by_name = {
            ConsentGiver.CARER: adult_name(rng),
            ConsentGiver.SOCIAL_WORKER: nominee.allocated_worker_name,
        }.get(given_by, "")
    consents = [
        Consent(nominee_id=nominee.pk, purpose=purpose, given=given, given_by=given_by, given_by_name=given_by_name,
                given_at=at, recorded_by=recorded_by)
        for purpose, given in purposes.items()
    ]
    # Now and then press consent was given and later withdrawn: later outputs must honour that.
    if consents and consents[-1].purpose == ConsentPurpose.PRESS and rng.random() < 0.2:
        consents[-1].withdrawn_at = at + timedelta(days=rng.randint(1, 5))
        consents[-1].withdrawn_by = recorded_by
    return consents
