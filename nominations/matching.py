"""Name normalisation for finding the same young person twice.

Two records are the same young person when their normalised first name, last name and
date of birth agree exactly (normalising folds case, accents, spacing and punctuation):
a new nomination is then attached to the existing record. Short forms ("Alfie" and
"Alfred", but also "Oliver" and "Olivia") only make records look alike: twins share a
surname and a birthday, so a look-alike is flagged for an organiser, never attached.
"""

import re
import unicodedata
from collections.abc import Iterable

# Short forms and the long forms they stand for share one key. A short form that
# stands for several names (Sam: Samuel, Samantha) gives them all the same key:
# a false "possible duplicate" costs an organiser a glance; a missed one costs a
# young person two records.
_NAME_GROUPS = [
    ("alexander", "alex", "alexandra", "alexis", "sasha", "lexi"),
    ("alfred", "alfie", "alf"),
    ("benjamin", "ben", "benji", "benny"),
    ("charles", "charlie", "chas", "charlotte", "lottie"),
    ("christopher", "chris", "christine", "christina", "kit"),
    ("daniel", "dan", "danny", "danielle", "dani"),
    ("david", "dave", "davey"),
    ("edward", "ed", "eddie", "ted", "teddy"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby"),
    ("frederick", "fred", "freddie", "freddy"),
    ("gabriel", "gabe", "gabriella", "gabby"),
    ("harry", "harold", "henry", "hal"),
    ("isabella", "isabelle", "izzy", "bella", "isabel"),
    ("jacob", "jake"),
    ("james", "jim", "jimmy", "jamie"),
    ("jennifer", "jen", "jenny"),
    ("jessica", "jess", "jessie"),
    ("jonathan", "jon", "jonny", "john", "johnny", "jack"),
    ("joseph", "joe", "joey", "josephine", "josie"),
    ("joshua", "josh"),
    ("katherine", "catherine", "kate", "katie", "kathryn", "cat", "kat", "kitty"),
    ("leonardo", "leo", "leon"),
    ("margaret", "maggie", "meg", "peggy"),
    ("matthew", "matt", "matty"),
    ("michael", "mike", "mikey", "mick", "mickey"),
    ("nathan", "nathaniel", "nate", "nat"),
    ("nicholas", "nick", "nicky", "nicola", "nikki"),
    ("oliver", "ollie", "olivia", "liv"),
    ("patrick", "pat", "paddy", "patricia", "trish"),
    ("rebecca", "becky", "becca"),
    ("richard", "rich", "richie", "rick", "dick"),
    ("robert", "rob", "robbie", "bob", "bobby", "roberta"),
    ("samuel", "sam", "sammy", "samantha"),
    ("sophia", "sophie"),
    ("stephen", "steven", "steve", "stephanie", "steph"),
    ("thomas", "tom", "tommy"),
    ("victoria", "vicky", "tori"),
    ("william", "will", "bill", "billy", "liam", "willow"),
    ("zachary", "zach", "zack"),
]
SHORT_FORMS: dict[str, str] = {name: group[0] for group in _NAME_GROUPS for name in group}

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.'’`]+")


def normalise(text: str) -> str:
    """Fold case, accents, punctuation and spacing: "  Zoë-Mae O'Neill " -> "zoe mae o neill"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(part for part in _SEPARATORS.split(without_marks) if part)


def exact_first_name_key(first_name: str) -> str:
    words = normalise(first_name).split()
    return words[0] if words else ""


def first_name_key(first_name: str) -> str:
    """The short-form group of a first name: "Alfie" and "Alfred" give the same key."""
    word = exact_first_name_key(first_name)
    return SHORT_FORMS.get(word, word)


def last_name_key(last_name: str) -> str:
    return normalise(last_name).replace(" ", "")


def _dob(date_of_birth) -> str:
    return date_of_birth.isoformat() if date_of_birth else "-"


def match_key(*, first_name: str, last_name: str, date_of_birth) -> str:
    """The key two records of the same young person share exactly."""
    return f"{exact_first_name_key(first_name)}|{last_name_key(last_name)}|{_dob(date_of_birth)}"


def alias_key(*, first_name: str, last_name: str, date_of_birth) -> str:
    """The key of look-alikes: short forms folded together."""
    return f"{first_name_key(first_name)}|{last_name_key(last_name)}|{_dob(date_of_birth)}"


def lookalike_patterns(*, first_name: str, last_name: str, date_of_birth) -> tuple[str, str | None]:
    """What a look-alike's match key starts or ends with: the same first name and surname with any
    birth date ("first|last|"), and, where the birth date is known, the same surname and birth date
    ("|last|2012-06-01"). With the alias key (short forms folded) these are the three look-alike rules,
    asked of the database one person at a time and of a NomineeIndex for many."""
    first, last = exact_first_name_key(first_name), last_name_key(last_name)
    suffix = f"|{last}|{date_of_birth.isoformat()}" if date_of_birth else None
    return f"{first}|{last}|", suffix


class NomineeIndex:
    """Nominee records held in memory (as id, match key and alias key) to answer, for many people at
    once, the questions a single nomination asks the database: which record is exactly this person
    (the first with the same match key), and which is the first look-alike (same alias key, or a
    match key starting or ending with the look-alike patterns). "First" is the lowest id, as in the
    queries: records are added in id order, the new ones of an import after the stored ones.

    Built for the people of one import (`wanted`), it keeps only the keys those people can ask
    about, so a programme of 100,000 records costs one pass, not 100,000 entries."""

    def __init__(self, wanted: Iterable[tuple[str, str, str, str | None]]):
        self._exact: dict[str, object] = {}
        self._alias: dict[str, tuple[int, object]] = {}
        self._prefix: dict[str, tuple[int, object]] = {}
        self._suffix: dict[str, tuple[int, object]] = {}
        self._wanted_exact, self._wanted_alias, self._wanted_prefix, self._wanted_suffix = set(), set(), set(), set()
        for key, alias, prefix, suffix in wanted:
            self._wanted_exact.add(key)
            self._wanted_alias.add(alias)
            self._wanted_prefix.add(prefix)
            if suffix is not None:
                self._wanted_suffix.add(suffix)
        self._added = 0

    def add(self, record, match_key: str, alias_key: str) -> None:
        """Add a record (an id, or a nominee not yet saved); call in id order."""
        rank = self._added
        self._added += 1
        if match_key in self._wanted_exact:
            self._exact.setdefault(match_key, record)
        if alias_key in self._wanted_alias:
            self._alias.setdefault(alias_key, (rank, record))
        # LIKE 'p%' with p ending in '|' holds exactly when p is the key up to one of its '|';
        # LIKE '%s' with s starting with '|' exactly when s is the key from one of its '|'.
        position = match_key.find("|")
        while position != -1:
            prefix, suffix = match_key[: position + 1], match_key[position:]
            if prefix in self._wanted_prefix:
                self._prefix.setdefault(prefix, (rank, record))
            if suffix in self._wanted_suffix:
                self._suffix.setdefault(suffix, (rank, record))
            position = match_key.find("|", position + 1)

    def exact(self, match_key: str):
        return self._exact.get(match_key)

    def lookalike(self, alias_key: str, prefix: str, suffix: str | None):
        found = [self._alias.get(alias_key), self._prefix.get(prefix), self._suffix.get(suffix) if suffix else None]
        found = [hit for hit in found if hit is not None]
        return min(found, key=lambda hit: hit[0])[1] if found else None
