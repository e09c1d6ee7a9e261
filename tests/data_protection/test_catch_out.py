"""Data built to catch data protection out (issue 21): a group of two children named in each
other's statement, reasons and comments; signed panel comments; a performer's invitation and a
running-order note naming the carer; namesakes ("Nevaeh Kaya", "Connor from the film crew"); a
merged record. The checks read a dump of every table, not the API, and the last tests undo the
group-text rule and the namesake rule to show the checks catch it."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.enums import NomineeKind
from data_protection import erasure
from data_protection.services import nominee_erase, nominee_erasure_changes
from events.enums import InvitationKind, ItemKind
from events.models import Invitation, RunningOrderItem
from nominations.models import IdentityAccess, Nomination, NominationHistory, NomineeGroup
from nominations.services import nominee_merge
from shortlisting.enums import ReviewStatus
from shortlisting.models import Assignment, Review, Shortlist, ShortlistHistory
from tests.data_protection.test_data_protection import occurrences, text_values
from tests.factories import (
    CategoryFactory,
    EventFactory,
    InvitationFactory,
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    PanelFactory,
    PanelMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ZEPH = ["Zephyrine", "Quillfeather", "Zeph", "Maria Lopez", "maria.lopez", "Marshbrook"]
KAYA_NOTE = "Nevaeh Kaya's carer collects her award if she is unwell."
CONNOR_NOTE = "Connor from the film crew sets up the camera at 6."


def item(event, position, title, notes, kind=ItemKind.PERFORMANCE, category=None):
    return RunningOrderItem.objects.create(
        event=event, position=position, kind=kind, title=title, notes=notes, starts_at=event.starts_at, category=category
    )


@pytest.fixture
def world(programme, organiser):
    event = EventFactory(programme=programme)
    solo = CategoryFactory(programme=programme, name="Outstanding Achievement")
    band = CategoryFactory(programme=programme, name="Teamwork", nominee_kind=NomineeKind.GROUP)

    zeph = NomineeFactory(programme=programme, legal_first_name="Zephyrine", legal_last_name="Quillfeather", preferred_name="Zeph", area="Marshbrook")
    ava = NomineeFactory(programme=programme, legal_first_name="Avalon", legal_last_name="Brightwater", preferred_name="Ava", area="Fernleigh")
    # A second record of Zeph's, with its own date of birth, merged into the first.
    old = NomineeFactory(programme=programme, legal_first_name="Zephyrine", legal_last_name="Quillfeather", date_of_birth=dt.date(2009, 3, 15))
    NominationFactory(programme=programme, category=solo, nominee=old, achievement="Zephyrine won the county chess cup.")
    nominee_merge(keep=zeph, merge=old, actor=organiser, reason="Same young person")

    group = NomineeGroupFactory(programme=programme, name="Zeph and Ava's Drumline")
    group.members.set([zeph, ava])
    together = NominationFactory(
        programme=programme, category=band, nominee=None, group=group, nominator_name="Gideon Brightwater",
        achievement="Zeph and Ava set up a drumming group; both in care, they now teach younger children.",
        why_it_matters="Ava says Zeph never gives up.",
    )  # fmt: skip
    NominationHistory.objects.create(
        nomination=together, action="nominations.nomination.note", actor_label="organiser", reason="Checked with Zeph's and Ava's workers."
    )
    panel = PanelFactory(programme=programme)
    marek = PanelMemberFactory(panel=panel, user=UserFactory(username="marek", first_name="Marek", last_name="Nowak"))
    pat = PanelMemberFactory(panel=panel, user=UserFactory(username="pokoro", first_name="Pat", last_name="Okoro"))
    for member, comment in ((marek, "Zeph and Ava are inspiring. - Marek"), (pat, "Strong teamwork. Signed Pat Okoro.")):
        Review.objects.create(
            assignment=Assignment.objects.create(panel=panel, member=member, nomination=together),
            status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), comment=comment,
        )  # fmt: skip
    shortlist = Shortlist.objects.create(category=band, panel=panel)
    ShortlistHistory.objects.create(
        shortlist=shortlist, action="shortlisting.shortlist.note", actor_label="organiser",
        reason="Late nomination for Zephyrine Quillfeather (Zeph) to be scored",
    )  # fmt: skip

    performer = InvitationFactory(
        event=event, kind=InvitationKind.PERFORMER, invitee_name="Zephyrine Quillfeather", title="Drummer",
        addressee_name="Maria Lopez", addressee_email="maria.lopez@carers.example",
    )  # fmt: skip
    drums = item(event, 1, "Drumline", "Maria Lopez waits at the side of the stage with the drums.")
    drums.presenters.set([performer])

    russo = NomineeFactory(programme=programme, legal_first_name="Nevaeh", legal_last_name="Russo")
    NomineeFactory(programme=programme, legal_first_name="Nevaeh", legal_last_name="Kaya")
    connor = NomineeFactory(programme=programme, legal_first_name="Connor", legal_last_name="Wright")
    kaya_item = item(event, 2, "Award: Outstanding Achievement", KAYA_NOTE, kind=ItemKind.AWARD, category=solo)
    russo_item = item(event, 3, "Song", "Nevaeh Russo walks on to her favourite song.")
    connor_item = item(event, 4, "Film", CONNOR_NOTE)
    return {
        "zeph": zeph, "ava": ava, "old": old, "together": together, "group": group, "performer": performer, "drums": drums,
        "russo": russo, "connor": connor, "kaya_item": kaya_item, "russo_item": russo_item, "connor_item": connor_item,
    }  # fmt: skip


def namesake_problems(world) -> list[str]:
    """Namesakes' text that is no longer as it was."""
    problems = []
    for key, expected in (("kaya_item", KAYA_NOTE), ("connor_item", CONNOR_NOTE)):
        notes = RunningOrderItem.objects.get(pk=world[key].pk).notes
        if notes != expected:
            problems.append(f"{key}: {notes!r}")
    return problems


