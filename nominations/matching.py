"""Name normalisation for finding the same young person twice.

Two records are the same young person when their normalised first name, last name and
date of birth agree exactly (normalising folds case, accents, spacing and punctuation):
a new nomination is then attached to the existing record. Short forms ("Alfie" and
"Alfred", but also "Oliver" and "Olivia") only make records look alike: twins share a
surname and a birthday, so a look-alike is flagged for an organiser, never attached.
"""

import re
import unicodedata

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
