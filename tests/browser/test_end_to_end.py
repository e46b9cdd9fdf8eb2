"""Both pages at once in headless chromium, against the real trained Bolt and the real hub."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from actions.messages import render
from tests.browser.conftest import keep_for_docs, screenshot
from tests.browser.pages import Console, Sidebar, answer, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]


def test_a_german_user_gets_bolt_then_an_agent_then_bolt_again(bolt_site, context):
    hub = bolt_site.hub_url
    console = Console(context.new_page()).sign_in(hub, "erika", status="online")
    user = Sidebar(context.new_page()).open(hub, "de", "business-premier-admin-licensed")

    user.ask("Wie reiche ich ein Webticket beim Support ein?")
    user.bot_says(answer("de", "web_ticket"))

    user.ask("Ich möchte mit einem Menschen sprechen")
    impact = render("impact_P2", "de")
    user.log.locator(".bolt-choice", has_text=impact).last.click()
    expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    expect(user.page.locator(".bolt-status")).to_contain_text(
        web_text("de", "web_queue_position", position=1))

    entry = console.queue_entry(conversation_id)
    expect(entry.locator(".badge")).to_have_text("P2")
    expect(entry).to_contain_text("DE")
    # Four hours for a P2, counted down in the console's language (English here).
    expect(entry.locator(".deadline")).to_have_text(
        re.compile(r"^first response in 3 hr, \d{1,2} min$"))
    keep_for_docs(screenshot(console.page, "console-queue"))
    entry.locator(".claim").click()
    chat = console.chat(conversation_id)
    expect(chat.locator(".line.bot").first).to_be_visible()  # Bolt's part of the transcript
    expect(chat.locator(".account-card")).to_contain_text("premier")
    expect(user.page.locator(".bolt-status")).to_contain_text("Erika")

    console.chat(conversation_id).locator(".reply").press_sequentially("Hallo")
    expect(user.page.locator(".bolt-typing")).to_have_text(
        web_text("de", "web_typing", name="Erika"))
    console.reply(conversation_id, "Hallo, hier ist Erika. Was genau bricht ab?")
    expect(user.log.locator(".bolt-from-agent .bolt-text")).to_have_text(
        "Hallo, hier ist Erika. Was genau bricht ab?")
    expect(user.log.locator(".bolt-from-agent .bolt-speaker")).to_have_text("Erika")

    user.page.locator(".bolt-input").press_sequentially("Die Mee")
    expect(chat.locator(".typing")).to_have_text("The user is typing…")
    user.ask("Die Meetings brechen nach zehn Minuten ab.")
    expect(chat.locator(".line.user .text", has_text="zehn Minuten")).to_be_visible()
    screenshot(user.page, "sidebar-with-agent")
    keep_for_docs(screenshot(console.page, "console-chat"))

    before = user.texts()
    user.page.reload()
    user.wait_ready()
    expect(user.log.locator(".bolt-msg")).to_have_count(len(before))
    assert user.texts() == before, "the reload lost or doubled something"
    assert len(set(before)) == len(before)
    expect(user.page.locator(".bolt-status")).to_contain_text("Erika")
    user.ask("Noch da?")
    expect(chat.locator(".line.user .text", has_text="Noch da?")).to_have_count(1)

    chat.locator(".resolve").click()
    expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()
    expect(console.chat(conversation_id)).to_have_count(0)
    user.ask("Welche Support-Pläne gibt es?")
    user.bot_says(answer("de", "support_plans"))
    keep_for_docs(screenshot(user.page, "sidebar-de"))

