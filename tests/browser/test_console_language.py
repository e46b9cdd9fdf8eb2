"""The console in the agent's language: a Japanese agent's browser gets every console text in
Japanese, from sign-in to a claimed chat. Real trained Bolt, real hub, headless chromium."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from actions.messages import render
from tests.browser.conftest import screenshot, watch_content_security_policy
from tests.browser.pages import Console, Sidebar, shared_reply, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]


def japanese(text_name: str) -> str:
    """A Japanese text as written, its placeholders not filled in."""
    from handoff.web.pages import load_web_texts
    from tests.browser.pages import DATA

    return load_web_texts(DATA)["ja"][text_name]


def english_only_words(language: str) -> list:
    """The words of the console's English texts that the other language's texts do not use."""
    from handoff.web.pages import load_web_texts
    from tests.browser.pages import DATA

    texts = load_web_texts(DATA)
    words = set()
    for key, english in texts["en"].items():
        if key.startswith("console_") and english != texts[language][key]:
            words |= {w for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", " ", english))}
    return sorted(words - {"Bolt"})


def test_a_japanese_agent_sees_the_console_in_japanese(bolt_site, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    refused = watch_content_security_policy(context)
    try:
        page = context.new_page()
        page.goto(f"{bolt_site.hub_url}/console")
        expect(page.locator("#sign-in h2")).to_have_text(web_text("ja", "console_sign_in"))
        expect(page.get_by_label(web_text("ja", "console_password"))).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "ja"
        expect(page).to_have_title(web_text("ja", "console_title"))

        console = Console(page).sign_in(bolt_site.hub_url, "kenji", status="online")
        expect(page.locator("#queue-title")).to_contain_text(web_text("ja", "console_queue"))
        expect(page.locator("#status option[value=online]")).to_have_text(
            web_text("ja", "console_status_online"))
        user = Sidebar(context.new_page()).open(bolt_site.hub_url, "ja",
                                                "business-premier-admin-licensed")
        user.ask("担当者と話したい")
        user.log.locator(".bolt-choice", has_text=render("impact_P3", "ja")).last.click()
        expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
        conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
        entry = console.queue_entry(conversation_id)
        expect(entry.locator(".deadline")).to_contain_text(
            web_text("ja", "console_first_response_in", time=""))
        expect(entry.locator(".claim")).to_have_text(web_text("ja", "console_claim"))
        entry.locator(".claim").click()

        chat = console.chat(conversation_id)
        expect(chat.locator(".account-card h3")).to_have_text(web_text("ja", "console_account"))
        expect(chat.locator(".resolve")).to_have_text(web_text("ja", "console_resolve"))
        expect(chat.locator(".bolt-answer option").first).to_have_text(
            japanese("console_bolt_answer_choose").format(language="ja"))
        # A shared reply inserted by its code, in the chat's language: Japanese here too.
        box = chat.locator(".reply")
        box.press_sequentially("/gree")
        expect(chat.locator('.suggestion[data-code="greeting"] .kind')).to_have_text(
            web_text("ja", "console_reply_kind_shared"))
        box.press("Enter")
        expect(box).to_have_value(shared_reply(bolt_site, "ja", "greeting"))
        box.fill("")
        user.page.locator(".bolt-input").press_sequentially("もしもし")
        expect(chat.locator(".typing")).to_have_text(web_text("ja", "console_user_typing"))
        user.ask("もしもし、聞こえますか")
        expect(chat.locator(".line.user .text", has_text="聞こえますか")).to_be_visible()
        expect(chat.locator(".line.user .who").last).to_contain_text(
            web_text("ja", "console_speaker_user"))

        # The console's own words: what customers wrote (this chat, their earlier conversations
        # in the history, which other tests held in English) is theirs, and what is marked as
        # written in another language (each language's name in itself, to choose it by) is not
        # Japanese by design.
        shown = page.evaluate("""() => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll(".text, .summary, .snippet").forEach((node) => node.remove());
            copy.querySelectorAll("[lang]").forEach((node) => {
                if (node.lang !== document.documentElement.lang) node.remove();
            });
            return copy.innerText;
        }""")
        left = [w for w in english_only_words("ja") if re.search(rf"\b{w}\b", shown)]
        assert left == [], f"English console words on the Japanese console: {left}"
        screenshot(page, "console-ja")

        chat.locator(".resolve").click()
        expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()
        assert not refused, refused
    finally:
        context.close()
