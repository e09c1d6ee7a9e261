"""The announce name: the one place that decides how a nominee is named to others.

DESIGN.md rule 1: every page, export, e-mail, running-order line and certificate that
shows a name to anyone but organisers and allocated staff uses this function.
"""

from .enums import PersonKind, PublicityLevel

ANONYMOUS_YOUNG_PERSON = "A young person from our care"
ANONYMOUS_ADULT = "A member of our care community"


def announce_name(nominee) -> str:
    """The name others may see, from the nominee's publicity level.

    Anything not yet cleared (the default level is anonymous) stays anonymous.
    """
    level = nominee.publicity_level
    first = (nominee.preferred_name or nominee.legal_first_name).strip()
    last = nominee.legal_last_name.strip()
    if level == PublicityLevel.FULL_NAME and first:
        return f"{first} {last}".strip()
    if level == PublicityLevel.FIRST_NAME_INITIAL and first:
        return f"{first} {last[:1]}." if last else first
    if level == PublicityLevel.FIRST_NAME and first:
        return first
    return ANONYMOUS_ADULT if nominee.kind == PersonKind.ADULT else ANONYMOUS_YOUNG_PERSON


def nomination_announce_name(nomination) -> str:
    """The announce name of whoever a nomination is for: a nominee or a named group."""
    if nomination.group_id is not None:
        return nomination.group.name
    return announce_name(nomination.nominee)


def pronunciation_hint(nominee) -> str:
    """How to say the name, for the compere: only when a name is read out at all."""
    if nominee is None or nominee.publicity_level == PublicityLevel.ANONYMOUS:
        return ""
    return nominee.pronunciation
