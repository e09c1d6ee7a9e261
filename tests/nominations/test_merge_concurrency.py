"""A merge of two nominee records waits for nominations being made in the same programme (an
import matches its rows to stored records, then writes them, all under the programme's sequence
lock): otherwise a merge landing in between leaves new nominations on the record merged away,
with its weaker safeguarding answers. Real concurrent transactions: PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections, transaction  # noqa: F401 (connection: for the skipif)

from nominations.services import nominee_merge
from nominations.services.intake import _reserve_references
from tests.factories import NomineeFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers: PostgreSQL"),
]


def test_a_merge_waits_for_nominations_being_made_in_the_programme(programme, organiser):
    keep = NomineeFactory(programme=programme)
    merge = NomineeFactory(programme=programme)
    locked, release, merged = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def making_nominations():
        try:
            with transaction.atomic():
                _reserve_references(programme, 5)  # what nomination_create and an import hold
                locked.set()
                release.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 - checked below
            errors.append(error)
        finally:
            connections.close_all()

    def merging():
        try:
            nominee_merge(keep=keep, merge=merge, actor=organiser, reason="Same young person")
            merged.set()
        except Exception as error:  # noqa: BLE001 - checked below
            errors.append(error)
        finally:
            connections.close_all()

    maker = threading.Thread(target=making_nominations)
    maker.start()
    assert locked.wait(timeout=10)
    merger = threading.Thread(target=merging)
    merger.start()

    assert not merged.wait(timeout=1.5), "the merge went ahead while nominations were being made"
    release.set()
    assert merged.wait(timeout=10)
    maker.join(timeout=10)
    merger.join(timeout=10)
    assert errors == []
    merge.refresh_from_db()
    assert merge.merged_into_id == keep.pk