def group_problems(world) -> list[str]:
    """The other member of Zeph's group lost from the group's text."""
    together = Nomination.objects.get(pk=world["together"].pk)
    group = NomineeGroup.objects.get(pk=world["group"].pk)
    expected = {
        "achievement": "[erased] and Ava set up a drumming group; both in care, they now teach younger children.",
        "why_it_matters": "Ava says [erased] never gives up.",
        "group": "[erased] and Ava's Drumline",
        "nominator": "Gideon Brightwater",
    }
    actual = {
        "achievement": together.achievement,
        "why_it_matters": together.why_it_matters,
        "group": group.name,
        "nominator": together.nominator_name,
    }
    return [f"{key}: {actual[key]!r}" for key in expected if actual[key] != expected[key]]


def test_erasing_zeph_leaves_no_trace_in_any_table(world, organiser):
    assert {s for _, _, s in occurrences(ZEPH)} == set(ZEPH)  # everywhere to begin with

    nominee_erase(nominee=world["zeph"], actor=organiser, reason="Zeph asked in writing.")

    assert occurrences(ZEPH) == []
    assert group_problems(world) == []
    assert namesake_problems(world) == []


def test_erasing_zeph_reaches_group_history_shortlist_history_comments_invitation_and_running_order(world, organiser):
    nominee_erase(nominee=world["zeph"], actor=organiser, reason="They asked.")

    assert NominationHistory.objects.get(nomination=world["together"], action="nominations.nomination.note").reason == (
        "Checked with [erased]'s and Ava's workers."
    )
    assert ShortlistHistory.objects.get().reason == "Late nomination for [erased] ([erased]) to be scored"
    assert sorted(Review.objects.values_list("comment", flat=True)) == [
        "Strong teamwork. Signed Pat Okoro.",
        "[erased] and Ava are inspiring. - Marek",
    ]
    performer = Invitation.objects.get(pk=world["performer"].pk)
    assert (performer.invitee_name, performer.addressee_name, performer.title) == ("", "Erased", "")
    assert performer.addressee_email == f"invitation-{performer.pk}@erased.invalid"
    assert RunningOrderItem.objects.get(pk=world["drums"].pk).notes == "[erased] waits at the side of the stage with the drums."
    old = type(world["old"]).objects.get(pk=world["old"].pk)
    assert (old.legal_first_name, old.date_of_birth) == ("Erased", dt.date(1900, 1, 1))


