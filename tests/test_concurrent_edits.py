"""Two organisers changing the same record through the API: every change honours If-Match, so the
later write made from a stale read is refused with 412 and the earlier one survives."""

import threading
from dataclasses import dataclass
from typing import Callable

import pytest
from django.db import connection, connections
from drf_spectacular.generators import SchemaGenerator

from awards.concurrency import STALE_API_MESSAGE
from awards.enums import Role
from awards.models import Category, Criterion
from events.enums import ItemKind
from events.models import Event, Invitation, RunningOrderItem, Table
from night.services import running_order_add, tables_set
from tests.conftest import client_for, user_with_role
from tests.factories import CategoryFactory, CriterionFactory, EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    organiser: object
    other_organiser: object
    ids: dict


@pytest.fixture
def world(programme, organiser) -> World:
    category = CategoryFactory(programme=programme, name="Positive Choices", slug="positive-choices")
    criterion = CriterionFactory(category=category)
    event = EventFactory(programme=programme)
    invitation = InvitationFactory(event=event)
    item = running_order_add(event=event, actor=organiser, kind=ItemKind.SPEECH, title="Welcome speech")
    tables_set(event=event, actor=organiser, tables=[(1, 8, False)])
    return World(
        organiser=organiser,
        other_organiser=user_with_role(programme, Role.ORGANISER, "second-organiser"),
        ids={
            "categories": category.pk,
            "criteria": criterion.pk,
            "events": event.pk,
            "invitations": invitation.pk,
            "running-order-items": item.pk,
        },
    )


@dataclass
class Change:
    """One way of changing a record: where to read it, how to write it, and what it holds now."""

    read: str  # the detail read that gives the ETag
    method: str
    write: str
    body: Callable[[str, dict], dict]  # (the value to write, the representation read) -> body
    now: Callable[[int], object]  # the record's id -> the value it holds


def _put_body(read_only: tuple, **overrides):
    def body(value: str, seen: dict) -> dict:
        return {**{k: v for k, v in seen.items() if k not in read_only}, **overrides, "name": value}

    return body


CHANGES = {
    "category PATCH": Change(
        "/api/v1/categories/{id}/", "patch", "/api/v1/categories/{id}/",
        lambda value, seen: {"name": value},
        lambda pk: Category.objects.get(pk=pk).name,
    ),
    "category PUT": Change(
        "/api/v1/categories/{id}/", "put", "/api/v1/categories/{id}/",
        _put_body(("id", "eligibility", "criteria")),
        lambda pk: Category.objects.get(pk=pk).name,
    ),
    "criterion PATCH": Change(
        "/api/v1/criteria/{id}/", "patch", "/api/v1/criteria/{id}/",
        lambda value, seen: {"name": value},
        lambda pk: Criterion.objects.get(pk=pk).name,
    ),
    "criterion PUT": Change(
        "/api/v1/criteria/{id}/", "put", "/api/v1/criteria/{id}/",
        lambda value, seen: {**{k: v for k, v in seen.items() if k != "id"}, "name": value,
                             "category": Criterion.objects.get(pk=seen["id"]).category_id},
        lambda pk: Criterion.objects.get(pk=pk).name,
    ),
    "event PATCH": Change(
        "/api/v1/events/{id}/", "patch", "/api/v1/events/{id}/",
        lambda value, seen: {"name": value},
        lambda pk: Event.objects.get(pk=pk).name,
    ),
    "invitation PATCH": Change(
        "/api/v1/invitations/{id}/", "patch", "/api/v1/invitations/{id}/",
        lambda value, seen: {"addressee_name": value},
        lambda pk: Invitation.objects.get(pk=pk).addressee_name,
    ),
    "invitation approve-quote": Change(
        "/api/v1/invitations/{id}/", "post", "/api/v1/invitations/{id}/approve-quote/",
        lambda value, seen: {"quote": value},
        lambda pk: Invitation.objects.get(pk=pk).quote,
    ),
    "running-order item PATCH": Change(
        "/api/v1/running-order-items/{id}/", "patch", "/api/v1/running-order-items/{id}/",
        lambda value, seen: {"title": value},
        lambda pk: RunningOrderItem.objects.get(pk=pk).title,
    ),
    "event tables PUT": Change(
        "/api/v1/events/{id}/tables/", "put", "/api/v1/events/{id}/tables/",
        lambda value, seen: {"tables": [{"number": 1, "capacity": int(value), "accessible": False}]},
        lambda pk: str(Table.objects.get(event_id=pk, number=1).capacity),
    ),
}
# The values written: tables take a capacity, everything else a name.
VALUES = {"event tables PUT": ("10", "12")}


def _resource(path: str) -> str:
    return path.split("/")[3]


