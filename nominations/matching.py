"""Name normalisation for finding the same young person twice.

Two records match when their normalised legal first name (or preferred name), last
name and date of birth agree. Normalising folds case, accents, spacing, punctuation
and common short forms ("Alfie" and "Alfred" are the same key).
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


def first_name_key(first_name: str) -> str:
    words = normalise(first_name).split()
    if not words:
        return ""
    return SHORT_FORMS.get(words[0], words[0])


def last_name_key(last_name: str) -> str:
    return normalise(last_name).replace(" ", "")


def match_key(*, first_name: str, last_name: str, date_of_birth) -> str:
    """The key two records of the same young person share."""
    dob = date_of_birth.isoformat() if date_of_birth else "-"
    return f"{first_name_key(first_name)}|{last_name_key(last_name)}|{dob}"
