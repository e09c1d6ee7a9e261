"""Text checks shared by the API, the form and the import: refuse what cannot be stored
or would be misread, keep everything else exactly as typed (any script, emoji, accents)."""

import unicodedata

from django.core.exceptions import ValidationError

_ALLOWED_CONTROLS_MULTILINE = {"\n", "\r", "\t"}


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why this text cannot be accepted, or None. Names the problem for the person who typed it."""
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return "contains a broken character (an unpaired surrogate); please retype it."
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in _ALLOWED_CONTROLS_MULTILINE):
            return f"contains a control character (U+{code:04X}) that cannot be stored; please remove it."
    return None


def validate_single_line(value: str) -> None:
    problem = text_problem(value)
    if problem:
        raise ValidationError(f"This text {problem}", code="invalid_character")


def validate_multiline(value: str) -> None:
    problem = text_problem(value, multiline=True)
    if problem:
        raise ValidationError(f"This text {problem}", code="invalid_character")
