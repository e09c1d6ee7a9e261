"""Data built to catch data protection out (issue 21): a group of two children named in each
other's statement, reasons and comments; signed panel comments; a performer's invitation and a
running-order note naming the carer; namesakes ("Nevaeh Kaya", "Connor from the film crew"); a
merged record. The checks read a dump of every table, not the API, and the last tests undo the
group-text rule and the namesake rule to show the checks catch it."""

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from awards.enums import NomineeKind
from data_protection import erasure
from data_protection.enums import RequesterRelationship
from data_protection.export import text_lines
from data_protection.models import SubjectAccessRequest
from data_protection.services import (
    DataProtectionError,
    nominee_erase,
    nominee_erasure_changes,
    retention_apply,
    subject_access_release,
    subject_access_request_create,
    subject_access_request_review,
)
from events.enums import InvitationKind, ItemKind
from events.models import Invitation, RunningOrderItem
from mail.enums import EmailKind
from nominations.enums import Relationship
from nominations.models import (
    IdentityAccess,
    Nomination,
    NominationHistory,
    Nominee,
    NomineeGroup,
    NomineeHistory,
)
from nominations.services import nominee_merge
from shortlisting.enums import ConflictSource, ReviewStatus
from shortlisting.models import (
    Assignment,
    Conflict,
    Review,
    Shortlist,
    ShortlistHistory,
)
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
    delivery_for,
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
    NominationFactory(
        programme=programme, category=solo, nominee=old, nominator_name="Priya Shah", achievement="Zephyrine won the county chess cup."
    )
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


# --- subject access ------------------------------------------------------------------------------

OTHER_CHILDREN = ["Avalon", "Ava", "Nevaeh", "Kaya", "Russo", "Connor", "Wright"]
PANEL = ["Marek", "Nowak", "Pat", "Okoro"]


def words_in(body: str, words) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", body)]


@pytest.fixture
def sar_world(world, programme):
    """More that the export must hold: a draft review, a conflict found from the records, an
    e-mail sent about their invitation, and a nomination Zeph made of another child."""
    solo = Nomination.objects.get(achievement__startswith="Zephyrine won")
    panel = world["together"].assignments.first().panel
    marek = panel.members.get(user__username="marek")
    Review.objects.create(
        assignment=Assignment.objects.create(panel=panel, member=marek, nomination=solo),
        status=ReviewStatus.DRAFT, comment="Zephyrine played well, and Ava helped. Marek",
    )  # fmt: skip
    Conflict.objects.create(member=marek, nominee=world["zeph"], source=ConflictSource.SHARED_CARER)
    delivery_for(world["performer"], kind=EmailKind.INVITATION, key="invitation:perf", status="sent", next_attempt_at=timezone.now())
    kaya = Nominee.objects.get(legal_last_name="Kaya")
    NominationFactory(
        programme=programme, category=solo.category, nominee=kaya, nominator_name="Zephyrine Quillfeather",
        nominator_relationship=Relationship.PEER, nominator_email="zeph.q@young.example",
        achievement="Nevaeh Kaya helped me with maths every week.",
    )  # fmt: skip
    return world


def zeph_release(world, organiser, relationship=RequesterRelationship.BIRTH_PARENT) -> dict:
    request = subject_access_request_create(
        nominee=world["zeph"], actor=organiser, requester_name="A parent", requester_relationship=relationship
    )
    subject_access_request_review(request=request, actor=organiser)
    return subject_access_release(request=request, actor=organiser, file_format="json")


def test_subject_access_for_one_member_of_a_group_holds_no_other_childs_name(sar_world, organiser):
    release = zeph_release(sar_world, organiser)

    body = json.dumps(release, ensure_ascii=False)
    assert words_in(body, OTHER_CHILDREN) == []
    assert words_in(body, ["Zephyrine", "Quillfeather", "Zeph"]) == ["Zephyrine", "Quillfeather", "Zeph"]  # their own stay
    together = next(n for n in release["nominations"] if n["group"])
    assert together["group"] == "Zeph and [someone else]'s Drumline"
    assert together["statements"]["achievement"] == (
        "Zeph and [someone else] set up a drumming group; both in care, they now teach younger children."
    )
    assert together["history"][0]["reason"] == "Checked with Zeph's and [someone else]'s workers."
    assert {r["part"] for r in release["redacted"]} >= {"Group names", "What the nominators wrote", "Panel members' comments"}


