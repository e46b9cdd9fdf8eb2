"""Headless Debian chromium driven by Playwright, against Bolt's real servers.

The browser is `/usr/bin/chromium` (the set-up installs it; never `playwright install`), started
with the flags of a closed network and a fresh profile. Screenshots go to
results/screenshots/ (gitignored); docs/screenshots/ keeps a copy of the final ones.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from bolt.articles.demo import import_demo
from bolt.articles.importing import import_source
from bolt.articles.store import open_engine
from bolt.processes import bolt_services
from bolt.core.settings import Settings
from handoff.services.agents import add_agent, open_repository
from support.live_bolt import serving, settings_on_free_ports
from support.tokens import PASSWORD

CHROMIUM = os.environ.get("BOLT_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / "results" / "screenshots"
# Every wait for the page to show something; the bot's first answer can take a while.
WAIT_MS = 30_000
TEST_HELP_CENTER = REPOSITORY / "tests" / "data" / "help_center" / "export"
TEST_HELP_CENTER_ORIGIN = "https://help.tasklane.example"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Per module: Playwright's sync API keeps an event loop running in this thread while it is open,
# and the tests that follow (asyncio.run) need it closed.
@pytest.fixture(scope="module")
def chromium() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as playwright:
        # launch() gives every browser a fresh temporary profile of its own.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def bolt_site(trained_model, repository, tmp_path_factory) -> Iterator[Settings]:
    """Rasa, the action server and the hub, started as `bolt run` starts them, with the agents
    the tests sign in as; demo mode on, asked for, so that the demo page offers its demo users."""
    state = tmp_path_factory.mktemp("state")
    settings = settings_on_free_ports(repository, BOLT_STATE_DIR=str(state), BOLT_DEMO="true")
    # The article store as `bolt run` fills it in demo mode, and the test help center beside it.
    articles = open_engine(f"sqlite:///{state.resolve()}/articles.sqlite3")
    import_demo(articles)
    import_source(articles, TEST_HELP_CENTER, "tasklane")
    articles.dispose()
    hub = open_repository(f"sqlite:///{state.resolve()}/hub.sqlite3")
    add_agent(hub, "erika", ["de", "en"], 3, PASSWORD, display_name="Erika")
    add_agent(hub, "kenji", ["ja"], 3, PASSWORD, display_name="Kenji")
    # A supervisor who reads the reports; never online, so offered no chat.
    add_agent(hub, "sam", ["en"], 3, PASSWORD, display_name="Sam", supervisor=True)
    services = bolt_services(settings, trained_model)
    # The test help center's pages are the help center's own: their article links open.
    services[-1].env["BOLT_HELP_CENTER_ORIGINS"] = TEST_HELP_CENTER_ORIGIN
    with serving(services, repository, timeout=240):
        yield settings


@pytest.fixture()
def context(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(WAIT_MS)
    refused = watch_content_security_policy(context)
    try:
        yield context
    finally:
        context.close()
    assert not refused, f"the pages' Content-Security-Policy refused: {refused}"


def watch_content_security_policy(context) -> list:
    """What the hub's Content-Security-Policy refused on the context's pages (chromium says so
    on the page's console): the pages run only /static scripts, so it should be nothing."""
    refused: list = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    context.on("page", lambda page: page.on("console", on_console))
    return refused


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def keep_for_docs(path: Path) -> None:
    """The README links docs/screenshots/; BOLT_UPDATE_SCREENSHOTS=1 refreshes that copy."""
    if os.environ.get("BOLT_UPDATE_SCREENSHOTS") == "1":
        docs = REPOSITORY / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, docs / path.name)
