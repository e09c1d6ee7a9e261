"""Journeys in a real browser: Debian's headless Chromium driven by Playwright, against the app
served by pytest-django's live server, with axe-core checking every page and a screenshot of
every step saved under test-artifacts/screenshots/ for a person to look at."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Page, sync_playwright  # noqa: E402

CHROMIUM = os.environ.get("PROUD_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
# What fails the run: axe's serious and critical findings, on WCAG 2.x A/AA and best practice rules.
FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright per test process: a second sync_playwright() in the same process fails
    ("Sync API inside the asyncio loop"), so a test that needs its own browser launches it here."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"No Chromium at {CHROMIUM}: run scripts/ensure-chromium or set PROUD_CHROMIUM.")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


class Journey:
    """One person's visit: a browser context of a given size, screenshots of each step, and an
    accessibility check of each page reached."""

    def __init__(self, browser, base_url: str, name: str, viewport: dict):
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London")
        self.context.set_default_timeout(15_000)
        self.page: Page = self.context.new_page()
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.step = 0
        self.checked: list[str] = []
        # What the browser complains about: policy violations, script errors, failed loads.
        self.console_errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message) -> None:
        # A form page answering 400 (its errors shown) is the document itself, not a broken resource.
        if message.type != "error" or (
            message.text.startswith("Failed to load resource") and message.location.get("url") == self.page.url
        ):
            return
        self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def go(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, label: str) -> Path:
        self.step += 1
        path = self.folder / f"{self.step:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self, label: str) -> None:
        """Screenshot the page and fail on any serious or critical accessibility violation."""
        self.shot(label)
        results = AXE.run(self.page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
        failing = [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]
        errors, self.console_errors[:] = list(self.console_errors), []
        assert not errors, f"{label} ({self.page.url}): the browser reported {errors}"
        self.checked.append(self.page.url)
        assert not failing, f"{label} ({self.page.url}): " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in failing
        )

    def login(self, username: str, password: str = "correct horse battery") -> None:
        self.go("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name=re.compile("Sign in", re.I)).click()

    def close(self):
        self.context.close()


@pytest.fixture
def journey(browser, live_server, request):
    """Make journeys: journey("carer", phone=True)."""
    made = []

    def make(who: str, *, phone: bool = False) -> Journey:
        name = f"{request.node.name}-{who}"
        made.append(Journey(browser, live_server.url, name, PHONE if phone else LAPTOP))
        return made[-1]

    yield make
    for one in made:
        one.close()
