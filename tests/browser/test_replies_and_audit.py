"""Shared replies and the audit log in the console: a supervisor adds a shared reply that another
agent, in a chat, inserts by its code without reloading; the supervisor finds that, and the
agent's claim, in the audit log, filtered; an agent who is not a supervisor has no audit log; a
German supervisor reads it in German; the replies a browser kept by itself move to the hub as the
agent's own. Real trained Bolt, real hub,
headless chromium."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from handoff.services.agents import add_agent, open_repository
from support.tokens import PASSWORD
from tests.browser.conftest import screenshot, watch_content_security_policy
from tests.browser.pages import Console, claimed_chat, hub_database, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]

OUTAGE = "We know of an outage in Europe and are fixing it: status.example.com"
KEPT = "bolt-console:canned:erika:de"


@pytest.fixture(scope="module")
def supervisor(bolt_site) -> str:
    repository = open_repository(hub_database(bolt_site))
    try:
        add_agent(repository, "sven", ["de", "en"], 3, PASSWORD, display_name="Sven",
                  supervisor=True)
    finally:
        repository.close()
        repository.engine.dispose()
    return "sven"


def test_a_supervisors_shared_reply_reaches_another_agent_and_the_audit_log(bolt_site, context,
                                                                           supervisor):
    console, user, conversation_id, chat = claimed_chat(
        bolt_site.hub_url, context, "I need to speak to a person", "P3")
    box = chat.locator(".reply")
    box.press_sequentially("/outa")
    expect(chat.locator(".no-suggestion")).to_have_text(web_text("en", "console_no_suggestion"))
    box.fill("")

    boss = Console(context.new_page()).sign_in(bolt_site.hub_url, supervisor, status="away")
    boss.page.locator(".nav-replies").click()
    view = boss.page.locator("#replies-view")
    view.locator("#replies-language").select_option("en")
    form = view.locator(".reply-form")
    form.locator(".reply-code").fill("outage")
    form.locator(".reply-text").fill(OUTAGE)
    form.locator(".reply-shared").check()
    form.locator(".reply-submit").click()
    expect(view.locator('.reply-item.shared[data-code="outage"] .text')).to_have_text(OUTAGE)
    screenshot(boss.page, "console-replies")

    # Erika's console, open all along, learned of it at once.
    box.press_sequentially("/outa")
    expect(chat.locator('.suggestion[data-code="outage"] .kind')).to_have_text(
        web_text("en", "console_reply_kind_shared"))
    screenshot(console.page, "console-reply-by-code")
    box.press("Enter")
    expect(box).to_have_value(OUTAGE)
    box.press("Enter")
    expect(user.log.locator(".bolt-from-agent .bolt-text").last).to_have_text(OUTAGE)

    boss.page.locator(".nav-audit").click()
    audit = boss.page.locator("#audit-view")
    added = audit.locator('.audit-entry[data-action="reply.created"]', has_text="outage")
    expect(added).to_have_count(1)
    expect(added.locator(".actor")).to_have_text(supervisor)
    expect(added.locator(".action")).to_have_text(
        web_text("en", "console_audit_action_reply_created"))
    expect(added.locator(".details")).to_contain_text("code: outage")
    screenshot(boss.page, "console-audit-log")

    audit.locator(".audit-actor").fill("erika")
    audit.locator(".audit-action").select_option("chat.claimed")
    audit.locator(".audit-apply").click()
    claimed = audit.locator(".audit-entry", has_text=conversation_id)
    expect(claimed).to_have_count(1)
    expect(audit.locator(".audit-entry:not([data-action='chat.claimed'])")).to_have_count(0)
    expect(claimed.locator(".action")).to_have_text(
        web_text("en", "console_audit_action_chat_claimed"))

    audit.locator(".audit-since").fill((date.today() + timedelta(days=2)).isoformat())
    audit.locator(".audit-apply").click()
    expect(audit.locator(".audit-entry")).to_have_count(0)
    expect(audit.locator(".empty")).to_have_text(web_text("en", "console_audit_empty"))
    chat.locator(".resolve").click()
    expect(user.log.locator('[data-kind="resolved"]')).to_be_visible()


def test_an_agent_who_is_not_a_supervisor_has_no_audit_log(bolt_site, context):
    console = Console(context.new_page()).sign_in(bolt_site.hub_url, "erika", status="away")
    page = console.page
    expect(page.locator(".nav-replies")).to_be_visible()
    expect(page.locator(".nav-audit")).to_have_count(0)
    # Asked for anyway: the console draws no such view, and the hub refuses the frame.
    page.evaluate("""() => {
        const state = window.BoltConsole.state;
        state.view = "audit";
        state.socket.send(JSON.stringify({type: "audit"}));
    }""")
    expect(page.locator("#connection")).to_contain_text("only supervisors")
    expect(page.locator("#audit-view")).to_have_count(0)


def test_replies_a_browser_kept_move_to_the_hub(bolt_site, context):
    page = context.new_page()
    page.goto(f"{bolt_site.hub_url}/console")
    page.evaluate("key => localStorage.setItem(key, JSON.stringify(['Kept in this browser.']))",
                  KEPT)
    Console(page).sign_in(bolt_site.hub_url, "erika", status="away")
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=KEPT)
    page.locator(".nav-replies").click()
    page.locator("#replies-language").select_option("de")
    kept = page.locator(".reply-item.mine", has_text="Kept in this browser.")
    expect(kept).to_have_count(1)
    page.reload()  # signed in again with the session: nothing moves twice
    expect(page.locator("#desk-view")).to_be_visible()
    page.locator(".nav-replies").click()
    page.locator("#replies-language").select_option("de")
    expect(kept).to_have_count(1)
    kept.locator(".reply-delete").click()
    expect(kept).to_have_count(0)


def test_a_german_supervisor_reads_the_audit_log_in_german(bolt_site, chromium, supervisor):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    refused = watch_content_security_policy(context)
    try:
        page = context.new_page()
        Console(page).sign_in(bolt_site.hub_url, supervisor, status="away")
        page.locator(".nav-audit").click()
        audit = page.locator("#audit-view")
        expect(audit.locator("h2")).to_have_text(web_text("de", "console_audit_title"))
        started = audit.locator('.audit-entry[data-action="settings.changed"]').first
        expect(started.locator(".action")).to_have_text(
            web_text("de", "console_audit_action_settings_changed"))
        expect(audit.locator(".audit-action option").first).to_have_text(
            web_text("de", "console_audit_any_action"))
        expect(audit.locator(".audit-older")).to_have_text(web_text("de", "console_audit_older"))
        assert not refused, refused
    finally:
        context.close()
