"""The rating of an agent's chat (CSAT) in the sidebar, in German and in Japanese, by keyboard
alone, and the reports a supervisor reads in the console: the rating in them per agent, every
rate with its denominator, the chart drawn as SVG, the CSV exported; an agent who is not a
supervisor has no reports tab. Headless chromium against the real trained Bolt and the hub."""
from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from actions.messages import render
from handoff.rules.report_figures import CONVERSATION_COLUMNS
from tests.browser.conftest import screenshot
from tests.browser.pages import Console, Sidebar, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]

ASK_FOR_A_PERSON = {"de": "Ich möchte mit einem Menschen sprechen", "ja": "担当者と話したい"}
COMMENT = {"de": "Schnell und freundlich", "ja": "とても丁寧でした"}


def rated_chat(hub: str, context, language: str, agent: str, score: int) -> str:
    """A premier user hands over to `agent`, who answers and resolves; the user rates `score`
    with the keyboard only. The conversation's id."""
    console = Console(context.new_page()).sign_in(hub, agent, status="online")
    user = Sidebar(context.new_page()).open(hub, language, "business-premier-admin-licensed")
    user.ask(ASK_FOR_A_PERSON[language])
    user.log.locator(".bolt-choice", has_text=render("impact_P3", language)).last.click()
    expect(user.log.locator('[data-kind="queued"]')).to_be_visible()
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    console.queue_entry(conversation_id).locator(".claim").click()
    console.reply(conversation_id, "OK")
    expect(user.log.locator(".bolt-from-agent .bolt-text")).to_have_text("OK")
    console.chat(conversation_id).locator(".resolve").click()

    form = user.log.locator(".bolt-csat")
    expect(form.locator(".bolt-csat-question")).to_have_text(
        web_text(language, "web_csat_question"))
    expect(form.locator(".bolt-csat-meaning").nth(4)).to_have_text(
        web_text(language, "web_csat_score_5"))
    expect(form.locator(".bolt-csat-comment-label")).to_contain_text(
        web_text(language, "web_csat_comment"))
    # Keyboard only: the first score takes the focus, arrows move the choice, Tab to the comment
    # and to the button, Enter sends.
    form.locator("input[type=radio]").first.focus()
    user.page.keyboard.press("Space")
    for _ in range(score - 1):
        user.page.keyboard.press("ArrowRight")
    user.page.keyboard.press("Tab")
    user.page.keyboard.type(COMMENT[language])
    user.page.keyboard.press("Tab")
    expect(form.locator(".bolt-csat-send")).to_be_focused()
    expect(form.locator(".bolt-csat-send")).to_have_text(web_text(language, "web_csat_send"))
    screenshot(user.page, f"sidebar-csat-{language}")
    user.page.keyboard.press("Enter")
    expect(form.locator(".bolt-csat-thanks")).to_have_text(
        web_text(language, "web_csat_thanks", score=str(score)))
    expect(form).to_have_attribute("data-answered", str(score))

    # Once per conversation: after a reload the rating shows as given, and nothing asks again.
    user.page.reload()
    user.wait_ready()
    expect(user.log.locator(".bolt-csat")).to_have_count(1)
    expect(user.log.locator(".bolt-csat")).to_have_attribute("data-answered", str(score))
    user.page.close()
    console.page.close()
    return conversation_id


def test_users_rate_a_chat_in_their_language_and_a_supervisor_reads_the_reports(bolt_site,
                                                                                context):
    hub = bolt_site.hub_url
    german = rated_chat(hub, context, "de", "erika", 4)
    japanese = rated_chat(hub, context, "ja", "kenji", 2)

    erika = Console(context.new_page()).sign_in(hub, "erika", status="away")
    expect(erika.page.locator(".nav-audit")).to_have_count(0)
    expect(erika.page.locator(".nav-reports")).to_have_count(0)
    erika.page.close()

    console = Console(context.new_page()).sign_in(hub, "sam", status="away")
    page = console.page
    page.locator(".nav-reports").click()
    view = page.locator("#reports-view")
    expect(view.locator("#reports-title")).to_have_text(web_text("en", "console_reports_title"))
    by_agent = view.locator(".report-by-agent")
    expect(by_agent.locator('tr[data-key="erika"] .csat-average')).to_contain_text(
        web_text("en", "console_reports_csat_average", score="4"))
    expect(by_agent.locator('tr[data-key="kenji"] .csat-average')).to_contain_text(
        web_text("en", "console_reports_csat_average", score="2"))
    satisfied = view.locator('.report-people tr[data-figure="csat_satisfied"] .rate')
    expect(satisfied.locator(".denominator")).to_contain_text(
        web_text("en", "console_reports_of_csat_responses"))
    contained = view.locator('.report-bot tr[data-figure="contained"] .denominator')
    expect(contained).to_contain_text(web_text("en", "console_reports_of_conversations"))
    bars = view.locator(".report-chart-svg g.day")
    expect(bars.first).to_be_visible()
    assert page.locator("script[src^='http']").count() == 0
    for value in view.locator("td.rate").evaluate_all(
            "cells => cells.map(c => c.dataset.value).filter(v => v !== '')"):
        assert 0 <= float(value) <= 1
    screenshot(page, "console-reports")

    with page.expect_download() as download:
        view.locator(".report-csv-conversations").click()
    text = open(download.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(next(csv.reader(io.StringIO(text)))) == CONVERSATION_COLUMNS
    scores = {row["conversation_id"]: row["csat_score"] for row in rows}
    assert (scores[german], scores[japanese]) == ("4", "2")
    assert COMMENT["de"] not in text and COMMENT["ja"] not in text
