"""Reads of the event night for the API, each deciding what its reader may see."""

from __future__ import annotations

from django.db.models import Count

from events.enums import ItemKind
from events.models import Event, Invitation, RunningOrderItem, Table
from events.services import invitee_name
from nominations.models import Nomination
from nominations.naming import nomination_announce_name, pronunciation_hint

from ..exporters import NightData


def _on_stage(invitation: Invitation | None) -> dict | None:
    if invitation is None:
        return None
    return {"id": invitation.pk, "name": invitee_name(invitation), "title": invitation.title}


def _finalist_line(data: NightData, nomination: Nomination) -> dict:
    guest = data.finalist_guest(nomination)
    if guest is None:
        in_the_room, arrived_at = "not_coming", None
    else:
        in_the_room, arrived_at = ("arrived" if guest.checked_in_at else "not_yet"), guest.checked_in_at
    return {
        "nomination": nomination.pk,
        "announce_name": nomination_announce_name(nomination),
        "pronunciation": pronunciation_hint(nomination.nominee),
        "in_the_room": in_the_room,
        "arrived_at": arrived_at,
    }


def _finalists(data: NightData, item: RunningOrderItem) -> list[Nomination]:
    return data.finalists_by_category.get(item.category_id, []) if item.kind == ItemKind.AWARD else []


def running_order_lines(event: Event, *, organiser: bool) -> list[dict]:
    """The running order with each award's finalists and who is in the room, read in a fixed
    number of queries (the same reads as the event-night workbook, so the two agree). The winner's
    name is computed only for organisers, or once revealed."""
    data = NightData.load(event)
    lines = []
    for item in data.items:
        shown = item.winner_id is not None and (organiser or item.winner_revealed)
        line = {
            "id": item.pk,
            "position": item.position,
            "kind": item.kind,
            "title": item.title,
            "starts_at": item.starts_at,
            "duration_minutes": item.duration_minutes,
            "category": item.category_id,
            "category_name": item.category.name if item.category_id else "",
            "presenters": [_on_stage(p) for p in item.presenters.all()],
            "compere": _on_stage(item.compere),
            "walk_on_music": item.walk_on_music,
            "slide": item.slide,
            "finalists": [_finalist_line(data, n) for n in _finalists(data, item)],
            "winner": nomination_announce_name(item.winner) if shown else None,
            "winner_revealed": item.winner_revealed,
        }
        if organiser:
            line.update(notes=item.notes, winner_nomination=item.winner_id)
        lines.append(line)
    return lines


def compere_script_lines(event: Event) -> list[dict]:
    """Per award, in running order: what it is for, the finalists (announce name, how to say it,
    the approved citation, whether they are in the room) and who presents it."""
    data = NightData.load(event)
    return [
        {
            "item": item.pk,
            "starts_at": item.starts_at,
            "award": item.title,
            "category_name": item.category.name,
            "description": item.category.description,
            "finalists": [{**_finalist_line(data, n), "citation": data.citation(n)} for n in _finalists(data, item)],
            "presenters": [_on_stage(p) for p in item.presenters.all()],
            "compere": _on_stage(item.compere),
        }
        for item in data.items
        if item.kind == ItemKind.AWARD
    ]


def tables_of(event: Event) -> list[Table]:
    return list(Table.objects.filter(event=event).annotate(seated=Count("guests")).order_by("number"))
