"""Blind review: hide every form of a nominee's names in free text (DESIGN rule 5).

Pure functions, no database. ``cards.py`` passes the raw names (legal first and last
names, preferred name, group members' names, ...) and this module works out the forms to
hide and replaces them.

How matching works
------------------
* Variants: each name as typed, each word of it ("Mary-Jane" -> "Mary", "Jane";
  "O'Neill" -> "Neill"), the short and long forms of each word from
  ``nominations.matching`` ("Alfie" -> "Alfred", "Alf") and accent-folded forms
  ("Zoë" -> "Zoe"). Variants shorter than two characters are ignored.
* The text is folded one character at a time (accents stripped, curly apostrophes and
  dashes made plain, "ß" -> "ss", "Ł" -> "L", ...) while keeping a map from each folded
  position back to the original character, so matches found in the folded copy replace
  exactly the right span of the original and nothing else changes.
* A match must be a whole word: the characters either side must not be letters, digits,
  underscores or combining marks (Unicode-aware, so Arabic, Cyrillic and Devanagari work).
  After the name an apostrophe may follow only as a possessive ("Alfie's", "James'"),
  never as a contraction, so "Don" does not turn "don't" into "[name]'t". The possessive
  suffix stays after the placeholder: "Alfie’s" -> "[name]’s".
* Longest variants are tried first, so "Mary-Jane" becomes one placeholder.
* Case-insensitive, with one deliberate exception: a short or long form that was *not*
  one of the names given and that is also an everyday English word ("will" for William,
  "bill", "kit", "pat", "rich", ...) is hidden only when written with a capital, so a
  statement about William does not lose every "will". A name given as such ("Will" as a
  preferred name) is hidden in any case.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from nominations.matching import SHORT_FORMS, normalise

PLACEHOLDER = "[name]"
MIN_LENGTH = 2

# Everyday words that are also short/long forms in the name groups. Hidden only when
# capitalised if they came from a name group rather than from the names given.
_COMMON_WORDS = frozenset(
    {
        "will", "bill", "kit", "kitty", "cat", "pat", "rich", "dick", "rob", "jack",
        "nick", "mike", "bob", "josh", "willow", "jimmy", "rick", "gabby", "matt",
    }
)  # fmt: skip

# Words that, as one part of a multi-word name ("The Riverside Crew", "de Souza",
# "Al-Sayed"), would wreck a statement if hidden on their own. The whole name is still
# hidden; a name that is only this word ("Al") is hidden too.
_CONNECTIVES = frozenset(
    {
        "a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "our", "the",
        "to", "with", "al", "bin", "bint", "da", "de", "del", "della", "der", "di", "du",
        "el", "ibn", "la", "le", "van", "von",
    }
)  # fmt: skip

_NAME_GROUPS: dict[str, tuple[str, ...]] = {}
for _form, _key in SHORT_FORMS.items():
    _NAME_GROUPS[_key] = (*_NAME_GROUPS.get(_key, ()), _form)

# Folding of characters that Unicode decomposition leaves alone.
_SPECIAL_FOLDS = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ı": "i", "ħ": "h", "Ħ": "H",
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'", "＇": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
}  # fmt: skip

# Separators inside a multi-word name ("Mary-Jane", "O'Neill", "Mary Jane") match any of
# space, hyphen or apostrophe (or none) in the text.
_FLEXIBLE_SEPARATOR = frozenset(" -'")
# Apostrophes and hyphens inside one name, which people also leave out ("ONeill").
_JOINERS = re.compile(r"['’‘ʼ`´\-‐‑–]")
# How the words of a full name are joined in handles, hashtags and e-mail addresses too:
# "Zoe Hughes", "Zoe-Hughes", "ZoeHughes", "zoe.hughes", "zoe_hughes".
_BETWEEN_WORDS = "[ \\-'._]{0,3}"
# A capital initial before a name: "Z. Hughes", "Z Hughes".
_INITIAL = "(?:(?-i:[A-Z])(?:\\.[ ]?|[ ]))?"
# An e-mail address or a handle, replaced whole when a name is in it ("zoe.oneill@school.org").
_ADDRESS_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@[\w.]+")


@functools.cache
def _fold_char(ch: str) -> str:
    """One character folded for matching: accents off, case kept (the regex ignores case)."""
    if ch in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS[ch]
    # Compatibility forms only for letters and spaces (full-width letters, ligatures,
    # no-break spaces); symbols such as "™" or "²" stay as they are.
    form = "NFKD" if unicodedata.category(ch)[0] in "LZ" else "NFD"
    decomposed = unicodedata.normalize(form, ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(text: str) -> str:
    return "".join(_fold_char(ch) for ch in text)


@functools.cache
def _word_class() -> str:
    r"""Characters that make up a word: \w plus combining marks (Python's \w leaves out
    the vowel signs of Indic scripts, for instance). Variation selectors and the keycap
    mark are left out: they follow emoji, not letters."""
    ranges: list[list[int]] = []
    for cp in range(0x20000):  # marks live in planes 0 and 1 (plus variation selectors)
        if unicodedata.category(chr(cp))[0] != "M" or _is_emoji_mark(cp):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    parts = "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )
    return rf"[\w{parts}]"


def _is_emoji_mark(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or cp == 0x20E3


@functools.cache
def _words_re() -> re.Pattern[str]:
    return re.compile(f"{_word_class()}+")


def _candidates(names: Iterable[str], whole: bool = False) -> dict[str, tuple[str, bool]]:
    """Variants to hide, keyed by their case-folded form: (form, derived).

    ``derived`` is True when the variant only came from a name group (not from the names
    given); such a variant that is an everyday word is hidden only when capitalised. With
    ``whole``, a name of several words is matched only whole (its words alone are not)."""
    given: list[str] = []
    for name in names:
        if not name:
            continue
        name = " ".join(str(name).split())
        if not name:
            continue
        given.append(name)
        if whole and len(_words_re().findall(name)) > 1:
            continue
        tokens = [token.strip("()[]{}\"'’‘,.;:!?") for token in name.split(" ")]
        # Each part of a double-barrelled name, apostrophe kept: "O'Neill-Hughes" -> "O'Neill", "Hughes".
        barrels = [part for token in tokens for part in re.split(r"[-‐‑–]", token) if part != token]
        pieces = _words_re().findall(name)
        several = len(pieces) > 1
        for part in [*tokens, *barrels, *pieces]:
            if part and part != name and not (several and part.casefold() in _CONNECTIVES):
                given.append(part)
    # As people type them without the apostrophe or hyphen: "ONeill", "OkaforHughes".
    given += [joined for name in list(given) if (joined := _JOINERS.sub("", name)) != name and " " not in name]

    found: dict[str, tuple[str, bool]] = {}

    def add(variant: str, derived: bool) -> None:
        for form in (variant, _fold(variant)):  # "Zoë" and "Zoe"
            key = form.casefold()
            if len(form) >= MIN_LENGTH and (key not in found or not derived):
                found[key] = (form, derived)

    for variant in given:
        add(variant, derived=False)
    for variant in given:
        group_key = SHORT_FORMS.get(normalise(variant))
        for form in _NAME_GROUPS.get(group_key, ()) if group_key else ():
            if form.casefold() not in found:
                add(form.capitalize(), derived=True)
    return found


def name_variants(*names: str) -> set[str]:
    """Every form of the given names that redaction hides.

    >>> sorted(name_variants("Alfie"))
    ['Alf', 'Alfie', 'Alfred']
    """
    return {form for form, _ in _candidates(names).values()}


def _variant_pattern(folded: str, capitalised_only: bool) -> str:
    chunks = re.split(r"(\s+|[^\w\s]+)", folded)
    out = []
    for index, chunk in enumerate(chunks):
        if not chunk:
            continue
        if index % 2 == 1 and set(chunk) <= _FLEXIBLE_SEPARATOR:
            out.append(_BETWEEN_WORDS)
        elif index == 0 and capitalised_only and chunk[0].upper() != chunk[0].lower():
            out.append(f"(?-i:{re.escape(chunk[0].upper())}){re.escape(chunk[1:])}")
        else:
            out.append(re.escape(chunk))
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _compile(variants: tuple[tuple[str, bool], ...]) -> re.Pattern[str] | None:
    if not variants:
        return None
    w = _word_class()
    alternatives = "|".join(_variant_pattern(folded, cap) for folded, cap in variants)
    # Whole word on the left; on the right, no word character, and an apostrophe only as
    # a possessive ("'s" ending the word, or a bare "'" as in "James'").
    return re.compile(
        rf"(?<!{w}){_INITIAL}(?:{alternatives})(?!{w})(?!'(?!s(?!{w})){w})",
        re.IGNORECASE,
    )


def redact(text: str, names: Iterable[str], *, placeholder: str = PLACEHOLDER, keep: Iterable[str] = ()) -> str:
    """``text`` with every whole-word form of ``names`` replaced by ``placeholder``, and every
    e-mail address or handle with a name in it replaced whole. Forms of ``keep`` stay (the room
    may hear "Rowan": "Rowan Featherstonehaugh" goes, "Rowan" on its own stays).

    >>> redact("Alfie’s teacher says ALFRED has grown; Alfie-Mae too.", ["Alfie"])
    '[name]’s teacher says [name] has grown; [name]-Mae too.'
    """
    if not text:
        return text
    names = (names,) if isinstance(names, str) else tuple(names)
    keep = (keep,) if isinstance(keep, str) else tuple(keep)
    pattern = _pattern_for(names, keep)
    if pattern is None:
        return text
    text = _redact_addresses(text, names, placeholder)
    return _replace(text, *_matches(text, pattern), placeholder)


def names_found(text: str, names: Iterable[str], *, keep: Iterable[str] = ()) -> list[str]:
    """The words of `text` that are a form of `names` (as redact would replace them), in order,
    each once: what an approval must name when it refuses words."""
    if not text:
        return []
    names = (names,) if isinstance(names, str) else tuple(names)
    pattern = _pattern_for(names, (keep,) if isinstance(keep, str) else tuple(keep))
    if pattern is None:
        return []
    found = [address for address in _ADDRESS_RE.findall(text) if _names_an_address(address, names)]
    text = _redact_addresses(text, names, " ")  # an address is found whole, not again in parts
    matches, original = _matches(text, pattern)
    for match in matches:
        start, end = original(match.start()), original(match.end())
        if start >= 0 and end >= 0:
            found.append(text[start:end])
    return list(dict.fromkeys(found))


def _matches(text: str, pattern: re.Pattern[str]):
    """The matches of `pattern` in the folded copy of `text`, and how to map a folded offset back
    to the text's (-1 inside one original character)."""
    if text.isascii():
        # Plain ASCII folds one character to one (only "`" changes, to "'"): offsets in the
        # folded copy are offsets in the text.
        return pattern.finditer(text.replace("`", "'")), lambda offset: offset
    # Fold the text one character at a time, remembering where each folded piece starts.
    pieces = [_fold_char(ch) for ch in text]
    folded = "".join(pieces)
    owner = [-1] * (len(folded) + 1)  # folded offset -> original index starting there
    offset = 0
    for index, piece in enumerate(pieces):
        if piece:
            owner[offset] = index
            offset += len(piece)
    owner[len(folded)] = len(text)
    return pattern.finditer(folded), owner.__getitem__


