"""Writing the demo at national scale: fast bulk inserts, and the celebration night of a large
programme (1,000 finalists, 5,000 guests) written in bulk.

`insert_rows` is what the demo uses instead of bulk_create: on PostgreSQL it streams rows with
COPY (several times faster than INSERT ... VALUES at 100,000 rows, mostly in Python), elsewhere
one prepared INSERT for all rows. Primary keys are taken from the table's sequence first, so the
instances have them afterwards as with bulk_create. Unlike bulk_create, a value given for an
auto_now / auto_now_add field is kept: the demo writes history at the time it happened.

`seed_event_at_scale` writes what the event services would write for a large programme, one
function per phase: confirmed shortlists (with the nominations moved to shortlisted / not
shortlisted and their history) of finalists the safeguarding gate already clears (demo.people
checked them), the invitations and their history, answers with guests, the other invitations,
the running order, tables and seating. The small demo's event goes through the services one by
one (demo.event); at this size that would take most of an hour."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from awards.enums import NomineeKind
from awards.models import Category
from events.enums import AccessNeed, Dietary, GuestRelationship, InvitationKind, InvitationStatus
from events.models import Event, Guest, Invitation, InvitationHistory
from events.selectors import responsible_adult
from events.services import GuestInput, RsvpAnswer, event_save, invitation_create, invitations_send, rsvp_respond
from nominations.enums import ConsentPurpose, NominationStatus
from nominations.models import Consent, Nomination, NominationHistory
from shortlisting.enums import PanelRole, ShortlistState
from shortlisting.models import PanelMember, Shortlist, ShortlistHistory

from .event import FINISHED_CATEGORIES, GUEST_FIRST, GUEST_LAST, OTHER_INVITATIONS, EventSummary, _deliveries_as_sent, _night

BATCH = 5000


# --- bulk writes ------------------------------------------------------------------------------


def _preparer(field: models.Field):
    """How a value reaches the database driver: as Django would prepare it, skipped where the
    driver takes the Python value as it is (most fields, on PostgreSQL)."""
    if connection.vendor != "postgresql" or isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _allocate_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(model._meta.pk.column)}), 0) FROM {quote(table)}")  # nosec B608 - table and column names from model metadata, quoted; values are parameters
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Append rows (values in `columns` order, ready for the driver) to `table`."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            rows = list(rows)
            for start in range(0, len(rows), BATCH):
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows[start:start + BATCH])  # nosec B608 - table and column names from model metadata, quoted; values are parameters


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> Sequence[models.Model]:
    """Insert new, unsaved instances of `model` and set their primary keys. No save(), no signals:
    the caller builds the rows the services would write. auto_now / auto_now_add fields keep a
    value the caller gave and get the current time otherwise."""
    if not objs:
        return objs
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    for obj, pk in zip(objs, _allocate_ids(model, len(objs))):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, now)
    prepared = [(field.attname, _preparer(field)) for field in fields]
    copy_rows(
        model._meta.db_table,
        [field.column for field in fields],
        ([prepare(getattr(obj, name)) if prepare else getattr(obj, name) for name, prepare in prepared] for obj in objs),
    )
    return objs


def insert_dicts(model: type[models.Model], rows: Sequence[dict]) -> None:
    """Insert rows given as {attname: value} (the database numbers them): for rows nothing
    refers to, such as history, where building model instances is most of the cost at scale.
    A missing field gets its default; auto_now / auto_now_add fields the current time."""
    if not rows:
        return
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    plan = []
    for field in fields:
        stamp = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        plan.append((field.attname, stamp, field.get_default, _preparer(field)))
    values = []
    for row in rows:
        line = []
        for name, stamp, default, prepare in plan:
            if stamp:
                value = row.get(name) or now
            else:
                value = row[name] if name in row else default()
            line.append(prepare(value) if prepare else value)
        values.append(line)
    copy_rows(model._meta.db_table, [field.column for field in fields], values)


def set_column(model: type[models.Model], attname: str, pairs: Sequence[tuple[object, int]]) -> None:
    """UPDATE one column of many rows: `pairs` are (value, primary key). One statement on
    PostgreSQL; one prepared statement run for every pair elsewhere."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    column = quote(model._meta.get_field(attname).column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(pairs), 50_000):
                chunk = pairs[start:start + 50_000]
                cursor.execute(
                    f"UPDATE {table} SET {column} = v.value FROM unnest(%s::bigint[], %s::bigint[]) AS v(value, id) "  # nosec B608 - table and column names from model metadata, quoted; values are parameters
                    f"WHERE {table}.{pk} = v.id",
                    [[value for value, _ in chunk], [key for _, key in chunk]],
                )
        else:
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", list(pairs))  # nosec B608 - table and column names from model metadata, quoted; values are parameters


