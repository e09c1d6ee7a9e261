"""Codes as words: where a read of someone's record happened and what a history entry records,
as the people reading an access log or a subject access export understand them."""

from __future__ import annotations

# Where a read happened, in words.
CONTEXT_LABELS = {
    "page.nomination": "Nomination page",
    "pages.event.invitation": "Invitation page",
    "api.nominations.list": "API: list of nominations",
    "api.nominations.retrieve": "API: one nomination",
    "api.nominations.transition": "API: decision on a nomination",
    "api.nominations.export": "Nominations spreadsheet",
    "api.nominees.list": "API: list of young people",
    "api.nominees.retrieve": "API: one young person",
    "admin.nominee.changelist": "Admin: list of nominees",
    "admin.nominee.change": "Admin: one nominee",
    "admin.nomination.changelist": "Admin: list of nominations",
    "admin.nomination.change": "Admin: one nomination",
    "data_protection.find": "Data protection: finding a young person",
    "data_protection.person": "Data protection: a young person's page",
    "data_protection.erase.preview": "Data protection: checking an erasure",
    "data_protection.request.review": "Subject access request: review",
    "data_protection.request.json": "Subject access export downloaded (JSON)",
    "data_protection.request.xlsx": "Subject access export downloaded (spreadsheet)",
}

_PREFIXES = {"api": "API", "admin": "Admin", "page": "Page", "pages": "Page", "data_protection": "Data protection"}
_APPS = {"mail", "awards", "nominations", "shortlisting", "events", "night", "dashboard", "data_protection"}


def code_words(code: str) -> str:
    """A dotted code as words: "api.nominees.retrieve" -> "API: one young person";
    "nominations.nomination.eligible" -> "Nomination: eligible". Never the raw code."""
    if not code:
        return ""
    if code in CONTEXT_LABELS:
        return CONTEXT_LABELS[code]
    parts = code.split(".")
    prefix = ""
    if parts[0] in _PREFIXES and parts[0] not in _APPS - {"data_protection"}:
        prefix = _PREFIXES[parts[0]] + ": "
        parts = parts[1:]
    elif parts[0] in _APPS and len(parts) > 2:
        parts = parts[1:]
    words = [part.replace("_", " ") for part in parts if part]
    if not words:
        return prefix.rstrip(": ")
    head, *rest = words
    text = head.capitalize() + (": " + " ".join(rest) if rest else "")
    return prefix + text
