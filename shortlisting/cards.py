"""What a panel member sees of a nomination. Under blind review: a neutral label and the
statement with every form of the names replaced; never identity fields, nor the nominator's
name or organisation (a foster carer's surname can reveal where a child lives). Never the
"anything else" box either, blind or not: it is a private note to the awards team (young panel
members read it once as "there is a lot going on at home")."""

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
    names, places = names_to_hide(nomination), places_to_hide(nomination)

    def hide(text: str) -> str:
        return redact(redact(text, names), places, placeholder="[place]")

    return NominationCard(
        nomination_id=nomination.pk,
        label=label,
        category=nomination.category.name,
        announce_name=None,
        achievement=hide(nomination.achievement),
        why_it_matters=hide(nomination.why_it_matters),
    )
