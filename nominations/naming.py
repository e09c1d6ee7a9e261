"""Names by audience: the one place a nominee's or a group's name is composed (DESIGN.md rule 1).

Each person sees the least identifying name that lets them do their job:

| audience | who | what they see |
|---|---|---|
| `IDENTITY` | organisers of the programme, allocated staff | legal first and last name, and the preferred name; every read is logged (nominations.services.identity_access_record) |
| `KNOWN` | the nominator; the responsible adult an invitation goes to | preferred first name and surname initial ("Kian B."): enough to tell their children apart |
| `EVENT_TEAM` | door and floor staff, the seating | the known name, with table and party; where the safeguarding check says not even event staff may know the name, a neutral label that is still unique ("Finalist no. 12, table 5, with Sam Murray") |
| `ROOM` | the running order, compere script, screens, badges, place cards, photographs, press | the announce name, from the publicity level the check set ("a young person from our care" when anonymous) |
| `YOUNG_PERSON` | their own certificate and letter | their chosen name: preferred first name and surname unless an organiser set another |
| `BLIND_PANEL` | panel members reviewing blind | no name: a neutral label (shortlisting.cards) and redacted text (nominations.redaction) |

A group is named by its group name to everyone but a blind panel. Nothing here reads the
database: callers load the nominee (and, for the event team, the table and party). No other
module builds a nominee's name, and no row keeps a copy of one (a guest row of a finalist holds
no name: it is composed from the nominee when read).

How to say a name is kept per part (`say_first_name`, `say_last_name`) and shown only for the
parts of the name the audience hears (`pronunciation_for`)."""

from __future__ import annotations

import re

from django.db import models

from .enums import PUBLICITY_ORDER, PersonKind, PhotoChoice, PublicityLevel
from .redaction import names_found, redact

ANONYMOUS_YOUNG_PERSON = "A young person from our care"
ANONYMOUS_ADULT = "A member of our care community"


class Audience(models.TextChoices):
    IDENTITY = "identity", "Organisers and allocated staff"
    KNOWN = "known", "The nominator and the responsible adult"
    EVENT_TEAM = "event_team", "Door and floor staff, and the seating"
    ROOM = "room", "The room and the public"
    YOUNG_PERSON = "young_person", "The young person themselves"
    BLIND_PANEL = "blind_panel", "A panel reviewing blind"


def _first(nominee) -> str:
    """The first name a person goes by: the preferred name, else the legal first name."""
    return (nominee.preferred_name or nominee.legal_first_name or "").strip()


def _anonymous(nominee) -> str:
    return ANONYMOUS_ADULT if nominee.kind == PersonKind.ADULT else ANONYMOUS_YOUNG_PERSON


def identity_name(nominee) -> str:
    """Legal first and last name, and the preferred name where it differs: "Chiamaka Obi (Chi)"."""
    legal = " ".join(filter(None, (nominee.legal_first_name.strip(), nominee.legal_last_name.strip())))
    preferred = (nominee.preferred_name or "").strip()
    if preferred and preferred.casefold() != nominee.legal_first_name.strip().casefold():
        return f"{legal} ({preferred})"
    return legal


def known_name(nominee) -> str:
    """Preferred first name and surname initial: "Kian B."."""
    first, last = _first(nominee), nominee.legal_last_name.strip()
    if not first:
        return _anonymous(nominee)
    return f"{first} {last[:1]}." if last else first


def event_team_name(nominee, *, number: int | None = None, table: int | None = None, with_name: str = "") -> str:
    """What the door and floor staff call a finalist: the known name, or, where the safeguarding
    check says not even they may know it, a neutral label made unique by the invitation's number
    ("Finalist no. 12, table 5, with Sam Murray")."""
    if nominee.named_to_event_staff:
        return known_name(nominee)
    label = "Finalist" if number is None else f"Finalist no. {number}"
    if table is not None:
        label += f", table {table}"
    if with_name:
        label += f", with {with_name}"
    return label


def stricter_level(*levels: str) -> str:
    """The least identifying of publicity levels (a blank one is no answer and is ignored)."""
    given = [level for level in levels if level in PUBLICITY_ORDER]
    return min(given, key=PUBLICITY_ORDER.index) if given else PublicityLevel.ANONYMOUS


