"""HTML and script typed into free-text fields stay text: on every page that shows them they are
escaped, and in the spreadsheets they are plain strings."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from awards.enums import Role
from events.models import Guest, Invitation
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, rsvp_respond
from night.exporters import CertificatesExporter, EventNightWorkbook
from night.services import running_order_generate
from nominations.enums import NominationStatus
from shortlisting.services import assignment_run
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    CriterionFactory,
    EventFactory,
    NominationFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
)
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW = re.compile(r"<script>alert|<img src=x onerror", re.I)


@pytest.fixture
def hostile(programme):
    organiser = user_with_role(programme, Role.ORGANISER, "organiser")
    door = user_with_role(programme, Role.EVENT_STAFF, "door")
    category = CategoryFactory(programme=programme, name=f"Award {PAYLOAD}", description=PAYLOAD)
    CriterionFactory(category=category, name=f"Impact {PAYLOAD}", guidance=PAYLOAD)
    panel = PanelCategoryFactory(panel__programme=programme, panel__name=f"Panel {PAYLOAD}", category=category).panel
    member = PanelMemberFactory(panel=panel, user__username="member").user
    nominee = cleared_nominee(programme, legal_first_name=f"Ann{PAYLOAD}", legal_last_name=PAYLOAD, preferred_name=PAYLOAD, area=PAYLOAD)
    (finalist,) = confirmed_finalists(programme, category, [nominee])
    for field in ("achievement", "why_it_matters", "anything_else", "nominator_name", "nominator_organisation"):
        setattr(finalist, field, PAYLOAD)
    finalist.save()
    reviewing = NominationFactory(
        programme=programme, category=category, status=NominationStatus.ELIGIBLE, achievement=PAYLOAD, why_it_matters=PAYLOAD,
        nominator_name=PAYLOAD,
    )
    assignment_run(panel=panel, actor=organiser)
    event = EventFactory(programme=programme, name=f"Night {PAYLOAD}", venue_name=PAYLOAD, access_information=PAYLOAD, dress_code=PAYLOAD)
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    Invitation.objects.filter(pk=invitation.pk).update(status="sent", addressee_name=PAYLOAD, quote=PAYLOAD)
    invitation.refresh_from_db()
    rsvp_respond(
        invitation=invitation,
        answer=RsvpAnswer(attending=True, party=(GuestInput(name="", dietary_other=PAYLOAD), GuestInput(name=PAYLOAD, relationship="carer", access_other=PAYLOAD, access_needs=("other",)))),
    )
    running_order_generate(event=event, actor=organiser)
    assignment = reviewing.assignments.get(member__user=member)
    return dict(programme=programme, organiser=organiser, door=door, member=member, event=event, finalist=finalist,
                invitation=invitation, assignment=assignment, category=category, panel=panel)


def pages(world) -> dict:
    event = world["event"].pk
    return {
        world["organiser"]: [
            "/", f"/organise/nominations/{world['finalist'].pk}/", "/organise/nominations/", "/dashboard/",
            f"/event/{event}/", f"/event/invitation/{world['invitation'].pk}/", f"/event/{event}/running-order/",
            f"/event/{event}/compere-script/", f"/event/{event}/tables/", f"/event/{event}/door/?q=x",
            f"/panel/shortlist/{world['category'].pk}/", f"/panel/manage/{world['panel'].pk}/",
        ],
        world["member"]: ["/panel/", f"/panel/score/{world['assignment'].pk}/"],
        world["door"]: [f"/event/{event}/door/", f"/event/{event}/running-order/"],
    }


def test_markup_typed_into_free_text_is_escaped_on_every_page(client, hostile):
    shown = 0
    for user, urls in pages(hostile).items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not RAW.search(html), url
            shown += "&lt;script&gt;alert" in html
    assert shown >= 8  # the payload is really on those pages, as text


def test_markup_in_spreadsheets_is_plain_text(hostile):
    for exporter in (EventNightWorkbook(hostile["event"]), CertificatesExporter(hostile["programme"])):
        workbook = load_workbook(BytesIO(exporter.export_to_bytes()))
        cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert any(PAYLOAD in str(c.value) for c in cells)


def test_markup_on_the_rsvp_page_is_escaped(client, hostile):
    from events.links import link_create

    token = link_create(hostile["invitation"])
    client.get(f"/rsvp/{token}/")
    html = client.get("/rsvp/").content.decode()
    assert not RAW.search(html)
    assert "&lt;script&gt;" in html
    assert Guest.objects.filter(name=PAYLOAD).exists()