def test_subject_access_panel_comments_never_carry_a_members_name(sar_world, organiser):
    release = zeph_release(sar_world, organiser)

    comments = [c for n in release["nominations"] for c in n["panel"]["comments"] + n["panel"]["draft_comments"]]
    assert sorted(comments) == [
        "Strong teamwork. Signed [someone else].",
        "Zeph and [someone else] are inspiring. - [someone else]",
        "Zephyrine played well, and [someone else] helped. [someone else]",
    ]
    assert words_in(json.dumps(release), PANEL) == []


def test_subject_access_conflicts_point_at_nobody_and_labels_are_words(sar_world, organiser):
    release = zeph_release(sar_world, organiser)

    assert [c["kind"] for c in release["panel_conflicts"]] == ["Found from the records"]
    body = json.dumps(release, ensure_ascii=False)
    assert "carer" not in json.dumps(release["panel_conflicts"])
    assert re.findall(r"\b(?:api|admin|pages?|nominations|events|shortlisting|data_protection)\.[a-z_.]+", body) == []


def test_subject_access_holds_what_was_missing(sar_world, organiser):
    release = zeph_release(sar_world, organiser)

    solo = next(n for n in release["nominations"] if not n["group"])
    assert (solo["panel"]["draft_reviews"], solo["source"], solo["nominator"]["known_recently"]) == (1, solo["source"], "Yes")
    assert solo["source"] and solo["source"] == Nomination.objects.get(reference=solo["reference"]).get_source_display()
    assert release["young_person"]["merged_records"] == [f"Nominee #{sar_world['old'].pk} (Zephyrine Quillfeather, born 15 March 2009)"]
    elsewhere = {(e["what"], label): value for e in release["named_elsewhere"] for label, value in e["details"]}
    assert elsewhere[("Shortlist history", "Reason")] == "Late nomination for Zephyrine Quillfeather (Zeph) to be scored"
    assert elsewhere[("Invitations", "Who is invited")] == "Zephyrine Quillfeather"
    assert elsewhere[("Invitations", "Invited as")] == "Performer"
    assert elsewhere[("E-mails sent", "What it was")] == "Invitation"
    assert elsewhere[("E-mails sent", "State")] == "Sent"
    assert release["nominations_made"] == [
        {
            "reference": release["nominations_made"][0]["reference"],
            "award": "Outstanding Achievement",
            "submitted_at": release["nominations_made"][0]["submitted_at"],
            "statements": {
                "achievement": "[someone else] helped me with maths every week.",
                "why_it_matters": "It changed how they see themselves.",
                "anything_else": "",
            },
        }
    ]


# --- retention -----------------------------------------------------------------------------------


def test_retention_reaches_every_trace_and_never_scrubs_an_ordinary_word(world, programme):
    programme.event_date = timezone.localdate() - dt.timedelta(days=500)
    programme.save(update_fields=["event_date"])
    council = item(world["drums"].event, 5, "Children in Care Council choir", "South stand doors will open; bring care packs.")

    retention_apply(months=12)

    assert occurrences(ZEPH + ["Avalon", "Brightwater", "Nevaeh", "Kaya", "Russo", "Connor", "Wright", "Marek Nowak", "Pat Okoro"]) == []
    council.refresh_from_db()
    assert (council.title, council.notes) == ("Children in Care Council choir", "South stand doors will open; bring care packs.")
    assert ShortlistHistory.objects.get().reason == "Late nomination for [erased] ([erased]) to be scored"
    assert RunningOrderItem.objects.get(pk=world["connor_item"].pk).notes == "[erased] from the film crew sets up the camera at 6."