def room_level(nominee) -> str:
    """The level the room hears: the check's, or the young person's own choice where stricter
    (the stricter always wins, whichever was set last)."""
    return stricter_level(nominee.publicity_level, nominee.own_publicity_level or nominee.publicity_level)


def levels_allowed(nominee) -> list[str]:
    """The levels the young person may choose: the check's and every less identifying one,
    most identifying first."""
    limit = PUBLICITY_ORDER.index(nominee.publicity_level) if nominee.publicity_level in PUBLICITY_ORDER else 0
    return list(reversed(PUBLICITY_ORDER[: limit + 1]))


def name_at_level(nominee, level: str) -> str:
    """The name the room would hear at `level`: what the young person sees on each choice."""
    first = _first(nominee)
    last = nominee.legal_last_name.strip()
    if level == PublicityLevel.FULL_NAME and first:
        return f"{first} {last}".strip()
    if level == PublicityLevel.FIRST_NAME_INITIAL and first:
        return f"{first} {last[:1]}." if last else first
    if level == PublicityLevel.FIRST_NAME and first:
        return first
    return _anonymous(nominee)


def announce_name(nominee) -> str:
    """The name the room hears, from the publicity level the check set and the young person's
    own choice, the stricter winning. Anything not yet cleared (the default level is anonymous)
    stays anonymous."""
    return name_at_level(nominee, room_level(nominee))


def photos_in_room(nominee) -> str:
    """What the photographer may do (PhotoChoice): never beyond the check (which needs consent),
    and never beyond the young person's own answer."""
    if not nominee.photography_allowed:
        return PhotoChoice.NO
    return nominee.own_photos or PhotoChoice.YES


def chosen_name(nominee) -> str:
    """The young person's own name on their certificate and letter: what an organiser set with
    them, else their preferred first name and surname."""
    chosen = (nominee.chosen_name or "").strip()
    if chosen:
        return chosen
    return " ".join(filter(None, (_first(nominee), nominee.legal_last_name.strip()))) or _anonymous(nominee)


_BY_AUDIENCE = {
    Audience.IDENTITY: identity_name,
    Audience.KNOWN: known_name,
    Audience.EVENT_TEAM: event_team_name,
    Audience.ROOM: announce_name,
    Audience.YOUNG_PERSON: chosen_name,
}


def name_for(audience: str, nominee, **context) -> str:
    """What `audience` sees for `nominee` (context: the event team's number, table and party)."""
    if audience == Audience.BLIND_PANEL:
        raise ValueError("A blind panel sees no name: use shortlisting.cards' neutral label.")
    if audience == Audience.EVENT_TEAM:
        return event_team_name(nominee, **context)
    return _BY_AUDIENCE[Audience(audience)](nominee)


def nomination_name(audience: str, nomination, **context) -> str:
    """What `audience` sees for whoever a nomination is for: a nominee, or a named group."""
    if nomination.group_id is not None:
        return nomination.group.name
    return name_for(audience, nomination.nominee, **context)


def nomination_announce_name(nomination) -> str:
    """The room's name for whoever a nomination is for."""
    return nomination_name(Audience.ROOM, nomination)


def names_heard(audience: str, nominee) -> tuple[bool, bool]:
    """(first name, surname): which parts of the name `audience` hears or reads."""
    if audience in (Audience.IDENTITY, Audience.KNOWN, Audience.YOUNG_PERSON):
        return True, True
    if audience == Audience.EVENT_TEAM:
        return bool(nominee.named_to_event_staff), False  # the surname as an initial only
    if audience == Audience.ROOM:
        level = room_level(nominee)
        return level != PublicityLevel.ANONYMOUS, level == PublicityLevel.FULL_NAME
    return False, False


def pronunciation_for(audience: str, nominee) -> str:
    """How to say the parts of the name `audience` hears, and only those: a first-name-only
    finalist's surname is never spelt out for the room."""
    if nominee is None:
        return ""
    first, last = names_heard(audience, nominee)
    parts = [nominee.say_first_name.strip() if first else "", nominee.say_last_name.strip() if last else ""]
    return " ".join(part for part in parts if part)


def pronunciation_hint(nominee) -> str:
    """How the compere says the name the room hears."""
    return pronunciation_for(Audience.ROOM, nominee)


