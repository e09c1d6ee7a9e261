"""The door scans a party's QR code with the phone's camera and checks the party in, with no
signal too: Chromium's fake camera plays a video of the QR code from the confirmation e-mail."""

import re
from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.sync_api import expect

from events.links import door_code_payload
from events.models import Guest, Invitation
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, Journey
from tests.browser.test_event_night import night_event  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def qr_video(text: str, path: Path, frames: int = 10) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of the QR code of `text`, still."""
    width, height = 640, 480
    code = segno.make_qr(text, error="m")
    picture = Path(str(path) + ".png")
    code.save(picture, kind="png", scale=9, border=4)
    qr = Image.open(picture).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr, ((width - qr.width) // 2, (height - qr.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@pytest.fixture
def camera_browser(tmp_path, night_event, playwright_session):  # noqa: F811
    invitation = Invitation.objects.filter(event=night_event).order_by("pk").first()
    video = qr_video(door_code_payload(invitation.door_code), tmp_path / "qr.y4m")
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield browser, invitation
    browser.close()


def test_the_door_scans_a_party_s_qr_code_and_checks_it_in_even_offline(camera_browser, live_server, request):
    browser, invitation = camera_browser
    volunteer = Journey(browser, live_server.url, f"{request.node.name}-door", PHONE)
    volunteer.context.grant_permissions(["camera"], origin=live_server.url)
    try:
        volunteer.login("door")
        page = volunteer.go(f"/event/{invitation.event_id}/door/")
        volunteer.check("door with a scanner")
        volunteer.context.set_offline(True)

        page.get_by_role("button", name="Scan a QR code").click()
        expect(page.locator("[data-scan-result]")).to_contain_text(re.compile(r"Party of 2, table \d+: .*2 still to arrive"), timeout=20_000)
        volunteer.shot("party found by its qr code")
        page.get_by_role("button", name="All of the party arrived").click()
        expect(page.locator("[data-scan-result]")).to_have_text("Party of 2 checked in.")
        volunteer.shot("party checked in offline")
        party = Guest.objects.filter(invitation=invitation)
        assert party.filter(checked_in_at__isnull=False).count() == 0  # queued on the phone

        volunteer.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_function(
            "() => !localStorage.length || Object.values(localStorage).every(v => !v.includes('\"guest\"'))", timeout=15_000
        )
        page.wait_for_timeout(500)
        assert party.filter(checked_in_at__isnull=False).count() == 2
        assert Guest.objects.filter(event_id=invitation.event_id, checked_in_at__isnull=False).count() == 2
        volunteer.console_errors.clear()  # the failed requests while offline are expected
        page.reload()
        volunteer.check("back online")
    finally:
        volunteer.close()
