"""The help center's articles in both pages, in headless chromium against the real trained Bolt,
its action server and the hub, with the demo help center and the test help center imported (its
origin is the help center's own here): a question no FAQ answers gets article cards in the
sidebar, "not helpful" offers a person, the agent sees the cards and the feedback in the
transcript, searches the articles and sends one; and the link rule, asked directly."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actions.messages import render
from tests.browser.conftest import TEST_HELP_CENTER_ORIGIN, screenshot
from tests.browser.pages import Console, Sidebar, web_text
from tests.model.test_article_conversations import ASKED

pytestmark = [pytest.mark.model, pytest.mark.server]


def test_article_cards_not_helpful_then_an_agent_who_sends_an_article(bolt_site, context):
    hub = bolt_site.hub_url
    console = Console(context.new_page()).sign_in(hub, "erika", status="online")
    user = Sidebar(context.new_page()).open(hub, "en", "business-premier-admin-licensed")
    question, wanted = ASKED["en"]

    user.ask(question)
    message = user.log.locator(".bolt-from-bot", has=user.page.locator(".bolt-cards")).last
    expect(message.locator(".bolt-text")).to_have_text(render("abstain_articles", "en"))
    cards = message.locator(".bolt-card")
    expect(cards.first).to_be_visible()
    assert 1 <= cards.count() <= 3
    assert wanted.split("#")[0] in cards.evaluate_all("nodes => nodes.map(n => n.dataset.articleId)")
    link = cards.first.locator("a.bolt-card-link")
    assert link.get_attribute("href").startswith(TEST_HELP_CENTER_ORIGIN + "/")
    assert (link.get_attribute("target"), link.get_attribute("rel")) == ("_blank", "noopener")
    expect(cards.first.locator(".bolt-card-snippet")).not_to_be_empty()
    screenshot(user.page, "sidebar-article-cards")

    control = message.locator(".bolt-feedback")
    control.locator(".bolt-feedback-no").click()
    expect(control).to_have_attribute("data-answered", "not_helpful")
    expect(control.locator(".bolt-feedback-no")).to_have_attribute("aria-pressed", "true")
    # The answer can be changed: the other button stays on.
    expect(control.locator(".bolt-feedback-yes")).to_be_enabled()
    expect(control).to_contain_text(web_text("en", "web_feedback_thanks"))
    user.bot_says(render("abstain_person", "en"))
    # After a reload the message's one control shows the answer given.
    user.page.reload()
    user.wait_ready()
    message = user.log.locator(".bolt-from-bot", has=user.page.locator(".bolt-cards")).last
    control = message.locator(".bolt-feedback")
    expect(control).to_have_count(1)
    expect(control).to_have_attribute("data-answered", "not_helpful")

    user.log.locator(".bolt-choice", has_text=render("abstain_person_button", "en")).last.click()
    user.log.locator(".bolt-choice", has_text=render("impact_P3", "en")).last.click()
    expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    console.queue_entry(conversation_id).locator(".claim").click()
    chat = console.chat(conversation_id)
    suggested = chat.locator(".transcript .article-card")
    expect(suggested.first).to_be_visible()
    expect(chat.locator(".transcript")).to_contain_text("The user found this not helpful.")
    assert suggested.first.locator("a.article-title").get_attribute("rel") == "noopener"

    chat.locator(".article-query").fill("export my tasks to csv")
    chat.locator(".article-search-go").click()
    results = chat.locator(".article-results .article-card")
    expect(results.first).to_be_visible()
    title = results.first.locator(".article-title").text_content()
    results.first.locator(".send-article").click()
    sent = user.log.locator(".bolt-from-agent .bolt-card")
    expect(sent).to_have_count(1)
    expect(sent.locator(".bolt-card-title")).to_have_text(title)
    # An agent's article carries no feedback control: the control is for Bolt's answers.
    expect(user.log.locator(".bolt-from-agent .bolt-feedback")).to_have_count(0)
    screenshot(console.page, "console-article-sent")
    chat.locator(".resolve").click()


LINK_CASES = [
    ("https://help.example.com/hc/en/articles/1#x", "https://help.example.com/hc/en/articles/1#x"),
    ("https://help.example.com:443/a", "https://help.example.com/a"),
    ("http://help.example.com/a", None),          # another scheme: another origin
    ("https://help.example.com.evil.example/a", None),
    ("https://evil.example/?https://help.example.com", None),
    ("https://user:pw@help.example.com/a", None),
    ("javascript:alert(1)", None),
    ("data:text/html,<b>x</b>", None),
    ("/hc/en/articles/1", None),
    ("not a url", None),
]


def test_a_card_links_only_to_the_help_centers_own_origins(bolt_site, context):
    page = context.new_page()
    page.goto(f"{bolt_site.hub_url}/help/en")
    found = page.evaluate("""async (cases) => {
        const links = await import("/static/shared/links.js");
        const origins = ["https://help.example.com"];
        const nodes = cases.map(([url]) => links.linkNode(url, "Title", origins));
        return {
          hrefs: cases.map(([url]) => links.helpCenterLink(url, origins)),
          tags: nodes.map((n) => [n.tagName, n.target || null, n.rel || null, n.textContent]),
        };
    }""", [list(case) for case in LINK_CASES])
    assert found["hrefs"] == [expected for _, expected in LINK_CASES]
    for (url, expected), tag in zip(LINK_CASES, found["tags"]):
        if expected:
            assert tag == ["A", "_blank", "noopener", "Title"], url
        else:
            assert tag == ["SPAN", None, None, "Title"], url
