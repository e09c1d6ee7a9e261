"""Data protection: the access log, subject access requests with review and release, erasure of one
young person, retention, and backup and restore.

The erasure and retention tests search every text column of every table for the strings that
identify the young person, with another young person's data present that must stay as it was."""

import datetime as dt
import json
import re
import sqlite3
import uuid
from html import unescape
from io import BytesIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from awards.enums import Role
from data_protection.enums import RequesterRelationship, SubjectAccessStatus
from data_protection.export import WITHHELD
from data_protection.models import SubjectAccessRequest, SubjectAccessRequestHistory
from data_protection.services import (
    ERASED_BIRTH_DATE,
    ERASED_NAME,
    DataProtectionError,
    months_before,
    nominee_erase,
    retention_apply,
    subject_access_release,
    subject_access_request_create,
    subject_access_request_review,
)
from events.enums import InvitationStatus
from events.links import link_create
from events.models import (
    Event,
    Guest,
    Invitation,
    InvitationHistory,
    InvitationLink,
)
from events.services import (
    GuestInput,
    RsvpAnswer,
    finalist_invitations_create,
    quote_approve,
    rsvp_respond,
)
from nominations.enums import ConsentPurpose, NominationStatus, PublicityLevel
from nominations.models import (
    IdentityAccess,
    Nomination,
    NominationHistory,
    Nominee,
    NomineeHistory,
)
from nominations.services import NotAllowed, identity_access_record, nominee_merge
from shortlisting.enums import ConflictSource, ReviewStatus
from shortlisting.models import Assignment, Conflict, Review, Score
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    ConsentFactory,
    CriterionFactory,
    EventFactory,
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    UserFactory,
    delivery_for,
)
from tests.worlds import confirmed_finalists

pytestmark = pytest.mark.django_db

OUR_APPS = ("awards", "nominations", "shortlisting", "events")


def text(response) -> str:
    return unescape(response.content.decode())


def error_summary(response) -> list[str]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.DOTALL)
    assert match, "no error summary"
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.DOTALL)]


# --- searching the whole database ------------------------------------------------------------------


# Random by construction: a password hash, a session key or a signed session, in which "Zeb" turns
# up now and then by chance (a failed CI run found it in a hash). None holds a name in the clear.
RANDOM_TEXT = {("auth", "password"), ("sessions", "session_key"), ("sessions", "session_data")}


def text_values():
    """(model, field, text) for every text and JSON value in every table, but random strings."""
    for model in apps.get_models():
        fields = [
            f for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            and (model._meta.app_label, f.name) not in RANDOM_TEXT
        ]  # fmt: skip
        if not fields:
            continue
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row):
                if value in (None, "", [], {}):
                    continue
                yield model, field.name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def occurrences(strings) -> list[tuple[str, str, str]]:
    found = []
    for model, name, value in text_values():
        folded = value.casefold()
        found += [(model.__name__, name, s) for s in strings if s.casefold() in folded]
    return sorted(found)


