"""Faults lose nothing: the database failing part-way through a transition, an import and an
RSVP leaves nothing half-written and tells the person to try again; a constraint violation is a
409, never a 500. The failure is injected where Django sends SQL to the database
(`connection.execute_wrapper`), on the statement named, as a real outage would surface."""

import contextlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError, connection

from events.enums import InvitationStatus
from events.models import Event, Guest, Invitation
from nominations.enums import NominationStatus
from nominations.models import Nomination, NominationHistory
from nominations.private_links import FORM_TOKEN_KEY
from tests.conftest import client_for
from tests.factories import NominationFactory

from ..nominations.test_import import csv_bytes, row, second_row

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_fails_on(pattern: str, error=OperationalError, after: int = 0):
    """Fail the statement matching `pattern` (after letting `after` of them through)."""
    seen = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        if re.search(pattern, sql, re.I):
            seen["n"] += 1
            if seen["n"] > after:
                raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def test_a_transition_that_fails_part_way_writes_nothing_and_says_try_again(category, organiser):
    nomination = NominationFactory(programme=category.programme, category=category, status=NominationStatus.SUBMITTED)
    api = client_for(organiser)

    with database_fails_on(r'INSERT INTO "nominations_nominationhistory"') as seen:
        response = api.post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible", "reason": "Checked"}, format="json")

    assert seen["n"] == 1  # the status was already updated in the transaction when the failure came
    assert response.status_code == 503
    assert response.json()["code"] == "try_again" and "nothing was saved" in response.json()["detail"]
    assert response["Retry-After"] == "5"
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.SUBMITTED
    assert not NominationHistory.objects.filter(nomination=nomination, to_status=NominationStatus.ELIGIBLE).exists()
    # Trying again works.
    assert api.post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible", "reason": "Checked"}, format="json").status_code == 200


def test_an_import_that_fails_part_way_writes_no_row(category, organiser):
    api = client_for(organiser)
    body = {"file": SimpleUploadedFile("form.csv", csv_bytes([row(), second_row()])), "programme": category.programme.slug, "dry_run": "false"}

    # The rows are written in bulk: fail the history insert, after both nominations are in.
    written = []
    with database_fails_on(r'INSERT INTO "nominations_nominationhistory"') as seen:
        with connection.execute_wrapper(lambda execute, sql, *args: written.append(sql) or execute(sql, *args)):
            response = api.post("/api/v1/nominations/import/", body, format="multipart")

    assert seen["n"] == 1
    assert any(re.match(r'INSERT INTO "nominations_nomination" ', sql) for sql in written)  # written, then undone
    assert response.status_code == 503
    assert Nomination.objects.count() == 0 and NominationHistory.objects.count() == 0


def test_an_rsvp_that_fails_part_way_keeps_the_seats_and_the_answer_as_they_were(client, sent_invitation):
    invitation, token = sent_invitation
    client.get(f"/rsvp/{token}/")
    form = {
        "private_form": client.session[FORM_TOKEN_KEY], "rsvp-attending": "yes", "invitee-photography_consent": "no",
        "guest-1-name": "Jo Carer", "guest-1-relationship": "carer", "guest-1-photography_consent": "no",
    }

    with database_fails_on(r'INSERT INTO "events_guest"'):
        response = client.post("/rsvp/", form)

    assert response.status_code == 503
    assert "Nothing was saved" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 0
    assert not Guest.objects.filter(invitation=invitation).exists()
    assert client.post("/rsvp/", form).status_code == 302  # trying again works


def test_a_constraint_violation_on_a_page_is_a_409_not_a_500(client, sent_invitation):
    invitation, token = sent_invitation
    client.get(f"/rsvp/{token}/")
    form = {"private_form": client.session[FORM_TOKEN_KEY], "rsvp-attending": "no"}

    with database_fails_on(r'UPDATE "events_invitation"', error=IntegrityError):
        response = client.post("/rsvp/", form)

    assert response.status_code == 409
    assert "conflicts with something saved meanwhile" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT


def test_a_constraint_violation_in_the_api_is_a_409(category, organiser):
    nomination = NominationFactory(programme=category.programme, category=category, status=NominationStatus.SUBMITTED)
    with database_fails_on(r'INSERT INTO "nominations_nominationhistory"', error=IntegrityError):
        response = client_for(organiser).post(
            f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible", "reason": "x"}, format="json"
        )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
