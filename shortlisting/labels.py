"""The neutral label a blind reviewer sees instead of a name (DESIGN.md rule 5)."""

from __future__ import annotations

import re

_LABEL_FILLER = frozenset(
    {"a", "an", "and", "award", "awards", "best", "for", "in", "most", "of", "outstanding",
     "special", "the", "to", "&"}
)  # fmt: skip


def neutral_label(category_name: str, number: int) -> str:
    """The label a blind reviewer sees instead of a name: "Education 7", which a young panel
    member can say aloud in the panel meeting ("Positive · N27" read as code).

    The first meaningful word of the category name (skipping "The", "Award for",
    "Outstanding", ...) and the nomination's number."""
    words = [w.strip("'’-") for w in re.findall(r"[\w'’-]+", category_name or "")]
    words = [w for w in words if w]
    word = next((w for w in words if w.casefold() not in _LABEL_FILLER), None)
    if word is None:
        word = words[0] if words else "Nomination"
    word = word[:1].upper() + word[1:]
    return f"{word} {int(number)}"