# --- the celebration night of a large programme ---------------------------------------------

# About one nomination in a hundred reaches the final, up to 1,000 finalists; five seats each.
FINALISTS_PER_NOMINATION = 0.01
MAX_FINALISTS = 1000
SEATS_PER_FINALIST = 5
GUEST_ALLOWANCE = 5
TABLE_SEATS = 12


def scale_event_size(nominations: int) -> tuple[int, int]:
    """(finalists, seats) of the night for a programme of this many nominations."""
    finalists = max(6, min(MAX_FINALISTS, round(nominations * FINALISTS_PER_NOMINATION)))
    return finalists, finalists * SEATS_PER_FINALIST


def _cleared_nominees():
    """Nominees the safeguarding gate lets through: checked, attending safe, current consent to attend."""

    return Q(nominee__safeguarding_checked_at__isnull=False, nominee__attendance_safe=True) & Q(
        Exists(Consent.objects.filter(
            nominee_id=OuterRef("nominee_id"), purpose=ConsentPurpose.ATTENDING, given=True, withdrawn_at__isnull=True,
        ))
    )


def seed_event_at_scale(*, programme, users: dict, rng: random.Random, now: datetime, nominations: int):
    """The night of a national-scale programme, written in bulk: `scale_event_size` finalists from
    confirmed shortlists of the finished panels' categories (two held back by the gate), their
    invitations answered (most accept, with guests up to the seats), presenters and comperes,
    a running order, tables and everyone coming seated, some arrived. Returns an EventSummary.

    The phases run in this order, which is also the order they draw on `rng` in."""
    organiser = users["organiser"]
    finalist_count, seats = scale_event_size(nominations)
    event = _event_create(programme=programme, organiser=organiser, now=now, seats=seats)
    categories, chosen = _finalists_choose(programme=programme, finalist_count=finalist_count)
    _shortlists_confirm(categories=categories, chosen=chosen, organiser=organiser, now=now)
    finalist_ids = {pk for picks in chosen.values() for pk in picks}
    _nominations_decide(categories=categories, finalist_ids=finalist_ids, organiser=organiser, now=now)
    answers = _finalist_invitations(event=event, finalist_ids=finalist_ids, organiser=organiser, rng=rng, now=now)
    guests = _parties(event=event, answers=answers, rng=rng, seats=seats)
    _other_invitations(event=event, organiser=organiser, now=now)
    _tables_and_night(event=event, guests=guests, rng=rng, users=users)
    by_status = dict(event.invitations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    event.refresh_from_db()
    return EventSummary(
        finalists=len(finalist_ids), invitations=sum(by_status.values()), by_status=by_status, guests=event.seats_taken
    )


def _event_create(*, programme, organiser, now: datetime, seats: int) -> Event:
    """The night itself, ten weeks on, through event_save: room for `seats` and a hundred more."""
    day = (now + timedelta(weeks=10)).date()
    starts = timezone.make_aware(datetime.combine(day, time(18, 0)))
    return event_save(
        actor=organiser, programme=programme,
        name="PROUD Awards 2026 national celebration", venue_name="National Exhibition Hall, Hall 3",
        venue_address="Exhibition Way\nNorthtown\nNT1 1EX",
        starts_at=starts, doors_open_at=starts - timedelta(minutes=45), ends_at=starts + timedelta(hours=4),
        rsvp_deadline=starts - timedelta(weeks=3), capacity=seats + 100, default_guest_allowance=GUEST_ALLOWANCE,
        access_information="Step-free throughout, lifts to every level, hearing loops, quiet rooms by the hall.",
        dress_code="Whatever makes you feel good", organiser_contact_name="Participation team",
        organiser_contact_email="awards@example.org", organiser_contact_phone="01234 567890",
    )


def _finalists_choose(*, programme, finalist_count: int) -> tuple[list[Category], dict[int, list[int]]]:
    """The finished categories and the finalists of each, by category pk.

    Each finished category gets its share of the finalists (a national final has many per award,
    so its max_finalists becomes the share): the best-scored eligible nominations whose young
    person the gate clears, and two that it does not, one in each of the first two categories
    (their invitations stay drafts, as in the county demo). Groups are left out: every member of
    a group would need clearing (the county demo has one)."""
    categories = list(
        Category.objects.filter(programme=programme, slug__in=FINISHED_CATEGORIES)
        .exclude(nominee_kind=NomineeKind.GROUP)
        .select_related("panel_link__panel").order_by("display_order")
    )
    share = math.ceil(finalist_count / len(categories))
    chosen: dict[int, list[int]] = {}
    total = 0
    for index, category in enumerate(categories):
        wanted = min(share, finalist_count - total)
        eligible = Nomination.objects.filter(category=category, status=NominationStatus.ELIGIBLE, nominee__isnull=False)
        scored = Count("assignments__review", filter=Q(assignments__review__status="submitted"))
        held_back = 1 if index < 2 else 0
        picks = list(
            eligible.filter(_cleared_nominees()).annotate(scored=scored)
            .order_by("-scored", "reference").values_list("pk", flat=True)[: wanted - held_back]
        )
        if held_back:
            picks += list(
                eligible.exclude(nominee__safeguarding_checked_at__isnull=False).exclude(pk__in=picks)
                .order_by("reference").values_list("pk", flat=True)[:held_back]
            )
        chosen[category.pk] = picks
        total += len(picks)
    Category.objects.filter(pk__in=chosen).update(max_finalists=share)
    return categories, chosen


def _shortlists_confirm(*, categories: list[Category], chosen: dict[int, list[int]], organiser, now: datetime) -> None:
    """What shortlist_propose and shortlist_confirm write: a confirmed shortlist of each category's
    finalists, proposed by its panel's chair three days ago and confirmed by the organiser two days
    ago, with the history of both."""
    chairs = {
        m.panel_id: m.user for m in PanelMember.objects.filter(
            panel__in=[c.panel_link.panel for c in categories], role=PanelRole.CHAIR,
        ).select_related("user")
    }
    shortlists = insert_rows(Shortlist, [
        Shortlist(
            category=category, panel_id=category.panel_link.panel_id, state=ShortlistState.CONFIRMED,
            proposed_by=chairs[category.panel_link.panel_id], proposed_at=now - timedelta(days=3),
            confirmed_by=organiser, confirmed_at=now - timedelta(days=2),
        )
        for category in categories
    ])
    through = Shortlist.finalists.through
    insert_dicts(through, [
        {"shortlist_id": shortlist.pk, "nomination_id": pk}
        for shortlist, category in zip(shortlists, categories) for pk in chosen[category.pk]
    ])
    shortlist_history = []
    for shortlist, category in zip(shortlists, categories):
        chair = chairs[category.panel_link.panel_id]
        shortlist_history += [
            {"shortlist_id": shortlist.pk, "action": "shortlisting.shortlist.proposed", "actor_id": chair.pk,
             "actor_label": chair.get_username(), "reason": "", "detail": {"finalists": len(chosen[category.pk])},
             "at": now - timedelta(days=3)},
            {"shortlist_id": shortlist.pk, "action": "shortlisting.shortlist.confirmed", "actor_id": organiser.pk,
             "actor_label": organiser.get_username(), "reason": "", "detail": {}, "at": now - timedelta(days=2)},
        ]
    insert_dicts(ShortlistHistory, shortlist_history)


def _nominations_decide(*, categories: list[Category], finalist_ids: set[int], organiser, now: datetime) -> None:
    """What shortlist_confirm does to each nomination under review, with its history: the finalists
    are shortlisted, every other eligible nomination in those categories not shortlisted."""
    decided = list(
        Nomination.objects.filter(category__in=categories, status=NominationStatus.ELIGIBLE).values_list("pk", flat=True)
    )
    moved = {NominationStatus.SHORTLISTED: [], NominationStatus.NOT_SHORTLISTED: []}
    for pk in decided:
        moved[NominationStatus.SHORTLISTED if pk in finalist_ids else NominationStatus.NOT_SHORTLISTED].append(pk)
    for status, pks in moved.items():
        Nomination.objects.filter(pk__in=pks).update(status=status, updated_at=now - timedelta(days=2))
    insert_dicts(NominationHistory, [
        {"nomination_id": pk, "action": f"nominations.nomination.{status}", "from_status": NominationStatus.ELIGIBLE,
         "to_status": status, "actor_id": organiser.pk, "actor_label": organiser.get_username(),
         "reason": "Shortlist confirmed", "at": now - timedelta(days=2)}
        for status, pks in moved.items() for pk in pks
    ])


def _finalist_invitations(
    *, event: Event, finalist_ids: set[int], organiser, rng: random.Random, now: datetime,
) -> list[Invitation]:
    """What finalist_invitations_create writes, then sent two weeks ago and answered: a draft for
    each finalist the gate holds back; of the others one revoked, one expired, 2% still waiting,
    4% declined and the rest accepted. Writes the invitations and their history but the answers
    (_parties writes those, with the party sizes); returns the answered invitations."""
    finalists = list(
        Nomination.objects.filter(pk__in=finalist_ids)
        .select_related("nominee__allocated_worker", "group", "category")
        .order_by("category__display_order", "reference")
    )
    cleared = set(
        Nomination.objects.filter(pk__in=finalist_ids).filter(_cleared_nominees()).values_list("pk", flat=True)
    )
    sent_at = now - timedelta(weeks=2)
    fate = _invitation_fates([n for n in finalists if n.pk in cleared], rng)
    invitations = []
    for nomination in finalists:
        name, email = responsible_adult(nomination)
        status = fate.get(nomination.pk, InvitationStatus.DRAFT)
        responded = status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)
        invitations.append(Invitation(
            event=event, kind=InvitationKind.FINALIST, nomination=nomination, status=status,
            addressee_name=name, addressee_email=email, guest_allowance=GUEST_ALLOWANCE,
            sent_at=sent_at if status != InvitationStatus.DRAFT else None,
            responded_at=sent_at + timedelta(days=rng.randint(1, 10)) if responded else None,
            created_at=sent_at - timedelta(days=1),
        ))
    insert_rows(Invitation, invitations)
    insert_dicts(InvitationHistory, _invitation_history(invitations, organiser=organiser, now=now))
    return [invitation for invitation in invitations if invitation.responded_at]