def test_erasing_a_namesake_leaves_the_other_nevaeh_and_the_film_crew_alone(world, organiser):
    nominee_erase(nominee=world["russo"], actor=organiser, reason="They asked.")
    nominee_erase(nominee=world["connor"], actor=organiser, reason="They asked.")

    assert RunningOrderItem.objects.get(pk=world["russo_item"].pk).notes == "[erased] walks on to her favourite song."
    assert namesake_problems(world) == []
    assert occurrences(["Russo", "Wright"]) == []


def test_erasure_changes_nothing_but_what_the_preview_lists(world, organiser):
    before = {(m.__name__, f, v) for m, f, v in text_values()}
    lines = nominee_erasure_changes(nominee=world["zeph"])

    nominee_erase(nominee=world["zeph"], actor=organiser, reason="They asked.")

    after = {(m.__name__, f, v) for m, f, v in text_values()}
    previewed = {line.before for line in lines}
    # Every text that changed was in the preview (history rows added by the erasure aside).
    assert {v for _, f, v in before - after} <= previewed | {v for _, f, v in before if f in ("updated_at",)}
    by_record = {(line.what, line.field): line for line in lines}
    drums = by_record[("Running order", "Notes")]
    assert (drums.before, drums.after) == (
        "Maria Lopez waits at the side of the stage with the drums.",
        "[erased] waits at the side of the stage with the drums.",
    )
    assert by_record[("Shortlist history", "Reason")].after == "Late nomination for [erased] ([erased]) to be scored"
    assert by_record[("Invitations", "Who is invited")].before == "Zephyrine Quillfeather"
    # The namesakes' items are not in it.
    assert not [line for line in lines if line.before in (KAYA_NOTE, CONNOR_NOTE)]


def test_the_namesake_check_fails_when_first_names_are_matched_everywhere(world, organiser, monkeypatch):
    text = erasure.TextEraser.text
    monkeypatch.setattr(erasure.TextEraser, "text", lambda self, value, *, linked, own: text(self, value, linked=True, own=own))
    monkeypatch.setattr(erasure, "_known_people", lambda *args: {})

    nominee_erase(nominee=world["russo"], actor=organiser, reason="They asked.")
    nominee_erase(nominee=world["connor"], actor=organiser, reason="They asked.")

    assert namesake_problems(world) == [
        "kaya_item: \"[erased] Kaya's carer collects her award if she is unwell.\"",
        "connor_item: '[erased] from the film crew sets up the camera at 6.'",
    ]


def test_the_group_check_fails_when_group_text_is_treated_as_theirs_alone(world, organiser, monkeypatch):
    monkeypatch.setattr(erasure, "_is_group_lookup", lambda lookup: False)

    nominee_erase(nominee=world["zeph"], actor=organiser, reason="They asked.")

    assert group_problems(world) == [
        "achievement: '[erased]'",
        "why_it_matters: '[erased]'",
        "group: '[erased]'",
        "nominator: 'Erased'",
    ]


def test_erase_page_lists_every_record_with_before_and_after(world, organiser, client):
    client.force_login(organiser)

    check = client.post(reverse("data-protection:erase", args=[world["zeph"].pk]), {"step": "check", "reason": "Asked on 3 May."})

    page = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", check.content.decode())))
    assert "Every record that will change" in page
    assert "Notes Maria Lopez waits at the side of the stage with the drums. [erased] waits at the side of the stage with the drums." in page
    assert "Reason Late nomination for Zephyrine Quillfeather (Zeph) to be scored Late nomination for [erased] ([erased]) to be scored" in page
    assert KAYA_NOTE not in page and CONNOR_NOTE not in page
    assert IdentityAccess.objects.filter(user=organiser, context="data_protection.erase.preview").count() == 2  # both records
