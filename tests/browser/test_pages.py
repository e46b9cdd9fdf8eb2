"""The sidebar refusing a free user, in Japanese and at phone width; a user's markup shown as
text in the console. Real trained Bolt, real hub, headless chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actions.messages import render
from bolt.core.content import load_answers
from support import content
from tests.browser.conftest import keep_for_docs, screenshot, watch_content_security_policy
from tests.browser.pages import DATA, Sidebar, answer, claimed_chat, shared_reply, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> **bold**'


def test_a_free_user_asking_for_a_person_is_told_why_politely(bolt_site, context):
    user = Sidebar(context.new_page()).open(bolt_site.hub_url, "en", "basic-access-owner-licensed")
    user.ask("I want to talk to a human agent")
    user.bot_says(render("refused_plan", "en", plan="Basic", account="Demo Basic Access"))
    expect(user.log.locator('[data-kind="queued"]')).to_have_count(0)
    expect(user.page.locator(".bolt")).to_have_attribute("data-owner", "bot")


def test_the_sidebar_in_japanese_and_at_phone_width(bolt_site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP",
                                   is_mobile=True, has_touch=True)
    try:
        user = Sidebar(context.new_page()).open(bolt_site.hub_url, "ja")
        page = user.page
        assert page.locator("html").get_attribute("lang") == "ja"
        expect(page.locator(".bolt-input")).to_have_attribute(
            "placeholder", web_text("ja", "web_placeholder"))
        expect(page.locator(".bolt-send")).to_have_text(web_text("ja", "web_send"))
        expect(page.locator(".bolt-log")).to_have_attribute("aria-live", "polite")
        expect(page.get_by_label(web_text("ja", "web_input_label"))).to_be_visible()
        expect(page.locator("#article h1")).to_have_text("Zoom サポート ガイドライン")
        user.ask("ウェブチケットはどうやって送信しますか?")
        user.bot_says(answer("ja", "web_ticket"))
        expect(user.log.locator(".bolt-from-user .bolt-speaker").first).to_have_text(
            web_text("ja", "web_speaker_user"))
        # A refusal is said in the page's language, not in the hub's English.
        page.evaluate("window.BoltSidebar.current.sendMessage('x'.repeat(4001), null)")
        expect(user.log.locator(".bolt-failed .bolt-error")).to_have_text(web_text(
            "ja", "web_not_sent", reason=web_text("ja", "web_refused_too_long")))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at phone width"
        page.evaluate("window.scrollTo(0, 0)")
        keep_for_docs(screenshot(page, "sidebar-ja-phone"))
    finally:
        context.close()


def test_markup_a_user_types_shows_as_text_in_the_console(bolt_site, context):
    console, user, conversation_id, chat = claimed_chat(
        bolt_site.hub_url, context, "I need to speak to a person", "P3")

    user.ask(XSS)
    line = chat.locator(".line.user .text", has_text="**bold**")
    expect(line).to_have_text(XSS)
    assert chat.locator(".transcript img, .transcript script").count() == 0
    assert console.page.evaluate("window.__xss") is None
    expect(user.log.locator(".bolt-from-user .bolt-text", has_text="**bold**")).to_have_text(XSS)
    assert user.page.evaluate("window.__xss") is None

    console.reply(conversation_id, "<b>not bold</b>")
    expect(user.log.locator(".bolt-from-agent .bolt-text")).to_have_text("<b>not bold</b>")
    chat.locator(".resolve").click()
    expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()


def test_both_pages_reconnect_after_a_drop_and_nothing_is_lost_or_doubled(bolt_site, context):
    console, user, conversation_id, chat = claimed_chat(
        bolt_site.hub_url, context, "I need to speak to a person", "P4")

    user.page.evaluate("BoltSidebar.current.socket.close()")
    console.reply(conversation_id, "Sent while your sidebar was away")
    agent_line = user.log.locator(".bolt-from-agent .bolt-text",
                                  has_text="Sent while your sidebar was away")
    expect(agent_line).to_have_count(1)
    expect(user.page.locator(".bolt-status")).not_to_contain_text(
        web_text("en", "web_reconnecting"))

    console.page.evaluate("BoltConsole.state.socket.close()")
    user.ask("Sent while the console was away")
    expect(chat.locator(".line.user .text", has_text="Sent while the console was away")
           ).to_have_count(1)
    expect(console.page.locator("#connection")).to_have_text("")
    seqs = chat.locator(".line[data-seq]").evaluate_all("ns => ns.map(n => n.dataset.seq)")
    assert len(seqs) == len(set(seqs))
    chat.locator(".resolve").click()
    expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()


def test_a_message_in_a_background_chat_shows_a_badge_and_the_count_in_the_title(
        bolt_site, context):
    console, first, first_id, first_chat = claimed_chat(
        bolt_site.hub_url, context, "I need to speak to a person", "P3")
    second = Sidebar(context.new_page()).open(bolt_site.hub_url, "en",
                                              "business-premier-admin-licensed")
    second.ask("I need to speak to a person")
    second.log.locator(".bolt-choice", has_text=render("impact_P2", "en")).last.click()
    second_id = second.page.locator(".bolt").get_attribute("data-conversation-id")
    console.queue_entry(second_id).locator(".claim").click()
    tabs = console.page.locator("#tabs [role=tab]")
    expect(tabs).to_have_count(2)
    expect(console.page.locator(f'#tabs [data-conversation-id="{second_id}"]')
           ).to_have_attribute("aria-selected", "true")

    first.ask("Are you still there?")
    background = console.page.locator(f'#tabs [data-conversation-id="{first_id}"] .unread')
    expect(background).to_have_text("1")
    expect(console.page).to_have_title("(1) Bolt agent console")
    console.page.locator(f'#tabs [data-conversation-id="{first_id}"]').click()
    expect(background).to_have_count(0)
    expect(console.page).to_have_title("Bolt agent console")
    expect(first_chat.locator(".line.user .text", has_text="Are you still there?")).to_be_visible()
    for chat_id in (first_id, second_id):
        console.page.locator(f'#tabs [data-conversation-id="{chat_id}"]').click()
        console.chat(chat_id).locator(".resolve").click()
    expect(tabs).to_have_count(0)


def test_notes_stay_internal_and_replies_come_in_the_chats_language(bolt_site, context):
    console, user, conversation_id, chat = claimed_chat(
        bolt_site.hub_url, context, "I need to speak to a person", "P3")
    chat.locator(".note-text").fill("Premier admin, checked the licence")
    chat.locator(".add-note").click()
    expect(chat.locator(".line.note .text")).to_have_text("Premier admin, checked the licence")

    # A shared reply by its code: Enter takes the chosen one, the next Enter sends it.
    greeting = shared_reply(bolt_site, "en", "greeting")
    box = chat.locator(".reply")
    box.press_sequentially("/greet")
    box.press("Enter")
    expect(box).to_have_value(greeting)
    box.press("Enter")
    expect(user.log.locator(".bolt-from-agent .bolt-text")).to_have_text(greeting)
    assert user.log.locator(".bolt-text", has_text="checked the licence").count() == 0

    # Bolt's own answer to a topic, in one step, by its title.
    title = load_answers(DATA).topic_titles("en")["web_ticket"]
    chat.locator(".bolt-answer").select_option(label=title)
    expect(box).to_have_value(content.answer("en", "web_ticket"))

    # What the agent wrote, kept as their own reply, is then found by its code.
    box.fill("Our status page is status.example.com.")
    chat.locator(".save-code").fill("status")
    chat.locator(".save-reply").click()
    expect(chat.locator(".save-said")).to_have_text(web_text("en", "console_reply_saved",
                                                             code="status"))
    box.fill("")
    box.press_sequentially("See /sta")
    expect(chat.locator('.suggestion[data-code="status"] .kind')).to_have_text(
        web_text("en", "console_reply_kind_mine"))
    box.press("Tab")
    expect(box).to_have_value("See Our status page is status.example.com.")
    box.fill("")
    chat.locator(".resolve").click()
    expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()


def test_the_pages_run_no_inline_script_a_page_was_given(bolt_site, chromium):
    context = chromium.new_context()
    refused = watch_content_security_policy(context)
    try:
        for path in ("/help/en", "/console"):
            page = context.new_page()
            page.goto(bolt_site.hub_url + path)
            with pytest.raises(Exception):
                page.add_script_tag(content="window.__inline = 1")
            assert page.evaluate("window.__inline") is None, path
        assert refused and all("script-src 'self'" in text for text in refused), refused
    finally:
        context.close()
