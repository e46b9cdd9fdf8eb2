""""Helpful / Not helpful" under Bolt's answers in the sidebar, in German and in Japanese: one
control per answer, used with the keyboard, its words in the page's language, the answer
changeable; the NLU's decision never reaches the user's socket; the editor finds the answer
rated "Not helpful" in the review page."""
from __future__ import annotations

from typing import List

import pytest
from playwright.sync_api import expect

from handoff.services.agents import add_agent, open_repository
from tests.browser.pages import Console, Sidebar, answer, hub_database, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]


def frames_received(page) -> List[str]:
    """Every frame the page's sockets receive, as sent."""
    received: List[str] = []
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda payload: received.append(
            payload if isinstance(payload, str) else payload.decode())))
    return received


@pytest.mark.parametrize("language,question,topic", [
    ("de", "Wie reiche ich ein Webticket beim Support ein?", "web_ticket"),
    ("ja", "サポートにウェブチケットを送るにはどうすればいいですか", "web_ticket"),
])
def test_feedback_under_an_answer_by_keyboard_changeable_and_in_the_pages_language(
        bolt_site, context, language, question, topic):
    page = context.new_page()
    received = frames_received(page)
    user = Sidebar(page).open(bolt_site.hub_url, language, "business-premier-admin-licensed")
    user.ask(question)
    user.bot_says(answer(language, topic).splitlines()[0])
    seq = user.log.locator(".bolt-from-bot").last.get_attribute("data-seq")
    message = user.log.locator(f'.bolt-from-bot[data-seq="{seq}"]')
    control = message.locator(".bolt-feedback")
    expect(control).to_have_count(1)
    # One control for the answer, however many messages it took.
    expect(user.log.locator(".bolt-feedback")).to_have_count(1)
    no = control.locator(".bolt-feedback-no")
    yes = control.locator(".bolt-feedback-yes")
    expect(no).to_have_text(web_text(language, "web_not_helpful"))
    expect(yes).to_have_text(web_text(language, "web_helpful"))
    expect(control).to_have_attribute("aria-label", web_text(language, "web_feedback_question"))

    no.focus()
    page.keyboard.press("Enter")
    expect(control).to_have_attribute("data-answered", "not_helpful")
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(control).to_contain_text(web_text(language, "web_feedback_thanks"))
    page.keyboard.press("Shift+Tab")  # back to "Helpful", then Space
    page.keyboard.press("Space")
    expect(control).to_have_attribute("data-answered", "helpful")
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(no).to_have_attribute("aria-pressed", "false")

    conversation_id = page.locator(".bolt").get_attribute("data-conversation-id")
    repository = open_repository(hub_database(bolt_site))
    ratings = [e.data for e in repository.events_after(conversation_id, 0, internal=False)
               if e.kind == "feedback"]
    assert ratings == [{"rating": "not_helpful", "about_seq": int(seq)},
                       {"rating": "helpful", "about_seq": int(seq)}]
    # What Bolt offered after "Not helpful" is not an answer to rate.
    expect(user.log.locator(".bolt-from-bot").last).not_to_have_attribute("data-seq", seq)
    expect(user.log.locator(".bolt-feedback")).to_have_count(1)
    decisions = [e.data["nlu"] for e in repository.events_after(conversation_id, 0, False)
                 if e.speaker == "bot" and e.data and "nlu" in e.data]
    assert decisions and decisions[0]["intent"] == "faq" and decisions[0]["faq"] == topic
    assert all('"nlu"' not in frame for frame in received), "the NLU's decision reached the user"

    # Rated not helpful again: the editor sees the question in the review page.
    no.click()
    expect(control).to_have_attribute("data-answered", "not_helpful")
    name = f"editor-{language}"
    if repository.agent_by_name(name) is None:
        from support.tokens import PASSWORD
        add_agent(repository, name, [language], 2, PASSWORD, editor=True)
    console = Console(context.new_page()).sign_in(bolt_site.hub_url, name, status="away")
    console.page.goto(f"{bolt_site.hub_url}/console#review?language={language}")
    question_line = console.page.locator(
        f'.review-question[data-conversation-id="{conversation_id}"]')
    expect(question_line).to_contain_text(question)
    group = console.page.locator(".review-group", has=question_line)
    expect(group.locator('[data-reason="not_helpful"]')).to_be_visible()
    question_line.locator(".review-open").click()
    expect(console.page.locator(".review-transcript")).to_contain_text(
        answer(language, topic).splitlines()[0])