def test_subject_access_history_detail_is_in_words(sar_world, organiser):
    NomineeHistory.objects.create(
        nominee=sar_world["zeph"], action="nominations.nominee.safeguarding_checked", actor_label="organiser",
        detail={"publicity_level": "first_name", "photography_allowed": True},
    )  # fmt: skip

    release = zeph_release(sar_world, organiser)

    [entry] = [h for h in release["record_history"] if "safeguarding" in h["action"]]
    assert entry["action"] == "Nominee: safeguarding checked"
    assert entry["detail"] == {"How their name may be used": "First name only", "Photographs allowed": "Yes"}


def test_withholding_a_part_withholds_its_values_wherever_else_they_appear(sar_world, organiser):
    Nomination.objects.filter(pk=sar_world["together"].pk).update(nominator_name="Maria Lopez", nominator_email="maria.lopez@carers.example")
    NomineeGroup.objects.filter(pk=sar_world["group"].pk).update(name="The Marshbrook Drumline")
    request = subject_access_request_create(
        nominee=sar_world["zeph"], actor=organiser, requester_name="A parent", requester_relationship=RequesterRelationship.YOUNG_PERSON
    )
    subject_access_request_review(request=request, actor=organiser, withheld_parts=["area", "nominators"], reason="Third parties.")

    release = subject_access_release(request=request, actor=organiser, file_format="json")

    body = json.dumps(release, ensure_ascii=False)
    assert words_in(body, ["Marshbrook", "Maria Lopez", "Lopez"]) == []
    assert "maria.lopez@carers.example" not in body
    assert next(n for n in release["nominations"] if n["group"])["group"] == "The [withheld] Drumline"


def test_the_reviewer_withholds_single_lines_and_the_export_says_so(sar_world, organiser, client):
    request = subject_access_request_create(
        nominee=sar_world["zeph"], actor=organiser, requester_name="A parent", requester_relationship=RequesterRelationship.BIRTH_PARENT
    )
    lines = {text: key for key, _, text in text_lines(request.data)}
    key = lines["Zeph and [someone else] set up a drumming group; both in care, they now teach younger children."]
    client.force_login(organiser)
    page = client.get(reverse("data-protection:request", args=[request.pk])).content.decode()
    assert f'value="{key}"' in page  # each line can be ticked

    response = client.post(
        reverse("data-protection:request-review", args=[request.pk]), {"withheld_lines": [key], "reason": "It says they are in care."}
    )

    assert response.status_code == 302
    release = subject_access_release(request=SubjectAccessRequest.objects.get(pk=request.pk), actor=organiser, file_format="json")
    together = next(n for n in release["nominations"] if n["group"])
    assert together["statements"]["achievement"] == "[withheld]"
    assert together["statements"]["why_it_matters"] == "[someone else] says Zeph never gives up."
    assert {"part": "1 line of text chosen by the reviewer", "reason": "It says they are in care."} in release["withheld"]


def test_a_line_not_in_the_export_cannot_be_withheld(sar_world, organiser):
    request = subject_access_request_create(
        nominee=sar_world["zeph"], actor=organiser, requester_name="A parent", requester_relationship=RequesterRelationship.BIRTH_PARENT
    )
    with pytest.raises(DataProtectionError):
        subject_access_request_review(request=request, actor=organiser, withheld_lines=["nominations/99/statements/achievement"], reason="x")


def test_after_erasure_no_admin_list_or_record_page_shows_them(world, organiser, client, django_user_model):
    nominee_erase(nominee=world["zeph"], actor=organiser, reason="They asked.")
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "correct horse battery staple")
    client.force_login(admin_user)

    shown = []
    for model in admin.site._registry:
        if model._meta.app_label not in ("nominations", "shortlisting", "events", "mail", "data_protection", "awards"):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        body = client.get(url).content.decode()
        shown += [f"{url}: {w}" for w in words_in(body, ["Zephyrine", "Quillfeather", "Zeph", "Maria Lopez"])]
    for obj in (world["zeph"], world["together"], world["performer"], world["drums"]):
        if type(obj) not in admin.site._registry:
            continue
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        body = client.get(url).content.decode()
        shown += [f"{url}: {w}" for w in words_in(body, ["Zephyrine", "Quillfeather", "Zeph", "Maria Lopez"])]

    assert shown == []
