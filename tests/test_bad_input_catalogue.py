"""The bad-input catalogue (issue 8, "hostile input"): every bad input the earlier issues named,
gathered in one table and sent through the public interface, the REST API under /api/v1/.

Each row of CASES arranges what it needs, then sends one request, and the test asserts that

1. the answer is the specific 4xx the case names (400, 403, 404, 409, 413, 415);
2. the JSON body names the problem: each of the case's words (a field name or a word of the
   rule, never just "invalid") appears in it;
3. nothing was written: every business table (apps awards, nominations, shortlisting, events;
   pure logs such as IdentityAccess reads left out, and the django-axes and throttle tables are
   not business tables) holds the same rows before and after, compared by row count and by
   content (so an update that leaves the count alone is caught too).

Where each case's deeper tests live (the catalogue only proves the refusal at the edge):

- Issue 2, nominations: tests/nominations/api/test_nominations.py (create, duplicate, transitions,
  roles), tests/nominations/test_services.py (eligibility rules, windows, text cleaning),
  tests/nominations/api/test_import_api.py and tests/nominations/test_import.py (import files),
  tests/test_fuzz.py (the schema fuzzed).
- Issue 3, shortlisting: tests/shortlisting/api/test_shortlisting_api.py and
  tests/shortlisting/test_services.py.
- Issue 4, invitations and RSVP: tests/events/api/test_rsvp_api.py,
  tests/events/api/test_invitations_api.py, tests/events/test_services.py.
- Issue 5, the event night: tests/night/api/test_night_api.py, tests/night/test_services.py.
- Oversized and mistyped request bodies: tests/test_security.py (config/security.py).

Good input is the counterpart: names in any script, right to left, with combining marks and
emoji are accepted and stored exactly as typed (test_good_unicode_is_accepted_and_kept_exactly).

An object out of the caller's reach (another member's assignment, a conflicted or ineligible
nomination, another panel's category, a guest that does not exist) is a 404 that names only the
kind of object ("No Assignment matches ..."), by design: it must not tell whether the object
exists. A refused link is one 404 for every reason (tampered, unknown, revoked, expired).

The door's answer to a second check-in of a guest already arrived is a 409 naming the first
arrival's time, counted once (not an idempotent 200): it is catalogued as a refusal.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import Any, Callable

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from awards.enums import Cohort, Role
from events.enums import InvitationStatus
from events.links import link_create
from events.models import Event, Guest, Invitation
from events.services import (
    GuestInput,
    RsvpAnswer,
    finalist_invitations_create,
    invitation_revoke,
    invitations_expire,
    rsvp_respond,
)
from night.services import guest_check_in, running_order_generate, tables_set
from nominations.enums import NominationStatus
from nominations.models import IdentityAccess, Nomination, Nominee
from shortlisting.enums import PanelRole, ShortlistState
from shortlisting.models import Assignment, Conflict, Shortlist
from shortlisting.selectors import coverage_gaps
from shortlisting.services import Decision, assignment_run, shortlist_confirm, shortlist_propose
from tests.conftest import client_for, user_with_role
from tests.factories import (
    CategoryFactory,
    CriterionFactory,
    EventFactory,
    NominationFactory,
    NomineeFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
)
from tests.worlds import cleared_nominee, confirmed_finalists

from .nominations.api.test_nominations import payload
from .nominations.test_import import HEADERS, csv_bytes
from .nominations.test_import import row as import_row

pytestmark = pytest.mark.django_db


# --- "nothing written": the business tables, compared whole ---------------------------------

BUSINESS_APPS = ("awards", "nominations", "shortlisting", "events")
# Pure logs: a refused request may well be read-logged, and that is no business write.
PURE_LOGS = {IdentityAccess}


def business_models() -> list:
    return [
        model
        for app in BUSINESS_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model not in PURE_LOGS
    ]


def business_snapshot() -> dict[str, tuple[int, str]]:
    """Each business table: its row count and a digest of every row (ordered by key)."""
    snapshot = {}
    for model in business_models():
        rows = list(model._default_manager.order_by("pk").values_list())
        snapshot[model._meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    return snapshot


def changed_tables(before: dict, after: dict) -> dict:
    return {table: (before[table], after[table]) for table in before if before[table] != after[table]}


# --- what a case sends ----------------------------------------------------------------------


@dataclass
class Send:
    """One request, built while arranging a case and sent after the snapshot is taken."""

    client: APIClient
    method: str
    url: str
    data: Any = None
    format: str | None = "json"
    content_type: str | None = None  # a raw body: sent as is, with this content type
    words: tuple[str, ...] = ()  # words known only once arranged (e.g. the first reference)

    def send(self):
        if self.content_type is not None:
            return self.client.generic(self.method, self.url, self.data, content_type=self.content_type)
        return getattr(self.client, self.method.lower())(self.url, self.data, format=self.format)


@dataclass
class Case:
    issue: str
    name: str
    status: int
    words: tuple[str, ...]
    deeper: str
    arrange: Callable[["World"], Send]
    xfail: str | None = None


CASES: list = []


def case(issue: str, name: str, status: int, *words: str, deeper: str, xfail: str | None = None):
    """Register the decorated arrangement as a row of the catalogue."""

    def register(arrange):
        row = Case(issue=issue, name=name, status=status, words=words, deeper=deeper, arrange=arrange, xfail=xfail)
        marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
        CASES.append(pytest.param(row, id=f"{issue}-{name}".replace(" ", "-"), marks=marks))
        return arrange

    return register


# --- the world the cases act on ---------------------------------------------------------------


class World:
    """The programme of the conftest fixtures; the panels, the invitations and the night are
    built only for the cases that need them (the event is one per programme)."""

    def __init__(self, settings, programme, category, organiser, staff):
        self.settings = settings
        self.programme = programme
        self.category = category  # "positive-choices": nominated into, and the night's first award
        self.organiser = organiser
        self.staff = staff

    @property
    def anonymous(self) -> APIClient:
        return APIClient()

    def as_organiser(self) -> APIClient:
        return client_for(self.organiser)

    @cached_property
    def panel(self):
        """Education (one finalist, Impact scored 0-5) with its panel: a chair and a member, each
        assigned both eligible nominations; a member added after assignment; and a second panel
        (Talent) with its own chair and member."""
        programme = self.programme
        education = CategoryFactory(programme=programme, name="Education", slug="education", max_finalists=1)
        impact = CriterionFactory(category=education, name="Impact", max_score=5)
        panel = PanelCategoryFactory(panel__programme=programme, category=education).panel
        chair = PanelMemberFactory(panel=panel, role=PanelRole.CHAIR, user__username="chair")
        member = PanelMemberFactory(panel=panel, user__username="member")
        first = NominationFactory(programme=programme, category=education, status=NominationStatus.ELIGIBLE)
        second = NominationFactory(programme=programme, category=education, status=NominationStatus.ELIGIBLE)
        assignment_run(panel=panel, actor=self.organiser)
        late = PanelMemberFactory(panel=panel, user__username="late-member")  # on the panel, assigned nothing
        talent = CategoryFactory(programme=programme, name="Talent", slug="talent")
        CriterionFactory(category=talent, name="Gift", max_score=5)
        other_panel = PanelCategoryFactory(panel__programme=programme, category=talent).panel
        other_chair = PanelMemberFactory(panel=other_panel, role=PanelRole.CHAIR, user__username="other-chair")
        other_member = PanelMemberFactory(panel=other_panel, user__username="other-member")
        in_talent = NominationFactory(programme=programme, category=talent, status=NominationStatus.ELIGIBLE)
        assignment_run(panel=other_panel, actor=self.organiser)

        return SimpleNamespace(
            education=education, impact=impact, panel=panel, chair=chair, member=member, first=first, second=second, late=late,
            talent=talent, other_panel=other_panel, other_chair=other_chair, other_member=other_member, in_talent=in_talent,
            mine=Assignment.objects.get(member=member, nomination=first),  # the member's, of `first`
        )

    @cached_property
    def rsvp(self):
        """The event; Rowan's finalist invitation sent (allowance 2, a live link), Sable's a draft
        the safeguarding gate holds back (no check, no consent)."""
        event = EventFactory(programme=self.programme)
        rowan = cleared_nominee(self.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
        sable = NomineeFactory(programme=self.programme, legal_first_name="Sable", legal_last_name="Quillfeather")
        confirmed_finalists(self.programme, self.category, [rowan, sable])
        finalist_invitations_create(event=event, actor=self.organiser)
        sent = Invitation.objects.get(nomination__nominee=rowan)
        sent.status = InvitationStatus.SENT
        sent.save()
        blocked = Invitation.objects.get(nomination__nominee=sable)
        assert (sent.guest_allowance, blocked.status) == (2, InvitationStatus.DRAFT)

        return SimpleNamespace(event=event, sent=sent, blocked=blocked, token=link_create(sent))

    @cached_property
    def night(self):
        """The event with two awards of two finalists each, every finalist accepted with guests
        (parties of 1, 2, 3 and 1), a running order, one accessible table of 10 (nobody seated
        yet), and the first finalist arrived."""
        event = EventFactory(programme=self.programme)
        second = CategoryFactory(programme=self.programme, name="Talent", slug="talent", display_order=5)
        confirmed_finalists(self.programme, self.category, [cleared_nominee(self.programme) for _ in range(2)])
        confirmed_finalists(self.programme, second, [cleared_nominee(self.programme) for _ in range(2)])
        finalist_invitations_create(event=event, actor=self.organiser)
        for number, invitation in enumerate(event.invitations.order_by("pk")):
            invitation.status = InvitationStatus.SENT
            invitation.save()
            party = [GuestInput(name="")] + [GuestInput(name=f"Guest {number}-{g}", relationship="family") for g in range(number % 3)]
            rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=tuple(party)))
        items = running_order_generate(event=event, actor=self.organiser)
        tables_set(event=event, actor=self.organiser, tables=[(1, 10, True)])
        arrived = Guest.objects.filter(event=event).order_by("pk").first()
        guest_check_in(guest=arrived, actor=self.organiser, at=timezone.now() - dt.timedelta(minutes=5))
        door = user_with_role(self.programme, Role.EVENT_STAFF, "door")

        return SimpleNamespace(event=Event.objects.get(pk=event.pk), items=items, arrived=arrived, door=door)


@pytest.fixture
def w(settings, programme, category, organiser, staff_user) -> World:
    return World(settings, programme, category, organiser, staff_user)


# --- issue 2: nominations -------------------------------------------------------------------

NOMINATE = "/api/v1/nominations/"
IMPORT = "/api/v1/nominations/import/"
TRANSITION_TESTS = "tests/nominations/api/test_nominations.py::test_organiser_transition_and_refusals"
CREATE_TESTS = "tests/nominations/api/test_nominations.py::test_create_bad_shape_names_the_field"
RULE_TESTS = "tests/nominations/test_services.py (eligibility), tests/nominations/api/test_nominations.py"
IMPORT_TESTS = "tests/nominations/api/test_import_api.py, tests/nominations/test_import.py"


def nomination_body(w: World, **overrides) -> dict:
    return payload(w.category, **overrides)


def nominate(w: World, **overrides) -> Send:
    return Send(w.anonymous, "POST", NOMINATE, nomination_body(w, **overrides))


def nominate_raw(w: World, **overrides) -> Send:
    """As raw JSON: a lone surrogate can only arrive escaped."""
    return Send(w.anonymous, "POST", NOMINATE, json.dumps(nomination_body(w, **overrides)), content_type="application/json")


@case("issue2", "closed nomination window", 400, "closed", deeper=RULE_TESTS)
def _(w):
    w.programme.nominations_open_at = timezone.now() - dt.timedelta(days=60)
    w.programme.nominations_close_at = timezone.now() - dt.timedelta(days=1)
    w.programme.save()
    return nominate(w)


@case("issue2", "unknown category", 400, "category", "has no category 'no-such-award'", deeper=RULE_TESTS)
def _(w):
    return nominate(w, category="no-such-award")


@case("issue2", "inactive category", 400, "category", "not taking nominations", deeper=RULE_TESTS)
def _(w):
    w.category.is_active = False
    w.category.save()
    return nominate(w)


@case("issue2", "age outside the category", 400, "date_of_birth", "aged up to 10", deeper=RULE_TESTS)
def _(w):
    w.category.max_age = 10
    w.category.save()
    return nominate(w)


@case("issue2", "cohort outside the category", 400, "cohort", "care leavers only", deeper=RULE_TESTS)
def _(w):
    w.category.cohort = Cohort.CARE_LEAVER
    w.category.save()
    return nominate(w)


@case("issue2", "missing required fields", 400, "achievement", "legal_first_name", "required", deeper=CREATE_TESTS)
def _(w):
    body = nomination_body(w)
    del body["achievement"]
    del body["nominee"]["legal_first_name"]
    return Send(w.anonymous, "POST", NOMINATE, body)


@case("issue2", "over-long field", 400, "achievement", "no more than 3000", deeper=CREATE_TESTS)
def _(w):
    return nominate(w, achievement="x" * 3001)


@case("issue2", "malformed e-mail", 400, "nominator_email", "valid email", deeper=CREATE_TESTS)
def _(w):
    return nominate(w, nominator_email="pat at example")


@case("issue2", "duplicate nomination", 409, "first_reference", "already", deeper="tests/nominations/api/test_nominations.py::test_create_duplicate_is_409_pointing_to_first")
def _(w):
    first = nominate(w).send()
    assert first.status_code == 201, first.content
    send = nominate(w, nominator_email="PAT@example.org")  # the same nominator, however typed
    send.words = (first.json()["reference"],)
    return send


@case("issue2", "transition the lifecycle does not allow", 409, "submitted", "cannot become winner", deeper=TRANSITION_TESTS)
def _(w):
    nomination = NominationFactory(programme=w.programme, category=w.category)
    return Send(w.as_organiser(), "POST", f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "winner"})


@case("issue2", "acting outside one's role", 403, "permission", deeper="tests/nominations/api/test_nominations.py::test_allocated_staff_cannot_transition, tests/test_access_matrix.py")
def _(w):
    # Allocated staff see the nomination of their young person, but only organisers move it on.
    nominee = NomineeFactory(programme=w.programme, allocated_worker=w.staff)
    nomination = NominationFactory(programme=w.programme, category=w.category, nominee=nominee)
    return Send(client_for(w.staff), "POST", f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible"})


@case("issue2", "import by someone who is not an organiser", 403, "Only organisers", "import", deeper=IMPORT_TESTS)
def _(w):
    return upload(w, csv_bytes([import_row()]), client=client_for(w.staff))


def upload(w: World, content: bytes, name="nominations.csv", client=None) -> Send:
    """An import that would write (dry_run false) were the file good."""
    body = {"file": SimpleUploadedFile(name, content), "programme": w.programme.slug, "dry_run": "false"}
    return Send(client or w.as_organiser(), "POST", IMPORT, body, format="multipart")


@case("issue2", "import file that is not a spreadsheet", 400, "not a spreadsheet", "form.pdf", deeper=IMPORT_TESTS)
def _(w):
    return upload(w, b"%PDF-1.7\n" + b"0" * 200, name="form.pdf")


@case("issue2", "import file that only claims to be a workbook", 400, "not an Excel workbook", deeper=IMPORT_TESTS)
def _(w):
    return upload(w, b"\x89PNG\r\n\x1a\n" * 10, name="form.xlsx")


@case("issue2", "import with missing columns", 400, "no column for", "Nominator email", "What did they achieve", deeper=IMPORT_TESTS)
def _(w):
    return upload(w, b"Category,Nominator name\npositive-choices,Pat\n")


@case("issue2", "import with wrong types", 400, "Date of birth", "not a date", "Known in last 12 months", deeper=IMPORT_TESTS)
def _(w):
    good = import_row(**{"Young person's first name": "Amara"})
    bad = import_row(**{"Date of birth": "31/02/2012", "Known in last 12 months": "perhaps"})
    return upload(w, csv_bytes([good, bad]))


@case("issue2", "import file too large", 413, "larger than 1 KB", "split", deeper=IMPORT_TESTS)
def _(w):
    w.settings.PROUD_IMPORT_MAX_BYTES = 1024
    return upload(w, csv_bytes([import_row(**{"Why does it matter": "Because. " * 200})]))


@case("issue2", "import zip bomb", 413, "expands to", deeper=IMPORT_TESTS)
def _(w):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (16 * 1024 * 1024))
    return upload(w, out.getvalue(), name="bomb.xlsx")


@case("issue2", "import row with a lone surrogate", 400, "Nominator name", "unpaired surrogate", deeper=IMPORT_TESTS)
def _(w):
    row = import_row(**{"Nominator name": "Pat \ud83d Carer"})
    out = io.StringIO(newline="")
    csv.writer(out).writerows([HEADERS, [row[h] for h in HEADERS]])
    content = out.getvalue().encode("utf-8", "surrogatepass")  # as a careless exporter writes it
    return upload(w, content)


@case("issue2", "control character in text", 400, "nominator_name", "control character", deeper=CREATE_TESTS)
def _(w):
    return nominate_raw(w, nominator_name="Pat\x00Carer")


@case("issue2", "control character in a long text", 400, "achievement", "control character", deeper=CREATE_TESTS)
def _(w):
    return nominate_raw(w, achievement="Started a club.\x1b[31m")


@case("issue2", "lone surrogate in text", 400, "nominator_name", "unpaired surrogate", deeper=CREATE_TESTS)
def _(w):
    return nominate_raw(w, nominator_name="Pat\ud800")


@case("issue2", "lone surrogate in the young person's name", 400, "legal_last_name", "unpaired surrogate", deeper=CREATE_TESTS)
def _(w):
    body = nomination_body(w)
    body["nominee"]["legal_last_name"] = "Bren\udc00nan"
    return Send(w.anonymous, "POST", NOMINATE, json.dumps(body), content_type="application/json")


# --- issue 3: shortlisting ------------------------------------------------------------------

SHORTLIST_TESTS = "tests/shortlisting/api/test_shortlisting_api.py, tests/shortlisting/test_services.py"


def review(client, assignment, scores, submit=False) -> Send:
    return Send(client, "POST", f"/api/v1/assignments/{assignment.pk}/review/", {"scores": scores, "submit": submit})


@case("issue3", "score outside the criterion's range", 400, "scores", "Impact", "from 0 to 5", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return review(client_for(p.member.user), p.mine, {str(p.impact.pk): 9})


@case("issue3", "negative score", 400, "scores", "from 0 to 5", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return review(client_for(p.member.user), p.mine, {str(p.impact.pk): -1})


@case("issue3", "score for an unknown criterion", 400, "scores", "Unknown criteria", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return review(client_for(p.member.user), p.mine, {"999999": 3})


@case("issue3", "score for another category's criterion", 400, "scores", "Unknown criteria", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return review(client_for(p.member.user), p.mine, {str(p.talent.criteria.get().pk): 3})


@case("issue3", "scoring a nomination not assigned", 404, "Assignment", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return review(client_for(p.late.user), p.mine, {str(p.impact.pk): 3})


@case("issue3", "scoring a conflicted nomination", 404, "Assignment", deeper="tests/shortlisting/api/test_shortlisting_api.py::test_conflicted_and_foreign_assignments_are_404")
def _(w):
    p = w.panel
    Conflict.objects.create(member=p.member, nominee=p.first.nominee, source="declared", reason="Knows them")
    return review(client_for(p.member.user), p.mine, {str(p.impact.pk): 3})


@case("issue3", "scoring an ineligible nomination", 404, "Assignment", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    Nomination.objects.filter(pk=p.first.pk).update(status=NominationStatus.INELIGIBLE)
    return review(client_for(p.member.user), p.mine, {str(p.impact.pk): 3})


@case("issue3", "scoring after the shortlist is confirmed", 409, "confirmed", "can no longer change", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    Shortlist.objects.create(category=p.education, panel=p.panel, state=ShortlistState.CONFIRMED)
    return review(client_for(p.member.user), p.mine, {str(p.impact.pk): 3})


@case("issue3", "member of another panel scoring", 404, "Assignment", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return review(client_for(p.other_member.user), p.mine, {str(p.impact.pk): 3})


@case("issue3", "chair of another panel proposing", 404, "Category", deeper="tests/shortlisting/api/test_shortlisting_api.py::test_ranking_and_shortlist_by_role")
def _(w):
    p = w.panel
    return Send(client_for(p.other_chair.user), "POST", f"/api/v1/shortlists/{p.education.pk}/propose/", {"nominations": [p.first.pk]})


@case("issue3", "chair proposing more finalists than allowed", 400, "nominations", "at most 1 finalists", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return Send(client_for(p.chair.user), "POST", f"/api/v1/shortlists/{p.education.pk}/propose/", {"nominations": [p.first.pk, p.second.pk]})


@case("issue3", "chair proposing a nomination outside the category", 400, "nominations", "not in Education", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    return Send(client_for(p.chair.user), "POST", f"/api/v1/shortlists/{p.education.pk}/propose/", {"nominations": [p.in_talent.pk]})


@case("issue3", "chair confirming, which is the organiser's", 403, "permission", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    shortlist_propose(category=p.education, nominations=[p.first], actor=p.chair.user, despite_gaps=True)
    return Send(client_for(p.chair.user), "POST", f"/api/v1/shortlists/{p.education.pk}/confirm/")


@case("issue3", "confirming twice", 409, "already confirmed", deeper=SHORTLIST_TESTS)
def _(w):
    p = w.panel
    shortlist_propose(category=p.education, nominations=[p.first], actor=p.chair.user, despite_gaps=True)
    gaps = coverage_gaps(p.education.panel_link.panel, p.education)
    shortlist_confirm(category=p.education, actor=w.organiser, decisions={g.nomination.pk: (Decision.HOLD, "") for g in gaps if g.nomination != p.first})
    return Send(w.as_organiser(), "POST", f"/api/v1/shortlists/{p.education.pk}/confirm/")


# --- issue 4: invitations and RSVP ----------------------------------------------------------

RSVP_TESTS = "tests/events/api/test_rsvp_api.py"
INVITATION_TESTS = "tests/events/api/test_invitations_api.py"
RESPOND = "/api/v1/rsvp/respond/"


def guest(name="", **values) -> dict:
    return {"name": name, **values}


def answer(w: World, token: str, party=None, attending=True) -> Send:
    return Send(w.anonymous, "POST", RESPOND, {"token": token, "attending": attending, "party": party or [guest()]})


@case("issue4", "tampered token", 404, "link", "not valid", deeper=RSVP_TESTS)
def _(w):
    token = w.rsvp.token
    return answer(w, token[:-1] + ("A" if token[-1] != "A" else "B"))


@case("issue4", "unknown token", 404, "link", "not valid", deeper=RSVP_TESTS)
def _(w):
    return answer(w, w.rsvp.token[::-1])


@case("issue4", "revoked token", 404, "link", "not valid", deeper=RSVP_TESTS)
def _(w):
    invitation_revoke(invitation=w.rsvp.sent, actor=w.organiser, reason="Moved away")
    return answer(w, w.rsvp.token)


@case("issue4", "expired token", 404, "link", "not valid", deeper=RSVP_TESTS)
def _(w):
    Event.objects.filter(pk=w.rsvp.event.pk).update(rsvp_deadline=timezone.now() - dt.timedelta(hours=1))
    assert invitations_expire() == 1
    return answer(w, w.rsvp.token)


@case("issue4", "more guests than allowed", 400, "guests", "up to 2 guests; you named 3", deeper=RSVP_TESTS)
def _(w):
    return answer(w, w.rsvp.token, [guest(), guest("Ann"), guest("Bo"), guest("Cy")])


@case("issue4", "answer after the deadline", 409, "Answers closed on", deeper=RSVP_TESTS)
def _(w):
    Event.objects.filter(pk=w.rsvp.event.pk).update(rsvp_deadline=timezone.now() - dt.timedelta(minutes=5))
    return answer(w, w.rsvp.token)


@case("issue4", "sending an invitation the safeguarding gate blocks", 409, "cannot be sent", "reasons", "safeguarding check", "consent", deeper=INVITATION_TESTS)
def _(w):
    return Send(w.as_organiser(), "POST", f"/api/v1/invitations/{w.rsvp.blocked.pk}/send/")


@case("issue4", "missing guest name", 400, "guests[1].name", "enter their name", deeper=RSVP_TESTS)
def _(w):
    return answer(w, w.rsvp.token, [guest(), guest("  ", relationship="carer")])


@case("issue4", "over-long free text", 400, "dietary_other", "no more than 500 characters", deeper=RSVP_TESTS)
def _(w):
    return answer(w, w.rsvp.token, [guest(dietary_other="y" * 501)])


@case("issue4", "over-long guest name", 400, "name", "no more than 150 characters", deeper=RSVP_TESTS)
def _(w):
    return answer(w, w.rsvp.token, [guest(), guest("x" * 151)])


@case("issue4", "over-long approved quote", 400, "quote", "no more than 600 characters", deeper=INVITATION_TESTS)
def _(w):
    return Send(w.as_organiser(), "POST", f"/api/v1/invitations/{w.rsvp.sent.pk}/approve-quote/", {"quote": "x" * 601})


# --- issue 5: the event night ---------------------------------------------------------------

NIGHT_TESTS = "tests/night/api/test_night_api.py, tests/night/test_services.py"


@case("issue5", "seating more guests than the tables hold", 400, "tables", "cannot be seated", "nothing was changed", deeper=NIGHT_TESTS)
def _(w):
    n = w.night
    # The room shrinks to one table of two: the party of three cannot sit together.
    tables_set(event=n.event, actor=w.organiser, tables=[(1, 2, True)])
    return Send(w.as_organiser(), "POST", f"/api/v1/events/{n.event.pk}/seating/")


@case("issue5", "running-order item for a category with no finalists", 400, "category", "has no finalists", deeper=NIGHT_TESTS)
def _(w):
    n = w.night
    empty = CategoryFactory(programme=w.programme, name="Team Effort", slug="team-effort")
    body = {"event": n.event.pk, "kind": "award", "title": "Team", "category": empty.pk}
    return Send(w.as_organiser(), "POST", "/api/v1/running-order-items/", body)


@case("issue5", "running order with a duplicate position", 400, "items", "appears twice", deeper=NIGHT_TESTS)
def _(w):
    ids = [item.pk for item in w.night.items]
    return Send(w.as_organiser(), "POST", f"/api/v1/events/{w.night.event.pk}/running-order/reorder/", {"items": [ids[0], *ids[:-1]]})


@case("issue5", "running-order position out of range", 400, "position", "between 1 and", deeper=NIGHT_TESTS)
def _(w):
    body = {"event": w.night.event.pk, "kind": "speech", "title": "Far", "position": 99}
    return Send(w.as_organiser(), "POST", "/api/v1/running-order-items/", body)


@case("issue5", "duplicate table numbers", 400, "tables", "Each table number can appear once", deeper=NIGHT_TESTS)
def _(w):
    tables = [{"number": 5, "capacity": 4}, {"number": 5, "capacity": 6}]
    return Send(w.as_organiser(), "PUT", f"/api/v1/events/{w.night.event.pk}/tables/", {"tables": tables})


@case("issue5", "check-in of an unknown guest", 404, "Guest", deeper="tests/night/api/test_night_api.py::test_foreign_and_missing_objects_get_the_same_answer")
def _(w):
    return Send(client_for(w.night.door), "POST", "/api/v1/guests/999999/check-in/")


@case("issue5", "check-in of an already-arrived guest", 409, "already arrived", deeper="tests/night/api/test_night_api.py::test_a_second_check_in_is_409_and_counts_once")
def _(w):
    return Send(client_for(w.night.door), "POST", f"/api/v1/guests/{w.night.arrived.pk}/check-in/")


# --- any endpoint: the request itself -------------------------------------------------------

SECURITY_TESTS = "tests/test_security.py"


@case("request", "oversized body", 413, "too large", "the limit is 5.0 MB", deeper=SECURITY_TESTS)
def _(w):
    # Just over the configured limit (DATA_UPLOAD_MAX_MEMORY_SIZE): refused before it is parsed.
    assert w.settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    return nominate_raw(w, achievement="A long and true story. " * (5 * 1024 * 1024 // 23 + 1))


@case("request", "body that is not JSON", 415, "Unsupported media type", "text/plain", deeper=SECURITY_TESTS)
def _(w):
    return Send(w.anonymous, "POST", NOMINATE, "programme=proud&category=positive-choices", content_type="text/plain")


# --- issue 16: input that broke the parser or the database ------------------------------------

DEEP_JSON = "[" * 1000 + "]" * 1000  # about 2 KB


@case("issue16", "JSON nested 1,000 deep", 400, "JSON", "nested more than", deeper=SECURITY_TESTS)
def _(w):
    return Send(w.anonymous, "POST", NOMINATE, DEEP_JSON, content_type="application/json")


@case("issue16", "NUL in a URL slug", 400, "NUL control character", "address", deeper=SECURITY_TESTS)
def _(w):
    return Send(w.anonymous, "GET", "/api/v1/programmes/a%00b/")


@case("issue16", "NUL in a query parameter", 400, "NUL control character", "search", deeper=SECURITY_TESTS)
def _(w):
    return Send(w.as_organiser(), "GET", "/api/v1/nominations/?search=a%00b")


@case("issue16", "NUL in a JSON string", 400, "NUL control character", "programme", deeper=SECURITY_TESTS)
def _(w):
    body = {"programme": "a\u0000b", "name": "Kindness", "slug": "kindness"}
    return Send(w.as_organiser(), "POST", "/api/v1/categories/", json.dumps(body), content_type="application/json")


@case("issue16", "NUL in a JSON key", 400, "NUL control character", deeper=SECURITY_TESTS)
def _(w):
    return Send(w.anonymous, "POST", NOMINATE, json.dumps({"programme\u0000": w.programme.slug}), content_type="application/json")


@case("issue16", "check-in at a time not on the night", 400, "at", "is not on the night", "within a day of the event", deeper=NIGHT_TESTS)
def _(w):
    waiting = Guest.objects.filter(event=w.night.event, checked_in_at__isnull=True).order_by("pk").first()
    return Send(client_for(w.night.door), "POST", f"/api/v1/guests/{waiting.pk}/check-in/", {"at": "0273-08-17T06:39:37Z"})


# --- the catalogue, run ---------------------------------------------------------------------


def body_text(response) -> str:
    """The whole JSON body as text, keys included: a field named in a key names the problem."""
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response["Content-Type"])
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize("row", CASES)
def test_bad_input_is_refused_naming_the_problem_and_writes_nothing(row: Case, w):
    send = row.arrange(w)
    before = business_snapshot()

    response = send.send()

    text = body_text(response)
    where = f"{row.issue} {row.name!r} (deeper tests: {row.deeper})"
    assert response.status_code == row.status, f"{where}: answered {response.status_code} {text[:600]}"
    missing = [word for word in (*row.words, *send.words) if word.lower() not in text.lower()]
    assert not missing, f"{where}: the answer does not name {missing}: {text[:600]}"
    changed = changed_tables(before, business_snapshot())
    assert not changed, f"{where}: written although refused: {changed}"


def test_the_snapshot_sees_an_update_that_keeps_the_row_count(w):
    """Condition 3 has teeth: a check-in that is let through changes one guest's row, not the
    number of rows, and the snapshot sees it."""
    n = w.night
    waiting = Guest.objects.filter(event=n.event, checked_in_at__isnull=True).order_by("pk").first()
    before = business_snapshot()

    response = client_for(n.door).post(f"/api/v1/guests/{waiting.pk}/check-in/")

    assert response.status_code == 200
    changed = changed_tables(before, business_snapshot())
    assert list(changed) == ["events_guest"]
    (count_before, _), (count_after, _) = changed["events_guest"]
    assert count_before == count_after


def test_the_catalogue_covers_every_issue():
    issues = {param.values[0].issue for param in CASES}
    assert issues == {"issue2", "issue3", "issue4", "issue5", "issue16", "request"}
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids))


# --- the counterpart: good input kept exactly -----------------------------------------------


def test_good_unicode_is_accepted_and_kept_exactly(w):
    """Non-Latin script, right to left, combining marks and emoji are good input: accepted, and
    stored and shown back exactly as typed (no normalisation, no stripping)."""
    w.category.cohort = Cohort.ANY
    w.category.save()
    first = "Zoe\u0308\u0301 \U0001F308"  # a combining diaeresis and acute, and an emoji
    last = "\u05d0\u05d1\u05e8\u05d4\u05dd"  # Hebrew, right to left
    nominator = "\u0644\u064a\u0644\u0649 \u0645\u062d\u0645\u062f"  # Arabic
    achievement = "Led the \u9f8d\u821e (dragon dance) \U0001F409 \u2014 \u0930\u093e\u0917 too."
    body = nomination_body(w, nominator_name=nominator, achievement=achievement)
    body["nominee"] = {**body["nominee"], "legal_first_name": first, "legal_last_name": last, "cohort": "care_leaver"}
    before = business_snapshot()

    response = w.anonymous.post(NOMINATE, body, format="json")

    assert response.status_code == 201, response.content
    nomination = Nomination.objects.get(reference=response.json()["reference"])
    assert (nomination.nominee.legal_first_name, nomination.nominee.legal_last_name) == (first, last)
    assert (nomination.nominator_name, nomination.achievement) == (nominator, achievement)
    shown = client_for(w.organiser).get(f"/api/v1/nominations/{nomination.pk}/").json()
    assert (shown["nominee"]["legal_first_name"], shown["nominee"]["legal_last_name"]) == (first, last)
    assert shown["achievement"] == achievement
    counts = {table: count for table, (count, _) in business_snapshot().items()}
    assert counts["nominations_nomination"] == before["nominations_nomination"][0] + 1
    assert counts["nominations_nominee"] == before["nominations_nominee"][0] + 1
    assert Nominee.objects.filter(legal_first_name=first).count() == 1