def _invitation_fates(answerable: list[Nomination], rng: random.Random) -> dict[int, str]:
    """The status each invitation the gate lets through ends in, by nomination pk, in a random order:
    one revoked, one expired, 2% still waiting, 4% declined, the rest accepted."""
    answerable = list(answerable)
    rng.shuffle(answerable)
    waiting, declining = max(1, len(answerable) // 50), max(1, len(answerable) // 25)
    fate = {}
    for position, nomination in enumerate(answerable):
        fate[nomination.pk] = (
            InvitationStatus.REVOKED if position == 0 else InvitationStatus.EXPIRED if position == 1
            else InvitationStatus.SENT if position < 2 + waiting
            else InvitationStatus.DECLINED if position < 2 + waiting + declining
            else InvitationStatus.ACCEPTED
        )
    return fate


def _invitation_history(invitations: list[Invitation], *, organiser, now: datetime) -> list[dict]:
    """InvitationHistory rows (as dicts) for each invitation's steps before any answer: created,
    queued and sent by the outbox, and revoked or expired."""
    history = []
    for invitation in invitations:
        created = {"invitation_id": invitation.pk, "actor_id": organiser.pk, "actor_label": organiser.get_username(),
                   "at": invitation.created_at}
        history.append(created | {"action": "events.invitation.created", "from_status": "", "to_status": InvitationStatus.DRAFT,
                                  "detail": {"category": invitation.nomination.category.name}})
        if invitation.status == InvitationStatus.DRAFT:
            continue
        sent_at = invitation.sent_at
        history.append(created | {"action": "events.invitation.queued", "from_status": InvitationStatus.DRAFT,
                                  "to_status": InvitationStatus.QUEUED, "detail": {}, "at": sent_at})
        history.append({"invitation_id": invitation.pk, "actor_id": None, "actor_label": "system", "at": sent_at,
                        "action": "events.invitation.sent", "from_status": InvitationStatus.QUEUED,
                        "to_status": InvitationStatus.SENT, "detail": {}})
        if invitation.responded_at:
            continue
        if invitation.status == InvitationStatus.REVOKED:
            history.append(created | {"action": "events.invitation.revoked", "from_status": InvitationStatus.SENT,
                                      "to_status": InvitationStatus.REVOKED, "at": sent_at + timedelta(days=2),
                                      "detail": {"reason": "The placement has changed; not safe to attend."}})
        elif invitation.status == InvitationStatus.EXPIRED:
            history.append({"invitation_id": invitation.pk, "actor_id": None, "actor_label": "system",
                            "action": "events.invitation.expired", "from_status": InvitationStatus.SENT,
                            "to_status": InvitationStatus.EXPIRED, "at": now, "detail": {}})
    return history


def _parties(*, event: Event, answers: list[Invitation], rng: random.Random, seats: int) -> list[dict]:
    """Each accepted finalist's party (the finalist first, then guests), sized so that with the seats
    kept for the other invitations they come to `seats` in all; then the answers' history (with the
    party sizes) and the event's seats taken. Returns the guests, as the dicts written."""
    accepted = [i for i in answers if i.status == InvitationStatus.ACCEPTED]
    sizes = _party_sizes(rng, len(accepted), seats - 2 * len(OTHER_INVITATIONS), GUEST_ALLOWANCE + 1)
    guests = []
    for invitation, size in zip(accepted, sizes):
        for position in range(size):
            finalist = position == 0
            guests.append({
                "event_id": event.pk, "invitation_id": invitation.pk, "position": position,
                # A finalist's own line keeps no name: it is composed from the nominee when read.
                "name": "" if finalist else _guest_name(rng),
                "relationship": GuestRelationship.FINALIST if finalist else rng.choice(
                    [GuestRelationship.CARER, GuestRelationship.FAMILY, GuestRelationship.FRIEND, GuestRelationship.WORKER]),
                "dietary": rng.sample(Dietary.values, 1) if rng.random() < 0.3 else [],
                "dietary_other": "No mushrooms" if rng.random() < 0.03 else "",
                "access_needs": [AccessNeed.WHEELCHAIR] if rng.random() < 0.015
                else [AccessNeed.QUIET_SPACE] if rng.random() < 0.01 else [],
                "access_other": "",
                "photography_consent": rng.random() < 0.85, "transport_needed": rng.random() < 0.1,
                "table_id": None, "checked_in_at": None, "checked_in_by_id": None, "created_at": invitation.responded_at,
            })
    insert_dicts(Guest, guests)
    party = Counter(g["invitation_id"] for g in guests)
    insert_dicts(InvitationHistory, [
        {"invitation_id": invitation.pk, "actor_id": None, "actor_label": "invitee (private link)",
         "action": "events.invitation.answered", "from_status": InvitationStatus.SENT,
         "to_status": invitation.status, "at": invitation.responded_at,
         "detail": {"party_size": party.get(invitation.pk, 0)}}
        for invitation in answers
    ])
    Event.objects.filter(pk=event.pk).update(seats_taken=len(guests))
    return guests


def _other_invitations(*, event: Event, organiser, now: datetime) -> None:
    """Presenters, comperes, performers and VIPs through the services, as in the county demo: sent
    (but the staff's), each answered yes for one, and the messages the services queued marked sent
    (the demo mails nobody)."""
    others = [
        invitation_create(
            event=event, actor=organiser, kind=kind, addressee_name=name, title=title,
            addressee_email=f"{name.split()[-1].strip('()').lower()}.{kind}@example.org",
            guest_allowance=1 if kind != InvitationKind.PERFORMER else 0,
        )
        for kind, name, title in OTHER_INVITATIONS
    ]
    invitations_send(event=event, actor=organiser, invitation_ids=[i.pk for i in others if i.kind != InvitationKind.STAFF])
    _deliveries_as_sent(event, now)
    for invitation in Invitation.objects.filter(pk__in=[i.pk for i in others], status=InvitationStatus.SENT):
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(_plain_guest(""),)))
    _deliveries_as_sent(event, now)


