"""What a panel member sees of a nomination. Under blind review: a neutral label and the
statement with every form of the names replaced; never identity fields, nor the nominator's
name or organisation (a foster carer's surname can reveal where a child lives). Never the
"anything else" box either, blind or not: it is a private note to the awards team (young panel
members read it once as "there is a lot going on at home")."""

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from nominations.models import Nomination
from nominations.naming import name_forms, nomination_announce_name
from nominations.redaction import redact

from .labels import neutral_label


@dataclass(frozen=True)
class NominationCard:
    nomination_id: int
    label: str
    category: str
    announce_name: str | None
    achievement: str
    why_it_matters: str


def label_number(nomination: Nomination) -> int:
    """A short number for the label: the reference's sequence ("PROUD26-0042" -> 42)."""
    tail = nomination.reference.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else nomination.pk


def places_to_hide(nomination: Nomination) -> list[str]:
    """The area of the county a young person lives in is identity too (DESIGN rule 6)."""
    people = [nomination.nominee] if nomination.nominee_id else list(nomination.group.members.all())
    return [p.area for p in people if p.area]


def names_to_hide(nomination: Nomination) -> list[str]:
    people = [nomination.nominee] if nomination.nominee_id else list(nomination.group.members.all())
    # The nominator's name and organisation can point to a carer's home, so they go too.
    names = [nomination.nominator_name, nomination.nominator_organisation]
    if nomination.group_id:
        names.append(nomination.group.name)
    for person in people:
        names += name_forms(person)
    return [n for n in names if n]


def nomination_card(nomination: Nomination, *, blind: bool) -> NominationCard:
    label = neutral_label(nomination.category.name, label_number(nomination))
    if not blind:
        return NominationCard(
            nomination_id=nomination.pk,
            label=label,
            category=nomination.category.name,
            announce_name=nomination_announce_name(nomination),
            achievement=nomination.achievement,
            why_it_matters=nomination.why_it_matters,
        )
    achievement, why_it_matters = redacted_statement(
        nomination.achievement, nomination.why_it_matters, names=names_to_hide(nomination), places=places_to_hide(nomination)
    )
    return NominationCard(
        nomination_id=nomination.pk,
        label=label,
        category=nomination.category.name,
        announce_name=None,
        achievement=achievement,
        why_it_matters=why_it_matters,
    )


# --- the redacted statements, kept ------------------------------------------------------------
# Redaction is most of the time of a blind queue (a page of 50 cards is 200 passes of a large
# pattern over the text), and a statement is read far more often than it changes. The cache is
# keyed by everything redaction reads: both texts and every name and place it hides, as they are
# in the database at this read. A name changed anywhere (the nominee, a group member added or
# renamed, the nominator, an area) or a statement edited is a different key, so a stale redaction
# is never served and nothing has to remember to invalidate it; a namesake's or another
# nomination's identical statement with other names is another key too. It lives in the process
# (bounded, least recently used first out): no table of statements to erase with the young
# person, no query, and a change to the redaction rules takes effect with the deploy that makes it.

CACHE_SIZE = 4096  # nominations; an entry is its two redacted texts (at most 6,000 characters: 25 MB at worst)


class _RedactedStatements:
    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[bytes, tuple[str, str]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: bytes) -> tuple[str, str] | None:
        with self.lock:
            value = self.entries.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self.entries.move_to_end(key)
            return value

    def put(self, key: bytes, value: tuple[str, str]) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.hits = self.misses = 0


REDACTED_STATEMENTS = _RedactedStatements(CACHE_SIZE)


def _statement_key(achievement: str, why_it_matters: str, names: list[str], places: list[str]) -> bytes:
    # JSON keeps the parts apart (no two inputs serialise alike); SHA-256 keeps the key short.
    inputs = json.dumps([achievement, why_it_matters, names, places], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(inputs.encode("utf-8", "surrogatepass")).digest()


def redacted_statement(achievement: str, why_it_matters: str, *, names: list[str], places: list[str]) -> tuple[str, str]:
    """The two texts of a statement with every form of `names` replaced by "[name]" and of `places`
    by "[place]"; worked out once for the same texts and names (see above)."""
    key = _statement_key(achievement, why_it_matters, names, places)
    cached = REDACTED_STATEMENTS.get(key)
    if cached is not None:
        return cached

    def hide(text: str) -> str:
        return redact(redact(text, names), places, placeholder="[place]")

    value = (hide(achievement), hide(why_it_matters))
    REDACTED_STATEMENTS.put(key, value)
    return value
