"""Scores saved and a conflict declared on the same assignment at the same moment, in real
concurrent transactions on PostgreSQL (on SQLite one writer waits for the other: see
tests/night/test_sqlite_writers.py). Whichever comes first wins cleanly: the conflict first, and
the save is a 409 with nothing saved; the save first, and the conflict then sets it aside."""

import threading

import pytest
from django.db import connection, connections

from nominations.enums import NominationStatus
from shortlisting.models import Assignment, Conflict, Score
from shortlisting.services import assignment_run
from tests.conftest import client_for
from tests.factories import CriterionFactory, NominationFactory, PanelCategoryFactory, PanelMemberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers: PostgreSQL"),
]

TRIES = 8


def at_once(*calls) -> list:
    """Each call in its own thread and database connection, released together; their answers."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            answers[index] = call()
        except Exception as error:  # noqa: BLE001 - every outcome is checked below
            answers[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_scores_and_a_conflict_at_the_same_moment_never_half_happen(programme, organiser):
    assert connection.vendor == "postgresql"
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme)
    criterion = CriterionFactory(category=link.category, max_score=5)
    member = PanelMemberFactory(panel=link.panel)
    nominations = [
        NominationFactory(programme=programme, category=link.category, status=NominationStatus.ELIGIBLE) for _ in range(TRIES)
    ]
    assignment_run(panel=link.panel, actor=organiser)
    outcomes = []

    for nomination in nominations:
        assignment = Assignment.objects.get(member=member, nomination=nomination)
        url = f"/api/v1/assignments/{assignment.pk}/"
        saved, declared = at_once(
            lambda: client_for(member.user).post(url + "review/", {"scores": {str(criterion.pk): 4}, "submit": True}, format="json"),
            lambda: client_for(member.user).post(url + "declare-conflict/", {"reason": "Neighbours"}, format="json"),
        )
        outcomes.append((saved.status_code, declared.status_code))
        scores = list(Score.objects.filter(review__assignment=assignment).values_list("value", flat=True))

        assert declared.status_code == 201, declared.content
        assert Conflict.objects.filter(member=member, nominee=nomination.nominee).exists()
        if saved.status_code in (404, 409):  # the conflict came first: before the request found it, or after
            assert saved.status_code == 404 or saved.json()["code"] == "notopentoscore"
            assert scores == []
        else:
            assert saved.status_code == 200, saved.content
            assert scores == [4]

    assert set(outcomes) <= {(200, 201), (409, 201), (404, 201)}, outcomes
