"""Supervisors and languages in the console: an agent chooses Japanese and keeps it after a
reload and on another browser; a supervisor watches a chat from the board without the user
knowing, whispers to its agent (never shown to the user, nor after the user's reload) and takes
it over; an offered chat that nobody accepts goes to another agent and the board flags the first.
Real trained Bolt, real hub, headless chromium."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from actions.messages import render
from handoff.services.agents import add_agent, open_repository
from support.tokens import PASSWORD
from tests.browser.conftest import screenshot, watch_content_security_policy
from tests.browser.pages import Console, Sidebar, claimed_chat, hub_database, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]

WHISPER = "Offer her the Premier trial before anything else"
# The hub's default BOLT_HUB_OFFER_SECONDS, which the site runs with.
OFFER_MS = 30_000


@pytest.fixture(scope="module")
def team(bolt_site) -> None:
    """A Japanese agent with English too, and two Italian agents, beside the site's supervisor
    `sam` (tests/browser/conftest.py)."""
    repository = open_repository(hub_database(bolt_site))
    try:
        add_agent(repository, "hana", ["ja", "en"], 3, PASSWORD, display_name="Hana")
        add_agent(repository, "luca", ["it"], 2, PASSWORD, display_name="Luca")
        add_agent(repository, "gina", ["it"], 2, PASSWORD, display_name="Gina")
    finally:
        repository.close()
        repository.engine.dispose()


def new_context(chromium, locale: str = "en-US"):
    return chromium.new_context(viewport={"width": 1280, "height": 900}, locale=locale)


def test_an_agent_chooses_japanese_and_keeps_it(bolt_site, chromium, team):
    context = new_context(chromium)
    refused = watch_content_security_policy(context)
    try:
        console = Console(context.new_page()).sign_in(bolt_site.hub_url, "hana", status="away")
        page = console.page
        expect(page.locator("#queue-title")).to_contain_text(web_text("en", "console_queue"))
        page.locator("#console-language").select_option("ja")
        expect(page.locator("#queue-title")).to_contain_text(web_text("ja", "console_queue"))
        expect(page.locator("#status option[value=away]")).to_have_text(
            web_text("ja", "console_status_away"))
        assert page.locator("html").get_attribute("lang") == "ja"

        page.reload()
        expect(page.locator("#desk-view")).to_be_visible()
        expect(page.locator("#queue-title")).to_contain_text(web_text("ja", "console_queue"))
        expect(page.locator("#console-language")).to_have_value("ja")
        expect(page).to_have_title(web_text("ja", "console_title"))
    finally:
        context.close()
    assert not refused, refused

    # Another browser, in English, knows nothing of it: the hub does, from the sign-in on.
    context = new_context(chromium)
    try:
        page = context.new_page()
        page.goto(f"{bolt_site.hub_url}/console")
        expect(page.locator("#sign-in h2")).to_have_text(web_text("en", "console_sign_in"))
        # Online: a chat is handed off only while an agent of its language is.
        Console(page).sign_in(bolt_site.hub_url, "hana", status="online")
        expect(page.locator("#queue-title")).to_contain_text(web_text("ja", "console_queue"))
        # A Japanese chat's times in Japanese: its first-response countdown counts in 時間, 分.
        user = Sidebar(context.new_page()).open(bolt_site.hub_url, "ja",
                                                "business-premier-admin-licensed")
        user.ask("担当者と話したい")
        user.log.locator(".bolt-choice", has_text=render("impact_P3", "ja")).last.click()
        expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
        conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
        deadline = page.locator(f'#queue .entry[data-conversation-id="{conversation_id}"] .deadline')
        expect(deadline).to_contain_text(re.compile(r"\d+\s*(時間|分|秒)"))
        screenshot(page, "console-ja-chosen")
        user.page.locator('.bolt-action[data-action="leave_queue"]').click()
        expect(user.page.locator(".bolt")).to_have_attribute("data-owner", "bot")
    finally:
        context.close()


def test_a_supervisor_watches_whispers_and_takes_over(bolt_site, context, team):
    console, user, conversation_id, chat = claimed_chat(
        bolt_site.hub_url, context, "I need to speak to a person", "P3")
    console.reply(conversation_id, "Hello, Erika here. What happened?")
    expect(user.log.locator(".bolt-from-agent .bolt-text").last).to_have_text(
        "Hello, Erika here. What happened?")
    before = user.texts()

    boss = Console(context.new_page()).sign_in(bolt_site.hub_url, "sam", status="away")
    boss.page.locator(".nav-board").click()
    row = boss.page.locator(f'.board-chat[data-conversation-id="{conversation_id}"]')
    expect(row.locator(".owner")).to_have_text("Erika")
    expect(boss.page.locator('.board-agent[data-agent="erika"] .load')).to_contain_text("1")
    screenshot(boss.page, "console-board")
    row.locator(".watch").click()
    watched = boss.chat(conversation_id)
    expect(watched.locator(".watching-notice")).to_have_text(web_text("en", "console_watching"))
    expect(watched.locator(".line.agent .text", has_text="Erika here")).to_be_visible()
    expect(watched.locator(".reply")).to_have_count(0)
    # Joining told the user nothing.
    expect(user.log.locator(".bolt-msg")).to_have_count(len(before))

    user.ask("My meetings drop after ten minutes")
    expect(watched.locator(".line.user .text", has_text="ten minutes")).to_be_visible()
    watched.locator(".whisper-text").fill(WHISPER)
    watched.locator(".whisper-send").click()
    expect(chat.locator(".line.whisper .text")).to_have_text(WHISPER)
    expect(chat.locator(".line.whisper .who")).to_contain_text(
        web_text("en", "console_speaker_whisper_by", name="Sam"))
    expect(watched.locator(".line.whisper .text")).to_have_text(WHISPER)
    screenshot(console.page, "console-whisper")

    console.reply(conversation_id, "Would a Premier trial help?")
    expect(user.log.locator(".bolt-from-agent .bolt-text").last).to_have_text(
        "Would a Premier trial help?")
    assert WHISPER not in user.log.inner_text()
    user.page.reload()
    user.wait_ready()
    expect(user.log.locator(".bolt-from-agent .bolt-text").last).to_have_text(
        "Would a Premier trial help?")
    assert WHISPER not in user.log.inner_text()
    assert not [line for line in user.texts() if "Premier trial before" in line]

    watched.locator(".take-over").click()
    mine = boss.chat(conversation_id)
    expect(mine.locator(".reply")).to_be_visible()
    expect(mine.locator(".watching-notice")).to_have_count(0)
    expect(console.chat(conversation_id)).to_have_count(0)
    expect(user.page.locator(".bolt-status")).to_contain_text("Sam")
    boss.reply(conversation_id, "Sam here, I will set the trial up for you.")
    expect(user.log.locator(".bolt-from-agent .bolt-text").last).to_have_text(
        "Sam here, I will set the trial up for you.")
    assert WHISPER not in user.log.inner_text()

    boss.page.locator(".nav-audit").click()
    expect(boss.page.locator(".audit-view")).to_contain_text(
        web_text("en", "console_audit_action_chat_taken_over"))
    expect(boss.page.locator(".audit-view")).to_contain_text(
        web_text("en", "console_audit_action_chat_joined"))
    boss.page.locator(".nav-desk").click()
    mine.locator(".resolve").click()
    expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()


def test_an_offered_chat_nobody_accepts_goes_to_another_agent(bolt_site, context, team):
    luca = Console(context.new_page()).sign_in(bolt_site.hub_url, "luca", status="online")
    boss = Console(context.new_page()).sign_in(bolt_site.hub_url, "sam", status="away")
    boss.page.locator(".nav-board").click()
    user = Sidebar(context.new_page()).open(bolt_site.hub_url, "it",
                                            "business-premier-admin-licensed")
    user.ask("Vorrei parlare con un operatore")
    user.log.locator(".bolt-choice", has_text=render("impact_P3", "it")).last.click()
    expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    offer = luca.page.locator(f'.offer[data-conversation-id="{conversation_id}"]')
    expect(offer).to_be_visible()
    gina = Console(context.new_page()).sign_in(bolt_site.hub_url, "gina", status="online")

    # Luca lets the offer lapse: it goes to Gina, and the board flags him.
    expect(offer).to_have_count(0, timeout=OFFER_MS + 15_000)
    passed_on = gina.page.locator(f'.offer[data-conversation-id="{conversation_id}"]')
    expect(passed_on).to_be_visible(timeout=15_000)
    expect(boss.page.locator('.board-agent[data-agent="luca"] .flagged')).to_be_visible()
    screenshot(boss.page, "console-board-flagged")
    passed_on.locator(".accept").click()
    expect(user.page.locator(".bolt")).to_have_attribute("data-owner", "agent")
    expect(user.page.locator(".bolt-status")).to_contain_text("Gina")
    gina.chat(conversation_id).locator(".resolve").click()
    expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()
    expect(boss.page.locator('.board-agent[data-agent="luca"] .flagged')).to_be_visible()