def name_forms(nominee) -> list[str]:
    """Every name the system knows the person by, for finding them in free text (redaction,
    approved words, erasure): legal first and last, preferred, chosen, and each first name with
    the surname, as people write a full name in a hashtag, a handle or an e-mail address
    (nominations.redaction matches their parts, short forms and spellings)."""
    firsts = [n.strip() for n in (nominee.legal_first_name, nominee.preferred_name) if n and n.strip()]
    last = nominee.legal_last_name.strip()
    # The whole surname and each part of a double-barrelled one ("O'Neill-Hughes", "Hughes").
    lasts = [last, *(part for part in re.split(r"[\s\-‐‑–]+", last) if part != last)] if last else []
    singles = [n.strip() for n in (*firsts, last, nominee.chosen_name) if n and n.strip()]
    return list(dict.fromkeys([*singles, *(f"{first} {surname}" for first in firsts for surname in lasts)]))


# --- free text that reaches an audience -------------------------------------------------------
# An approved quote or citation is heard by the room: every form of the young person's names the
# room may not hear becomes the name it does hear (or "this young person" when anonymous). The
# same matcher as blind review (nominations.redaction) finds them.


def _people(nomination) -> list:
    return list(nomination.group.members.all()) if nomination.group_id is not None else [nomination.nominee]


def _words(name: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"[\w'’-]+", name)}


def _heard(audience: str, nomination) -> tuple[str, ...]:
    """The words of the name `audience` sees: their forms stay in free text."""
    if audience == Audience.BLIND_PANEL or (
        nomination.group_id is None and audience == Audience.ROOM and room_level(nomination.nominee) == PublicityLevel.ANONYMOUS
    ):
        return ()
    return tuple(word for word in re.findall(r"[\w'’-]+", nomination_name(audience, nomination)) if len(word) > 1)


def names_withheld(audience: str, nomination) -> list[str]:
    """The forms of the names of whoever a nomination is for that `audience` may not read: those
    with a word beyond the name the audience sees (a group's members, to anyone but identity)."""
    heard = _words(nomination_name(audience, nomination)) if audience != Audience.BLIND_PANEL else set()
    # Who hears a double-barrelled surname whole hears each of its parts ("O'Neill" of "O'Neill-Hughes").
    heard |= {part for word in heard for part in re.split(r"[-‐‑–]", word) if part}
    withheld = []
    for person in _people(nomination):
        withheld += [form for form in name_forms(person) if not _words(form) <= heard]
    return list(dict.fromkeys(withheld))


def _stand_in(audience: str, nomination) -> str:
    """What replaces a name the audience may not read: the name it does read, or a neutral phrase."""
    if nomination.group_id is None and audience == Audience.ROOM and room_level(nomination.nominee) == PublicityLevel.ANONYMOUS:
        return "this person" if nomination.nominee.kind == PersonKind.ADULT else "this young person"
    return nomination_name(audience, nomination)


_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*)(this (?:young )?person)")


def words_for(audience: str, text: str, nomination) -> str:
    """`text` as `audience` may read it: each form of a name it may not hear replaced by the name
    it does ("Kian Brennan said" -> "Kian said"), or by "this young person" when anonymous."""
    withheld = names_withheld(audience, nomination)
    if not text or not withheld:
        return text
    redacted = redact(text, withheld, placeholder=_stand_in(audience, nomination), keep=_heard(audience, nomination))
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2)[0].upper() + m.group(2)[1:], redacted)


def words_naming_too_much(audience: str, text: str, nomination) -> list[str]:
    """The words of `text` that name whoever a nomination is for more than `audience` may hear."""
    return names_found(text, names_withheld(audience, nomination), keep=_heard(audience, nomination))


def party_guest_name(audience: str, name: str, nomination) -> str:
    """A guest in a finalist's party, as `audience` reads them (a badge or place card is read by
    the room): their own name, or only its first word when the rest would name the young person
    more than the audience may hear (a carer or brother who shares their surname)."""
    if nomination is None or not words_naming_too_much(audience, name, nomination):
        return name
    first = name.split()[0] if name.split() else ""
    if not first or words_naming_too_much(audience, first, nomination):
        return "Guest"
    return first