def _url(template: str, world: World) -> str:
    return template.format(id=world.ids[_resource(template)])


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_from_a_stale_read_is_refused_and_the_first_change_survives(world, name):
    change = CHANGES[name]
    first_value, second_value = VALUES.get(name, ("Changed by the first organiser", "Changed by the second organiser"))
    first, second = client_for(world.organiser), client_for(world.other_organiser)
    pk = world.ids[_resource(change.read)]

    # Both organisers read the same version.
    read_by_first = first.get(_url(change.read, world))
    read_by_second = second.get(_url(change.read, world))
    etag = read_by_first["ETag"]
    assert read_by_first.status_code == 200
    assert etag.startswith('"') and etag.endswith('"')
    assert read_by_second["ETag"] == etag

    # The first change, made from that version, is written and answers with the new version.
    written = getattr(first, change.method)(
        _url(change.write, world), change.body(first_value, read_by_first.json()), format="json", HTTP_IF_MATCH=etag
    )
    assert written.status_code == 200, written.content
    assert written["ETag"] != etag
    assert change.now(pk) == first_value
    # The new ETag is the one a read gives now, so the first organiser can change it again.
    assert first.get(_url(change.read, world))["ETag"] == written["ETag"]

    # The second change, made from the old version, is refused and writes nothing.
    refused = getattr(second, change.method)(
        _url(change.write, world), change.body(second_value, read_by_second.json()), format="json", HTTP_IF_MATCH=etag
    )
    assert refused.status_code == 412
    assert refused.json() == {"detail": STALE_API_MESSAGE, "code": "precondition_failed"}
    assert change.now(pk) == first_value

    # Read again, the second organiser's change goes through.
    fresh = second.get(_url(change.read, world))
    retried = getattr(second, change.method)(
        _url(change.write, world), change.body(second_value, fresh.json()), format="json", HTTP_IF_MATCH=fresh["ETag"]
    )
    assert retried.status_code == 200, retried.content
    assert change.now(pk) == second_value


def test_a_change_without_if_match_is_still_accepted(world):
    response = client_for(world.organiser).patch(
        f"/api/v1/events/{world.ids['events']}/", {"name": "No precondition"}, format="json"
    )
    assert response.status_code == 200
    assert Event.objects.get(pk=world.ids["events"]).name == "No precondition"


def test_if_match_star_and_a_list_of_tags_are_understood(world):
    client = client_for(world.organiser)
    url = f"/api/v1/events/{world.ids['events']}/"
    etag = client.get(url)["ETag"]

    star = client.patch(url, {"name": "Any version"}, format="json", HTTP_IF_MATCH="*")
    weak = client.patch(url, {"name": "Weak"}, format="json", HTTP_IF_MATCH=f"W/{star['ETag']}")
    listed = client.patch(url, {"name": "Listed"}, format="json", HTTP_IF_MATCH=f'"old", {star["ETag"]}')

    assert (star.status_code, weak.status_code, listed.status_code) == (200, 412, 200)
    assert star["ETag"] != etag
    assert Event.objects.get(pk=world.ids["events"]).name == "Listed"


def test_a_refused_change_with_bad_input_still_says_precondition_first_for_puts(world):
    """A stale PUT is refused as stale before its body is looked at: reading again is the fix."""
    response = client_for(world.organiser).put(
        f"/api/v1/categories/{world.ids['categories']}/", {}, format="json", HTTP_IF_MATCH='"stale"'
    )
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"


# --- every update operation in the schema takes part -------------------------------------------


def update_operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("put", "patch")
    )


def test_every_update_operation_is_covered_here():
    covered = {(c.method.upper(), c.write) for c in CHANGES.values()}
    missing = [f"{m} {p}" for m, p, _ in update_operations() if (m, p) not in covered]
    assert missing == [], "add these operations to CHANGES (and give them If-Match)"


@pytest.mark.parametrize(
    "method, path, operation", update_operations(), ids=[f"{m} {p}" for m, p, _ in update_operations()]
)
def test_every_update_operation_documents_and_honours_if_match(world, method, path, operation):
    headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
    assert headers == ["If-Match"]
    assert operation["responses"]["412"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PreconditionFailed"
    }
    url = path.replace("{id}", str(world.ids[_resource(path)]))
    before = client_for(world.organiser).get(url)
    response = client_for(world.organiser).generic(
        method, url, data="{}", content_type="application/json", HTTP_IF_MATCH='"not-the-current-version"'
    )
    assert response.status_code == 412, response.content
    assert response.json()["code"] == "precondition_failed"
    if before.status_code == 200:
        assert client_for(world.organiser).get(url)["ETag"] == before["ETag"]


# --- two changes at the same moment (PostgreSQL: real concurrent transactions) -----------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers: PostgreSQL")
def test_two_simultaneous_changes_with_one_etag_cannot_both_win(programme, organiser):
    assert connection.vendor == "postgresql"
    second_organiser = user_with_role(programme, Role.ORGANISER, "second-organiser")
    event = EventFactory(programme=programme)
    url = f"/api/v1/events/{event.pk}/"
    etag = client_for(organiser).get(url)["ETag"]
    barrier = threading.Barrier(2)
    outcomes: dict = {}

    def change(user, name: str) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[name] = client_for(user).patch(url, {"name": name}, format="json", HTTP_IF_MATCH=etag).status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=change, args=(organiser, "First")),
        threading.Thread(target=change, args=(second_organiser, "Second")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == [200, 412]
    winner = next(name for name, code in outcomes.items() if code == 200)
    assert Event.objects.get(pk=event.pk).name == winner


# --- the ETag answered is documented -------------------------------------------------------------

# Answered with an ETag besides the reads and writes of CHANGES: the item's winner and its reveal.
OTHER_TAGGED = {
    ("POST", "/api/v1/running-order-items/{id}/winner/"),
    ("POST", "/api/v1/running-order-items/{id}/reveal/"),
}


def test_every_operation_answering_with_an_etag_documents_it_and_no_other_does():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "ETag" in operation.get("responses", {}).get("200", {}).get("headers", {})
    }
    tagged = {("GET", c.read) for c in CHANGES.values()} | {(c.method.upper(), c.write) for c in CHANGES.values()}
    assert documented == tagged | OTHER_TAGGED
    header = schema["paths"]["/api/v1/events/{id}/"]["get"]["responses"]["200"]["headers"]["ETag"]
    assert header["schema"] == {"type": "string"} and "If-Match" in header["description"]
    # A response header, not one the request sends.
    assert "ETag" not in [p["name"] for p in schema["paths"]["/api/v1/events/{id}/"]["get"].get("parameters", [])]
