"""Every download (spreadsheets and JSON exports, pages and API alike) is sent `Cache-Control:
private, no-store` by the one helper that makes downloads (nominations.downloads). The access
matrix checks every download the API and the pages offer, as every role; this module checks that
no code makes a download any other way, and the subject-access downloads the matrix cannot reach."""

from pathlib import Path

import pytest
from django.test import Client

from data_protection.enums import RequesterRelationship
from data_protection.services import subject_access_request_create, subject_access_request_review
from nominations.downloads import NO_STORE
from tests.factories import NomineeFactory

ROOT = Path(__file__).resolve().parents[1]
APPS = ("mail", "awards", "nominations", "shortlisting", "events", "night", "dashboard", "data_protection", "demo", "config")
HELPER = "nominations/downloads.py"


def test_downloads_are_made_by_the_one_helper_only():
    makers = ("FileResponse(", '["Content-Disposition"]', "StreamingHttpResponse(")
    elsewhere = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path.relative_to(ROOT).as_posix() != HELPER
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if any(maker in line for maker in makers)
    ]
    assert elsewhere == []


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["json", "xlsx"])
def test_a_subject_access_download_is_never_kept_by_a_cache(programme, organiser, file_format):
    nominee = NomineeFactory(programme=programme)
    request = subject_access_request_create(
        nominee=nominee, actor=organiser, requester_name="A", requester_relationship=RequesterRelationship.YOUNG_PERSON
    )
    subject_access_request_review(request=request, actor=organiser)
    client = Client()
    client.force_login(organiser)

    response = client.get(f"/data-protection/requests/{request.pk}/export.{file_format}")
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the file

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == NO_STORE
