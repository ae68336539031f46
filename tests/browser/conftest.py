"""Real-browser fixtures: the app served on loopback, Debian's chromium driven by Playwright."""

import re
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from intranet.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# A form sent back with errors answers 4xx on purpose; the browser logs that as an error.
EXPECTED_CLIENT_ERROR = re.compile(r"status of 4\d\d")
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_overrides():
    return {"SERVER_NAME": None}


@pytest.fixture
def live_server(app):
    """The test's app served by a real HTTP server in a thread; yields its base URL."""
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class BrowserPage:
    """A Playwright page that fails the test on console errors (CSP included)."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.errors = page, base_url, []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.set_default_timeout(10_000)

    def _on_console(self, message):
        if message.type != "error" or EXPECTED_CLIENT_ERROR.search(message.text):
            return
        self.errors.append(f"{message.text} at {message.location.get('url')}")

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, email: str, password: str):
        self.goto("/login")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Heslo").fill(password)
        self.page.get_by_role("button", name="Přihlásit se").click()
        self.page.wait_for_url(self.base_url + "/")

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def main_nav(page):
    """The main navigation, its menu opened first where it is folded (a phone)."""
    nav = page.get_by_role("navigation", name="Hlavní nabídka")
    if not nav.is_visible():
        page.locator("summary", has_text="Nabídka").click()
    return nav


def assert_accessible(page) -> None:
    """No serious or critical axe-core violations on the current page."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in bad)


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


@pytest.fixture
def browse(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="cs-CZ")
    wrapped = BrowserPage(context.new_page(), live_server)
    yield wrapped
    context.close()
    assert wrapped.errors == [], wrapped.errors


def logged_in_page(browser, live_server: str, email: str, viewport: dict, password: str):
    """A new browser context, logged in as `email`, with a touch screen: (context, page,
    errors); the caller closes the context and asserts `errors == []`."""
    context = browser.new_context(viewport=viewport, locale="cs-CZ", has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Heslo").fill(password)
    page.get_by_role("button", name="Přihlásit se").click()
    page.wait_for_url(f"{live_server}/")
    return context, page, errors