def _tables_and_night(*, event: Event, guests: list[dict], rng: random.Random, users: dict) -> None:
    """Tables of TABLE_SEATS enough for everyone (parties sit together, at about 80% full), with
    accessible ones enough for the parties with access needs; then the running order, seating and
    arrivals (demo.event._night)."""
    event.refresh_from_db()
    party = Counter(g["invitation_id"] for g in guests)
    needs_access = {g["invitation_id"] for g in guests if g["access_needs"]}
    access_seats = sum(size for invitation_id, size in party.items() if invitation_id in needs_access)
    tables = min(999, math.ceil(event.seats_taken / (TABLE_SEATS * 0.8)) + 2)
    accessible = min(tables, math.ceil(access_seats / (TABLE_SEATS * 0.6)) + 2)
    _night(
        event, rng, users, tables=[(number, TABLE_SEATS, number <= accessible) for number in range(1, tables + 1)],
        bulk_arrivals=True,
    )


def _party_sizes(rng: random.Random, parties: int, seats: int, largest: int) -> list[int]:
    """Party sizes between 1 and `largest`, adding up to `seats` (as near as the bounds allow)."""
    if not parties:
        return []
    mean = seats / parties
    sizes = [min(largest, max(1, round(rng.gauss(mean, 1.0)))) for _ in range(parties)]
    gap = seats - sum(sizes)
    order = list(range(parties))
    while gap:
        rng.shuffle(order)
        moved = False
        for index in order:
            if gap > 0 and sizes[index] < largest:
                sizes[index] += 1
                gap -= 1
                moved = True
            elif gap < 0 and sizes[index] > 1:
                sizes[index] -= 1
                gap += 1
                moved = True
            if not gap:
                break
        if not moved:
            break
    return sizes


def _guest_name(rng: random.Random) -> str:
    return f"{rng.choice(GUEST_FIRST)} {rng.choice(GUEST_LAST)}"


def _plain_guest(name: str):
    return GuestInput(name=name, relationship="other", photography_consent=True)
