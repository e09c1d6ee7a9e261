"""A letter to every nominee: who nominated them, by role ("your foster carer"), or by name where
the nominator agreed, and the reason in words an organiser approved, as a tagged A4 PDF.

The approval is the compere's words' step (events.services.quote_approve) for another audience:
the letter is read by the young person, so the words are checked against the names they go by
(nominations.naming, audience YOUNG_PERSON) and refused, named, where they use another (a legal
first name they do not use). The letter is sent through the outbox to the responsible adult with
the certificate's private link; nothing is made or sent for a nominee the safeguarding check says
not to contact (certificate_nominations leaves them out)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.utils import timezone

from awards.rules import is_organiser
from events.models import Event
from events.selectors import responsible_adult
from mail.enums import EmailKind
from mail.errors import NotAllowed, ServiceError
from mail.services import email_queue
from nominations.enums import Relationship
from nominations.models import Nomination
from nominations.naming import Audience, nomination_name, words_for, words_naming_too_much

from .certificates import certificate_nominations
from .models import LETTER_QUOTE_MAX, Letter
from .pdf import Batches, council, write_pdf

TEMPLATE = "night/pdf/letters.html"

# Who nominated them, as the letter says it when the nominator is not named.
BY_ROLE = {
    Relationship.FOSTER_CARER: "your foster carer",
    Relationship.RESIDENTIAL_WORKER: "a residential worker who knows you",
    Relationship.SOCIAL_WORKER: "your social worker",
    Relationship.PERSONAL_ADVISER: "your personal adviser",
    Relationship.TEACHER: "your teacher",
    Relationship.PEER: "another young person who knows you",
    Relationship.OTHER: "someone who knows you",
}


class LetterError(ServiceError):
    pass


def nominated_by(nomination: Nomination, letter: Letter | None) -> str:
    if letter is not None and letter.nominator_named and nomination.nominator_name.strip():
        return nomination.nominator_name.strip()
    return BY_ROLE.get(nomination.nominator_relationship, "someone who knows you")


def letter_suggestion(nomination: Nomination) -> str:
    """The nominator's words as a starting point, the names changed to those the young person
    goes by, cut at a sentence end to fit."""
    text = " ".join(nomination.achievement.split())
    if len(text) > LETTER_QUOTE_MAX:
        cut = text[:LETTER_QUOTE_MAX]
        end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
        text = cut[: end + 1] if end > 0 else cut[: LETTER_QUOTE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return words_for(Audience.YOUNG_PERSON, text, nomination)


def letter_approve(*, nomination: Nomination, actor, quote: str, nominator_named: bool) -> Letter:
    """An organiser approves the words the letter quotes (blank: none, and no letter is sent) and
    records whether the nominator agreed to be named. Words that call the young person by a name
    they do not go by are refused, named."""
    if not is_organiser(actor, nomination.programme_id):
        raise NotAllowed("Only the programme's organisers can approve a letter.")
    quote = quote.strip()
    if len(quote) > LETTER_QUOTE_MAX:
        raise LetterError(f"Keep the words to {LETTER_QUOTE_MAX} characters or fewer.", field="quote")
    too_much = words_naming_too_much(Audience.YOUNG_PERSON, quote, nomination)
    if too_much:
        words = ", ".join(f"“{word}”" for word in too_much)
        name = nomination_name(Audience.YOUNG_PERSON, nomination)
        raise LetterError(
            f"These words call them by a name they do not go by: {words}. Their letter calls them “{name}”: "
            "change or remove those words, then approve.",
            field="quote",
        )
    with transaction.atomic():
        letter, _ = Letter.objects.select_for_update().get_or_create(nomination=nomination)
        letter.quote = quote
        letter.quote_approved_at = timezone.now() if quote else None
        letter.quote_approved_by = actor if quote else None
        letter.nominator_named = nominator_named
        letter.full_clean()
        letter.save()
    return letter


def letter_nominations(event: Event):
    """Those who get a letter: every nomination that gets a certificate (found eligible, and not a
    nominee the safeguarding check says not to contact)."""
    return certificate_nominations(event).select_related("letter")


def _letter(nomination: Nomination) -> Letter | None:
    try:
        return nomination.letter
    except Letter.DoesNotExist:
        return None


def letter_ready(nomination: Nomination) -> bool:
    letter = _letter(nomination)
    return letter is not None and bool(letter.quote) and letter.quote_approved_at is not None


@dataclass(frozen=True)
class LetterPage:
    name: str
    is_group: bool
    award: str
    programme: str
    nominated_by: str
    quote: str
    date: str


def letter_for(nomination: Nomination) -> LetterPage:
    letter = _letter(nomination)
    approved = letter.quote if letter is not None and letter.quote_approved_at else ""
    return LetterPage(
        name=nomination_name(Audience.YOUNG_PERSON, nomination),
        is_group=nomination.group_id is not None,
        award=nomination.category.name,
        programme=nomination.programme.name,
        nominated_by=nominated_by(nomination, letter),
        # Read as the young person reads it now: a name changed since approval is honoured.
        quote=words_for(Audience.YOUNG_PERSON, approved, nomination) if approved else "",
        date=f"{timezone.localdate():%-d %B %Y}",
    )


def _items(nominations: Iterable[Nomination]) -> Iterator[LetterPage]:
    for nomination in nominations:
        yield letter_for(nomination)


def letters_write(out: IO[bytes], *, nominations: Iterable[Nomination], title: str) -> int:
    return write_pdf(out, title, Batches(TEMPLATE, _items(nominations), {"title": title, **council()}).html())


@dataclass
class LettersSent:
    queued: int = 0
    already: int = 0
    waiting: int = 0


def letters_send(*, event: Event, actor) -> LettersSent:
    """Queue each letter whose words are approved, to the responsible adult with a private link,
    once per nomination (again: only those not sent yet). A letter without approved words waits."""
    if not is_organiser(actor, event.programme_id):
        raise NotAllowed("Only the programme's organisers can send letters.")
    result = LettersSent()
    with transaction.atomic():
        for nomination in letter_nominations(event).select_related("nominee__allocated_worker"):
            if not letter_ready(nomination) or not responsible_adult(nomination)[1]:
                result.waiting += 1
                continue
            delivery = email_queue(kind=EmailKind.LETTER, about=nomination, key=f"letter:{nomination.pk}", programme_id=event.programme_id)
            if delivery is None:
                result.already += 1
            else:
                result.queued += 1
    return result