@functools.lru_cache(maxsize=256)
def _address_keys(names: tuple[str, ...], whole: bool = False) -> tuple[str, ...]:
    """The forms of `names` to look for inside an address, letters and digits only (3 or more)."""
    keys = {re.sub(r"[\W_]+", "", _fold(form).casefold()) for form, _ in _candidates(names, whole).values()}
    return tuple(key for key in keys if len(key) >= 3)


def _names_an_address(address: str, names: tuple[str, ...], whole: bool = False) -> bool:
    local = re.sub(r"[\W_]+", "", _fold(address.partition("@")[0] or address).casefold())
    return any(key in local for key in _address_keys(names, whole))


def _redact_addresses(text: str, names: tuple[str, ...], placeholder: str) -> str:
    """An e-mail address or handle with a form of a name anywhere in its name part ("zoe2011@…",
    "@zoe_hughes_art") is replaced whole: it would name the person however it was cut."""
    if "@" not in text:
        return text
    def replace(match: re.Match) -> str:
        address = match.group(0)
        if not _names_an_address(address, names):
            return address
        return "@" + placeholder if address.startswith("@") else placeholder  # a handle stays a handle

    return _ADDRESS_RE.sub(replace, text)


def name_spans(text: str, names: Iterable[str], *, whole: bool = False) -> list[tuple[int, int]]:
    """Where in `text` (start, end) a form of `names` stands, as redact would replace it; with
    `whole`, a name of several words only where it is written whole ("Nevaeh Kaya", not "Nevaeh"):
    how data protection tells one person from a namesake. E-mail addresses and handles with a
    name in them are spans too."""
    if not text:
        return []
    names = (names,) if isinstance(names, str) else tuple(names)
    pattern = _pattern_for(names, (), whole)
    if pattern is None:
        return []
    spans = [m.span() for m in _ADDRESS_RE.finditer(text) if _names_an_address(m.group(0), names, whole)]
    masked = text
    if spans:
        # Keep offsets: blank each address out character for character instead.
        chars = list(text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        masked = "".join(chars)
    matches, original = _matches(masked, pattern)
    for match in matches:
        start, end = original(match.start()), original(match.end())
        if start >= 0 and end >= 0:
            spans.append((start, end))
    return sorted(spans)


@functools.lru_cache(maxsize=256)
def _pattern_for(names: tuple[str, ...], keep: tuple[str, ...] = (), whole: bool = False) -> re.Pattern[str] | None:
    """The pattern hiding `names` (but not the forms of `keep`), worked out once for the several
    texts of one nomination (a page of 50 cards redacts 300 texts)."""
    kept = set(_candidates(keep)) if keep else set()
    entries: dict[str, bool] = {}
    for key, (form, derived) in _candidates(names, whole).items():
        if key in kept:
            continue
        folded = _fold(form)
        capitalised_only = derived and folded.casefold() in _COMMON_WORDS
        key = folded.casefold()
        entries[key] = entries.get(key, True) and capitalised_only
    ordered = sorted(entries.items(), key=lambda item: (-len(item[0]), item[0]))
    return _compile(tuple(ordered))


def _replace(text: str, matches, original, placeholder: str) -> str:
    """`text` with each match (found in the folded copy; `original` maps a folded offset to
    the text's, or -1 inside one character) replaced by `placeholder`."""
    out: list[str] = []
    last = 0
    for match in matches:
        start, end = original(match.start()), original(match.end())
        if start < 0 or end < 0:  # the match begins or ends inside one original character
            continue
        out.append(text[last:start])
        out.append(placeholder)
        last = end
    out.append(text[last:])
    return "".join(out)