def snapshot() -> dict:
    """Every row of the project's own tables."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


# --- a young person with something in every table --------------------------------------------------

ZEB = [
    "Zebedee", "Quillfeather", "Zeb", "ZEB-uh-dee", "Marshbrook", "Wendy Workerton", "Hester", "Patricia",
    "Nominatorson", "patricia.nominatorson@carers.example", "07700 900123", "07700 900456", "Fostering Kin",
    "zeb.q@young.example", "bike shed",
]  # fmt: skip
OLWEN = ["Olwen", "Brightwater", "Fernleigh", "Gideon", "gideon.carer@carers.example", "07700 900789", "Olwen's choir"]


def person_with_everything(programme, category, organiser, *, first, last, preferred, area, carer, nominator, nominator_email,
                           phone, organisation, statement, young_email, say_first_name="", worker_name=""):  # fmt: skip
    """A finalist with consents, a nomination and its history, a panel review and conflict, an
    invitation accepted with a guest, an e-mail that failed, and reads of their record."""
    worker = user_with_role(programme, Role.STAFF)
    nominee = NomineeFactory(
        programme=programme,
        legal_first_name=first,
        legal_last_name=last,
        preferred_name=preferred,
        say_first_name=say_first_name,
        date_of_birth=dt.date(2009, 3, 14),
        area=area,
        allocated_worker=worker,
        allocated_worker_name=worker_name,
        safeguarding_notes=f"Lives with {carer} in {area}.",
        safeguarding_checked_at=timezone.now(),
        attendance_safe=True,
        publicity_level=PublicityLevel.FIRST_NAME,
    )
    for purpose in (ConsentPurpose.NOMINATION, ConsentPurpose.ATTENDING, ConsentPurpose.NAME_READ_OUT):
        ConsentFactory(nominee=nominee, purpose=purpose, given_by="carer", given_by_name=carer)
    [nomination] = confirmed_finalists(programme, category, [nominee])
    Nomination.objects.filter(pk=nomination.pk).update(
        nominator_name=nominator,
        nominator_email=nominator_email,
        nominator_phone=phone,
        nominator_organisation=organisation,
        achievement=statement,
        why_it_matters=f"{preferred}'s confidence grew.",
        anything_else="Call the carer on 07700 900456" if first == "Zebedee" else "",
    )
    nomination.refresh_from_db()
    NominationHistory.objects.create(
        nomination=nomination, action="nominations.nomination.eligible", actor_label="organiser", reason=f"Checked with {first}'s worker."
    )
    NomineeHistory.objects.create(nominee=nominee, action="nominations.nominee.note", actor_label="organiser", detail={"reason": f"{first} asked"})
    criterion = CriterionFactory(category=category)
    member = PanelMemberFactory(panel=category.shortlist.panel)
    review = Review.objects.create(
        assignment=Assignment.objects.create(panel=member.panel, member=member, nomination=nomination),
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
        comment=f"{first} is amazing.",
    )
    Score.objects.create(review=review, criterion=criterion, value=4)
    Conflict.objects.create(member=member, nominee=nominee, source=ConflictSource.DECLARED, reason=f"I taught {first}.")
    event = programme.event
    invitation = finalist_invitations_create(event=event, actor=organiser).created[0]
    Invitation.objects.filter(pk=invitation.pk).update(young_person_email=young_email, status=InvitationStatus.SENT)
    quote_approve(invitation=invitation, actor=organiser, quote=f"{preferred or first} is brilliant.")  # the name the room hears
    link_create(invitation)
    rsvp_respond(
        invitation=invitation,
        answer=RsvpAnswer(
            attending=True,
            party=(
                GuestInput(name=""),
                GuestInput(name=f"{carer}", relationship="carer", dietary=("halal",), dietary_other=f"No pork please, {carer.split()[0]}"),
            ),
        ),
    )
    InvitationHistory.objects.create(
        invitation=invitation, action="events.invitation.note", actor_label="organiser", detail={"note": f"{carer} phoned"}
    )
    delivery_for(
        invitation, kind="reminder", key=f"reminder:{invitation.pk}:x", status="failed",
        next_attempt_at=timezone.now(), last_error=f"550 {nominator_email} unknown",
    )  # fmt: skip
    identity_access_record(user=organiser, nominee_ids=[nominee.pk], context="page.nomination")
    return nominee


@pytest.fixture
def event(programme):
    programme.event_date = (timezone.now() + dt.timedelta(days=40)).date()
    programme.save(update_fields=["event_date"])
    return EventFactory(programme=programme)


@pytest.fixture
def people(event, category, organiser):
    zeb = person_with_everything(
        event.programme, category, organiser, first="Zebedee", last="Quillfeather", preferred="Zeb", area="Marshbrook",
        carer="Hester Quillfeather", nominator="Patricia Nominatorson", nominator_email="patricia.nominatorson@carers.example",
        phone="07700 900123", organisation="Fostering Kin Ltd", statement="Zebedee rebuilt the bike shed.",
        young_email="zeb.q@young.example", say_first_name="ZEB-uh-dee", worker_name="Wendy Workerton",
    )  # fmt: skip
    second = CategoryFactory(programme=event.programme, name="Talent")
    olwen = person_with_everything(
        event.programme, second, organiser, first="Olwen", last="Brightwater", preferred="Olwen", area="Fernleigh",
        carer="Gideon Brightwater", nominator="Gideon Brightwater", nominator_email="gideon.carer@carers.example",
        phone="07700 900789", organisation="", statement="Olwen's choir sang at the hospice.", young_email="",
    )  # fmt: skip
    return zeb, olwen


def after_the_event(event):
    """Move the event (and the programme's date) into the past, as retention and late erasure see it."""
    start = timezone.now() - dt.timedelta(days=400)
    Event.objects.filter(pk=event.pk).update(
        starts_at=start, doors_open_at=start - dt.timedelta(minutes=30), ends_at=start + dt.timedelta(hours=3),
        rsvp_deadline=start - dt.timedelta(days=14),
    )  # fmt: skip
    event.programme.event_date = start.date()
    event.programme.save(update_fields=["event_date"])


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- erasure -------------------------------------------------------------------------------------


def test_erase_after_the_event_leaves_nothing_that_identifies_them_and_keeps_the_audit_trail(people, event, organiser):
    zeb, olwen = people
    after_the_event(event)
    assert {s for _, _, s in occurrences(ZEB)} == set(ZEB)  # present everywhere to begin with
    olwen_before = occurrences(OLWEN)
    olwen_row = Nominee.objects.filter(pk=olwen.pk).values().get()
    history_before = NominationHistory.objects.count() + NomineeHistory.objects.count() + InvitationHistory.objects.count()
    nomination = zeb.nominations.get()

    result = nominee_erase(nominee=zeb, actor=organiser, reason="Zebedee Quillfeather asked by e-mail on 3 May.")

    assert result.changed is True
    assert occurrences(ZEB) == []
    assert occurrences(OLWEN) == olwen_before
    assert Nominee.objects.filter(pk=olwen.pk).values().get() == olwen_row
    zeb.refresh_from_db()
    assert (zeb.legal_first_name, zeb.legal_last_name, zeb.date_of_birth, zeb.area) == (ERASED_NAME, ERASED_NAME, ERASED_BIRTH_DATE, "")
    assert zeb.allocated_worker is None
    # After the event the results stay: the nomination is still a finalist, the guests still counted.
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SHORTLISTED
    assert Guest.objects.filter(invitation__nomination=nomination).count() == 2
    assert zeb.consents.count() == 3 and set(zeb.consents.values_list("given", flat=True)) == {True}
    assert IdentityAccess.objects.filter(nominee=zeb).count() == 1
    assert InvitationLink.objects.filter(invitation__nomination=nomination).count() == 0
    # The history stays, with one "erased" entry per record, nomination and invitation, saying who and why.
    erased = NomineeHistory.objects.get(nominee=zeb, action="data_protection.nominee.erased")
    assert erased.actor == organiser
    assert erased.detail == {"reason": "[erased] asked by e-mail on 3 May."}
    assert NominationHistory.objects.filter(nomination=nomination, action="data_protection.nomination.erased").count() == 1
    history_after = NominationHistory.objects.count() + NomineeHistory.objects.count() + InvitationHistory.objects.count()
    assert history_after == history_before + 3


def test_erase_before_the_event_withdraws_their_nominations_and_revokes_their_invitations(people, event, organiser):
    zeb, olwen = people
    nomination = zeb.nominations.get()
    invitation = nomination.invitations.get()
    seats = Event.objects.get(pk=event.pk).seats_taken

    result = nominee_erase(nominee=zeb, actor=organiser, reason="They asked.")

    assert (result.withdrawn, result.revoked) == (1, 1)
    nomination.refresh_from_db()
    invitation.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN
    assert invitation.status == InvitationStatus.REVOKED
    assert Event.objects.get(pk=event.pk).seats_taken == seats - 2
    assert occurrences(ZEB) == []
    assert olwen.nominations.get().status == NominationStatus.SHORTLISTED


def test_erase_twice_changes_nothing_the_second_time(people, event, organiser):
    zeb, _ = people
    after_the_event(event)
    nominee_erase(nominee=zeb, actor=organiser, reason="They asked.")
    before = snapshot()

    result = nominee_erase(nominee=zeb, actor=organiser, reason="They asked again.")

    assert result.changed is False
    assert snapshot() == before


def test_erase_is_all_or_nothing(people, event, organiser, monkeypatch):
    zeb, _ = people
    before = snapshot()

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(InvitationHistory.objects, "bulk_create", fail)
    with pytest.raises(DatabaseError):
        nominee_erase(nominee=zeb, actor=organiser, reason="They asked.")

    assert snapshot() == before


@pytest.mark.parametrize("role", [None, Role.STAFF, Role.EVENT_STAFF])
def test_erase_is_refused_to_anyone_but_an_organiser(people, programme, role):
    zeb, _ = people
    actor = user_with_role(programme, role) if role else UserFactory()
    before = snapshot()

    with pytest.raises(NotAllowed):
        nominee_erase(nominee=zeb, actor=actor, reason="They asked.")

    assert snapshot() == before


def test_erase_needs_a_reason(people, organiser):
    zeb, _ = people
    with pytest.raises(DataProtectionError) as refused:
        nominee_erase(nominee=zeb, actor=organiser, reason="  ")
    assert refused.value.field == "reason"
    assert Nominee.objects.get(pk=zeb.pk).legal_first_name == "Zebedee"


def test_erase_takes_every_record_merged_into_them(programme, category, organiser):
    keep = NomineeFactory(programme=programme, legal_first_name="Zebedee", legal_last_name="Quillfeather")
    merge = NomineeFactory(programme=programme, legal_first_name="Zeb", legal_last_name="Quillfeather", date_of_birth=dt.date(2009, 3, 15))
    NominationFactory(programme=programme, category=category, nominee=merge, achievement="Zebedee won.")
    nominee_merge(keep=keep, merge=merge, actor=organiser, reason="Same young person")

    nominee_erase(nominee=merge, actor=organiser, reason="They asked.")  # either record will do

    assert occurrences(["Zebedee", "Quillfeather", "Zeb"]) == []
    assert list(Nominee.objects.filter(pk__in=[keep.pk, merge.pk]).values_list("legal_first_name", flat=True)) == [ERASED_NAME] * 2


def test_erase_hides_only_their_names_in_a_group_nomination(programme, organiser):
    group_category = CategoryFactory(programme=programme, nominee_kind="group")
    zeb = NomineeFactory(programme=programme, legal_first_name="Zebedee", legal_last_name="Quillfeather")
    olwen = NomineeFactory(programme=programme, legal_first_name="Olwen", legal_last_name="Brightwater")
    group = NomineeGroupFactory(programme=programme, name="Zebedee and Olwen's band")
    group.members.set([zeb, olwen])
    nomination = NominationFactory(
        programme=programme, category=group_category, nominee=None, group=group, achievement="Zebedee and Olwen wrote songs."
    )

    nominee_erase(nominee=zeb, actor=organiser, reason="They asked.")

    nomination.refresh_from_db()
    group.refresh_from_db()
    assert nomination.achievement == "[erased] and Olwen wrote songs."
    assert group.name == "[erased] and Olwen's band"
    assert nomination.nominator_email != f"nomination-{nomination.pk}@erased.invalid"  # the group's nominator stays


# --- erasure pages -------------------------------------------------------------------------------


def test_erase_page_checks_then_erases(people, organiser, as_user):
    zeb, _ = people
    client = as_user(organiser)
    url = reverse("data-protection:erase", args=[zeb.pk])

    missing = client.post(url, {"step": "check", "reason": ""})
    assert missing.status_code == 400
    assert error_summary(missing) == ["Say why the data is being erased, for example who asked and when."]

    check = client.post(url, {"step": "check", "reason": "Asked in writing on 3 May."})
    assert check.status_code == 200
    assert "Check before you erase" in text(check)
    assert "1 nomination will be withdrawn and 1 invitation revoked" in re.sub(r"\s+", " ", text(check))
    assert Nominee.objects.get(pk=zeb.pk).legal_first_name == "Zebedee"  # nothing yet

    done = client.post(url, {"step": "confirm", "reason": "Asked in writing on 3 May."}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("data-protection:person", args=[zeb.pk])
    assert "Their personal data is erased." in text(done)
    assert Nominee.objects.get(pk=zeb.pk).legal_first_name == ERASED_NAME
    assert "Zebedee" not in text(done)


# --- retention -----------------------------------------------------------------------------------


def category_results() -> list[tuple]:
    return sorted(
        Nomination.objects.values_list("programme_id", "category__name", "status").annotate(n=models.Count("id"))
    )


@pytest.fixture
def old_and_recent(people, event, organiser):
    """`people` in a programme whose event was 400 days ago, and a recent programme's young person."""
    after_the_event(event)
    recent = ProgrammeFactory(event_date=timezone.localdate() - dt.timedelta(days=30))
    EventFactory(programme=recent)
    recent_organiser = user_with_role(recent, Role.ORGANISER)
    ruby = person_with_everything(
        recent, CategoryFactory(programme=recent), recent_organiser, first="Rubina", last="Thistlewood", preferred="Ruby",
        area="Oakhollow", carer="Mabel Thistlewood", nominator="Mabel Thistlewood", nominator_email="mabel@carers.example",
        phone="07700 900999", organisation="", statement="Rubina ran the 10k.", young_email="",
    )  # fmt: skip
    return people, ruby


RUBY = ["Rubina", "Thistlewood", "Oakhollow", "Mabel", "mabel@carers.example", "07700 900999"]


def test_retention_dry_run_reports_and_writes_nothing(old_and_recent):
    before = snapshot()

    reports = retention_apply(months=12, dry_run=True)

    assert snapshot() == before
    [report] = reports
    assert report.counts["young people's records"] == 2
    assert report.counts["nominations (nominator and statements)"] == 2
    assert report.counts["guests"] == 4


def test_retention_anonymises_old_programmes_keeps_results_and_leaves_recent_ones(old_and_recent, event):
    results = category_results()
    invitations = sorted(Invitation.objects.values_list("event_id", "status"))
    guests = Guest.objects.count()
    ruby_before = occurrences(RUBY)

    [report] = retention_apply(months=12)

    assert report.programme == event.programme
    assert occurrences(ZEB + OLWEN) == []
    assert occurrences(RUBY) == ruby_before
    assert category_results() == results
    assert sorted(Invitation.objects.values_list("event_id", "status")) == invitations
    assert Guest.objects.count() == guests
    assert NomineeHistory.objects.filter(action="data_protection.nominee.anonymised", actor_label="retention").count() == 2


def test_retention_a_second_run_changes_nothing(old_and_recent):
    retention_apply(months=12)
    before = snapshot()

    [report] = retention_apply(months=12)

    assert report.counts == {}
    assert snapshot() == before


def test_retention_uses_the_setting_and_the_months_given(old_and_recent, settings, event):
    settings.PROUD_RETENTION_MONTHS = 24
    assert retention_apply(dry_run=True) == []
    assert [r.programme for r in retention_apply(months=6, dry_run=True)] == [event.programme]


def test_retention_runs_from_the_events_end_when_the_programme_has_no_event_date(old_and_recent, event):
    event.programme.event_date = None
    event.programme.save(update_fields=["event_date"])

    [report] = retention_apply(months=12, dry_run=True)

    assert report.programme == event.programme
    assert report.event_date == timezone.localdate(Event.objects.get(pk=event.pk).ends_at)
    assert retention_apply(months=14, dry_run=True) == []


def test_data_protection_page_shows_the_programmes_due(old_and_recent, organiser, as_user, event):
    page = re.sub(r"\s+", " ", text(as_user(organiser).get(reverse("data-protection:index"))))
    assert "anonymised 12 months after its event" in page
    assert f"{event.programme.name}: event on {event.programme.event_date:%-d %B %Y}" in page


def test_apply_retention_command_dry_run_then_run(old_and_recent, capsys, event):
    call_command("apply_retention", "--dry-run", "--months", "12")
    out = capsys.readouterr().out
    assert f"{event.programme.name} (event on {event.programme.event_date:%-d %B %Y}): would change" in out
    assert "  2 young people's records" in out
    assert "Dry run: nothing was written." in out
    assert Nominee.objects.filter(legal_first_name="Zebedee").exists()

    call_command("apply_retention", "--months", "12")
    assert "changed" in capsys.readouterr().out
    call_command("apply_retention", "--months", "12")
    assert "already anonymised, nothing to change." in capsys.readouterr().out


@pytest.mark.parametrize(
    "day, months, expected",
    [(dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)), (dt.date(2026, 1, 15), 12, dt.date(2025, 1, 15)), (dt.date(2026, 1, 31), 2, dt.date(2025, 11, 30))],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


# --- subject access requests -----------------------------------------------------------------------


def make_request(nominee, organiser, relationship=RequesterRelationship.BIRTH_PARENT):
    return subject_access_request_create(
        nominee=nominee, actor=organiser, requester_name="Marion Quillfeather", requester_relationship=relationship, notes="Phoned."
    )


def test_subject_access_export_has_their_data_and_nobody_elses(people, organiser):
    zeb, olwen = people
    request = make_request(zeb, organiser)
    subject_access_request_review(request=request, actor=organiser)

    release = subject_access_release(request=request, actor=organiser, file_format="json")

    body = json.dumps(release, ensure_ascii=False)
    for value in ["Zebedee", "Quillfeather", "ZEB-uh-dee", "2009-03-14", "Marshbrook", "Wendy Workerton", "Hester Quillfeather",
                  "patricia.nominatorson@carers.example", "07700 900123", "Zebedee rebuilt the bike shed.", "zeb.q@young.example",
                  "Zebedee is amazing.", "Zeb is brilliant.", "Nomination page"]:  # fmt: skip
        assert value in body, value
    for value in OLWEN + ["Olwen is amazing.", "I taught", "page.nomination", "nominations.nominee.note"]:
        assert value not in body, value
    assert release["young_person"]["legal_first_name"] == "Zebedee"
    assert release["nominations"][0]["panel"] == {
        "reviews": 1, "totals": [4.0], "comments": ["Zebedee is amazing."], "draft_reviews": 0, "draft_comments": [],
    }  # fmt: skip
    kind = "Declared (by the panel member, or recorded by an organiser)"
    assert release["panel_conflicts"] == [{"panel": zeb.panel_conflicts.get().member.panel.name, "kind": kind,
                                           "recorded_at": release["panel_conflicts"][0]["recorded_at"]}]  # fmt: skip
    assert [g["name"] for g in release["invitations"][0]["guests"]] == ["Zeb Quillfeather", "Hester Quillfeather"]
    assert release["withheld"] == []


def test_subject_access_cannot_be_downloaded_before_review(people, organiser, as_user):
    zeb, _ = people
    request = make_request(zeb, organiser)
    with pytest.raises(DataProtectionError):
        subject_access_release(request=request, actor=organiser, file_format="json")

    client = as_user(organiser)
    for name in ("download-json", "download-xlsx"):
        response = client.get(reverse(f"data-protection:{name}", args=[request.pk]))
        assert response.status_code == 409
        assert response["Content-Type"].startswith("text/html")
        assert "This request has not been reviewed yet: review it before it can be downloaded." in text(response)
    assert not SubjectAccessRequestHistory.objects.filter(request=request, action="data_protection.request.downloaded").exists()


def test_subject_access_withheld_parts_are_replaced_and_explained(people, organiser, as_user):
    zeb, _ = people
    request = make_request(zeb, organiser)
    client = as_user(organiser)

    no_reason = client.post(reverse("data-protection:request-review", args=[request.pk]), {"withheld_parts": ["area"]})
    assert no_reason.status_code == 400
    assert error_summary(no_reason) == ["Say why these parts are withheld; the person who asked is told."]

    parts = ["area", "allocated_worker", "consent_givers", "nominators", "addressees", "guests", "safeguarding_notes"]
    reviewed = client.post(
        reverse("data-protection:request-review", args=[request.pk]),
        {"withheld_parts": parts, "reason": "A birth parent asked: where the young person lives and who cares for them is withheld."},
        follow=True,
    )
    assert "Marked as reviewed." in text(reviewed)
    response = client.get(reverse("data-protection:download-json", args=[request.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    assert response["Cache-Control"] == "private, no-store"
    release = json.loads(response.content)
    assert release["young_person"]["area"] == WITHHELD
    assert release["young_person"]["allocated_worker"] == WITHHELD
    assert release["nominations"][0]["nominator"] == WITHHELD
    assert release["invitations"][0]["guests"] == WITHHELD
    assert release["invitations"][0]["addressee_email"] == WITHHELD
    assert {c["given_by_name"] for c in release["consents"]} == {WITHHELD}
    assert len(release["withheld"]) == 7
    assert release["withheld"][0] == {
        "part": "Area of the county where they live (their placement area)",
        "reason": "A birth parent asked: where the young person lives and who cares for them is withheld.",
    }
    body = response.content.decode()
    for value in ["Marshbrook", "Hester", "Patricia", "patricia.nominatorson", "Wendy Workerton"]:
        assert value not in body, value
    assert release["young_person"]["legal_first_name"] == "Zebedee"


def test_subject_access_spreadsheet_has_the_sheets_and_the_download_is_logged(people, organiser, as_user):
    zeb, _ = people
    request = make_request(zeb, organiser)
    subject_access_request_review(request=request, actor=organiser, withheld_parts=["nominators"], reason="Third party.")

    response = as_user(organiser).get(reverse("data-protection:download-xlsx", args=[request.pk]))

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [
        "About this export", "Young person", "Safeguarding", "Consents", "Nominations", "Nomination history",
        "Panel comments", "Panel conflicts", "Invitations", "Guests", "Invitation history", "Who read the record", "Record history",
        "Other records", "Nominations they made",
    ]  # fmt: skip
    person = {row[0]: row[1] for row in workbook["Young person"].iter_rows(min_row=2, values_only=True)}
    assert (person["Legal first name"], person["Legal last name"], person["Area of the county"]) == ("Zebedee", "Quillfeather", "Marshbrook")
    nominations = list(workbook["Nominations"].iter_rows(values_only=True))
    header, row = nominations[0], nominations[1]
    assert row[header.index("Nominator")] == WITHHELD
    assert row[header.index("What they achieved")] == "Zebedee rebuilt the bike shed."
    about = {r[0]: r[1] for r in workbook["About this export"].iter_rows(min_row=2, values_only=True)}
    assert about["Withheld: Who nominated them (names, relationship, e-mail, phone, organisation)"] == "Third party."
    assert SubjectAccessRequestHistory.objects.filter(request=request, action="data_protection.request.downloaded").get().detail == {"format": "xlsx"}
    assert IdentityAccess.objects.filter(nominee=zeb, context="data_protection.request.xlsx", user=organiser).count() == 1


@pytest.mark.parametrize("role", [None, Role.STAFF, Role.EVENT_STAFF])
def test_subject_access_services_refuse_anyone_but_an_organiser(people, organiser, programme, role):
    zeb, _ = people
    actor = user_with_role(programme, role) if role else zeb.allocated_worker
    with pytest.raises(NotAllowed):
        make_request(zeb, actor)
    request = make_request(zeb, organiser)
    with pytest.raises(NotAllowed):
        subject_access_request_review(request=request, actor=actor)
    subject_access_request_review(request=request, actor=organiser)
    with pytest.raises(NotAllowed):
        subject_access_release(request=request, actor=actor, file_format="json")
    assert list(request.history.values_list("action", flat=True)) == [
        "data_protection.request.created", "data_protection.request.reviewed"
    ]  # fmt: skip


def test_subject_access_is_final_once_reviewed(people, organiser):
    zeb, _ = people
    request = make_request(zeb, organiser)
    subject_access_request_review(request=request, actor=organiser)
    with pytest.raises(DataProtectionError):
        subject_access_request_review(request=request, actor=organiser, withheld_parts=["area"], reason="Late")
    request.refresh_from_db()
    assert (request.status, request.withheld_parts) == (SubjectAccessStatus.REVIEWED, [])


def test_subject_access_copy_goes_when_they_are_erased(people, organiser, event):
    zeb, _ = people
    request = make_request(zeb, organiser)
    subject_access_request_review(request=request, actor=organiser)

    nominee_erase(nominee=zeb, actor=organiser, reason="They asked.")

    request.refresh_from_db()
    assert (request.data, request.requester_name, request.notes) == ({}, "", "")
    assert request.data_erased_at is not None
    with pytest.raises(DataProtectionError):
        subject_access_release(request=request, actor=organiser, file_format="json")
    with pytest.raises(DataProtectionError):
        make_request(zeb, organiser)


def test_subject_access_pages_start_review_and_download(people, organiser, as_user):
    zeb, _ = people
    client = as_user(organiser)

    form = client.post(reverse("data-protection:request-new", args=[zeb.pk]), {"requester_name": "", "notes": ""})
    assert form.status_code == 400
    assert error_summary(form) == ["Enter the name of the person asking.", "Say who is asking."]

    made = client.post(
        reverse("data-protection:request-new", args=[zeb.pk]),
        {"requester_name": "Marion Quillfeather", "requester_relationship": "birth_parent", "notes": "By letter."},
        follow=True,
    )
    request = SubjectAccessRequest.objects.get()
    assert made.redirect_chain[-1][0] == reverse("data-protection:request", args=[request.pk])
    page = text(made)
    assert "Review" in page and "Download the export" not in page
    assert "Zebedee rebuilt the bike shed." in page  # the reviewer reads what is held
    assert IdentityAccess.objects.filter(nominee=zeb, context="data_protection.request.review").count() == 1

    client.post(reverse("data-protection:request-review", args=[request.pk]), {"withheld_parts": [], "reason": ""})
    page = text(client.get(reverse("data-protection:request", args=[request.pk])))
    assert "Download the export as JSON" in page
    listing = text(client.get(reverse("data-protection:requests")))
    assert f"Request {request.pk}" in listing and "Reviewed: ready to release" in listing


# --- who may use the pages ---------------------------------------------------------------------------


def page_urls(zeb, request):
    return [
        reverse("data-protection:index"),
        reverse("data-protection:find") + "?reference=" + zeb.nominations.get().reference,
        reverse("data-protection:access-log"),
        reverse("data-protection:person", args=[zeb.pk]),
        reverse("data-protection:request-new", args=[zeb.pk]),
        reverse("data-protection:erase", args=[zeb.pk]),
        reverse("data-protection:requests"),
        reverse("data-protection:request", args=[request.pk]),
        reverse("data-protection:download-json", args=[request.pk]),
        reverse("data-protection:download-xlsx", args=[request.pk]),
    ]


@pytest.mark.parametrize("who", ["staff", "allocated worker", "event staff", "panel member", "other organiser"])
def test_pages_are_404_to_everyone_but_the_programmes_organisers(people, organiser, programme, who, as_user):
    zeb, _ = people
    request = make_request(zeb, organiser)
    subject_access_request_review(request=request, actor=organiser)
    user = {
        "staff": lambda: user_with_role(programme, Role.STAFF),
        "allocated worker": lambda: zeb.allocated_worker,
        "event staff": lambda: user_with_role(programme, Role.EVENT_STAFF),
        "panel member": lambda: zeb.panel_conflicts.get().member.user,
        "other organiser": lambda: user_with_role(ProgrammeFactory(), Role.ORGANISER),
    }[who]()
    client = as_user(user)
    urls = page_urls(zeb, request)
    if who == "other organiser":
        # Their own (empty) lists are theirs to see; nothing of this programme is in them.
        lists, urls = urls[:3] + urls[6:7], urls[3:6] + urls[7:]
        for url in lists:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Zeb" not in text(response), url
        assert error_summary(client.get(lists[1])) == ["No nomination has that reference in the awards you organise."]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("data-protection:erase", args=[zeb.pk]), {"step": "confirm", "reason": "x"}).status_code == 404
    assert client.post(reverse("data-protection:request-review", args=[request.pk]), {}).status_code == 404
    assert Nominee.objects.get(pk=zeb.pk).legal_first_name == "Zebedee"


def test_pages_send_anonymous_visitors_to_sign_in(people, organiser, client):
    zeb, _ = people
    request = make_request(zeb, organiser)
    for url in page_urls(zeb, request):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_find_a_young_person_by_reference(people, organiser, as_user):
    zeb, _ = people
    client = as_user(organiser)
    reference = zeb.nominations.get().reference

    found = client.get(reverse("data-protection:find"), {"reference": reference.lower()}, follow=True)
    assert found.redirect_chain[-1][0] == reverse("data-protection:person", args=[zeb.pk])
    page = text(found)
    assert "Zebedee Quillfeather" in page and "14 March 2009" in page
    assert IdentityAccess.objects.filter(nominee=zeb, context="data_protection.person").count() == 1

    missing = client.get(reverse("data-protection:find"), {"reference": "NOPE-0001"})
    assert error_summary(missing) == ["No nomination has that reference in the awards you organise."]


# --- the access log ------------------------------------------------------------------------------------


def test_access_log_lists_reads_in_the_organisers_programmes_only(people, organiser, as_user):
    zeb, olwen = people
    staff = user_with_role(zeb.programme, Role.STAFF, "caseworker")
    identity_access_record(user=staff, nominee_ids=[olwen.pk], context="api.nominees.list")
    elsewhere = NomineeFactory(programme=ProgrammeFactory(), legal_first_name="Elsewhere")
    identity_access_record(user=staff, nominee_ids=[elsewhere.pk], context="api.nominees.list")

    page = text(as_user(organiser).get(reverse("data-protection:access-log")))

    assert "3 reads" in page
    assert "caseworker" in page and "API: list of young people" in page and "Nomination page" in page
    assert "Zeb" in page and zeb.nominations.get().reference in page  # announce name (first name) and reference
    assert "Quillfeather" not in page  # never the legal name
    assert f"Record {elsewhere.pk}" not in page


def test_access_log_filters_by_user_reference_and_young_person(people, organiser, as_user):
    zeb, olwen = people
    staff = user_with_role(zeb.programme, Role.STAFF, "caseworker")
    identity_access_record(user=staff, nominee_ids=[olwen.pk, zeb.pk], context="api.nominees.list")
    client = as_user(organiser)
    url = reverse("data-protection:access-log")

    assert "2 reads found" in text(client.get(url, {"user": "caseworker"}))
    by_reference = text(client.get(url, {"reference": olwen.nominations.get().reference}))
    assert "2 reads found" in by_reference and f"Record {zeb.pk}" not in by_reference
    by_person = text(client.get(url, {"nominee": zeb.pk, "user": "organiser"}))
    assert "1 read found" in by_person


@pytest.mark.parametrize("reads", [1, 3])
def test_access_log_takes_a_fixed_number_of_queries(programme, organiser, as_user, reads, django_assert_num_queries):
    for _ in range(reads):
        nominee = NomineeFactory(programme=programme)
        NominationFactory(programme=programme, nominee=nominee)
        identity_access_record(user=organiser, nominee_ids=[nominee.pk], context="page.nomination")
    client = as_user(organiser)
    with django_assert_num_queries(8):
        response = client.get(reverse("data-protection:access-log"))
    assert f"{reads} read" in text(response)


# --- backup and restore ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_sqlite(tmp_path, capsys):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite round trip; the PostgreSQL one runs on PostgreSQL")
    nominee = NomineeFactory(legal_first_name="Zebedee")
    NominationFactory(programme=nominee.programme, nominee=nominee)
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        live = {t: cursor.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    path = tmp_path / "proud.sqlite3"

    call_command("backup_database", str(path))

    copy = sqlite3.connect(path)
    assert {t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables} == live
    copy.close()
    # Lose data, then restore it.
    Nomination.objects.all().delete()
    Nominee.objects.filter(pk=nominee.pk).update(legal_first_name="Changed")
    call_command("restore_database", str(path), "--no-input")
    with connection.cursor() as cursor:
        assert {t: cursor.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables} == live
    assert Nominee.objects.get(pk=nominee.pk).legal_first_name == "Zebedee"
    assert "Restored" in capsys.readouterr().out


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "not-a-backup"
    path.write_bytes(b"hello")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("restore_database", str(path), "--into", str(tmp_path / "scratch"), "--no-input")


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL round trip; runs when the tests run on PostgreSQL")
    import psycopg

    nominee = NomineeFactory(legal_first_name="Zebedee")
    NominationFactory(programme=nominee.programme, nominee=nominee, achievement="Zebedee rebuilt the bike shed.")
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        live = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            live[table] = cursor.fetchone()[0]
    path = tmp_path / "proud.dump"
    scratch = f"proud_restore_{uuid.uuid4().hex[:12]}"

    call_command("backup_database", str(path))
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        call_command("restore_database", str(path), "--into", scratch, "--no-input")
        settings_dict = connection.settings_dict
        with psycopg.connect(
            dbname=scratch, host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None,
            user=settings_dict["USER"] or None, password=settings_dict["PASSWORD"] or None,
        ) as restored:  # fmt: skip
            counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
            statement = restored.execute("SELECT achievement FROM nominations_nomination").fetchone()[0]
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    assert counts == live
    assert statement == "Zebedee rebuilt the bike shed."


def test_backup_refuses_to_overwrite(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "exists"
    path.write_text("keep me")
    with pytest.raises(CommandError):
        call_command("backup_database", str(path))
    assert path.read_text() == "keep me"
