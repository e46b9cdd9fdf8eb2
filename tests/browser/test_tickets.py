"""A web ticket's life in the browsers: Bolt's user opens a ticket; an agent finds it in the
console's tickets, reads the conversation and answers; the user sees the answer in the sidebar
at once and when they come back signed in, answers there, and the agent sees the ticket open
again. Real trained Bolt, real hub, headless chromium."""
from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from bolt.core.secrets import load_secrets
from tests.browser.conftest import screenshot
from tests.browser.pages import Console, Sidebar, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]

USER = "business-premier-admin-licensed"
REPLY = "Bitte aktualisieren Sie die Zoom-App auf die neueste Version."
ANSWER = "Danke, nach dem Update geht es wieder."


def open_ticket(settings, conversation_id: str) -> str:
    """The ticket the action server would ask the hub for when no agent is online."""
    body = json.dumps({"conversation_id": conversation_id, "language": "de",
                       "reason": "no_agents", "summary": "Kein Ton in Meetings"}).encode()
    request = urllib.request.Request(
        settings.hub_url + "/api/tickets", data=body, method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": "Bearer " + load_secrets(settings.state_dir).service_token})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["ticket_id"]


def test_an_agent_answers_a_ticket_and_the_user_sees_it_in_the_sidebar(bolt_site, context):
    user = Sidebar(context.new_page()).open(bolt_site.hub_url, "de", USER)
    user.ask("Mein Ton fällt in Meetings immer wieder aus")
    expect(user.log.locator(".bolt-from-bot").last).to_be_visible()
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    ticket_id = open_ticket(bolt_site, conversation_id)
    expect(user.log.locator('[data-kind="ticket_opened"]')).to_contain_text(ticket_id)

    console = Console(context.new_page()).sign_in(bolt_site.hub_url, "erika", status="away")
    console.page.locator(".nav-tickets").click()
    view = console.page.locator("#tickets-view")
    view.locator(f'.ticket-entry[data-ticket-id="{ticket_id}"] .open-ticket').click()
    shown = view.locator(f'.ticket-shown[data-ticket-id="{ticket_id}"]')
    expect(shown.locator(".transcript")).to_contain_text("Mein Ton fällt in Meetings")
    shown.locator("#ticket-reply-text").fill(REPLY)
    shown.locator(".send-ticket-reply").click()
    expect(shown.locator(".ticket-thread .line.agent .text")).to_have_text(REPLY)
    expect(shown.locator(".ticket-status.pending")).to_be_visible()
    expect(view.locator(f'.ticket-entry.mine[data-ticket-id="{ticket_id}"]')).to_be_visible()
    screenshot(console.page, "console-ticket")

    # The sidebar that is open hears of it at once.
    ticket = user.page.locator(f'.bolt-ticket[data-ticket-id="{ticket_id}"]')
    expect(ticket.locator(".bolt-from-agent .bolt-text")).to_have_text(REPLY)
    user.page.close()

    # The user comes back later, signed in: the answer is there, and they answer it.
    back = Sidebar(context.new_page()).open(bolt_site.hub_url, "de", USER)
    ticket = back.page.locator(f'.bolt-ticket[data-ticket-id="{ticket_id}"]')
    expect(ticket.locator(".bolt-from-agent .bolt-text")).to_have_text(REPLY)
    expect(ticket.locator(".bolt-ticket-status")).to_have_text(
        web_text("de", "web_ticket_status_pending"))
    expect(ticket.locator(".bolt-ticket-mail")).to_have_text(
        web_text("de", "web_ticket_sidebar_only"))
    ticket.locator(".bolt-ticket-input").fill(ANSWER)
    ticket.locator(".bolt-ticket-send").click()
    expect(ticket.locator(".bolt-from-user .bolt-text")).to_have_text(ANSWER)
    expect(ticket.locator(".bolt-ticket-status")).to_have_text(
        web_text("de", "web_ticket_status_open"))
    screenshot(back.page, "sidebar-ticket-de")

    expect(shown.locator(".ticket-thread .line.user .text")).to_have_text(ANSWER)
    expect(shown.locator(".ticket-status.open")).to_be_visible()
