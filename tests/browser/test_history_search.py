"""An agent finds a customer's earlier conversation by a Japanese word and opens it: a Japanese
user asks Bolt about an invoice, later comes back in a new conversation and asks for a person;
Kenji (Japanese) searches for 紫色の請求書, sees the words marked in what the user wrote (markup the
user typed shown as text), opens the conversation in one click and reads it; once he takes the
chat, its card lists the same earlier conversation. Real trained Bolt, real hub, headless
chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actions.messages import render
from tests.browser.conftest import screenshot, watch_content_security_policy
from tests.browser.pages import Console, Sidebar, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]
USER = "business-premier-admin-licensed"
EARLIER = "紫色の<b>請求書</b>をダウンロードできません"


def test_an_agent_finds_an_earlier_conversation_by_a_japanese_word(bolt_site, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 1000}, locale="ja-JP")
    later_context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    refused = watch_content_security_policy(context)
    try:
        console = Console(context.new_page()).sign_in(bolt_site.hub_url, "kenji", status="online")
        page = console.page
        earlier = Sidebar(context.new_page()).open(bolt_site.hub_url, "ja", USER)
        earlier.ask(EARLIER)
        expect(earlier.log.locator(".bolt-from-bot").first).to_be_visible()
        earlier_id = earlier.page.locator(".bolt").get_attribute("data-conversation-id")

        # The same user, another day: a new conversation, waiting for a Japanese agent.
        user = Sidebar(later_context.new_page()).open(bolt_site.hub_url, "ja", USER)
        user.ask("担当者と話したい")
        user.log.locator(".bolt-choice", has_text=render("impact_P3", "ja")).last.click()
        expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
        waiting_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
        assert waiting_id != earlier_id

        page.bring_to_front()
        page.get_by_label(web_text("ja", "console_search_label")).fill("紫色の請求書")
        page.locator(".search-go").click()
        result = page.locator(f'.search-results .record[data-conversation-id="{earlier_id}"]')
        expect(result).to_be_visible()
        expect(result.locator(".snippet mark", has_text="請求書")).to_have_count(1)
        expect(result.locator(".snippet mark", has_text="紫色")).to_have_count(1)
        expect(result.locator(".snippet")).to_contain_text("<b>")  # as typed, not as markup
        assert result.locator(".snippet b").count() == 0
        screenshot(page, "console-search-ja")

        result.locator(".open-record").click()
        past = page.locator(f'.past[data-conversation-id="{earlier_id}"]')
        expect(past.locator(".line.user .text").first).to_have_text(EARLIER)
        expect(past.locator(".line.bot").first).to_be_visible()
        expect(past).to_contain_text(web_text("ja", "console_read_only"))
        assert past.locator("textarea").count() == 0
        past.locator(".close-past").click()
        expect(past).to_have_count(0)

        # Taken, the chat's card lists the customer's earlier conversation too.
        console.queue_entry(waiting_id).locator(".claim").click()
        history = console.chat(waiting_id).locator(".customer-history")
        expect(history.locator(f'.record[data-conversation-id="{earlier_id}"] .summary')
               ).to_have_text(EARLIER)
        history.locator(".open-record").first.click()
        expect(page.locator(f'.past[data-conversation-id="{earlier_id}"]')).to_be_visible()
        screenshot(page, "console-history-ja")
        console.chat(waiting_id).locator(".resolve").click()
        expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()
        assert not refused, refused
    finally:
        later_context.close()
        context.close()
