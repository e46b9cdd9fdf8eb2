"""What the tests do on the two pages, said once: sign a demo user in, ask, wait for Bolt."""
from __future__ import annotations

from pathlib import Path
from typing import List

from playwright.sync_api import Page, expect

from support import content
from support.tokens import PASSWORD

DATA = Path(__file__).resolve().parents[2] / "data"


def answer(language: str, key: str) -> str:
    """The first paragraph of an FAQ answer (Rasa's REST channel sends paragraphs apart)."""
    return content.answer(language, key).split("\n\n")[0].strip()


def web_text(language: str, text_name: str, **values: str) -> str:
    """A text of the pages (data/responses/<lang>/web.yml), filled in."""
    from handoff.web.pages import load_web_texts

    return load_web_texts(DATA)[language][text_name].format(**values)


def hub_database(settings) -> str:
    """The URL of the hub's database of the site the tests run (tests/browser/conftest.py)."""
    return f"sqlite:///{Path(settings.state_dir).resolve()}/hub.sqlite3"


def shared_reply(settings, language: str, code: str) -> str:
    """The text of a shared reply as the hub keeps it."""
    from sqlalchemy import create_engine, select

    from handoff.store.replies import TABLE

    engine = create_engine(hub_database(settings))
    try:
        with engine.connect() as connection:
            return connection.execute(select(TABLE.c.text).where(
                TABLE.c.agent_id.is_(None), TABLE.c.language == language,
                TABLE.c.code == code)).scalar_one()
    finally:
        engine.dispose()


def claimed_chat(hub_url: str, context, ask: str, impact: str) -> tuple:
    """An English premier user asks for a person and answers the impact question with the
    button `impact` (P1-P4); Erika, online, claims the chat: (console, sidebar, id, chat)."""
    from actions.messages import render

    console = Console(context.new_page()).sign_in(hub_url, "erika", status="online")
    user = Sidebar(context.new_page()).open(hub_url, "en", "business-premier-admin-licensed")
    user.ask(ask)
    user.log.locator(".bolt-choice", has_text=render(f"impact_{impact}", "en")).last.click()
    expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    console.queue_entry(conversation_id).locator(".claim").click()
    expect(user.page.locator(".bolt")).to_have_attribute("data-owner", "agent")
    return console, user, conversation_id, console.chat(conversation_id)


class Sidebar:
    def __init__(self, page: Page):
        self.page = page
        self.log = page.locator(".bolt-log")

    def open(self, hub_url: str, language: str, user_id: str = "") -> "Sidebar":
        self.page.goto(f"{hub_url}/help/{language}")
        self.page.locator("#demo-user-select").select_option(user_id)
        if user_id:  # the page mounts the visitor's sidebar first, then the user's
            expect(self.page.locator('.bolt[data-conversation-id][data-signed-in="true"]')
                   ).to_be_visible()
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        expect(self.page.locator(".bolt[data-conversation-id]")).to_be_visible()

    def ask(self, text: str) -> None:
        self.page.locator(".bolt-input").fill(text)
        self.page.locator(".bolt-input").press("Enter")

    def bot_says(self, text: str) -> None:
        expect(self.log.locator(".bolt-from-bot .bolt-text", has_text=text).last).to_be_visible()

    def texts(self) -> List[str]:
        """Every message and notice shown, as "<seq> <text>"."""
        return self.log.locator(".bolt-msg").evaluate_all(
            "nodes => nodes.map(n => n.dataset.seq + ' '"
            " + n.querySelector('.bolt-text').textContent)")


class Console:
    def __init__(self, page: Page):
        self.page = page

    def sign_in(self, hub_url: str, name: str, status: str = "online") -> "Console":
        self.page.goto(f"{hub_url}/console")
        self.page.locator("#agent-login").fill(name)
        self.page.locator("#agent-password").fill(PASSWORD)
        self.page.locator("#sign-in button[type=submit]").click()
        expect(self.page.locator("#desk-view")).to_be_visible()
        self.page.locator("#status").select_option(status)
        return self

    def queue_entry(self, conversation_id: str):
        return self.page.locator(f'#queue .entry[data-conversation-id="{conversation_id}"]')

    def chat(self, conversation_id: str):
        return self.page.locator(f'.chat[data-conversation-id="{conversation_id}"]')

    def reply(self, conversation_id: str, text: str) -> None:
        box = self.chat(conversation_id).locator(".reply")
        box.fill(text)
        box.press("Enter")
